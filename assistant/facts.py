"""What kind of fact a sentence states, in English, Czech and Russian: a date, a count, an amount of
money,
a place, a person's role, a span of time, a frequency, a name. General patterns of the languages,
nothing
about one corpus; the answerer checks with them that a sentence fills the slot a question asks
for."""

from __future__ import annotations

import re

from assistant.evidence import MONTHS as MONTH_FORMS
from assistant.evidence import months, numbers, years
from index.language import fold

# Number words of English, Czech and Russian, with the cases Czech and Russian inflect them in
# ("sedmi států", "семи государств"): general language knowledge, not the corpus's.
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|thousand|dozen|several|\w+fold|"
    r"jeden|jedna|jedno|jednoho|jedné|dva|dvě|dvou|dvěma|tři|tří|třech|třemi|čtyři|čtyř|čtyřech|"
    r"pět|pěti|šest|šesti|sedm|sedmi|osm|osmi|devět|devíti|deset|deseti|\w+náct\w*|dvacet\w*|"
    r"třicet\w*|čtyřicet\w*|padesát\w*|sto|tisíc\w*|"
    r"один|одна|одного|одной|два|две|двух|двум|три|трёх|трех|четыре|четырёх|четырех|пять|пяти|"
    r"шесть|шести|семь|семи|восемь|восьми|девять|девяти|десять|десяти|\w+надцат\w+|двадцат\w+|"
    r"тридцат\w+|сорок\w*|пятьдесят|пятидесяти|сто|тысяч\w*"
)
_COUNT_WORD = re.compile(rf"\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_MONEY = re.compile(
    r"(?:EUR|€|\$|USD|CZK|Kč|евро|руб\w*|долл\w*)\s*\d|\d[\d\s "
    r",.]*\s*(?:mil\.?|mld\.?|tis\.?|million|"
    r"billion|milion\w*|miliard\w*|млн\.?|млрд\.?|тыс\.?)?\s*(?:EUR|€|euro|eur|Kč|CZK|USD|\$|евро|"
    r"руб\w*|долл\w*)|\d[\d\s ,.]*\s*(?:million|billion|milion\w*|miliard\w*|млн|млрд)",
    re.IGNORECASE,
)
_UNIT = (
    r"(?:days?|weeks?|months?|years?|hours?|dn[íůy]\w*|den|týd\w*|měsíc\w*|let(?:ech)?|rok\w*|hodin\w*|"
    r"дн\w*|день|недел\w*|месяц\w*|год\w*|лет|час\w*)"
)
_SPAN = re.compile(
    rf"\b(?:\d+|{_NUMBER_WORDS})(?:\s*(?:-|–|to|až|or|nebo|до|или)\s*\w+)?\s+{_UNIT}\b",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"\b(?:annual\w*|yearly|monthly|weekly|once|twice|every|each year|per year|a "
    r"year|ročně|měsíčně|"
    r"jednou|dvakrát|třikrát|každ\w+|pravideln\w+|regular\w*|ежегодно|ежемесячно|раз в|дважды|"
    r"каждый|каждые|регулярно)\b",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"\b(?:director\w*|head|heads|minister\w*|deputy|chair\w*|president\w*|officer|coordinator\w*|"
    r"co-ordinator\w*|manager\w*|advis[eo]r\w*|ambassador\w*|secretary|commissioner\w*|spokes\w+|"
    r"representative\w*|rapporteur|prime minister|mayor|ředitel\w*|vedoucí\w*|ministr\w*|náměst\w+|"
    r"předsed\w+|místopředsed\w+|tajemn\w+|velvyslan\w+|koordinátor\w*|poradc\w+|zástupc\w+|mluvčí|"
    r"komisař\w*|министр\w*|директор\w*|председател\w*|глав[аыу]|заместител\w*|координатор\w*|"
    r"комиссар\w*|посол\w*|советник\w*|руководител\w*|премьер\w*)\b",
    re.IGNORECASE,
)
_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|v|ve|na|в|во|на)\s+|(?:location|venue|place|seat|headquarters|address|místo|"
    r"místo konání|sídlo|adresa|место|город|штаб-квартира|адрес)\s*:\s*)"
    r"([A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽА-ЯЁ][\w-]+)"
)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)\d{2}\b")
_MONTH_WORD = "|".join(sorted(MONTH_FORMS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"(?<![\w.])\d{{1,2}}\.?(?:\s*(?:–|-|a|and|и|до)\s*\d{{1,2}}\.?)?\s+(?:{_MONTH_WORD})(?!\w)",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(rf"(?<!\w)(?:{_MONTH_WORD})\s+\d{{1,2}}(?![\d\w])", re.IGNORECASE)
_CAPITAL = r"[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽА-ЯЁ]"
_LOWER = r"[a-záčďéěíňóřšťúůýžа-яё]"
_NAME = re.compile(rf"(?<![\w.])({_CAPITAL}{_LOWER}+(?:[ -]{_CAPITAL}{_LOWER}+)+)")
_ACRONYM = re.compile(rf"\b{_CAPITAL}[A-ZА-ЯЁ0-9]{{1,9}}\b")


def has_date(text: str) -> bool:
    return bool(years(text) or months(text) or _NUMERIC_DATE.search(text))


def without_dates(text: str) -> str:
    """The text with its dates taken out: the days of '27.–28. dubna 2023' and '1 January 2018'
    are not counts."""
    return _NUMERIC_DATE.sub(" ", _MONTH_DAY.sub(" ", _DAY_MONTH.sub(" ", text)))


def has_count(text: str) -> bool:
    text = without_dates(text)
    return bool((numbers(text) - years(text)) or _COUNT_WORD.search(text))


def has_amount(text: str) -> bool:
    return bool(_MONEY.search(text))


def has_span(text: str) -> bool:
    return bool(_SPAN.search(text))


def has_frequency(text: str) -> bool:
    return bool(_FREQUENCY.search(text) or _SPAN.search(text))


def has_role(text: str) -> bool:
    return bool(_ROLE.search(text))


def places(text: str) -> set[str]:
    """Capitalised words after a locative preposition or a 'Location:' label."""
    return {m.group(1) for m in _LOCATIVE.finditer(text)}


def names(text: str) -> set[str]:
    """Acronyms and multi-word capitalised names (people, bodies, places)."""
    return set(_ACRONYM.findall(text)) | {m.group(1) for m in _NAME.finditer(text)}


_ORDINALS = {
    1: "first|první|první|первый|первая|первое|первой",
    2: "second|druhý|druhá|druhé|второй|вторая|второе",
    3: "third|třetí|третий|третья|третье|третьей",
    4: "fourth|čtvrtý|čtvrtá|čtvrté|четвёртый|четвертый|четвёртая|четвертая",
    5: "fifth|pátý|pátá|páté|пятый|пятая|пятое|пятой",
    6: "sixth|šestý|šestá|šesté|шестой|шестая|шестое",
    7: "seventh|sedmý|sedmá|sedmé|седьмой|седьмая|седьмое",
    8: "eighth|osmý|osmá|osmé|восьмой|восьмая|восьмое",
    9: "ninth|devátý|devátá|девятый|девятая",
    10: "tenth|desátý|desátá|десятый|десятая",
}
_ORDINAL_WORD = {w: str(n) for n, words in _ORDINALS.items() for w in words.split("|")}
_ORDINAL_DIGITS = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th|\.|-?(?:й|я|е|го|ой))(?=\s|$|[,;:])", re.IGNORECASE
)


