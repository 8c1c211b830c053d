"""Cross-lingual keyword expansion from a bilingual domain term list (assistant/data)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from index.language import analyze

GLOSSARY = Path(__file__).parent / "data" / "glossary-cs-en.tsv"


@lru_cache(maxsize=1)
def _maps() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    cs_en: dict[str, set[str]] = {}
    en_cs: dict[str, set[str]] = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cs, _, en = line.partition("\t")
        cs_terms, en_terms = analyze(cs, "cs"), analyze(en, "en")
        for c in cs_terms:
            cs_en.setdefault(c, set()).update(en_terms)
        for e in en_terms:
            en_cs.setdefault(e, set()).update(cs_terms)
    return cs_en, en_cs


def translate_terms(terms: list[str], lang: str) -> list[str]:
    """Terms of the other language for analyzed query terms (cs ↔ en)."""
    cs_en, en_cs = _maps()
    table = cs_en if lang == "cs" else en_cs
    out: list[str] = []
    for term in terms:
        for other in sorted(table.get(term, ())):
            if other not in out and other not in terms:
                out.append(other)
    return out


ACRONYMS = Path(__file__).parent / "data" / "acronyms.tsv"


@lru_cache(maxsize=1)
def acronym_expansions() -> dict[str, list[set[str]]]:
    """Analyzed acronym term -> the analyzed terms of each of its expansions (English, Czech)."""
    out: dict[str, list[set[str]]] = {}
    for line in ACRONYMS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        acronym, *expansions = line.split("\t")
        for key in analyze(acronym, "en")[:1]:
            out.setdefault(key, []).extend(
                set(analyze(e, lang)) for e, lang in zip(expansions, ("en", "cs")) if e
            )
    return out
