"""Follow-ups: turn "Who hosts it?" into a standalone question using the earlier turns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.evidence import entities
from assistant.types import Turn
from index.language import STOPWORDS, fold

_REFERS = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her|there|the same|"
    r"to|ho|jej|jeho|její|jejich|ní|něj|tam|ten|ta|tento|tato|toto|tom|tomu|tuto|tyto|oni|ono|ona|svou|svůj|své|ji|je)\b",
    re.IGNORECASE,
)
_AND = re.compile(r"^\s*(and|also|what about|how about|a|i|a co|co třeba)\b", re.IGNORECASE)


def is_follow_up(question: str, history: Sequence[Turn]) -> bool:
    """A short question that leans on an earlier turn (a pronoun, a leading 'and', no name of its
    own)."""
    if not any(t.get("role") == "user" and t.get("content", "").strip() for t in history):
        return False
    words = re.findall(r"\w+", question)
    if entities(question) or len(words) > 12:
        return False  # it names its own subject
    return bool(_REFERS.search(question)) or bool(_AND.match(question)) or len(words) <= 8


def subject_of(history: Sequence[Turn]) -> str:
    """The content words of the most recent user turn that has some ('Migration Observatory')."""
    from assistant.question import FRAME_WORDS

    frame = {fold(w) for words in FRAME_WORDS.values() for w in words.split()}
    for turn in reversed([t for t in history if t.get("role") == "user"]):
        words = [
            w
            for w in re.findall(r"[\w’'-]+", turn.get("content", ""))
            if fold(w) not in STOPWORDS and fold(w) not in frame and len(w) > 1
        ]
        if words:
            return " ".join(words[:10])
    return ""


def condense(question: str, history: Sequence[Turn] | None) -> str:
    """A standalone version of the question; unchanged when it does not lean on the history."""
    if not history or not is_follow_up(question, history):
        return question
    subject = subject_of(history)
    if not subject:
        return question
    body = question.strip().rstrip("?").strip()
    return f"{body} ({subject})?"


class Conversation:
    """The chat's turns, kept in a list the UI stores (Streamlit's session state).

    A question is stored before any slow work; every stored question without an answer is answered
    when the
    page next runs, so a question sent while the previous answer was still streaming loses nothing.
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
