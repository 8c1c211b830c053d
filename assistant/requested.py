"""A language the asker asks the answer to be in ("Answer in French: …", "odpověz anglicky",
"ответь по-русски"): read off the question so it neither pollutes retrieval nor gets the question
refused. English, Czech and Russian are answered in; another language gets the question's
language and a notice."""

from __future__ import annotations

import re

# language names as an asker writes them, in English, Czech and Russian, by ISO code
_NAMES = {
    "en": r"english|anglicky|angličtině|по-английски|на английском",
    "cs": r"czech|česky|cesky|češtině|по-чешски|на чешском",
    "ru": r"russian|rusky|ruštině|по-русски|на русском",
    "other": r"french|german|spanish|italian|polish|ukrainian|slovak|hungarian|romanian|"
    r"francouzsky|německy|španělsky|polsky|ukrajinsky|slovensky|"
    r"по-французски|по-немецки|по-испански|по-польски|по-украински",
}
_ASK = (
    r"(?:please\s+)?(?:answer|reply|respond|write(?: the answer)?|tell me)\s+(?:(?:it|me)\s+)?in"
    r"|odpověz(?:te)?|odpovez(?:te)?|napiš(?:te)?|ответь(?:те)?|напиши(?:те)?"
)
_REQUEST = re.compile(
    rf"(?:^|[\s,;(])(?:{_ASK})\s+(?P<name>{'|'.join(_NAMES.values())})(?:\s+please)?\s*[:,.;)!]?",
    re.IGNORECASE,
)


def requested_language(question: str) -> tuple[str, str]:
    """(code, the question without the request): code is en, cs, ru, 'other' for a language the
    assistant does not answer in, or '' when no language is asked for."""
    m = _REQUEST.search(question)
    if not m:
        return "", question
    name = m.group("name").lower()
    code = next(c for c, pattern in _NAMES.items() if re.fullmatch(pattern, name, re.IGNORECASE))
    rest = (question[: m.start()] + " " + question[m.end() :]).strip(" :,;.")
    return code, rest or question
