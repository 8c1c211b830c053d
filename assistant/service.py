"""ask(): retrieve → answer → verify, the one code path behind the CLI, the app, the evals and
bench."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace

from assistant import messages
from assistant.answerers import Answerer, ExtractiveAnswerer
from assistant.context import closest_documents, gather_passages
from assistant.errors import AssistantError
from assistant.retrieve import Filters
from assistant.runtime import Runtime
from assistant.settings import Settings, load_settings
from assistant.types import Answer, Draft, Passage, SentenceCheck, Turn
from assistant.verify import verify_draft
from index.language import detect_language

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
ANSWER_LANGUAGES = ("en", "cs", "ru")


def clean_question(question: str, max_chars: int) -> tuple[str, str]:
    """The question without control characters, cut to max_chars; and a notice key if it was cut."""
    text = _CONTROL.sub(" ", question or "").strip()
    if not text:
        raise AssistantError("Empty question: type a question about the documents")
    if not re.search(r"\w", text):
        raise AssistantError(
            "The question has no words: ask something like 'What is the Prague Process?'"
        )
    if len(text) > max_chars:
        return text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars], "truncated"
    return text, ""


@dataclass
class _Turn:
    """One question on its way through the pipeline."""

    text: str  # the cleaned question
    asked: str  # the language it is written in
    lang: str  # the language of the answer
    standalone: str = ""  # what is retrieved and answered: the question with a follow-up resolved
    notices: list[str] = field(default_factory=list)
    backend: str = "extractive"


def _prepare(question: str, settings: Settings, answer_language: str) -> _Turn:
    text, cut = clean_question(question, settings.max_question_chars)
    asked = detect_language(text)
    lang = answer_language if answer_language in ANSWER_LANGUAGES else asked
    turn = _Turn(text=text, asked=asked, lang=lang if lang in ANSWER_LANGUAGES else "en")
    if cut:
        turn.notices.append(
            messages.text("truncated", turn.lang, n=str(settings.max_question_chars))
        )
    if lang not in ANSWER_LANGUAGES:
        turn.notices.append(messages.text("other_language", "en"))
    return turn


def ask_stream(
    question: str,
    history: Sequence[Turn] | None = None,
    settings: Settings | None = None,
    filters: Filters | None = None,
    answer_language: str = "auto",
    id: str = "",
    runtime: Runtime | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer text as it is produced, then the final verified Answer (the last item).

    `runtime` holds the models and stores (build it once and pass it in); `settings` may change the
    per-question
    knobs (passages, sentences, threshold) of the runtime's own settings.
    """
    settings = settings or (runtime.settings if runtime else load_settings())
    runtime = runtime or Runtime(settings)
    runtime.refresh()
    t0 = time.perf_counter()
    turn = _prepare(question, settings, answer_language)
    turn.standalone = _standalone(runtime, turn, history)
    passages = gather_passages(
        runtime, turn.standalone, turn.asked, turn.lang, settings.top_k, filters
    )
    t1 = time.perf_counter()
    offline = ExtractiveAnswerer(settings.max_sentences, settings.abstain_threshold, runtime)
    answerer = offline if runtime.answerer.judges_evidence else runtime.answerer
    draft = yield from _write(answerer, offline, turn, passages)
    t2 = time.perf_counter()
    answer = _verified(draft, offline, turn, passages, runtime)
    t3 = time.perf_counter()
    timings = {
        "retrieve": (t1 - t0) * 1000,
        "answer": (t2 - t1) * 1000,
        "verify": (t3 - t2) * 1000,
        "total": (t3 - t0) * 1000,
    }
    yield replace(answer, id=id or uuid.uuid4().hex[:12], timings_ms=timings)


def _standalone(runtime: Runtime, turn: _Turn, history: Sequence[Turn] | None) -> str:
    """The question as retrieval sees it: a follow-up made standalone (by the model where the
    backend rewrites, else offline), initialisms the corpus never defines written out."""
    rewritten = runtime.answerer.rewrite(turn.text, history or [], turn.asked)
    return runtime.spell_out(rewritten) if rewritten else runtime.standalone(turn.text, history)


def _write(
    answerer: Answerer, offline: ExtractiveAnswerer, turn: _Turn, passages: list[Passage]
) -> Generator[str, None, Draft]:
    """Stream the backend's draft; a model is only asked when the offline scorer finds enough
    evidence, and a failed model call is answered by the offline answerer with a notice. Returns the
    Draft."""
    turn.backend = answerer.name
    if answerer.judges_evidence:
        draft = _last_draft(answerer.write(turn.standalone, turn.lang, passages))
        yield draft.text
        return draft
    evidence = offline.evidence(turn.standalone, turn.lang, passages)
    if evidence < -offline.model.extra:  # too weak to hand to a model that would guess
        yield messages.text("abstain", turn.lang)
        return Draft(
            text=messages.text("abstain", turn.lang),
            citations=(),
            abstained=True,
            evidence_score=evidence,
        )
    try:
        for item in answerer.write(turn.standalone, turn.lang, passages):
            if isinstance(item, Draft):
                return item
            yield item
        raise AssistantError("the model's answer ended without a draft")
    except Exception as exc:
        draft = offline.answer(turn.standalone, turn.lang, passages)
        turn.notices.append(messages.text("fallback", turn.lang, error=str(exc)[:160]))
        turn.backend = "extractive"
        yield "\n\n" + draft.text
        return draft


def _last_draft(items: Iterator[str | Draft]) -> Draft:
    *_, last = items
    assert isinstance(last, Draft)
    return last


def _verified(
    draft: Draft,
    offline: ExtractiveAnswerer,
    turn: _Turn,
    passages: list[Passage],
    runtime: Runtime,
) -> Answer:
    """The Answer after checking every sentence against what it cites (id and timings still to
    fill)."""
    body, citations = draft.text, draft.citations
    checks: tuple[SentenceCheck, ...] = ()
    flagged = False
    if not draft.abstained:
        body, citations, checks, flagged = verify_draft(draft, turn.lang, runtime.similarity)
        if (
            not citations and turn.backend != "extractive"
        ):  # nothing the model said survived the check
            draft = offline.answer(turn.standalone, turn.lang, passages)
            turn.notices.append(messages.text("uncheckable", turn.lang))
            turn.backend, flagged = "extractive", False
            body, citations, checks = draft.text, (), ()
            if not draft.abstained:
                body, citations, checks, _ = verify_draft(draft, turn.lang, runtime.similarity)
        if flagged and citations:
            turn.notices.append(messages.text("unverified", turn.lang))
        if not citations:
            body, citations = messages.text("abstain", turn.lang), ()
    abstained = draft.abstained or not citations
    return Answer(
        question=turn.text,
        text=body,
        citations=citations,
        abstained=abstained,
        language=turn.lang,
        backend=turn.backend,
        checks=checks,
        standalone_question=turn.standalone if turn.standalone != turn.text else "",
        notice=" ".join(turn.notices),
        closest_documents=closest_documents(passages) if abstained else (),
    )


def ask(
    question: str,
    history: Sequence[Turn] | None = None,
    settings: Settings | None = None,
    filters: Filters | None = None,
    answer_language: str = "auto",
    id: str = "",
    runtime: Runtime | None = None,
) -> Answer:
    """Answer a question from the corpus, every sentence cited and checked."""
    *_, final = ask_stream(question, history, settings, filters, answer_language, id, runtime)
    assert isinstance(final, Answer)
    return final
