"""What each command-line verb does: index, search, answer one question, a batch or a chat, and
hand over to the evaluation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, UserError
from assistant.settings import Settings, load_settings
from assistant.types import is_history


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        store_dir=args.store,
        corpus_dir=args.corpus,
        chroma_host=args.chroma_host,
        answerer=getattr(args, "backend", None),
        top_k=getattr(args, "k", None),
    )


def _filters(args: argparse.Namespace) -> Any:
    from assistant.readers import cli_filters

    return cli_filters(getattr(args, "groups", None))


def _asker() -> Any:
    from assistant.readers import cli_asker

    return cli_asker()


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
    if args.k < 1:
        raise UserError(f"-k must be 1 or more (got {args.k})")
    query, _ = clean_question(args.query, settings.max_question_chars)
    passages = Runtime(settings).search(query, k=args.k, filters=_filters(args))
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
    _print_sources(answer)


def _print_sources(answer: Any) -> None:
    if answer.notice:
        print(f"\nNote: {answer.notice}")
    for c in answer.citations:
        quote = " ".join(c.quote.split())
        print(
            f"[{c.n}] {c.title} ({c.doc_id}, {c.date or 'undated'}"
            f"{f', p. {c.page}' if c.page else ''}) chars {c.start}-{c.end}: "
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
    answer = ask(args.question, filters=_filters(args), runtime=Runtime(settings), asker=_asker())
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        _print_answer(answer)
    return 0


def _read_batch(path: Path) -> list[dict[str, Any]]:
    """The lines of a batch file; a line that is not a question gets an "error" and keeps its
    place, so one bad line loses no other answer."""
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
        except ValueError:
            row = None
        problem = _batch_problem(row)
        if problem:
            named = row if isinstance(row, dict) else {}
            row = {
                "id": str(named.get("id") or f"line {no}"),
                "question": named.get("question") if isinstance(named.get("question"), str) else "",
                "error": f"{path.name}:{no}: {problem}",
            }
        rows.append(row)
    return rows


def _batch_problem(row: Any) -> str:
    """What makes a batch line unanswerable, or ''."""
    if not isinstance(row, dict) or not isinstance(row.get("question"), str):
        return 'not a JSON object with a "question" string'
    if is_history(row.get("history") or []):
        return ""
    return '"history" is not a list of {"role": "user"|"assistant", "content"}'


def cmd_batch(args: argparse.Namespace) -> int:
    from assistant.runtime import Runtime
    from assistant.service import ask

    rows = _read_batch(Path(args.file))
    runtime = Runtime(_settings(args))
    filters = _filters(args)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    failures = 0
    try:
        for i, row in enumerate(rows, 1):
            rid = str(row.get("id") or i)
            if "error" in row:
                failures += 1
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                continue
            try:
                answer = ask(
                    row["question"],
                    history=row.get("history") or [],
                    filters=filters,
                    id=rid,
                    runtime=runtime,
                    asker=_asker(),
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
    if failures:
        print(f'{failures} of {len(rows)} lines not answered (see their "error")', file=sys.stderr)
    return 1 if failures else 0


def _chat_turn(
    question: str, history: list[dict[str, str]], runtime: Any, filters: Any = None
) -> Any:
    """Print the answer as it is checked, then its sources; returns the Answer."""
    from assistant.service import ask_stream
    from assistant.types import Answer

    shown: list[str] = []
    final = None
    for item in ask_stream(question, history, filters=filters, runtime=runtime, asker=_asker()):
        if isinstance(item, Answer):
            final = item
        else:  # checked text, shown as it is verified
            shown.append(item)
            print(item, end="", flush=True)
    assert final is not None
    if "".join(shown) != final.text:  # a model's words replaced by the offline answer
        print(f"\n---\n{final.text}", end="")
    print()
    _print_sources(final)
    return final


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.runtime import Runtime

    runtime = Runtime(_settings(args))
    filters = _filters(args)
    history: list[dict[str, str]] = []
    print(
        "Ask about the Prague Process documents. /quit or Ctrl-D to quit; /clear forgets the "
        "conversation."
    )
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            return 0
        if not question:
            continue
        if question in ("/quit", "/exit"):
            return 0
        if question == "/clear":
            history.clear()
            print("(conversation cleared)")
            continue
        try:
            final = _chat_turn(question, history, runtime, filters)
        except AssistantError as exc:
            print(f"error: {exc}")
            continue
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": final.text},
        ]


def cmd_eval(args: argparse.Namespace) -> int:
    """The evaluation is its own program (evals/ sits above the assistant): run it with the same
    arguments."""
    import subprocess

    return subprocess.call([sys.executable, "-m", "evals", "run", *args.rest])
