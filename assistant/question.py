"""What a question asks for, from its wording in English, Czech (with or without diacritics) or
Russian: the slot an answer must fill (a date, a count, an amount, a person or body, a place, a
role, a span of time, a frequency, an acronym's expansion), and its form (yes/no, a list, a broad
overview). General question words of the three languages; nothing about any corpus."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant import facts
from index.language import fold

# Slot patterns, matched on the folded question (lower case, no diacritics). Order matters: the
# first
# slot that matches wins, so the narrower ones come first.
_SLOTS: list[tuple[str, str]] = [
    (
        "expansion",
        r"stand for|full name|abbreviat|acronym|zkratk|znamena zkratka|cely nazev|"
        r"расшифров|аббревиатур|полное название",
    ),
    (
        "frequency",
        r"how often|how frequently|how regularly|jak casto|kolikrat|как часто|сколько раз",
    ),
    (
        "duration",
        r"how long|for how long|how many (?:days|weeks|months|years)|what period|jak "
        r"dlouho|"
        r"po jakou dobu|na jak dlouho|jakou lhut|kolik (?:dnu|mesicu|let|tydnu)|как долго|"
        r"на какой срок|сколько (?:дней|месяцев|лет|недель)|в течение какого",
    ),
    (
        "amount",
        r"how much (?:money|funding|did|was|were|is|are|has|does|will)|budget|cost|price|fee|"
        r"amount of (?:money|funding)|financial contribution|kolik penez|kolik stal|kolik "
        r"stoj|"
        r"castk|rozpoc|poplat|vyse (?:prispevk|financ|dav)|сколько денег|сколько "
        r"стоит|бюджет|"
        r"стоимост|сумм|пошлин",
    ),
    (
        "date",
        r"\bwhen\b|what year|which year|what date|since when|until when|\bkdy\b|v jakem roce|"
        r"ktereho roku|od kdy|do kdy|jakeho dne|kdy se|когда|в каком году|какого числа|"
        r"с какого (?:года|числа)|до какого",
    ),
    ("count", r"how many|number of|\bkolik\b|\bpocet\b|сколько|\bчисло\b|количеств"),
    (
        "role",
        r"what (?:\w+ )?(?:position|role|function|title|post|job)|(?:jakou|kterou) (?:\w+ )?"
        r"(?:funkci|pozici|roli)|какую (?:\w+ )?(?:должность|роль|функцию)|кем "
        r"(?:работает|является)",
    ),
    (
        "place",
        r"\bwhere\b|which (?:city|town|country|place)|what (?:city|town|venue|place)|\bkde\b|"
        r"(?:ve|v) (?:kterem|jakem) (?:meste|miste|zemi)|\bkam\b|\bodkud\b|\bгде\b|"
        r"в каком (?:городе|месте)|куда|откуда",
    ),
    (
        "person",
        r"\bwho\b|\bwhom\b|\bwhose\b|which (?:organi[sz]ation|body|agency|institution|state|"
        r"country|ministry)|\bkdo\b|\bkoho\b|\bkomu\b|\bkym\b|ktera "
        r"(?:organizace|instituce)|"
        r"\bкто\b|\bкого\b|\bкому\b|\bкем\b|\bчей\b|какая (?:организация|страна)",
    ),
]
_WH = re.compile(
    r"\b(?:what|which|who|whom|whose|how|where|why|when|co|ceho|cem|cim|kdo|koho|komu|kym|kdy|kde|kam|"
    r"odkud|jak\w*|kter\w*|kolik\w*|proc|ci|cich|что|чего|чем|кто|кого|кому|когда|где|куда|откуда|как\w*|"
    r"котор\w*|сколько|почему|зачем|чей|чья|чьи)\b"
)
_AUX_EN = (
    r"^\W*(?:and |so "
    r")?(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|"
    r"must|may)\b"
)
_YES_NO_MARK = r"\b(?:zda|zdali|jestli|jestl|ли)\b|-li\b|^\W*(?:правда|верно)"
_LIST = (
    r"\b(?:list|name the|enumerate|which are|what are the|jake jsou|ktere jsou|vyjmenuj|seznam|"
    r"перечисли|назови|какие|каких)\b"
    # which partner organisations, what states (not 'what is', 'what does')
    r"|^\W*(?:and |a )?(?:which|what) (?!(?:is|was|does|has|kinds?)\b)(?:\w+ ){0,2}\w{3,}s\b"
    r"|^\W*(?:\w+ )?(?:ktere|jake|kteri|jaci|kterych|jakych|kterymi|jakymi)\b"  # Czech plural
    # who takes part: the participants, many of them
    r"|\bwho (?:takes? part|participates?|is involved|are involved|are (?:the )?(?:members|"
    r"participants|partners))|\bkdo (?:se )?(?:ucastni|podili|je zapojen|jsou clen)"
    r"|\bкто (?:участвует|входит|является участник)"
)
_BROAD = (
    r"\bhow (?:does|do|did) .* (?:work|function|operate)|\bhow (?:is|are|was|were) .* "
    r"(?:governed|"
    r"organi[sz]ed|structured|run|managed|funded|financed|composed)|\bwhat (?:does|do) .* "
    r"do\b|"
    r"overview|tell me about|explain|describe|what is the role|what are the "
    r"(?:steps|stages|main)|"
    r"step by step|what (?:changes|changed)|how .* (?:proceed|works)|jak funguj|jak je .*"
    r"(?:rizen|organizovan|usporadan)|co dela|popis|vysvetl|prehled|jake jsou kroky|jak "
    r"probih|"
    r"jak se .* ridi|как работает|как устроен|как организован|что "
    r"делает|расскажи|опиши|объясни|"
    r"обзор|какие этапы|как проходит|как происходит|из чего состоит"
)
_DEFINITION = r"^\W*(?:what is|what's|what are|co je|co jsou|co to je|что такое|что это)\b"
_EVENTS = {
    "start": r"start|begin|began|begun|commenc|launch|found|establish|inaugurat|set up|creat|zacal|"
    r"zahaj|zapocal|zaloz|vznik|spust|zriz|ustav|начал|основан|создан|учрежд|запущ",
    "end": r"\bend|ended|finish|conclu|terminat|expir|complet|clos|skonc|ukonc|konci|dokonc|законч|"
    r"заверш|окончан|истек|прекрат",
}
_COMPARISON = (
    r"which came first|earlier|later|before or after|compare|difference between|kdo "
    r"driv|"
    r"co bylo driv|drive nez|что раньше|раньше или|чем отлича|сравн"
)


@dataclass(frozen=True)
class Question:
    """The slot a question asks to fill and the form its answer takes."""

    text: str
    # date | count | amount | person | place | role | duration | frequency | expansion
    slot: str = ""
    yes_no: bool = False
    listing: bool = False
    broad: bool = False
    definition: bool = False
    comparison: bool = False
    event: str = ""  # "start" or "end", for a date question about one of them
    acronym: str = ""  # the acronym whose expansion is asked for
    numbers: frozenset[str] = frozenset()  # figures and ordinals it names: an answer must hold them
    counted: str = ""  # for a count: the words after "how many" ('pilot projects')
    # acronyms it names: an answer must hold them (or expand)
    acronyms: frozenset[str] = frozenset()
    # further slots a compound question asks after 'and' ('When … and how much …?')
    also: tuple[str, ...] = ()

    @property
    def specific(self) -> bool:
        """It names the kind of fact it wants, so a sentence without one cannot answer it."""
        return bool(self.slot) and not self.yes_no


def analyse(text: str, lang: str = "en") -> Question:
    """The question's slot and form (`lang`: the language it is written in)."""
    q = fold(text)
    found = [
        (m.start(), i, name)
        for i, (name, pattern) in enumerate(_SLOTS)
        if (m := re.search(pattern, q))
    ]
    found = [f for f in found if not (f[2] == "date" and _conjunction_when(q, f[0]))]
    slot = min(found)[2] if found else ""  # the first question word in the sentence decides
    also = _also(q, found, slot)
    if slot == "date" and re.search(_DEADLINE, q) and "duration" not in also:
        also = (*also, "duration")  # 'by when must it be filed?' is answered 'within 15 days'
    if not slot and re.search(r"\b[A-ZА-ЯЁ]{2,}\b", text) and re.search(r"\bmean|znamen|означа", q):
        slot = "expansion"  # "What does ZZC mean?", "Co znamená OAMP?"
    yes_no = _yes_no(q, slot, lang)
    acronym = ""
    if slot == "expansion":
        named = re.findall(r"\b[A-ZА-ЯЁ][A-ZА-ЯЁ0-9]{1,9}\b", text)
        acronym = named[0] if named else ""
    event = ""
    if slot == "date":
        asked = [name for name, pattern in _EVENTS.items() if re.search(pattern, q)]
        event = asked[0] if len(asked) == 1 else ""
    return Question(
        text=text,
        slot="" if yes_no else slot,
        yes_no=yes_no,
        listing=bool(re.search(_LIST, q)),
        broad=bool(re.search(_BROAD, q)),
        definition=bool(re.search(_DEFINITION, q)),
        comparison=bool(re.search(_COMPARISON, q)),
        event=event,
        acronym=acronym,
        numbers=frozenset(facts.figures(text)),
        counted=_counted(text) if slot == "count" else "",
        acronyms=frozenset(re.findall(r"\b[A-Z][A-Z0-9]{1,9}\b", text)),
        also=() if yes_no else also,
    )


