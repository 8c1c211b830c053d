"""Follow-ups made standalone from the earlier turns: "Who hosts it?" takes the subject of the
question before ("since when has he …?" also the names the answer before begins with); "and in
2022?" is the question before with its new part; "what does the third one do?" names the third item
of the answer before, with what the list was of. General words of English, Czech and Russian
only."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.evidence import entities
from assistant.question import FRAME_WORDS, wh_word
from assistant.types import Turn
from index.language import STOPWORDS, fold

_REFERS = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her|there|the same|to|ho|jej|jeho|"
    r"její|jejich|ní|něj|tam|ten|ta|tento|tato|toto|tom|tomu|tuto|tyto|oni|ono|ona|svou|svůj|své|ji|"
    r"je|он|она|оно|они|его|её|ее|их|ему|ей|им|там|этот|эта|это|эти|этого|этой|этим|тот|та|те)\b",
    re.IGNORECASE,
)
# 'he', 'she' (not Czech 'on', an English word too): most often the person the answer before named
# ('Michael Spindelegger'), where 'it' is most often the subject of the question before
_PERSON = re.compile(
    r"\b(he|she|him|his|her|hers|ona|jeho|jemu|jím|její|jí|он|она|его|ему|им|её|ее|ей)\b",
    re.IGNORECASE,
)
_AND = re.compile(
    r"^\s*(and|also|what about|how about|a|i|a co|co třeba|и|а|а как насчёт|а что)\b", re.IGNORECASE
)
_ORDINALS = {
    1: "first|1st|první|prvním|prvnímu|первый|первая|первое|первым|первой",
    2: "second|2nd|druhý|druhá|druhé|druhým|второй|вторая|второе|вторым",
    3: "third|3rd|třetí|třetím|третий|третья|третье|третьим|третьей",
    4: "fourth|4th|čtvrtý|čtvrtá|čtvrté|четвёртый|четвертый|четвёртая|четвертая",
    5: "fifth|5th|pátý|pátá|páté|пятый|пятая|пятое",
    6: "sixth|6th|šestý|šestá|šesté|шестой|шестая",
    7: r"seventh|7th|sedm[ýáé]\w*|седьм\w+",
    8: r"eighth|8th|osm[ýáé]\w*|восьм\w+",
    9: r"ninth|9th|devát\w+|девят\w+",
    10: r"tenth|10th|desát\w+|десят\w+",
    -1: "last|poslední|последний|последняя|последнее",
}
_ORDINAL = re.compile(
    r"\b(?:the\s+)?(" + "|".join(_ORDINALS.values()) + r")\b(?:\s+(?:one|z "
    r"nich|из них))?",
    re.IGNORECASE,
)
_MARKERS = re.compile(r"\s*\[\d+\]")


def _last(history: Sequence[Turn], role: str) -> str:
    return next((t.get("content", "") for t in reversed(history) if t.get("role") == role), "")


def is_follow_up(question: str, history: Sequence[Turn]) -> bool:
    """A short question that leans on an earlier turn: an ordinal, a leading 'and' with no question
    word, or a pronoun or a leading 'and' and no name of its own."""
    if not _last(history, "user").strip():
        return False
    words = re.findall(r"\w+", question)
    if _ORDINAL.search(question) and _items(_last(history, "assistant")):
        return True
    if _AND.match(question) and not wh_word(question) and len(words) <= 8:
        return True  # elliptic, even with a name of its own: 'and according to Eurostat?'
    if entities(question) or len(words) > 12:
        return False  # it names its own subject
    return bool(_REFERS.search(question)) or bool(_AND.match(question)) or len(words) <= 8


def subject_of(history: Sequence[Turn]) -> str:
    """The names of the most recent user turn that has some, else its content words."""
    frame = {fold(w) for words in FRAME_WORDS.values() for w in words.split()}
    for turn in reversed([t for t in history if t.get("role") == "user"]):
        text = turn.get("content", "")
        names = sorted(entities(text), key=text.find)
        words = [
            w
            for w in re.findall(r"[\w’'-]+", text)
            if fold(w) not in STOPWORDS and fold(w) not in frame and len(w) > 1
        ]
        if sum(len(n.split()) for n in names) >= 2:
            return " ".join(names)
        if words:  # one capitalised word is not a subject: 'Evropské' of 'Evropské migrační sítě'
            return " ".join(words[:10])
        if names:
            return " ".join(names)
    return ""


def _items(answer: str) -> list[str]:
    """The items of a list in an answer: its list lines, else the parts of an enumeration."""
    lines = [_MARKERS.sub("", line).strip(" -–•\t") for line in answer.split("\n")]
    listed = [
        line
        for raw, line in zip(answer.split("\n"), lines)
        if raw.strip().startswith(("-", "–", "•"))
    ]
    if len(listed) >= 2:
        return listed
    body = _MARKERS.sub("", answer)
    numbered = re.split(r"(?:^|\s)\(?\d{1,2}[).]\s+", body)  # '1) …; 2) …' written inline
    if len(numbered) >= 3:
        return [p.strip(" .;,") for p in numbered[1:] if p.strip(" .;,")]
    tail = body.split(":", 1)[1] if ":" in body else body
    split = r";" if tail.count(";") >= 1 else r";|,| and | a | и "  # 'a, b & c; d' is two items
    parts = [p.strip(" .") for p in re.split(split, tail) if p.strip(" .")]
    return parts if len(parts) >= 2 else []


def _with_item(question: str, answer: str) -> str:
    """'what does the third one do?' with the answer's third item in place of 'the third one'."""
    m = _ORDINAL.search(question)
    items = _items(answer)
    if not m or not items:
        return ""
    n = next(k for k, forms in _ORDINALS.items() if re.fullmatch(forms, m.group(1), re.IGNORECASE))
    if n > len(items):
        return ""
    item = _leading_ordinal(items[n - 1 if n > 0 else -1])[:120]
    return question[: m.start()] + item + question[m.end() :]


