"""Follow-ups: turn "Who hosts it?" into a standalone question using the earlier turns."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.evidence import entities
from index.keyword import STOPWORDS, fold

Turn = dict[str, str]  # {"role": "user" | "assistant", "content": "..."}

_REFERS = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her|there|the same|"
    r"to|ho|jej|jeho|její|jejich|ní|něj|tam|ten|ta|tento|tato|toto|tom|tomu|tuto|tyto|oni|ono|ona)\b",
    re.IGNORECASE)
_AND = re.compile(r"^\s*(and|also|what about|how about|a|i|a co|co třeba)\b", re.IGNORECASE)


def is_follow_up(question: str, history: Sequence[Turn]) -> bool:
    """A short question that leans on an earlier turn (a pronoun, a leading 'and', no name of its own)."""
    if not any(t.get("role") == "user" and t.get("content", "").strip() for t in history):
        return False
    words = re.findall(r"\w+", question)
    return (bool(_REFERS.search(question)) or bool(_AND.match(question)) or len(words) <= 3) and \
        not entities(question) and len(words) <= 12


def subject_of(history: Sequence[Turn]) -> str:
    """The names (or, failing that, the content words) of the most recent user turn that has some."""
    for turn in reversed([t for t in history if t.get("role") == "user"]):
        text = turn.get("content", "")
        names = sorted(entities(text), key=lambda e: text.find(e))
        if names:
            return ", ".join(n for n in names if not any(n != m and n in m for m in names))
        words = [w for w in re.findall(r"\w+", text) if fold(w) not in STOPWORDS and len(w) > 2]
        if words:
            return " ".join(words)
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
