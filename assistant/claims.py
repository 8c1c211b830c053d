"""Claims: whether one sentence is supported by the passages it cites.

A sentence is *supported* only when every critical fact in it (numbers, years, months, names,
acronyms) appears, normalised, in the passages it cites, its negation agrees with theirs, and enough
of its content words are found there. Four verdicts, never a silent gap: supported / contradicted /
unverifiable / undetermined.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.evidence import entities, months, numbers, years
from assistant.types import Similarity
from index.language import analyze, fold

SUPPORTED, CONTRADICTED, UNVERIFIABLE, UNDETERMINED = (
    "supported",
    "contradicted",
    "unverifiable",
    "undetermined",
)
VERDICTS = (SUPPORTED, CONTRADICTED, UNVERIFIABLE, UNDETERMINED)

MARKER = re.compile(r"\s*\[(\d+)\]")
_TAG = re.compile(r"<[^>]{1,200}>")
_NEGATION = re.compile(
    r"\b(not|no|never|neither|nor|none|cannot|without|n't|ne|nikdy|žádn\w*|nebyl\w*|není|nejsou|nebude\w*|nemá\w*"
    r"|nemůže\w*|nelze|bez|не|нет|ни|никогда|ничего|нельзя|без)\b(?!\.\s*\d)|n't\b",
    re.IGNORECASE,
)
_CZ_NEG_VERB = re.compile(
    r"\bne(?!j)[a-záčďéěíňóřšťúůýž]{3,}", re.IGNORECASE
)  # Czech verbs negate with a ne- prefix
_CZECH_LETTERS = re.compile(r"[áčďéěíňóřšťúůýž]", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reason: str
    overlap: float = 0.0


def strip_markers(sentence: str) -> tuple[str, tuple[int, ...]]:
    """The sentence without its [n] markers (also one that stripping another leaves, '[0[0]]'), and
    the markers in order, as written ('[00]' is stripped but cites nothing)."""
    cited = tuple(dict.fromkeys(int(n) for n in MARKER.findall(sentence) if n == str(int(n))))
    plain = sentence
    while MARKER.search(plain):
        plain = MARKER.sub("", plain)
    return plain.strip(), cited


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", _TAG.sub("", text))


def negated(text: str, lang: str) -> bool:
    """The text says that something is not so (English, Czech, Russian)."""
    if _NEGATION.search(text):
        return True
    if lang == "cs" and _CZECH_LETTERS.search(
        text
    ):  # not in an English quote: 'neighbours', 'network'
        return any(
            not w.lower().startswith(("nejen", "new", "neb", "nez", "než", "nej"))
            for w in _CZ_NEG_VERB.findall(text)
        )
    return False


def _entity_found(entity: str, evidence: str, evidence_folded: str, lang: str) -> bool:
    if entity in evidence:
        return True
    if fold(entity) in evidence_folded:
        return True
    words = [w for w in re.findall(r"\w+", entity) if len(w) > 2]
    forms = {t for w in words for t in analyze(w, lang)}
    ev_terms = set(analyze(evidence, lang)) | set(analyze(evidence, "en"))
    return bool(words) and forms <= ev_terms


def check_claim(
    claim: str,
    passages: Sequence[str],
    lang: str = "en",
    similarity: Similarity | None = None,
    context: str = "",
) -> Verdict:
    """Is `claim` supported by the concatenated cited `passages`?

    `context` (the cited documents' titles and headings) may supply the names a passage leaves
    implicit.
    """
    claim = _plain(strip_markers(claim)[0])
    evidence = _plain(" ".join(passages))
    if not claim.strip(" -•*:"):
        return Verdict(UNDETERMINED, "nothing to check")
    if not evidence.strip():
        return Verdict(UNVERIFIABLE, "cites no passage")
    wrong = _figures_differ(claim, evidence) or _names_missing(claim, evidence, lang, context)
    if wrong is not None:
        return wrong
    return _by_wording(claim, evidence, lang, similarity)


def _figures_differ(claim: str, evidence: str) -> Verdict | None:
    """Numbers and dates must appear exactly (normalised), months and small counts too."""
    claim_nums, ev_nums = numbers(claim), numbers(evidence)
    missing_nums = claim_nums - ev_nums
    if missing_nums:
        kind = "year" if any(re.fullmatch(r"(19|20)\d\d", n) for n in missing_nums) else "number"
        if (kind == "year" and years(evidence)) or (kind == "number" and ev_nums):
            return Verdict(
                CONTRADICTED, f"{kind} {', '.join(sorted(missing_nums))} differs from the source"
            )
        return Verdict(UNVERIFIABLE, f"{kind} {', '.join(sorted(missing_nums))} not in the source")
    claim_months, ev_months = months(claim), months(evidence)
    if claim_months - ev_months:
        return Verdict(CONTRADICTED if ev_months else UNVERIFIABLE, "month differs from the source")
    claim_q, ev_q = quantities(claim), quantities(evidence)
    if claim_q - ev_q and ev_q - claim_q:
        return Verdict(
            CONTRADICTED, f"quantity {', '.join(sorted(claim_q - ev_q))} differs from the source"
        )
    return None


def _names_missing(claim: str, evidence: str, lang: str, context: str) -> Verdict | None:
    """Every name of the claim is in the source (or in the cited documents' titles)."""
    named = f"{context} {evidence}"
    folded = fold(named)
    for entity in sorted(entities(claim)):
        if not _entity_found(entity, named, folded, lang):
            return Verdict(
                CONTRADICTED if entities(evidence) else UNVERIFIABLE,
                f"name '{entity}' not in the source",
            )
    return None


def _by_wording(claim: str, evidence: str, lang: str, similarity: Similarity | None) -> Verdict:
    """The claim's content words (or its meaning) found in the source, and negation agreeing."""
    overlap = content_overlap(claim, evidence, lang)
    if negated(claim, lang) != negated(evidence, lang) and overlap >= 0.5:
        if negated(claim, lang) or not _negation_near(claim, evidence, lang):
            return Verdict(CONTRADICTED, "negation differs from the source", overlap)
    if overlap >= 0.6:
        return Verdict(SUPPORTED, f"{overlap:.0%} of the content found in the source", overlap)
    if similarity is not None:
        sim = similarity(claim, evidence)
        if sim >= 0.85 and overlap >= 0.3:
            return Verdict(SUPPORTED, f"meaning matches the source (similarity {sim:.2f})", overlap)
    if overlap >= 0.4:
        return Verdict(
            UNDETERMINED, f"only {overlap:.0%} of the content found in the source", overlap
        )
    return Verdict(UNVERIFIABLE, f"only {overlap:.0%} of the content found in the source", overlap)


_NUMBER_WORDS = {
    "once": "1",
    "one": "1",
    "single": "1",
    "twice": "2",
    "two": "2",
    "three": "3",
    "thrice": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "jednou": "1",
    "jeden": "1",
    "jedna": "1",
    "dvakrát": "2",
    "dva": "2",
    "dvě": "2",
    "tři": "3",
    "třikrát": "3",
    "čtyři": "4",
    "pět": "5",
    "šest": "6",
    "sedm": "7",
    "osm": "8",
    "devět": "9",
    "deset": "10",
}
_FOLD_WORDS = {"twofold": "2", "threefold": "3", "fourfold": "4", "fivefold": "5"}


def quantities(text: str) -> set[str]:
    """Small counts written as words or digits ('three', 'twice', 'threefold', '6'), normalised to
    digits."""
    out = {n for n in numbers(text) if "." not in n and len(n) <= 2}
    words = re.findall(r"\w+", text.lower())
    for i, w in enumerate(words):
        if w in _FOLD_WORDS:
            out.add(_FOLD_WORDS[w])
        elif w in _NUMBER_WORDS and not (
            w in ("one", "jeden", "jedna")
            and i + 1 < len(words)
            and words[i + 1] in ("of", "z", "ze")
        ):
            out.add(_NUMBER_WORDS[w])
    return out


def _negation_near(claim: str, evidence: str, lang: str) -> bool:
    """The source is negated somewhere, but is the sentence that matches the claim negated?"""
    best, best_overlap = "", -1.0
    for sent in re.split(r"(?<=[.!?;])\s+", evidence):
        o = content_overlap(claim, sent, lang)
        if o > best_overlap:
            best, best_overlap = sent, o
    return negated(best, lang)


def content_overlap(claim: str, evidence: str, lang: str) -> float:
    """Share of the claim's content terms that the evidence contains (glossary translations
    count)."""
    terms = list(dict.fromkeys(analyze(claim, lang)))
    if not terms:
        return 0.0
    ev_terms = (
        set(analyze(evidence, lang)) | set(analyze(evidence, "en")) | set(analyze(evidence, "cs"))
    )
    hits = sum(1 for t in terms if t in ev_terms)
    return hits / len(terms)
