"""ask(): retrieve → answer → verify, the one code path behind the CLI, the app, the evals and
bench."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar, cast

from assistant import messages
from assistant.answerers import Answerer, ExtractiveAnswerer
from assistant.answerers.llm import passage_citations
from assistant.audit import Asker, record
from assistant.context import closest_documents, gather_passages
from assistant.errors import AssistantError
from assistant.filters import Filters
from assistant.messages import ANSWER_LANGUAGES
from assistant.requested import requested_language
from assistant.rewrite import faithful, interleaved
from assistant.runtime import Runtime
from assistant.settings import Settings, load_settings
from assistant.types import Answer, Draft, Passage, Turn
from assistant.verify import SUPPORTED
from assistant.verify_stream import StreamVerifier, checked_whole
from index.language import analyze, detect_language

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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
    wanted, text = requested_language(text)
    asked = detect_language(text)
    if answer_language not in ANSWER_LANGUAGES and wanted in ANSWER_LANGUAGES:
        answer_language = wanted
    lang = answer_language if answer_language in ANSWER_LANGUAGES else asked
    turn = _Turn(text=text, asked=asked, lang=lang if lang in ANSWER_LANGUAGES else "en")
    if wanted == "other":
        turn.notices.append(messages.text("unsupported_language", turn.lang))
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
    asker: Asker | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer text as it is checked (no sentence before the checker has seen it), then
    the final verified Answer (the last item). `runtime` holds the models and stores (build it
    once); `settings` may change its per-question knobs; with an `asker` (the app, API, MCP and
    CLI pass one) the answer is recorded in the audit trail."""
    settings = settings or (runtime.settings if runtime else load_settings())
    runtime = runtime or Runtime(settings)
    runtime.refresh()
    t0 = time.perf_counter()
    turn = _prepare(question, settings, answer_language)
    passages = _retrieve(runtime, turn, history, settings.top_k, filters)
    t1 = time.perf_counter()
    offline = ExtractiveAnswerer(settings.max_sentences, settings.abstain_threshold, runtime)
    answerer = offline if runtime.answerer.judges_evidence else runtime.answerer
    shown = _Shown()
    draft, checked = yield from shown.track(_write(answerer, offline, turn, passages, runtime))
    t2 = time.perf_counter()
    answer = yield from shown.track(_verified(draft, checked, offline, turn, passages, runtime))
    t3 = time.perf_counter()
    timings = {
        "retrieve": (t1 - t0) * 1000,
        "answer": (t2 - t1) * 1000,
        "verify": (t3 - t2) * 1000,
        "first_text": ((shown.first or t3) - t0) * 1000,
        "total": (t3 - t0) * 1000,
    }
    answer = replace(answer, id=id or uuid.uuid4().hex[:12], timings_ms=timings)
    if asker is not None:
        record(answer, asker, settings)
    yield answer


_T = TypeVar("_T")


@dataclass
class _Shown:
    """When the first checked text went out (the time a reader waits for the first sentence)."""

    first: float = 0.0

    def track(self, items: Generator[str, None, _T]) -> Generator[str, None, _T]:
        """The same items, empty texts left out, with the time of the first recorded."""
        while True:
            try:
                text = next(items)
            except StopIteration as stop:
                return cast(_T, stop.value)
            if text and not self.first:
                self.first = time.perf_counter()
            if text:
                yield text


def _retrieve(
    runtime: Runtime,
    turn: _Turn,
    history: Sequence[Turn] | None,
    k: int,
    filters: Filters | None,
) -> list[Passage]:
    """The passages for the standalone question; beside a model's rewrite, also those for the
    question as the offline condenser reads it."""
    groups = filters.groups if filters else None
    turn.standalone, offline_query = _standalone(runtime, turn, history, groups)
    passages = gather_passages(runtime, turn.standalone, turn.asked, turn.lang, k, filters)
    if offline_query:
        again = gather_passages(runtime, offline_query, turn.asked, turn.lang, k, filters)
        passages = interleaved(passages, again)
    return passages


def _standalone(
    runtime: Runtime,
    turn: _Turn,
    history: Sequence[Turn] | None,
    groups: tuple[str, ...] | None = None,
) -> tuple[str, str]:
    """The question as retrieval sees it: a follow-up made standalone (by the model where the
    backend rewrites and the rewrite keeps the question's numbers and acronyms, else offline),
    initialisms the corpus never defines written out; and, when the model's rewrite is used, the
    offline one, which retrieval also runs."""
    offline = runtime.standalone(turn.text, history, groups)
    rewritten = runtime.answerer.rewrite(turn.text, history or [], turn.asked)
    if rewritten and faithful(turn.text, history or [], rewritten, runtime.keyword.has):
        return runtime.spell_out(rewritten, groups), offline
    return offline, ""


