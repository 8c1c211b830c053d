"""The `serve` and `mcp` verbs of the command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import TYPE_CHECKING

from assistant.commands import _filters, _settings
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
    from assistant.readers import load_readers

    settings = _settings(args)
    readers = load_readers(settings.access_file, settings.api_key)
    runtime = _runtime(args)
    app = create_app(runtime, settings.api_key, readers)
    access = (
        f"; {len(readers.tokens)} readers with access groups" if readers.tokens
        else "; API key required" if settings.api_key else ""
    )  # fmt: skip
    print(
        f"OpenAI-compatible API on http://{args.host}:{args.port}/v1 (model "
        f"'prague-process-assistant'){access}",
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
    from assistant.readers import load_readers

    settings = _settings(args)
    access = settings.access_file if args.http else ""
    readers = load_readers(access, settings.api_key)  # HTTP: each token its reader
    filters = _filters(args)  # stdio: one reader, its --groups
    runtime = _runtime(args)
    server = create_server(runtime, filters, readers if access else None)
    if not args.http:
        anyio.run(server.run_stdio_async)
        return 0
    app = bearer_guard(server.streamable_http_app(host=args.host), readers)
    print(f"MCP (streamable HTTP) on http://{args.host}:{args.port}/mcp", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from assistant.readers import new_token

    token, entry = new_token(args.user, args.groups)
    print(f"token (give it to {args.user}; it is not stored anywhere): {token}")
    print('add to the "tokens" object of PP_ACCESS_FILE:')
    print(json.dumps(entry, ensure_ascii=False)[1:-1])
    return 0
