"""Language identification for documents and questions, offline (py3langid)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from index.cache import cached_table

LANGUAGES = ("en", "cs", "ru", "sk", "de", "fr", "pl", "uk", "es", "it")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=list(LANGUAGES))


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    import simplemma

    return cached_table(f"english-words-simplemma{simplemma.__version__}", _build_english_words)


def _build_english_words() -> frozenset[str]:
    from index.language.analyzer import dictionaries

    words = dictionaries().get_dictionary("en")
    return frozenset(w.lower() for w in [*words.keys(), *words.values()])


def _plain_czech(words: list[str]) -> bool:
    """Czech typed without diacritics: more of its words are Czech forms than English ones (by the
    lemmatiser's dictionaries of both languages), and at least two are."""
    from index.language.analyzer import czech_form

    english = _english_words()
    czech = sum(1 for w in words if czech_form(w) and w not in english)
    return czech >= 2 and czech > sum(1 for w in words if w in english and not czech_form(w))


def detect_language(text: str, default: str = "en") -> str:
    """ISO code of the text's language; Czech typed without diacritics counts as Czech."""
    text = text.strip()
    if not text:
        return default
    if re.search(r"[а-яА-ЯёЁ]", text):
        cyr = _identifier().classify(text)[0]
        return cyr if cyr in ("ru", "uk") else "ru"
    if not re.search(r"[a-zà-ž]{2}", text):  # only acronyms or numbers: nothing to tell by
        return default
    lang, _prob = _identifier().classify(text)
    words = [w for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) > 1]
    if lang in ("sk", "pl"):
        return "cs"  # the neighbours py3langid confuses Czech with
    if lang != "cs" and text.isascii() and len(words) <= 40 and _plain_czech(words):
        return "cs"
    if lang not in LANGUAGES:
        return default
    return str(lang)