# a deadline: answered by a date or by a period ('within 15 days of delivery')
_DEADLINE = (
    r"by when|until when|deadline|time limit|\bdo kdy\b|lhut|do jake doby|"
    r"до какого (?:срока|числа)|в какой срок|срок подачи"
)

_OTHER_WH = re.compile(
    r"^\W*(?:and |so |but |a |и |а )?(?:what|which|who|whom|whose|how|where|why|co|kdo|koho|jak\w*|"
    r"kter\w*|kolik|kde|proc|cim|что|кто|как\w*|котор\w*|сколько|где|почему)\b"
)


def _also(q: str, found: list[tuple[int, int, str]], slot: str) -> tuple[str, ...]:
    """The slots asked after 'and' ('When … and how much …?'), in order."""
    joined = re.compile(r"(?:\band|\ba|\bи|,)\s*$")
    return tuple(
        dict.fromkeys(
            name
            for at, _, name in sorted(found)
            if name != slot and joined.search(q[max(0, at - 8) : at])
        )
    )


def _conjunction_when(q: str, at: int) -> bool:
    """'What approach did they follow *when* strengthening co-operation?': a 'when' after another
    question word opens a clause; it does not ask for a date ('… and when?' still does)."""
    word = re.match(r"when|kdy|когда", q[at:])
    if not word or at == 0 or not _OTHER_WH.match(q):
        return False
    before, after = q[:at], q[at + word.end() :]
    return not re.search(r"\b(?:and|a|и)\s*$", before) and bool(re.match(r"\s+\w", after))


