"""Ask every gold question through assistant.ask, score the answers offline, write answers.jsonl and
the reports."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.settings import Settings
from evals import metrics
from evals.metrics import Metric, Row, Similarity

if TYPE_CHECKING:
    from assistant.runtime import Runtime

HERE = Path(__file__).resolve().parent
GOLD = HERE / "datasets" / "gold.jsonl"
PAIRS = HERE / "datasets" / "checker_pairs.jsonl"
THRESHOLDS = HERE / "thresholds.toml"
SUBSETS: dict[str, Callable[[Row], bool]] = {
    "all": lambda r: True,
    "en": lambda r: r["language"] == "en",
    "cs": lambda r: r["language"] == "cs",
    "cross-lingual": lambda r: "cross-lingual" in r["tags"],
}
Progress = Callable[[int, int], None]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """JSON objects, one a line; a missing file or a bad line is an error the user can fix."""
    if not Path(path).is_file():
        raise AssistantError(f"Cannot read {path}: pass a JSONL file (see evals/README.md)")
    rows = []
    for no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line) if line.strip() else None
        except ValueError:
            raise AssistantError(f"{path}:{no}: not valid JSON") from None
        if row is not None:
            rows.append(row)
    return rows


def corpus_meta(settings: Settings) -> dict[str, dict[str, Any]]:
    """doc_id → the document's meta.json (title, language, translation_of), read from the corpus
    folder."""
    out = {}
    for path in sorted(Path(settings.corpus_dir).glob("*.meta.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        out[str(meta.get("doc_id") or path.name.removesuffix(".meta.json"))] = meta
    return out


def works(meta: dict[str, dict[str, Any]]) -> dict[str, str]:
    """doc_id → one shared id for a document and its translation, so recall counts them once."""
    out: dict[str, str] = {}
    for doc_id, m in meta.items():
        other = m.get("translation_of")
        if other:
            out[doc_id] = out[str(other)] = min(doc_id, str(other))
    return out


def make_similarity(settings: Settings) -> Similarity | None:
    """The e5 cosine the assistant's verifier uses, so the evals judge sentences the way it does
    (None without e5)."""
    if "e5" not in settings.embedders:
        return None
    from index.embed import cosine, make_embedder

    return cosine(make_embedder("e5", settings.index))


def ask_case(case: dict[str, Any], runtime: Runtime) -> dict[str, Any]:
    """The JSON contract of one answer plus the doc ids of a separate top-5 retrieval run."""
    from assistant.conversation import condense
    from assistant.service import ask
    from index.language import detect_language

    try:
        record = ask(
            case["question"], history=case.get("history") or [], id=case["id"], runtime=runtime
        ).to_json()
    except (
        AssistantError
    ) as exc:  # an invalid question is scored as a refusal; a missing index stops the run
        record = {"id": case["id"], "question": case["question"], "error": str(exc)}
    query = condense(case["question"], case.get("history") or [])
    passages = runtime.search(query, k=5, lang=detect_language(case["question"]))
    record["retrieved"] = [p.doc_id for p in passages]
    return record


def score_case(
    case: dict[str, Any],
    record: dict[str, Any],
    similarity: Similarity | None = None,
    same_work: dict[str, str] | None = None,
) -> Row:
    """One gold case against its recorded answer: every per-case number, and why it failed."""
    error = record.get("error")
    abstained = bool(record.get("abstained", True)) or bool(error)
    text = "" if abstained else str(record.get("answer", ""))
    citations = [] if abstained else list(record.get("citations") or [])
    expected, retrieved = list(case["expected_sources"]), record.get("retrieved")
    cited = [str(c["doc_id"]) for c in citations]
    lang = str(record.get("language") or case["language"])
    grounding = (
        metrics.ground(text, citations, lang, similarity) if text else metrics.ground("", [], lang)
    )
    found = metrics.facts_found(case["expected_facts"], text)
    row: Row = {
        "id": case["id"],
        "question": case["question"],
        "language": case["language"],
        "tags": list(case["tags"]),
        "answerable": bool(case["answerable"]),
        "canary": bool(case.get("canary")),
        "parallel_id": case.get("parallel_id"),
        "expected_sources": expected,
        "abstained": abstained,
        "outcome": metrics.outcome(case["answerable"], abstained),
        "answer_language": lang,
        "backend": record.get("backend", ""),
        "answer": record.get("answer", error or ""),
        "error": error,
        "citations": [{k: c.get(k) for k in ("n", "doc_id", "title", "quote")} for c in citations],
        "cited": cited,
        "retrieved": retrieved,
        "retrieval": metrics.ranking_scores(retrieved, expected, same_work)
        if retrieved is not None and expected
        else None,
        "cited_retrieval": metrics.ranking_scores(cited, expected, same_work) if expected else None,
        "cited_expected": bool(set(cited) & set(expected)),
        "facts": [
            {"forms": f["forms"], "critical": bool(f["critical"]), "found": ok}
            for f, ok in zip(case["expected_facts"], found)
        ],
        "latency_ms": (record.get("timings_ms") or {}).get("total"),
        **grounding,
    }
    row["failures"] = metrics.failure_reasons(row)
    row["passed"] = not row["failures"]
    row["canary_passed"] = metrics.canary_passed(row) if row["canary"] else None
    return row


def retrieval_tables(rows: Sequence[Row], key: str) -> dict[str, dict[str, Metric]]:
    """hit@k, recall@k and MRR per subset (all, en, cs, cross-lingual) from one ranking of each
    row."""
    out = {}
    for name, keep in SUBSETS.items():
        scored = [r[key] for r in rows if r["answerable"] and r[key] is not None and keep(r)]
        names = [f"{m}@{k}" for m in ("hit", "recall") for k in metrics.KS] + ["mrr"]
        out[name] = {m: metrics.mean([s[m] for s in scored]) for m in names}
    return out


def evaluate_checker(
    settings: Settings, path: Path = PAIRS, similarity: Similarity | None = None
) -> dict[str, Any]:
    """The shared grounding checker on labelled claim/passage pairs (what `python -m evals checker`
    prints)."""
    from assistant.verify import check_claim
    from index.language import detect_language

    meta = corpus_meta(settings)
    pairs, results, wrong = read_jsonl(path), [], []
    for pair in pairs:
        m = meta.get(pair["doc_id"], {})
        lang = str(m.get("language") or detect_language(pair["claim"]))
        verdict = check_claim(
            pair["claim"], [pair["passage"]], lang, similarity, str(m.get("title", ""))
        )
        results.append((str(pair["kind"]), bool(pair["supported"]), verdict.verdict))
        if bool(pair["supported"]) == (verdict.verdict in metrics.UNSUPPORTED):
            wrong.append(
                {
                    "id": pair["id"],
                    "kind": pair["kind"],
                    "verdict": verdict.verdict,
                    "reason": verdict.reason,
                }
            )
    return metrics.checker_scores(results) | {"wrong": wrong, "dataset": str(path)}


_JUDGE_PROMPT = """Rate this answer from 0 to 1. faithfulness: every claim is backed by the \
numbered sources.
relevance: it answers the question. Reply with JSON only: {{"faithfulness": x, "relevance": y}}

