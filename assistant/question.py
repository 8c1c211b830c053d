"""What kind of answer a question wants, from its wording (English and Czech, with or without diacritics),
and whether a sentence can be that answer (a 'how much' needs an amount, a 'when' a date...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.evidence import expansion_for, months, numbers, years
from index.keyword import fold

_DATE = r"\b(when|what year|which year|since when|what date|kdy|v jakem roce|v kterem roce|ktery rok|od kdy|do kdy|datum)\b"
_NUMBER = r"\b(how many|how much|number of|amount|budget|funding|kolik|pocet|castk|rozpoc|financ|how often|jak casto)\w*"
_MONEY = (r"\b(how much (?:money|funding|did|was|were|is|has|eu)|budget|cost|costs|amount of (?:money|funding)|"
          r"what (?:amount|sum)|financial contribution|kolik penez|kolik stal\w*|vyse (?:prispevku|financ|rozpoc)|"
          r"financni prispev\w*|rozpoc\w*|castk\w*)\b")
_DURATION = r"\b(how long|for how many (?:days|weeks|months|years)|jak dlouho|po jakou dobu)\b"
_SPAN = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|jeden|jedna|dva|dvě|tři|čtyři|pět|šest)"
                   r"(?:\s*(?:-|–|to|až|or|nebo)\s*\w+)?\s+(?:days?|weeks?|months?|years?|dn[íůy]\w*|týdn\w*|"
                   r"měsíc\w*|let|rok\w*)\b", re.IGNORECASE)
_NEXT = r"\b(next|upcoming|forthcoming|pristi\w*|nadchazejici\w*)\b"
_FUTURE = re.compile(r"\b(next|upcoming|forthcoming|foreseen|planned|scheduled|příští\w*|nadcházející\w*|"
                     r"plánovan\w*|naplánovan\w*)\b", re.IGNORECASE)
# ("Who allocated the funds?" asks for a who, not an amount: 'funds' alone does not make a money question.)
_COUNT = r"\b(how many|number of|kolik(?! penez)|pocet)\b"
_FREQUENCY = r"\b(how often|how frequently|jak casto|how regularly)\b"
_WHERE = r"\b(where|in which city|kde|ve kterem meste|v jakem meste)\b"
_ACRONYM = re.compile(r"(?i:stand for|full name of|acronym|zkratk\w*|znamená|znamena)\W+(?:(?i:the)\s+)?"
                      r"([A-Z][A-Z0-9]+(?: [A-Z]{2,})?)\b|\b([A-Z][A-Z0-9]{1,}(?: [A-Z]{2,})?)\W+(?i:stand for|mean|znamená)")
_LIST = (r"\b(what are|which are|list|name the|enumerate|what (?:are|were) the|which (?:\w+ ){0,2}(?:states|countries|"
         r"bodies|organisations|organizations|initiatives|members|documents|dialogues)|jake jsou|ktere jsou|jake byly|"
         r"vyjmenuj|seznam|ktere (?:\w+ ){0,2}(?:zeme|staty|organizace|organy|iniciativy|dokumenty|dialogy)|"
         r"what does .* (?:consist|include|encompass)|z ceho se sklada|co zahrnuje)\b")
_WHO = r"\b(who|whom|which organi[sz]ation|which body|which country|kdo|koho|ktera organizace|ktery stat|ktera zeme)\b"
_DEFINE = r"\b(what is|what does .* stand for|what's|co je|co znamena|co to je)\b"
_AMOUNT = re.compile(r"\d[\d  ,.]*\s*(?:mil\.?|million|billion|mld\.?|tis\.?|thousand)?\s*(?:EUR|€|euro|Kč|CZK|USD|\$)"
                     r"|(?:EUR|€|\$|USD|CZK)\s*\d|\d[\d  ,.]*\s*(?:million|billion|milion\w*|miliard\w*)", re.IGNORECASE)
FREQ_WORDS = re.compile(r"\b(annual\w*|yearly|once|twice|every|each year|per year|ročně|jednou|dvakrát|každ\w+|"
                         r"pravideln\w+|regular\w*)\b", re.IGNORECASE)
_PLACE = re.compile(r"\b(?:in|at|v|ve)\s+(?!(?:January|February|March|April|May|June|July|August|September|October|"
                    r"November|December|the|The)\b)[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ][a-záčďéěíňóřšťúůýž]+")
_QUANTITY_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|"
                             r"twofold|threefold|fourfold|fivefold|"
                             r"dva|dvě|tři|čtyři|pět|šest|sedm|osm|devět|deset)\b", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionType:
    date: bool
    number: bool
    listing: bool
    who: bool
    definition: bool
    money: bool = False
    count: bool = False
    frequency: bool = False
    where: bool = False
    acronym: str = ""  # the acronym whose expansion is asked for
    duration: bool = False  # "how long": a span of days, months, years
    upcoming: bool = False  # about the *next* one: a sentence about a past one is no answer


def classify(question: str) -> QuestionType:
    q = fold(question)
    m = _ACRONYM.search(question)
    acronym = (m.group(1) or m.group(2)).upper() if m else ""
    frequency = bool(re.search(_FREQUENCY, q))
    return QuestionType(
        date=bool(re.search(_DATE, q)),
        number=bool(re.search(_NUMBER, q)),
        listing=bool(re.search(_LIST, q)),
        who=bool(re.search(_WHO, q)),
        definition=bool(re.search(_DEFINE, q)),
        money=bool(re.search(_MONEY, q)),
        count=bool(re.search(_COUNT, q)) and not frequency,
        frequency=frequency,
        where=bool(re.search(_WHERE, q)),
        acronym=acronym if len(acronym) >= 2 and acronym.replace(" ", "").isalnum() else "",
        duration=bool(re.search(_DURATION, q)),
        upcoming=bool(re.search(_NEXT, q)),
    )


def is_specific(qtype: QuestionType) -> bool:
    """The question names the kind of fact it wants, so a sentence holding one is strong evidence."""
    return (qtype.money or qtype.count or qtype.frequency or qtype.date or qtype.where or qtype.duration
            or bool(qtype.acronym))


def can_answer(qtype: QuestionType, text: str) -> bool:
    """Whether a sentence holds the kind of fact the question asks for."""
    if qtype.money and not _AMOUNT.search(text):
        return False
    if qtype.count and not ((numbers(text) - years(text)) or _QUANTITY_WORDS.search(text)):
        return False
    if qtype.frequency and not (numbers(text) or FREQ_WORDS.search(text) or _QUANTITY_WORDS.search(text)):
        return False
    if qtype.date and not qtype.money and not (years(text) or months(text)):
        return False
    if qtype.where and not _PLACE.search(text):
        return False
    if qtype.duration and not _SPAN.search(text):
        return False
    if qtype.upcoming and not _FUTURE.search(text):
        return False
    if qtype.acronym:
        at = text.find(f"({qtype.acronym})")
        return at > 0 and bool(expansion_for(qtype.acronym, text[:at]))
    return True


# Words that say what kind of answer is wanted rather than what it is about: they weigh little in matching.
FRAME_WORDS = {
    "en": "often frequently held hold take place happen much many money amount budget cost number stand acronym mean means "
          "full name year years cover covers date when where who which what kind kinds currently main",
    "cs": "často konat konají koná kolik peněz peníze částka rozpočet počet znamená zkratka zkratky rok roky roce letech "
          "léta kdy kde kdo který která jaký jaká jaké přesně",
}