def _counted(text: str) -> str:
    """The two words after the count phrase of a question ('how many *pilot projects* …')."""
    m = re.search(r"how many|number of|kolik\w*|počet|pocet|сколько|число|количество", text, re.I)
    return " ".join(re.findall(r"[^\W\d_]+", text[m.end() :])[:2]) if m else ""


def wh_word(text: str) -> bool:
    """The text has a question word of its own among its first words."""
    return bool(_WH.search(" ".join(fold(text).split()[:6])))


def _yes_no(q: str, slot: str, lang: str) -> bool:
    """Opens with an auxiliary (English) or has a yes/no particle; never when it opens with a
    question word. A Czech or Russian question without any question word is yes/no too ('Podepsalo
    Moldavsko…?')."""
    if re.search(r"^\W*(?:[\w-]+\W+){0,2}?(?:ли|zda|zdali|jestli)\b", q):
        return True  # "Правда ли, что…", "Zda je…"
    if _WH.search(" ".join(q.split()[:6])):
        return False
    if re.search(_AUX_EN if lang == "en" else _YES_NO_MARK, q):
        return True
    return lang != "en" and q.rstrip().endswith("?") and not slot


def fills_any(question: Question, text: str) -> bool:
    """Whether a sentence states the kind of fact any slot of the question asks for."""
    return fills(question, text) or any(
        fills(replace(question, slot=s), text) for s in question.also
    )


def fills(question: Question, text: str) -> bool:
    """Whether a sentence states the kind of fact the question's slot asks for."""
    slot = question.slot
    checks = {
        "date": facts.has_date,
        "count": facts.has_count,
        "amount": facts.has_amount,
        "duration": facts.has_span,
        "frequency": facts.has_frequency,
        "role": facts.has_role,
        "place": lambda t: bool(facts.places(t) or _new_names(question, t)),
        "person": lambda t: bool(facts.names(t) or _new_names(question, t)),
    }
    if slot in checks:
        return bool(checks[slot](text))
    if slot == "expansion" and question.acronym:
        return question.acronym in text
    return True


def _new_names(question: Question, text: str) -> set[str]:
    """Capitalised words after a sentence's first word that the question does not use."""
    asked = set(fold(question.text).split())
    words = re.findall(r"(?<=\s)[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽА-ЯЁ][a-záčďéěíňóřšťúůýžа-яё]{2,}", text)
    return {w for w in words if fold(w) not in asked}


# Words that say what kind of answer is wanted rather than what it is about: they weigh little.
FRAME_WORDS = {
    "en": "according often frequently held hold take place happen much many money amount budget "
    "cost "
    "number stand acronym mean means full name year years cover covers date when where who "
    "which "
    "what kind kinds currently main does do did is are was were tell explain describe",
    "cs": "často konat konají koná kolik peněz peníze částka rozpočet počet znamená zkratka "
    "zkratky rok "
    "roky roce letech léta kdy kde kdo který která jaký jaká jaké přesně",
    "ru": "когда где кто сколько какой какая какие каков год году года который которая расскажи "
    "скажи "
    "объясни опиши",
}
