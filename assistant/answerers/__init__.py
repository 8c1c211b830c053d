"""Answer: backends by short name, each importing its SDK only when chosen."""

from __future__ import annotations

from collections.abc import Callable

from assistant.answerers.base import Answerer
from assistant.answerers.extractive import ExtractiveAnswerer, SentenceIndex
from assistant.errors import AssistantError
from assistant.settings import Settings


def _extractive(settings: Settings, index: SentenceIndex | None) -> Answerer:
    return ExtractiveAnswerer(settings.max_sentences, settings.abstain_threshold, index)


def _openai(settings: Settings, index: SentenceIndex | None) -> Answerer:
    from assistant.answerers.llm import LLMAnswerer, openai_chat

    if not settings.llm_api_key:
        raise AssistantError(
            "The 'openai' answerer needs OPENAI_API_KEY: set it, or use PP_ANSWERER=extractive"
        )
    return LLMAnswerer("openai", openai_chat(settings), settings)


def _openai_compatible(settings: Settings, index: SentenceIndex | None) -> Answerer:
    from assistant.answerers.llm import LLMAnswerer, openai_compatible_chat

    if not settings.llm_base_url:
        raise AssistantError(
            "The 'openai-compatible' answerer needs OPENAI_BASE_URL (e.g. "
            "http://127.0.0.1:11434/v1)"
        )
    return LLMAnswerer("openai-compatible", openai_compatible_chat(settings), settings)


def _llamacpp(settings: Settings, index: SentenceIndex | None) -> Answerer:
    from assistant.answerers.llamacpp import llamacpp_chat
    from assistant.answerers.llm import LLMAnswerer

    return LLMAnswerer("llamacpp", llamacpp_chat(settings), settings)


ANSWERERS: dict[str, Callable[[Settings, SentenceIndex | None], Answerer]] = {
    "extractive": _extractive,
    "openai": _openai,
    "openai-compatible": _openai_compatible,
    "llamacpp": _llamacpp,
}


def make_answerer(settings: Settings, index: SentenceIndex | None = None) -> Answerer:
    """The answerer named by settings ('auto' = an LLM when one is configured, else extractive);
    `index` gives the offline answerer its sentence vectors and corpus knowledge (the runtime)."""
    name = settings.resolved_answerer
    if name not in ANSWERERS:
        raise AssistantError(f"Unknown answerer {name!r}: choose one of {', '.join(ANSWERERS)}")
    return ANSWERERS[name](settings, index)


__all__ = ["ANSWERERS", "Answerer", "ExtractiveAnswerer", "make_answerer"]