Question: {question}
Answer: {answer}
Sources:
{sources}"""


def judge_answers(rows: Sequence[Row], settings: Settings, enabled: bool) -> dict[str, Any]:
    """Optional LLM-judge scores; skipped cleanly unless asked for (--judge) and an LLM is
    configured."""
    if not enabled:
        return {"skipped": "not requested (pass --judge)"}
    if not (settings.llm_api_key or settings.llm_base_url):
        return {"skipped": "no OPENAI_API_KEY or OPENAI_BASE_URL set"}
    try:
        from openai import OpenAI
    except ImportError:
        return {"skipped": 'the LLM judge needs: pip install ".[openai]"'}
    client = OpenAI(
        api_key=settings.llm_api_key or "none",
        base_url=settings.llm_base_url or None,
        timeout=settings.llm_timeout_s,
    )
    scores: dict[str, list[float]] = {"faithfulness": [], "relevance": []}
    for row in rows:
        if row["abstained"]:
            continue
        sources = "\n".join(f"[{c['n']}] {c['quote']}" for c in row["citations"])
        prompt = _JUDGE_PROMPT.format(
            question=row["question"], answer=row["answer"], sources=sources
        )
        try:
            reply = client.chat.completions.create(
                model=settings.llm_model,
                temperature=0,
                messages=[{"role": "user", "content": prompt}],
            )
            content = reply.choices[0].message.content or ""
            data = json.loads(content[content.index("{") : content.rindex("}") + 1])
        except Exception:  # a judge that fails on one answer skips it; the run goes on
            continue
        for key, values in scores.items():
            if isinstance(data.get(key), int | float) and 0 <= data[key] <= 1:
                values.append(float(data[key]))
    return {"model": settings.llm_model} | {k: metrics.mean(v) for k, v in scores.items()}


def score_records(
    records: Sequence[dict[str, Any]],
    cases: Sequence[dict[str, Any]],
    settings: Settings,
    *,
    judge: bool = False,
    thresholds: Path = THRESHOLDS,
    dataset: Path = GOLD,
    similarity: Similarity | None = None,
) -> dict[str, Any]:
    """The whole report from saved answers (JSON contract lines); nothing is asked again."""
    from evals.report import gate, headline, load_thresholds

    by_id = {str(r.get("id")): r for r in records}
    cases = [c for c in cases if c["id"] in by_id]
    if not cases:
        raise AssistantError(
            "No saved answer has the id of a gold case: score the answers.jsonl of 'python -m "
            "evals run'"
        )
    similarity = similarity or make_similarity(settings)
    same_work = works(corpus_meta(settings))
    rows = [score_case(c, by_id[c["id"]], similarity, same_work) for c in cases]
    canaries = [r for r in rows if r["canary"]]
    report: dict[str, Any] = {
        "meta": {
            "dataset": str(dataset),
            "cases": len(rows),
            "backend": settings.resolved_answerer,
            "backends": sorted({str(r["backend"]) for r in rows if r["backend"]}),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "store": str(settings.store_dir),
            "checker_similarity": "e5" if similarity else None,
            "thresholds": str(thresholds),
        },
        "retrieval": {
            "search": retrieval_tables(rows, "retrieval"),
            "citations": retrieval_tables(rows, "cited_retrieval"),
        },
        "answer": metrics.fact_scores(rows) | metrics.abstention_scores(r["outcome"] for r in rows),
        "grounding": metrics.grounding_scores(rows),
        "consistency": metrics.consistency(rows),
        "latency": metrics.latency(rows),
        "canaries": {
            "pass_rate": metrics.mean([float(bool(r["canary_passed"])) for r in canaries]),
            "failed": [r["id"] for r in canaries if not r["canary_passed"]],
        },
        "checker": evaluate_checker(settings, similarity=similarity),
        "judge": judge_answers(rows, settings, judge),
        "by_tag": metrics.by_tag(rows),
        "failures": {
            reason: [
                {"id": r["id"], "why": r["failures"][reason]}
                for r in rows
                if reason in r["failures"]
            ]
            for reason in metrics.FAILURE_REASONS
        },
        "cases": rows,
    }
    report["metrics"] = headline(report)
    report["gate"] = gate(report, load_thresholds(thresholds))
    return report


def default_out_dir(settings: Settings) -> Path:
    """evals/out/<timestamp>-<backend>: one folder per run, never overwritten."""
    return settings.eval_dir / f"{datetime.now():%Y%m%d-%H%M%S}-{settings.resolved_answerer}"


def run_eval(
    settings: Settings,
    dataset_path: Path = GOLD,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    *,
    limit: int | None = None,
    baseline: dict[str, Any] | None = None,
    judge: bool = False,
    thresholds: Path = THRESHOLDS,
    runtime: Runtime | None = None,
) -> dict[str, Any]:
    """Ask every gold question, score the answers, write answers.jsonl, report.json and report.md;
    return the report."""
    from assistant.runtime import Runtime
    from evals.report import write_report

    runtime = runtime or Runtime(settings)

    cases = read_jsonl(Path(dataset_path))[: limit or None]
    out = Path(out_dir) if out_dir else default_out_dir(settings)
    out.mkdir(parents=True, exist_ok=True)
    records = []
    with open(out / "answers.jsonl", "w", encoding="utf-8") as f:
        for i, case in enumerate(cases, 1):
            records.append(ask_case(case, runtime))
            f.write(json.dumps(records[-1], ensure_ascii=False) + "\n")
            f.flush()
            if progress:
                progress(i, len(cases))
    report = score_records(
        records,
        cases,
        runtime.settings,
        judge=judge,
        thresholds=thresholds,
        dataset=Path(dataset_path),
        similarity=runtime.similarity,
    )
    write_report(report, out, baseline)
    return report
