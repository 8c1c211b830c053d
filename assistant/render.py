"""Turn answers into things people read: Markdown exports and highlighted source spans (always
escaped)."""

from __future__ import annotations

import html

from assistant.types import Answer, Citation


def to_markdown(answer: Answer) -> str:
    """The answer with its sources, for copying or downloading."""
    lines = [f"**Q:** {answer.question}", "", answer.text, ""]
    if answer.notice:
        lines += [f"> {answer.notice}", ""]
    if answer.citations:
        lines.append("**Sources**")
        for c in answer.citations:
            quote = " ".join(c.quote.split())
            meta = ", ".join(x for x in (c.publisher, c.date, c.language) if x)
            lines.append(
                f"- [{c.n}] *{c.title}* ({c.doc_id}{'; ' + meta if meta else ''}), "
                f"characters {c.start}–{c.end}: “{quote}”"
            )
    elif answer.abstained and answer.closest_documents:
        lines.append("Closest documents: " + ", ".join(answer.closest_documents))
    return "\n".join(lines).strip() + "\n"


def highlighted_context(source: str, citation: Citation, width: int = 400) -> str:
    """HTML of the cited span marked inside its surrounding text; document text is escaped, never
    executed."""
    start, end = citation.start, citation.end
    before_at = max(0, start - width)
    after_to = min(len(source), end + width)
    before = ("…" if before_at else "") + source[before_at:start]
    after = source[end:after_to] + ("…" if after_to < len(source) else "")
    return (
        f'<div class="pp-source">{html.escape(before)}<mark>{html.escape(source[start:end])}</mark>'
        f"{html.escape(after)}</div>"
    )
