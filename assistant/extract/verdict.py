"""'Yes.' or 'No.' for a yes/no question, when the best evidence decides it: a page's own answer
to the same question ('Can I apply abroad? No.'), a contrast that denies the asked term ('political
rather than legal'), or agreement in negation with a sentence that holds the question's wording and
names. General words of English, Czech and Russian; '' when the evidence does not decide."""

from __future__ import annotations

import re

from assistant.claims import negated
from assistant.evidence import Evidence, sentences
from index.language import STOPWORDS, fold

_ANSWER_WORD = re.compile(r"^\W*(yes|no|ano|ne|да|нет)\b", re.IGNORECASE)
_YES = {"yes", "ano", "да"}
# 'rather than legal', 'instead of …', 'nikoli právní', 'а не юридические'
_CONTRAST = re.compile(
    r"\b(?:rather than|instead of|not|never|nikoli|nikoliv|namísto|místo|а не|вместо|не)\s+(\w+)",
    re.IGNORECASE,
)


def decide(question: str, lang: str, best: Evidence, wording: float, names: float) -> bool | None:
    """True (yes), False (no) or None (the evidence does not decide). `wording` and `names`: the
    share of the question's words and names the sentence holds."""
    text = best.text.strip()
    if text.endswith("?"):  # a page's FAQ: the sentence after the question answers it
        after = sentences(best.passage)[best.position + 1 : best.position + 2]
        m = _ANSWER_WORD.match(after[0].text) if after else None
        return fold(m.group(1)) in _YES if m else None
    m = _ANSWER_WORD.match(text)
    if m and wording >= 0.3:
        return fold(m.group(1)) in _YES
    if wording < 0.4 or names < 1.0 or not _states_names(question, lang, best):
        return None
    if _denies_asked_term(question, text) or _excepts_asked_name(question, text):
        return False
    return negated(question, lang) == negated(text, best.passage.language or lang)


def _states_names(question: str, lang: str, best: Evidence) -> bool:
    """In the question's language, the sentence itself writes every name the question asks about:
    each word of it, or its initials ('European Migration Network' as 'EMN'). 'Is the Training
    Academy run by the European Commission?' is not decided by a sentence on the Academy that does
    not name the Commission. An acronym of the question is left to the features, which know its
    expansions."""
    if (best.passage.language or lang) != lang:
        return True  # names are spelled otherwise in another language: the features judged them
    words = re.findall(r"\w+", best.text)
    said = {_key(w) for w in words}
    for name in re.findall(r"(?<=\w )((?:[A-ZÀ-ŽА-ЯЁ]\w+ )*[A-ZÀ-ŽА-ЯЁ]\w+)", question):
        parts = name.split()
        if len(parts) == 1 and name.isupper():
            continue
        initials = "".join(w[0] for w in parts).upper()
        if not all(_key(w) in said for w in parts) and not (len(parts) > 1 and initials in words):
            return False
    return True


def _denies_asked_term(question: str, text: str) -> bool:
    """A word of the question stands right after a contrast in the sentence: 'Are they legally
    binding?' against 'political rather than legal'."""
    asked = {_key(w) for w in re.findall(r"\w+", question) if fold(w) not in STOPWORDS}
    return any(_key(m.group(1)) in asked for m in _CONTRAST.finditer(text) if len(m.group(1)) > 3)


# 'all five partnerships except, in the case of the Czech Republic, the one with Belarus'
_EXCEPT = re.compile(
    r"\b(?:except(?: for)?|excluding|with the exception of|apart from|kromě|s výjimkou|vyjma|"
    r"кроме|за исключением)\b(.{0,60})",
    re.IGNORECASE,
)


def _excepts_asked_name(question: str, text: str) -> bool:
    """A name the question asks about is what the sentence excepts: 'Is Denmark in the EMN?'
    against 'all Member States except Denmark'."""
    names = {_key(w) for w in re.findall(r"(?<=\w )([A-ZÀ-ŽА-ЯЁ]\w{3,})", question)}
    return any(
        _key(w) in names for m in _EXCEPT.finditer(text) for w in re.findall(r"\w+", m.group(1))
    )


def _key(word: str) -> str:
    """A word compared by its first five letters, folded: 'legally' meets 'legal'."""
    return fold(word)[:5]
