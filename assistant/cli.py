"""The command line: verbs that mirror the pipeline (ingest, search, ask, batch, chat, eval), and
the assistant for other clients (serve: an OpenAI-compatible API; mcp: an MCP server)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.commands import (
    cmd_ask,
    cmd_batch,
    cmd_chat,
    cmd_eval,
    cmd_ingest,
    cmd_search,
)
from assistant.errors import UserError
from assistant.reach.commands import cmd_mcp, cmd_serve, cmd_token
from index.offline import configure_offline

EPILOG = """Environment: PP_STORE_DIR, PP_CORPUS_DIR, PP_CHROMA_HOST/PP_CHROMA_PORT (Chroma server),
PP_EMBEDDERS (e5; minilm,e5 with the [minilm] extra),
PP_ANSWERER (auto|extractive|openai|openai-compatible|llamacpp),
OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, PP_LLAMACPP_MODEL. See README.md."""


BACKENDS = ["auto", "extractive", "openai", "openai-compatible", "llamacpp"]
Arg = tuple[tuple[str, ...], dict[str, Any]]  # argparse flags and options
BACKEND: Arg = (
    ("--backend",),
    {
        "choices": BACKENDS,
        "help": "answerer (default auto: an LLM when configured, else extractive)",
    },
)
JSON: Arg = (("--json",), {"action": "store_true", "help": "print JSON"})
GROUPS: Arg = (
    ("--groups",),
    {
        "metavar": "A,B",
        "help": "read as a user in these access groups: public documents and theirs "
        "('' = public only; default: every document)",
    },
)
COMMON: list[Arg] = [
    (("--store",), {"type": Path, "help": "index folder (default var/store, or PP_STORE_DIR)"}),
    (("--corpus",), {"type": Path, "help": "documents folder (default corpus/, or PP_CORPUS_DIR)"}),
    (
        ("--chroma-host",),
        {"help": "use a Chroma server at this host instead of the embedded store"},
    ),
]
VERBS: dict[str, tuple[Callable[[argparse.Namespace], int], str, list[Arg]]] = {
    "ingest": (
        cmd_ingest,
        "index the corpus folder (incremental: only changed files are embedded)",
        [
            (
                ("--rebuild",),
                {"action": "store_true", "help": "drop the index and embed everything again"},
            ),
            (("--quiet",), {"action": "store_true", "help": "no progress bar"}),
        ],
    ),
    "search": (
        cmd_search,
        "show the passages retrieved for a query",
        [
            (("query",), {}),
            (("-k",), {"type": int, "default": 6, "help": "passages to show (default 6)"}),
            JSON,
            GROUPS,
        ],
    ),
    "ask": (
        cmd_ask,
        "answer one question with citations",
        [
            (("question",), {}),
            (("--json",), {"action": "store_true", "help": "print the JSON contract"}),
            BACKEND,
            GROUPS,
        ],
    ),
    "batch": (
        cmd_batch,
        "answer a JSONL file of {id, question, history} lines, one JSON object each",
        [
            (("file",), {"help": "JSONL input"}),
            (("--out",), {"help": "write the JSONL here, not stdout"}),
            (("--json",), {"action": "store_true", "help": "accepted; batch always prints JSON"}),
            BACKEND,
            GROUPS,
        ],
    ),
    "chat": (
        cmd_chat,
        "terminal chat that keeps the conversation for follow-up questions",
        [BACKEND, GROUPS],
    ),
    "serve": (
        cmd_serve,
        "an OpenAI-compatible HTTP API: POST /v1/chat/completions, GET /v1/models, GET /health",
        [
            (("--host",), {"default": "127.0.0.1", "help": "address to listen on"}),
            (("--port",), {"type": int, "default": 8000, "help": "port (default 8000)"}),
            BACKEND,
        ],
    ),
    "mcp": (
        cmd_mcp,
        "an MCP server with the tools search and ask and the documents as resources (stdio)",
        [
            (("--http",), {"action": "store_true", "help": "streamable HTTP instead of stdio"}),
            (("--host",), {"default": "127.0.0.1", "help": "address for --http"}),
            (("--port",), {"type": int, "default": 8001, "help": "port for --http (default 8001)"}),
            BACKEND,
            GROUPS,
        ],
    ),
    "token": (
        cmd_token,
        "make an API token for a reader: prints the token once and the line for PP_ACCESS_FILE",
        [
            (("user",), {"help": "who the token is for (recorded in the access file)"}),
            (("groups",), {"help": "their access groups, comma-separated ('' = public only)"}),
        ],
    ),
    "eval": (
        cmd_eval,
        "run the grounding evaluation (same as python -m evals run)",
        [(("rest",), {"nargs": argparse.REMAINDER, "help": "arguments for python -m evals run"})],
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    for flags, options in COMMON:
        common.add_argument(*flags, **options)
    sub = parser.add_subparsers(dest="verb", required=True)
    for name, (func, help_text, arguments) in VERBS.items():
        verb = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        verb.set_defaults(func=func)
        for flags, options in arguments:
            verb.add_argument(*flags, **options)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    configure_offline()
    args, extra = build_parser().parse_known_args(argv)
    if extra and args.verb != "eval":
        build_parser().error(f"unrecognized arguments: {' '.join(extra)}")
    if args.verb == "eval":
        args.rest = [*args.rest, *extra]
    try:
        return int(args.func(args))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
