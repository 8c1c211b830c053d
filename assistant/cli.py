"""The command line: verbs that mirror the pipeline (ingest, search, ask, batch, chat, eval)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, UserError
from assistant.settings import Settings, load_settings
from index.offline import configure_offline

EPILOG = """Environment: PP_STORE_DIR, PP_CORPUS_DIR, PP_CHROMA_HOST/PP_CHROMA_PORT (Chroma server),
PP_EMBEDDERS (minilm,e5), PP_ANSWERER (auto|extractive|openai|openai-compatible|llamacpp),
OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, PP_LLAMACPP_MODEL. See README.md."""


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        store_dir=args.store,
        corpus_dir=args.corpus,
        chroma_host=args.chroma_host,
        answerer=getattr(args, "backend", None),
        top_k=getattr(args, "k", None),
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from index.pipeline import ingest

    settings = _settings(args)
    if not settings.corpus_dir.is_dir():
        raise AssistantError(f"No corpus folder at {settings.corpus_dir}: pass --corpus DIR")
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            if not args.quiet:
                print(
                    f"Embedding {total} chunk vectors ({', '.join(settings.embedders)})…",
                    file=sys.stderr,
                    flush=True,
                )
            bar = tqdm(total=total, unit="chunk", desc="Embedding", disable=args.quiet or None)
        bar.update(done - bar.n)

    report = ingest(settings.index, rebuild=args.rebuild, progress=progress)
    if bar is not None:
        bar.close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from assistant.runtime import Runtime
    from assistant.service import clean_question

    settings = _settings(args)
    query, _ = clean_question(args.query, settings.max_question_chars)
    passages = Runtime(settings).search(query, k=args.k)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "rank": i,
                        "chunk_id": p.chunk_id,
                        "doc_id": p.doc_id,
                        "title": p.title,
                        "score": round(p.score, 4),
                        "start": p.start,
                        "end": p.end,
                        "text": p.text,
                    }
                    for i, p in enumerate(passages, 1)
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    for i, p in enumerate(passages, 1):
        snippet = " ".join(p.text.split())[:160]
        print(f"{i}. {p.doc_id}  {p.chunk_id}  score {p.score:.4f}\n   {snippet}")
    return 0


def _print_answer(answer: Any) -> None:
    print(answer.text)
    if answer.notice:
        print(f"\nNote: {answer.notice}")
    for c in answer.citations:
        quote = " ".join(c.quote.split())
        print(
            f"[{c.n}] {c.title} ({c.doc_id}, {c.date or 'undated'}) chars {c.start}-{c.end}: "
            f'"{quote[:200]}{"…" if len(quote) > 200 else ""}"'
        )
    if answer.abstained and answer.closest_documents:
        print("Closest documents: " + ", ".join(answer.closest_documents))


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.runtime import Runtime
    from assistant.service import ask, clean_question

    settings = _settings(args)
    clean_question(
        args.question, settings.max_question_chars
    )  # a bad question fails before models load
    answer = ask(args.question, runtime=Runtime(settings))
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        _print_answer(answer)
    return 0


def _read_batch(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise AssistantError(
            f'Cannot read {path}: pass a JSONL file with one {{"id", "question"}} per line'
        )
    rows = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("question"), str):
                raise ValueError
        except ValueError:
            raise AssistantError(
                f'{path}:{no}: not a JSON object with a "question" string'
            ) from None
        rows.append(row)
    return rows


def cmd_batch(args: argparse.Namespace) -> int:
    from assistant.runtime import Runtime
    from assistant.service import ask

    rows = _read_batch(Path(args.file))
    runtime = Runtime(_settings(args))
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    failures = 0
    try:
        for i, row in enumerate(rows, 1):
            rid = str(row.get("id") or i)
            try:
                answer = ask(
                    row["question"], history=row.get("history") or [], id=rid, runtime=runtime
                )
                record = answer.to_json()
            except AssistantError as exc:  # this question is invalid; the others are still answered
                failures += 1
                record = {"id": rid, "question": row["question"], "error": str(exc)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if failures else 0


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.runtime import Runtime
    from assistant.service import ask_stream
    from assistant.types import Answer

    runtime = Runtime(_settings(args))
    history: list[dict[str, str]] = []
    print(
        "Ask about the Prague Process documents. Empty line or Ctrl-D to quit; /clear forgets the "
        "conversation."
    )
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        if question == "/clear":
            history.clear()
            continue
        try:
            final = None
            for item in ask_stream(question, history, runtime=runtime):
                if isinstance(item, Answer):
                    final = item
        except AssistantError as exc:
            print(f"error: {exc}")
            continue
        assert final is not None
        _print_answer(final)
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": final.text},
        ]


def cmd_eval(args: argparse.Namespace) -> int:
    """The evaluation is its own program (evals/ sits above the assistant): run it with the same
    arguments."""
    import subprocess

    return subprocess.call([sys.executable, "-m", "evals", "run", *args.rest])


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
        ],
    ),
    "ask": (
        cmd_ask,
        "answer one question with citations",
        [
            (("question",), {}),
            (("--json",), {"action": "store_true", "help": "print the JSON contract"}),
            BACKEND,
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
        ],
    ),
    "chat": (
        cmd_chat,
        "terminal chat that keeps the conversation for follow-up questions",
        [BACKEND],
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