def _leading_ordinal(item: str) -> str:
    """'second, setting up the Observatory' -> 'setting up the Observatory'."""
    m = _ORDINAL.match(item)
    return item[m.end() :].lstrip(" ,;:") if m else item


def _elliptic(previous: str, part: str, subject: str) -> str:
    """The question before with the new part: its years replaced by the part's ("and in 2022?"), or
    the part added ("а по данным Евростата?"); a part naming no one asks another thing of the same
    subject ("а бюджет?" after "когда стартовал PP DATA?" is the budget of PP DATA, not a date)."""
    new, old = re.findall(r"\b(?:19|20)\d{2}\b", part), re.findall(r"\b(?:19|20)\d{2}\b", previous)
    if (
        new
        and old
        and not re.sub(
            r"\b(?:19|20)\d{2}\b|\W|\b(?:and|in|the|year|a|v|ve|roce|roku|и|а|в|году|года)\b",
            "",
            part.lower(),
        )
    ):
        for before, after in zip(old, new):
            previous = previous.replace(before, after, 1)
        return f"{previous}?"
    if subject and not new and not entities(part) and len(re.findall(r"\w+", part)) <= 4:
        return f"{part} ({subject})?"
    return f"{previous} — {part}?"


def condense(question: str, history: Sequence[Turn] | None) -> str:
    """A standalone version of the question; unchanged when it does not lean on the history."""
    if not history or not is_follow_up(question, history):
        return question
    subject = subject_of(history)
    replaced = _with_item(question, _last(history, "assistant"))
    if replaced:  # the item, and what the list was of ('Prague (1997)' of the Budapest Process)
        return _about(replaced, subject) if _new_words(subject, replaced) else replaced
    body = question.strip().rstrip("?").strip()
    if not wh_word(question):  # elliptic: "and in 2022?", "а по данным Евростата?"
        return _elliptic(_last(history, "user").strip().rstrip("?"), body, subject)
    if _PERSON.search(question):  # 'he', 'she': also whom the answer before named
        named = _new_words(subject, " ".join(_answer_names(_last(history, "assistant"))))
        subject = "; ".join(p for p in (subject, named) if p)
    return _about(question, subject) if subject else question


def _about(question: str, subject: str) -> str:
    body = question.strip().rstrip("?").strip()
    return f"{body} ({subject})?"


def _new_words(known: str, text: str) -> str:
    """The words of `text` that `known` does not have (by their folded form)."""
    have = {fold(w) for w in re.findall(r"\w+", known)}
    return " ".join(w for w in re.findall(r"[\w’'-]+", text) if fold(w) not in have).strip()


def _answer_names(answer: str, most: int = 4) -> list[str]:
    """The names the first sentence of an answer writes, in order (the referent of 'he', 'she')."""
    first = re.split(r"(?<=[.!?])\s|\n", _MARKERS.sub("", answer).strip(), maxsplit=1)[0]
    return sorted(entities(first), key=first.find)[:most]


class Conversation:
    """The chat's turns, kept in a list the UI stores (Streamlit's session state).

    A question is stored before any slow work; every stored question without an answer is answered
    when the page next runs, so a question sent while the previous answer was still streaming loses
    nothing.
    """

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        self.messages = messages  # {"role", "content"} and, for answers, "answer"

    def add_question(self, question: str) -> None:
        self.messages.append({"role": "user", "content": question})

    def unanswered(self, i: int) -> bool:
        """messages[i] is a question with no answer after it."""
        m = self.messages
        return m[i]["role"] == "user" and (i + 1 == len(m) or m[i + 1]["role"] != "assistant")

    def history(self, i: int) -> list[Turn]:
        """The turns before messages[i], as ask() takes them."""
        return [{"role": m["role"], "content": m["content"]} for m in self.messages[:i]]

    def record(self, i: int, text: str, answer: object | None = None) -> None:
        """Store the answer (or an error text) right after the question at messages[i]."""
        turn: dict[str, Any] = {"role": "assistant", "content": text}
        if answer is not None:
            turn["answer"] = answer
        self.messages.insert(i + 1, turn)

    def clear(self) -> None:
        self.messages.clear()
