"""What kind of answer a question wants, from its wording (English and Czech, with or without diacritics),
and whether a sentence can be that answer (a 'how much' needs an amount, a 'when' a date...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.evidence import expansion_for, months, numbers, years
from index.language import fold

_DATE = r"\b(when|what year|which year|since when|what date|kdy|v jakem roce|v kterem roce|ktery rok|od kdy|do kdy|datum)\b"
_NUMBER = r"\b(how many|how much|number of|amount|budget|funding|kolik|pocet|castk|rozpoc|financ|how often|jak casto)\w*"
_MONEY = (
    r"\b(how much (?:money|funding|did|was|were|is|are|has|eu)|jaka je vyse|jaka byla vyse|vyse \w+ (?:davek|davky)|budget|cost|costs|amount of (?:money|funding)|"
    r"what (?:amount|sum)|financial contribution|kolik penez|kolik stal\w*|vyse (?:prispevku|financ|rozpoc)|"
    r"financni prispev\w*|rozpoc\w*|castk\w*)\b"
)
_DURATION = r"\b(how long|for how many (?:days|weeks|months|years)|jak dlouho|po jakou dobu)\b"
_SPAN = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|jeden|jedna|dva|dvě|tři|čtyři|pět|šest)"
    r"(?:\s*(?:-|–|to|až|or|nebo)\s*\w+)?\s+(?:days?|weeks?|months?|years?|dn[íůy]\w*|týdn\w*|"
    r"měsíc\w*|let|rok\w*)\b",
    re.IGNORECASE,
)
_NEXT = r"\b(next|upcoming|forthcoming|pristi\w*|nadchazejici\w*)\b"
_FUTURE = re.compile(
    r"\b(next|upcoming|forthcoming|foreseen|planned|scheduled|příští\w*|nadcházející\w*|"
    r"plánovan\w*|naplánovan\w*)\b",
    re.IGNORECASE,
)
# ("Who allocated the funds?" asks for a who, not an amount: 'funds' alone does not make a money question.)
_COUNT = r"\b(how many|number of|kolik(?:a|e|i|u)?\b(?! penez)|pocet)\b"  # 'kolika navrátilcům
_FREQUENCY = r"\b(how often|how frequently|jak casto|kolikrat|how regularly)\b"
_WHERE = (
    r"\b(where|(?:in )?(?:which|what) (?:\w+ )?(?:city|town|place|venue|location)|kde|"
    r"(?:ve|v) (?:kterem|jakem) (?:\w+ )?(?:meste|miste))\b"
)
# "What position does X hold?": the answer names a function, not just the person again.
_ROLE_Q = (
    r"\b((?:what|which) (?:\w+ )?(?:position|title|job|post|role|function)s? (?:does|did|do|is|was) "
    r".{1,40} (?:hold|held|have|has|occupy|occupied)\b|"
    r"(?:jakou|kterou) (?:\w+ )?(?:funkci|pozici) (?:zastav|vykonav)\w*)"
)
_ROLE = re.compile(
    r"\b(director\w*|head|heads|minister\w*|deputy|chair\w*|president\w*|officer|officers|"
    r"coordinator\w*|co-ordinator\w*|manager\w*|advis[eo]r\w*|ambassador\w*|secretary|commissioner\w*|"
    r"spokes\w+|expert|representative\w*|official|rapporteur|ředitel\w*|vedoucí\w*|ministr\w*|"
    r"náměst\w+|předsed\w+|místopředsed\w+|tajemn\w+|velvyslan\w+|koordinátor\w*|poradc\w+|"
    r"zástupc\w+|mluvčí|referent\w*|expert\w*)\b",
    re.IGNORECASE,
)
# A 'when did it end' is not answered by when it began, nor the reverse.
# (question words, sentence verbs): a sentence names the event by a verb form, not by a noun ('initiatives').
_EVENTS = {
    "start": (
        r"start\w*|begin\w*|began|begun|commenc\w*|launch\w*|initiat\w*|found(?:ed|ing)?|establish\w*|"
        r"inaugurat\w*|set up|zacal\w*|zacat\w*|zacin\w*|zahaj\w*|zapocal\w*|zaloz\w*|vznik\w*|spust\w*|"
        r"ustav\w*|zrid\w*",
        r"started|starts|began|begun|commenced|launched|initiated|founded|inaugurated|set up|"
        r"(?:was|were|been) established|zacal\w*|zahajen\w*|zahajil\w*|zapocal\w*|zalozen\w*|vznikl\w*|"
        r"spusten\w*|ustaven\w*|zrizen\w*",
    ),
    "end": (
        r"end|ends|ended|ending|finish\w*|conclu\w*|terminat\w*|expir\w*|complet\w*|clos\w*|skonc\w*|"
        r"ukonc\w*|konci\w*|dokonc\w*",
        r"ended|ends|finished|concluded|terminated|expired|completed|closed|came to an end|skoncil\w*|"
        r"ukoncen\w*|ukoncil\w*|konci|dokoncen\w*|uzavren\w*",
    ),
}
_TOTAL_Q = r"\b(total|overall|whole|entire|in all|altogether|celkov\w*|cel\w* rozpoc\w*)\b"
_PART = re.compile(
    r"\b(additional|extra|further|another|supplementary|dodatečn\w*|další\w*|navíc)\b",
    re.IGNORECASE,
)
_TOTAL = re.compile(r"\b(total\w*|overall|in all|altogether|celkov\w*|celkem)\b", re.IGNORECASE)
_ACRONYM = re.compile(
    r"(?i:stand for|full name of|acronym|zkratk\w*|znamená|znamena)\W+(?:(?i:the)\s+)?"
    r"([A-Z][A-Z0-9]+(?: [A-Z]{2,})?)\b|\b([A-Z][A-Z0-9]{1,}(?: [A-Z]{2,})?)\W+(?i:stand for|mean|znamená)"
)
_LIST = (
    r"(?:^\W*|\b(?:please|can you|could you) )(?:list|name)\b|\b(what are|which are|name the|enumerate|what (?:are|were) the|which (?:\w+ ){0,2}(?:states|countries|"
    r"bodies|organisations|organizations|initiatives|members|documents|dialogues)|jake jsou|ktere jsou|jake byly|"
    r"vyjmenuj|seznam|ktere (?:\w+ ){0,2}(?:zeme|staty|organizace|organy|iniciativy|dokumenty|dialogy)|"
    r"what does .* (?:consist|include|encompass)|z ceho se sklada|co zahrnuje)\b"
)
_WHO = r"\b(who|whom|which organi[sz]ation|which body|which country|kdo|koho|ktera organizace|ktery stat|ktera zeme)\b"
_DEFINE = r"\b(what is|what does .* stand for|what's|co je|co znamena|co to je)\b"
_AMOUNT = re.compile(
    r"\d[\d  ,.]*\s*(?:mil\.?|million|billion|mld\.?|tis\.?|thousand)?\s*(?:EUR|€|euro|Kč|CZK|USD|\$)"
    r"|(?:EUR|€|\$|USD|CZK)\s*\d|\d[\d  ,.]*\s*(?:million|billion|milion\w*|miliard\w*)",
    re.IGNORECASE,
)
FREQ_WORDS = re.compile(
    r"\b(annual\w*|yearly|once|twice|every|each year|per year|ročně|jednou|dvakrát|každ\w+|"
    r"pravideln\w+|regular\w*)\b",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?:in|at|v|ve)\s+(?!(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|the|The)\b)[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ][a-záčďéěíňóřšťúůýž]+"
)
_QUANTITY_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|"
    r"twofold|threefold|fourfold|fivefold|"
    r"dva|dvě|tři|čtyři|pět|šest|sedm|osm|devět|deset)\b",
    re.IGNORECASE,
)


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
    role: bool = False  # "what position does X hold": the answer names a function
    event: str = ""  # "start" or "end" for "when did it begin / end"
    total: bool = False  # "the total budget": an additional amount is not it


# A question that opens with another question word uses 'when'/'kdy' as a conjunction: "What approach did they
# follow when strengthening co-operation?" asks for an approach, not a date.
_OTHER_WH = re.compile(
    r"^\W*(?:and |so |but )?(what|which|who|whom|whose|how|where|why|co|kdo|koho|jak\w*|kter\w*|"
    r"kolik|kde|proc|cim|na co|k cemu|s kym|s cim)\b"
)


def _asks_date(q: str) -> bool:
    m = re.search(_DATE, q)
    if not m:
        return False
    conjunction = (
        m.group(1) in ("when", "kdy")
        and bool(_OTHER_WH.match(q))
        and not re.search(r"\b(and|a)\s*$", q[: m.start()])
        and bool(re.match(r"\s+\w", q[m.end() :]))
    )
    return not conjunction or bool(re.search(_DATE, q[m.end() :]))


def classify(question: str) -> QuestionType:
    q = fold(question)
    m = _ACRONYM.search(question)
    acronym = (m.group(1) or m.group(2)).upper() if m else ""
    frequency = bool(re.search(_FREQUENCY, q))
    date = _asks_date(q)
    return QuestionType(
        date=date,
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
        role=bool(re.search(_ROLE_Q, q)),
        event=_event(q) if date else "",
        total=bool(re.search(_TOTAL_Q, q)),
    )


def _event(q: str) -> str:
    """The start or the end, when a date question asks for exactly one of them."""
    asked = [name for name, (pattern, _) in _EVENTS.items() if re.search(rf"\b(?:{pattern})\b", q)]
    return asked[0] if len(asked) == 1 else ""


def is_specific(qtype: QuestionType) -> bool:
    """The question names the kind of fact it wants, so a sentence holding one is strong evidence."""
    return (
        qtype.money
        or qtype.count
        or qtype.frequency
        or qtype.date
        or qtype.where
        or qtype.duration
        or bool(qtype.acronym)
    )


def can_answer(qtype: QuestionType, text: str) -> bool:
    """Whether a sentence holds the kind of fact the question asks for."""
    if qtype.money and not _AMOUNT.search(text):
        return False
    if qtype.count and not ((numbers(text) - years(text)) or _QUANTITY_WORDS.search(text)):
        return False
    if qtype.frequency and not (
        numbers(text) or FREQ_WORDS.search(text) or _QUANTITY_WORDS.search(text)
    ):
        return False
    if qtype.date and not qtype.money and not (years(text) or months(text)):
        return False
    if qtype.where and not _PLACE.search(text):
        return False
    if qtype.duration and not _SPAN.search(text):
        return False
    if qtype.upcoming and not _FUTURE.search(text):
        return False
    if qtype.role and not _ROLE.search(text):
        return False
    if qtype.event:
        folded = fold(text)
        other = [name for name in _EVENTS if name != qtype.event]
        if not re.search(rf"\b(?:{_EVENTS[qtype.event][1]})\b", folded) and any(
            re.search(rf"\b(?:{_EVENTS[name][1]})\b", folded) for name in other
        ):
            return False
    if qtype.money and qtype.total and _PART.search(text) and not _TOTAL.search(text):
        return False
    if qtype.acronym:
        at = text.find(f"({qtype.acronym})")
        return at > 0 and bool(expansion_for(qtype.acronym, text[:at]))
    return True


# Words that say what kind of answer is wanted rather than what it is about: they weigh little in matching.
FRAME_WORDS = {
    "en": "according often frequently held hold take place happen much many money amount budget cost number stand acronym mean means "
    "full name year years cover covers date when where who which what kind kinds currently main",
    "cs": "často konat konají koná kolik peněz peníze částka rozpočet počet znamená zkratka zkratky rok roky roce letech "
    "léta kdy kde kdo který která jaký jaká jaké přesně",
}
