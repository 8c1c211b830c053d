"""What kind of answer a question wants, from its wording (English and Czech, with or without diacritics)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.keyword import fold

_DATE = r"\b(when|what year|which year|since when|what date|kdy|v jakem roce|v kterem roce|ktery rok|od kdy|do kdy|datum)\b"
_NUMBER = r"\b(how many|how much|number of|amount|budget|funding|kolik|pocet|castk|rozpoc|financ|how often|jak casto)\w*"
_LIST = (r"\b(what are|which are|list|name the|enumerate|what (?:are|were) the|which (?:states|countries|bodies|"
         r"organisations|organizations)|jake jsou|ktere jsou|jake byly|vyjmenuj|seznam|ktere (?:zeme|staty|organizace)|"
         r"what does .* (?:consist|include|encompass)|z ceho se sklada|co zahrnuje)\b")
_WHO = r"\b(who|whom|which organi[sz]ation|which body|which country|kdo|koho|ktera organizace|ktery stat|ktera zeme)\b"
_DEFINE = r"\b(what is|what does .* stand for|what's|co je|co znamena|co to je)\b"


@dataclass(frozen=True)
class QuestionType:
    date: bool
    number: bool
    listing: bool
    who: bool
    definition: bool


def classify(question: str) -> QuestionType:
    q = fold(question)
    return QuestionType(
        date=bool(re.search(_DATE, q)),
        number=bool(re.search(_NUMBER, q)),
        listing=bool(re.search(_LIST, q)),
        who=bool(re.search(_WHO, q)),
        definition=bool(re.search(_DEFINE, q)),
    )