def _write(
    answerer: Answerer,
    offline: ExtractiveAnswerer,
    turn: _Turn,
    passages: list[Passage],
    runtime: Runtime,
) -> Generator[str, None, tuple[Draft, StreamVerifier]]:
    """Stream the backend's draft through the checker, so only checked text is yielded; a model is
    only asked when the offline scorer finds enough evidence, and a failed model call is answered
    by the offline answerer with a notice. Returns the Draft and its verifier."""
    turn.backend = answerer.name
    if answerer.judges_evidence:
        draft = _last_draft(answerer.write(turn.standalone, turn.lang, passages))
        checked = checked_whole(draft, turn.lang, runtime.similarity)
        yield draft.text if draft.abstained else checked.done.text
        return draft, checked
    budget = runtime.settings.llm_context_tokens
    evidence, focused = offline.focus(turn.standalone, turn.lang, passages, budget)
    if evidence < -offline.model.extra:  # too weak to hand to a model that would guess
        draft = Draft(
            text=messages.text("abstain", turn.lang),
            citations=(),
            abstained=True,
            evidence_score=evidence,
        )
        yield draft.text
        return draft, checked_whole(draft, turn.lang, runtime.similarity)
    try:
        return (yield from _model_draft(answerer, turn, focused, runtime))
    except Exception as exc:
        draft = offline.answer(turn.standalone, turn.lang, passages)
        turn.notices.append(messages.text("fallback", turn.lang, error=str(exc)[:160]))
        turn.backend = "extractive"
        offline_checked = checked_whole(draft, turn.lang, runtime.similarity)
        yield "\n\n" + (draft.text if draft.abstained else offline_checked.done.text)
        return draft, offline_checked


def _model_draft(
    answerer: Answerer, turn: _Turn, passages: list[Passage], runtime: Runtime
) -> Generator[str, None, tuple[Draft, StreamVerifier]]:
    """A model's answer fed to the checker as it streams; each checked sentence yielded."""
    lang = turn.lang if turn.lang in answerer.writes else "en"
    if lang != turn.lang:
        name = messages.language_name(turn.lang, turn.lang)
        turn.notices.append(messages.text("model_language", turn.lang, language=name))
    cited = list(passage_citations(passages).values())
    aliases = {
        c.n: " ".join(runtime.knowledge.spelled_out(set(analyze(c.quote, c.language or "en"))))
        for c in cited
    }
    checked = StreamVerifier(
        cited, lang, runtime.similarity, align=True, aliases=aliases, question=turn.text
    )
    for item in answerer.write(turn.standalone, lang, passages):
        if isinstance(item, Draft):
            yield checked.close()
            return item, checked
        yield checked.feed(item)
    raise AssistantError("the model's answer ended without a draft")


def _last_draft(items: Iterator[str | Draft]) -> Draft:
    *_, last = items
    assert isinstance(last, Draft)
    return last


def _verified(
    draft: Draft,
    checked: StreamVerifier,
    offline: ExtractiveAnswerer,
    turn: _Turn,
    passages: list[Passage],
    runtime: Runtime,
) -> Generator[str, None, Answer]:
    """The Answer from the checked draft (id and timings still to fill); when nothing a model wrote
    survived the check, the offline answer is streamed and given instead."""
    body, citations, checks, flagged = checked.result()
    if draft.abstained:
        body, citations, checks = draft.text, (), ()
    elif turn.backend != "extractive" and not any(c.verdict == SUPPORTED for c in checks):
        # nothing the model said was confirmed by a passage: the offline answer instead
        draft = offline.answer(turn.standalone, turn.lang, passages)
        turn.notices.append(messages.text("uncheckable", turn.lang))
        turn.backend, flagged = "extractive", False
        body, citations, checks, _ = checked_whole(draft, turn.lang, runtime.similarity).result()
        if draft.abstained:
            body, checks = draft.text, ()
        yield "\n\n" + body
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
    asker: Asker | None = None,
) -> Answer:
    """Answer a question from the corpus, every sentence cited and checked."""
    *_, final = ask_stream(
        question, history, settings, filters, answer_language, id, runtime, asker
    )
    assert isinstance(final, Answer)
    return final