def figures(text: str) -> set[str]:
    """The numbers a text names, ordinals as digits too ('fifth', '5th', 'пятая' are all '5')."""
    words = {_ORDINAL_WORD[w] for w in re.findall(r"\w+", text.lower()) if w in _ORDINAL_WORD}
    return numbers(text) | words | {m.group(1) for m in _ORDINAL_DIGITS.finditer(text)}


# What happens on a date: something signed, adopted, held, launched, founded, opened, ended, chosen.
_HAPPENED = re.compile(
    r"\b(?:sign|adopt|held|hold|took place|takes? place|entered into force|enters? into force|"
    r"host(?:ed|s|ing)\b|organi[sz](?:ed|es|ing)\b|launch|inaugurat|establish|founded|set up|"
    r"created|start|began|begun|commenc|"
    r"opened|conclu|ended|complet|approv|endors|elect|appoint|podeps|prijat|prijal|konal|probeh|"
    r"zahaj|zaloz|vznik|spust|zrizen|otevr|ukonc|skonc|schval|zvolen|jmenov|"
    r"подпис|принят|состоял|проведен|прошл|начал|основан|создан|учрежд|запущ|открыт|заверш|"
    r"утвержд|избран|назначен)",
    re.IGNORECASE,
)


def states_event(text: str) -> bool:
    """The sentence says that something happened (a signing, a launch, a meeting, an ending)."""
    return bool(_HAPPENED.search(fold(text)))
