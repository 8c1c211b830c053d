"""ask(): retrieve → answer → verify, the one code path behind the CLI, the app and the evals."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from assistant import messages
from assistant.answerers import Draft, ExtractiveAnswerer, make_answerer
from assistant.answerers.extractive import score_sentences
from assistant.conversation import Turn, condense
from assistant.errors import AssistantError
from assistant.glossary import translate_terms
from assistant.retrieve import Filters
from assistant.runtime import Runtime, get_runtime
from assistant.settings import Settings, load_settings
from assistant.types import Answer, Citation, Passage, SentenceCheck
from assistant.verify import CONTRADICTED, SUPPORTED, UNDETERMINED, check_answer, strip_markers
from index.language import detect_language

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
ANSWER_LANGUAGES = ("en", "cs", "ru")


def clean_question(question: str, max_chars: int) -> tuple[str, str]:
    """The question without control characters, cut to max_chars; and a notice key if it was cut."""
    text = _CONTROL.sub(" ", question or "").strip()
    if not text:
        raise AssistantError("Empty question: type a question about the documents")
    if not re.search(r"\w", text):
        raise AssistantError("The question has no words: ask something like 'What is the Prague Process?'")
    if len(text) > max_chars:
        return text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars], "truncated"
    return text, ""


@lru_cache(maxsize=8)
def _answerer(settings: Settings) -> Any:
    return make_answerer(settings)


def ask_stream(question: str, history: Sequence[Turn] | None = None, settings: Settings | None = None,
               filters: Filters | None = None, answer_language: str = "auto", id: str = "") -> Iterator[str | Answer]:
    """Yield the answer text as it is produced, then the final verified Answer (the last item)."""
    settings = settings or load_settings()
    t0 = time.perf_counter()
    text, cut = clean_question(question, settings.max_question_chars)
    notices = [messages.text("truncated", "en", n=str(settings.max_question_chars))] if cut else []
    asked = detect_language(text)
    lang = answer_language if answer_language in ANSWER_LANGUAGES else asked
    if lang not in ANSWER_LANGUAGES:
        lang = "en"
        notices.append(messages.text("other_language", "en"))
    if cut:
        notices[0] = messages.text("truncated", lang, n=str(settings.max_question_chars))
    runtime = get_runtime(settings)
    answerer = _answerer(settings)
    standalone = _llm_query(answerer, text, history, asked) or condense(text, history)
    passages = gather_passages(runtime, standalone, asked, lang, settings.top_k, filters)
    t1 = time.perf_counter()
    backend = str(getattr(answerer, "name", "extractive"))
    gate = ExtractiveAnswerer(settings.max_sentences, settings.abstain_threshold)
    scored = score_sentences(standalone, lang, passages)
    evidence = scored[0].coverage if scored and scored[0].eligible else 0.0
    if isinstance(answerer, ExtractiveAnswerer):
        draft = answerer.answer(standalone, lang, passages)
        yield draft.text
    elif evidence < settings.abstain_threshold * 0.7:  # too weak to hand to a model that would guess
        draft = Draft(text=messages.text("abstain", lang), citations=(), abstained=True, evidence_score=evidence)
        yield draft.text
    else:
        parts: list[str] = []
        try:
            for delta in answerer.stream(standalone, lang, passages):
                parts.append(delta)
                yield delta
            draft = answerer.finish("".join(parts), lang, passages)
        except Exception as exc:
            draft = gate.answer(standalone, lang, passages)
            notices.append(messages.text("fallback", lang, error=str(exc)[:160]))
            backend = "extractive"
            yield "\n\n" + draft.text
    t2 = time.perf_counter()
    checks: tuple[SentenceCheck, ...] = ()
    body, citations = draft.text, draft.citations
    if not draft.abstained:
        body, citations, checks, flagged = verify_draft(draft, lang, runtime)
        if not citations and backend != "extractive":  # nothing the model said survived the check
            draft = gate.answer(standalone, lang, passages)
            notices.append(messages.text("uncheckable", lang))
            backend, flagged = "extractive", False
            body, citations, checks, _ = verify_draft(draft, lang, runtime) if not draft.abstained else \
                (draft.text, (), (), False)
        if flagged and citations:
            notices.append(messages.text("unverified", lang))
        if not citations:
            body, citations = messages.text("abstain", lang), ()
    abstained = draft.abstained or not citations
    closest = _closest(passages) if abstained else ()
    t3 = time.perf_counter()
    yield Answer(
        question=text, text=body, citations=citations, abstained=abstained, language=lang,
        backend=backend, id=id or uuid.uuid4().hex[:12],
        standalone_question=standalone if standalone != text else "", notice=" ".join(notices), checks=checks,
        closest_documents=closest,
        timings_ms={"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000, "verify": (t3 - t2) * 1000,
                    "total": (t3 - t0) * 1000},
    )


def gather_passages(runtime: Runtime, query: str, asked: str, lang: str, k: int,
                    filters: Filters | None = None) -> list[Passage]:
    """What the answerer reads: the hybrid top k, the asker's-language twins of what was found, and the next
    chunk of a passage that ends announcing a list."""
    passages = runtime.search(query, asked if asked in ("en", "cs") else "en", k=k, filters=filters,
                              expand=translate_terms)
    passages += _twin_passages(runtime, passages, query, lang, filters)
    passages += _continuations(runtime, passages)
    return passages


def ask(question: str, history: Sequence[Turn] | None = None, settings: Settings | None = None,
        filters: Filters | None = None, answer_language: str = "auto", id: str = "") -> Answer:
    """Answer a question from the corpus, every sentence cited and checked."""
    *_, final = ask_stream(question, history, settings, filters, answer_language, id)
    assert isinstance(final, Answer)
    return final


REWRITE = """Rewrite the user's last question as one standalone search query for a document search engine.
Resolve pronouns from the conversation. If the question is not in English, give the original-language query, \
then " | ", then its English translation. Output only the query, nothing else."""


def _llm_query(answerer: Any, question: str, history: Sequence[Turn] | None, lang: str) -> str:
    """With an LLM: condense a follow-up and add an English translation to the query; '' to use the offline one."""
    chat = getattr(answerer, "chat", None)
    if chat is None or (not history and lang == "en"):
        return ""
    turns = "\n".join(f"{t.get('role')}: {t.get('content', '')[:500]}" for t in (history or [])[-6:])
    msgs = [{"role": "system", "content": REWRITE},
            {"role": "user", "content": f"Conversation:\n{turns}\n\nLast question: {question}"}]
    try:
        text = "".join(chat(msgs)).strip().splitlines()
    except Exception:  # the offline condensed question is used instead
        return ""
    query = text[0].strip(' "') if text else ""
    return query if 3 <= len(query) <= 600 else ""


def verify_draft(draft: Draft, lang: str, runtime: Runtime | None = None
                 ) -> tuple[str, tuple[Citation, ...], tuple[SentenceCheck, ...], bool]:
    """Check every sentence against what it cites: drop contradicted ones and dangling markers, flag the
    unverifiable with ⚠, keep only the citations still used, renumbered in order of appearance."""
    by_n = {c.n: c for c in draft.citations}
    similarity = _similarity(runtime)
    checks = check_answer(draft.text, {n: c.quote for n, c in by_n.items()}, lang, similarity,
                          {n: c.title for n, c in by_n.items()})
    kept: list[str] = []
    flagged = False
    for check in checks:
        if check.verdict == CONTRADICTED:
            flagged = True
            continue
        unit = re.sub(r"\s*\[(\d+)\]", lambda m: m.group(0) if int(m.group(1)) in by_n else "", check.text)
        if check.verdict not in (SUPPORTED, UNDETERMINED):
            unit = f"⚠ {unit}"
            flagged = True
        kept.append(unit)
    text, citations = _renumber("\n".join(kept) if "\n" in draft.text else " ".join(kept), by_n)
    if not strip_markers(text)[1]:
        return text, (), tuple(checks), flagged
    return text, citations, tuple(checks), flagged


def _renumber(text: str, by_n: dict[int, Citation]) -> tuple[str, tuple[Citation, ...]]:
    order: dict[int, int] = {}
    for m in re.finditer(r"\[(\d+)\]", text):
        n = int(m.group(1))
        if n in by_n and n not in order:
            order[n] = len(order) + 1
    new_text = re.sub(r"\[(\d+)\]", lambda m: f"[{order[int(m.group(1))]}]" if int(m.group(1)) in order else "", text)
    return new_text, tuple(replace(by_n[old], n=new) for old, new in order.items())


def _similarity(runtime: Runtime | None) -> Any:
    embedder = runtime.embedders.get("e5") if runtime else None
    if embedder is None:
        return None

    def cosine(a: str, b: str) -> float:
        va, vb = embedder.query(a), embedder.passages([b])[0]
        return float(va @ vb)
    return cosine


def _twin_passages(runtime: Runtime, passages: list[Passage], query: str, lang: str,
                   filters: Filters | None) -> list[Passage]:
    """Passages from the asker's-language translation of a retrieved document, so it can be cited first."""
    works = runtime.works()
    have = {p.chunk_id for p in passages}
    twins = {other for p in passages if p.language != lang for other, work in works.items()
             if work == works.get(p.doc_id) and other != p.doc_id}
    twins = {t for t in twins if runtime.manifest.documents.get(t, {}).get("meta", {}).get("language") == lang}
    if filters and filters.doc_ids:
        twins &= set(filters.doc_ids)
    if not twins:
        return []
    only = Filters(doc_ids=tuple(sorted(twins)))
    return [p for p in runtime.search(query, lang, k=2, filters=only, expand=translate_terms) if p.chunk_id not in have]


def _continuations(runtime: Runtime, passages: list[Passage]) -> list[Passage]:
    """The next chunk of a passage that ends announcing a list ('the following objectives:')."""
    from llama_index.core.schema import NodeWithScore

    from assistant.retrieve import to_passage

    have = {p.chunk_id for p in passages}
    wanted = []
    for p in passages:
        doc, _, index = p.chunk_id.rpartition("#")
        if p.text.rstrip().endswith(":") and index.isdigit() and f"{doc}#{int(index) + 1}" not in have:
            wanted.append(f"{doc}#{int(index) + 1}")
    nodes = runtime.fetch(wanted)
    return [to_passage(NodeWithScore(node=nodes[c], score=0.0)) for c in wanted if c in nodes]


def _closest(passages: list[Passage]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for p in passages:
        seen.setdefault(p.doc_id, p.title)
    return tuple(list(seen)[:3])
