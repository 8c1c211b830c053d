"""The checker's own evaluation on labelled pairs, and the optional LLM judge of answers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from evals import metrics
from evals.data import PAIRS, corpus_meta, read_jsonl
from evals.metrics import Row, Similarity


def make_similarity(settings: Settings) -> Similarity | None:
    """The e5 cosine the assistant's verifier uses, so the evals judge sentences the way it does
    (None without e5)."""
    if "e5" not in settings.embedders:
        return None
    from index.embed import cosine, make_embedder

    return cosine(make_embedder("e5", settings.index))


def evaluate_checker(
    settings: Settings, path: Path = PAIRS, similarity: Similarity | None = None
) -> dict[str, Any]:
    """The shared grounding checker on labelled claim/passage pairs (what `python -m evals checker`
    prints)."""
    from assistant.model_claims import problem
    from assistant.verify import Verdict, check_claim
    from index.language import detect_language

    meta = corpus_meta(settings)
    pairs, results, wrong = read_jsonl(path), [], []
    for pair in pairs:
        m = meta.get(pair["doc_id"], {})
        lang = str(m.get("language") or detect_language(pair["claim"]))
        title = str(m.get("title", ""))
        verdict = check_claim(pair["claim"], [pair["passage"]], lang, similarity, title)
        if "question" in pair and verdict.verdict in ("supported", "undetermined"):  # a model's
            why = problem(pair["claim"], [pair["passage"]], str(pair["question"]), title)
            verdict = Verdict("unverifiable", why) if why else verdict
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
