"""python -m evals run | score | gate | checker | validate: each verb a few lines that call
evals.run and evals.report."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.errors import UserError
from assistant.settings import Settings, load_settings
from evals import report as reports
from evals import run as runs
from evals.data import read_cases
from evals.sets import SETS, settings_for
from index.offline import configure_offline

BACKENDS = ["auto", "extractive", "openai", "openai-compatible", "llamacpp"]


def _settings(args: argparse.Namespace) -> Settings:
    """The settings for the arguments; a named set points at its corpus and store, each unless
    given (a set with only --store still reads its own corpus)."""
    base = load_settings(answerer=getattr(args, "backend", None))
    qset = SETS.get(getattr(args, "set", None) or "")
    if qset:
        base = settings_for(qset.corpus, base)
    return base.with_overrides(store_dir=args.store, corpus_dir=args.corpus)


def _dataset(args: argparse.Namespace) -> list[Path]:
    if getattr(args, "set", None):
        return SETS[args.set].paths
    return [Path(args.dataset)]


def _finish(report: dict[str, Any], out: Path | None) -> int:
    """Print the headline table and the gate; 1 when the gate fails."""
    print(reports.headline_table(report))
    print("\n" + "\n".join(reports.gate_lines(report["gate"])))
    if out is not None:
        print(f"\nWrote {out / 'report.json'} and {out / 'report.md'}")
    return 0 if report["gate"]["passed"] else 1


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(
            f"\r{done}/{total} questions",
            end="" if done < total else "\n",
            file=sys.stderr,
            flush=True,
        )
    elif done % 20 == 0 or done == total:
        print(f"{done}/{total} questions", file=sys.stderr, flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if (
        args.set
    ):  # a named set's corpus is indexed into its own store first (nothing to do if unchanged)
        from index.pipeline import ingest

        print(ingest(settings.index).summary(), file=sys.stderr)
    out = Path(args.out) if args.out else runs.default_out_dir(settings)
    baseline = reports.load_report(args.baseline) if args.baseline else None
    report = runs.run_eval(
        settings,
        _dataset(args),
        out,
        _progress,
        limit=args.limit,
        baseline=baseline,
        judge=args.judge,
        thresholds=Path(args.thresholds),
    )
    return _finish(report, out)


def cmd_score(args: argparse.Namespace) -> int:
    settings = _settings(args)
    answers = Path(args.answers)
    report = runs.score_records(
        runs.read_jsonl(answers),
        read_cases(_dataset(args)),
        settings,
        judge=args.judge,
        thresholds=Path(args.thresholds),
        dataset=_dataset(args)[0],
    )
    out = Path(args.out) if args.out else answers.parent
    reports.write_report(report, out, reports.load_report(args.baseline) if args.baseline else None)
    return _finish(report, out)


def cmd_gate(args: argparse.Namespace) -> int:
    report = reports.load_report(args.report)
    result = reports.gate(report, reports.load_thresholds(Path(args.thresholds)))
    print("\n".join(reports.gate_lines(result)))
    return 0 if result["passed"] else 1


def cmd_validate(args: argparse.Namespace) -> int:
    """Schema and evidence problems of question files, one line each; 1 when there are any."""
    from evals.validate import validate

    if not (args.files or args.set):
        raise UserError("name question files or a --set")
    settings = _settings(args)
    paths = [Path(f) for f in args.files] or SETS[args.set].paths
    problems = validate(paths, Path(settings.corpus_dir))
    for problem in problems:
        print(problem)
    cases = len(read_cases(paths))
    print(f"{cases} cases in {len(paths)} file(s), {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def cmd_checker(args: argparse.Namespace) -> int:
    settings = _settings(args)
    result = runs.evaluate_checker(settings, Path(args.pairs), runs.make_similarity(settings))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print("\n".join(reports.checker_lines(result)))
    return 0


def _scoring_parent() -> argparse.ArgumentParser:
    """The options shared by `run` and `score`: where the questions come from, gates, reports."""
    common = _common_parent()
    scoring = argparse.ArgumentParser(add_help=False, parents=[common])
    scoring.add_argument(
        "--set",
        choices=sorted(SETS),
        help="a named question set with its corpus "
        "(see evals/sets.py); indexes that corpus into its own store first",
    )
    scoring.add_argument(
        "--dataset", default=str(runs.GOLD), help="a JSONL question file (default gold)"
    )
    scoring.add_argument("--thresholds", default=str(runs.THRESHOLDS), help="gate TOML")
    scoring.add_argument("--baseline", help="an earlier report.json to compare with")
    scoring.add_argument(
        "--judge", action="store_true", help="also ask an LLM judge (needs a key or URL)"
    )
    scoring.add_argument("--out", help="folder for the reports")
    return scoring


def _common_parent() -> argparse.ArgumentParser:
    """--store and --corpus, for every verb that opens an index."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store", type=Path, help="index folder (default var/store, or PP_STORE_DIR)"
    )
    common.add_argument(
        "--corpus", type=Path, help="documents folder (default corpus/, or PP_CORPUS_DIR)"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    scoring = _scoring_parent()
    sub = parser.add_subparsers(dest="verb", required=True)
    run = sub.add_parser("run", parents=[scoring], help="ask every question, score, report, gate")
    run.add_argument("--backend", choices=BACKENDS, help="answerer (default auto)")
    run.add_argument("--limit", type=int, help="only the first N cases")
    run.set_defaults(func=cmd_run)
    score = sub.add_parser("score", parents=[scoring], help="re-score a saved answers.jsonl")
    score.add_argument("answers", help="answers.jsonl (JSON contract lines, with the ids of cases)")
    score.set_defaults(func=cmd_score)
    gate = sub.add_parser("gate", help="check a report.json against the thresholds")
    gate.add_argument("report")
    gate.add_argument("--thresholds", default=str(runs.THRESHOLDS))
    gate.set_defaults(func=cmd_gate)
    checker = sub.add_parser(
        "checker", parents=[_common_parent()], help="the grounding checker on labelled pairs"
    )
    checker.add_argument(
        "--pairs", default=str(runs.PAIRS), help="default datasets/checker_pairs.jsonl"
    )
    checker.add_argument("--json", action="store_true", help="print JSON")
    checker.set_defaults(func=cmd_checker)
    validate = sub.add_parser(
        "validate",
        parents=[_common_parent()],
        help="check question files: schema, and every evidence quote in its document",
    )
    validate.add_argument("files", nargs="*", help="JSONL question files")
    validate.add_argument("--set", choices=sorted(SETS), help="a named set (checked on its corpus)")
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m evals` and `python -m assistant eval`; errors a user can fix print
    as one line."""
    configure_offline()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
