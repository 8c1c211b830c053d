"""The `serve` and `mcp` verbs of the command line."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING

from assistant.commands import _settings
from assistant.errors import MissingExtraError

if TYPE_CHECKING:
    from assistant.runtime import Runtime


def _runtime(args: argparse.Namespace) -> Runtime:
    from assistant.runtime import Runtime

    with contextlib.redirect_stdout(sys.stderr):  # stdout may be the MCP channel
        return Runtime(_settings(args))


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from assistant.reach.openai_api import create_app
    except ImportError as exc:
        raise MissingExtraError(f"The API ({exc.name})", 'pip install -e ".[serve]"') from exc
    runtime = _runtime(args)
    settings = runtime.settings
    app = create_app(runtime, settings.api_key)
    print(
        f"OpenAI-compatible API on http://{args.host}:{args.port}/v1 (model "
        f"'prague-process-assistant'){'; API key required' if settings.api_key else ''}",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    try:
        import anyio
        import uvicorn

        from assistant.reach.mcp_server import bearer_guard, create_server
    except ImportError as exc:
        raise MissingExtraError(
            f"The MCP server ({exc.name})", 'pip install -e ".[serve]"'
        ) from exc
    runtime = _runtime(args)
    server = create_server(runtime)
    if not args.http:
        anyio.run(server.run_stdio_async)
        return 0
    key = runtime.settings.api_key
    app = bearer_guard(server.streamable_http_app(host=args.host), key)
    print(f"MCP (streamable HTTP) on http://{args.host}:{args.port}/mcp", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
