"""Language identification for documents and questions, offline (py3langid)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

LANGUAGES = ("en", "cs", "ru", "sk", "de", "fr", "pl", "uk", "es", "it")
# Words that mark Czech even when typed without diacritics.
_CZECH_HINTS = {
    "a",
    "je",
    "se",
    "na",
    "v",
    "ve",
    "z",
    "ze",
    "do",
    "od",
    "pro",
    "jak",
    "jaky",
    "jaka",
    "jake",
    "jaké",
    "jaký",
    "jaká",
    "kdo",
    "kdy",
    "kde",
    "co",
    "ktery",
    "ktera",
    "které",
    "který",
    "která",
    "ktere",
    "proc",
    "proč",
    "kolik",
    "byl",
    "byla",
    "bylo",
    "jsou",
    "mezi",
    "s",
    "k",
    "o",
    "u",
    "zeme",
    "země",
    "zemi",
    "zemí",
    "projekt",
    "projektu",
    "proces",
    "procesu",
    "prazsky",
    "pražský",
    "prazskeho",
    "pražského",
    "cr",
    "čr",
    "ceska",
    "česká",
    "republika",
    "ministerstvo",
    "uprchliky",
    "uprchlíky",
    "azyl",
    "azylu",
    "migrace",
    "migraci",
    "migrační",
    "migracni",
    "spoluprace",
    "spolupráce",
}


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=list(LANGUAGES))


def detect_language(text: str, default: str = "en") -> str:
    """ISO code of the text's language; short Czech typed without diacritics counts as Czech."""
    text = text.strip()
    if not text:
        return default
    if re.search(r"[а-яА-ЯёЁ]", text):
        cyr = _identifier().classify(text)[0]
        return cyr if cyr in ("ru", "uk") else "ru"
    if not re.search(r"[a-zà-ž]{2}", text):  # only acronyms or numbers: nothing to tell by
        return default
    lang, _prob = _identifier().classify(text)
    words = re.findall(r"\w+", text.lower())
    if lang in ("sk", "pl", "cs") or (len(words) <= 25 and lang != "en"):
        hints = sum(w in _CZECH_HINTS for w in words)
        if lang in ("sk", "pl") or (hints >= 2 and hints >= len(words) // 4):
            return "cs"
    if lang == "en" or lang not in LANGUAGES:
        return "en" if lang == "en" else default
    return str(lang)
