"""Between chat messages and the assistant: an OpenAI message list read as a question with its
history, and an Answer written as chat text with its notice and sources."""

from __future__ import annotations

from typing import Any

from assistant.errors import AssistantError
from assistant.types import Answer, Turn

SOURCES = "\n\n---\n"  # what begins the sources under an answer (cut from history it comes back in)


def text_of(content: Any) -> str:
    """A message's text: a string, or OpenAI's list of parts ({"type": "text", "text": …})."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(p.get("text", ""))
            for p in content
            if isinstance(p, dict) and p.get("type") == "text"
        )
    return ""


def conversation(messages: list[dict[str, Any]]) -> tuple[str, list[Turn]]:
    """The last user message as the question, the user and assistant turns before it as history
    (system prompts are not the asker's words and are left out)."""
    if not messages or messages[-1].get("role") != "user":
        raise AssistantError("The last message must be the user's question (role 'user')")
    question = text_of(messages[-1].get("content")).strip()
    if not question:
        raise AssistantError("Empty question: the last user message has no text")
    history: list[Turn] = []
    for m in messages[:-1]:
        if m.get("role") in ("user", "assistant"):
            text = text_of(m.get("content")).split(SOURCES, 1)[0].strip()
            if text:
                history.append({"role": str(m["role"]), "content": text})
    return question, history


def sources_block(answer: Answer, quote_chars: int = 160) -> str:
    """The citations as lines a person can read under the answer."""
    lines = []
    for c in answer.citations:
        quote = " ".join(c.quote.split())
        short = quote[:quote_chars] + ("…" if len(quote) > quote_chars else "")
        lines.append(f"[{c.n}] {c.title} ({c.doc_id}, {c.date or 'undated'}): “{short}”")
    return "\n".join(lines)


def answer_content(answer: Answer, with_sources: bool = True) -> str:
    """The answer as chat text: the answer, its notice, and (if asked) its sources."""
    text = answer.text
    if answer.notice:
        text += f"\n\n_{answer.notice}_"
    if with_sources and answer.citations:
        text += f"{SOURCES}{sources_block(answer)}"
    return text
