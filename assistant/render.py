"""Turn answers into things people read: Markdown exports and highlighted source spans (always
escaped)."""

from __future__ import annotations

import html
import re

from assistant.types import Answer, Citation

# inline formatting tags that web pages leave in extracted text ("1<sup>st</sup>"): shown as text
_INLINE_TAG = re.compile(
    r"</?(?:sup|sub|small|b|i|u|em|strong|span|font|br|mark|abbr)\b[^<>]{0,200}>", re.IGNORECASE
)
_LIST_LINE = re.compile(r"^\s*(?:[-•*–]|\d{1,3}[.)])\s+")
_MD_SPECIAL = re.compile(r"([\\`*_~|])")


def readable(text: str) -> str:
    """Text with the inline tags a web page left in it removed (offsets are not involved)."""
    return _INLINE_TAG.sub("", text)


def answer_markdown(text: str) -> str:
    """Answer text as Markdown that shows exactly its words: emphasis and heading characters
    escaped, each line its own line, and a blank line around a list so a line after it does not
    become part of its last item."""
    out: list[str] = []
    was_list: bool | None = None
    for raw in readable(text).split("\n"):
        line = raw.strip()
        if not line:
            continue
        is_list = bool(_LIST_LINE.match(line))
        body = _MD_SPECIAL.sub(r"\\\1", line)
        if not is_list:
            body = re.sub(r"^([#>+=-])", r"\\\1", body)
            body = re.sub(r"^(\d+)([.)])", r"\1\\\2", body)
        if was_list is not None:
            out.append("\n\n" if is_list != was_list else ("\n" if is_list else "  \n"))
        out.append(body)
        was_list = is_list
    return "".join(out)


def to_markdown(answer: Answer) -> str:
    """The answer with its sources, for copying or downloading."""
    lines = [f"**Q:** {answer.question}", "", answer.text, ""]
    if answer.notice:
        lines += [f"> {answer.notice}", ""]
    if answer.citations:
        lines.append("**Sources**")
        for c in answer.citations:
            quote = " ".join(c.quote.split())
            page = f"p. {c.page}" if c.page else ""
            meta = ", ".join(x for x in (page, c.publisher, c.date, c.language) if x)
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
        f'<div class="pp-source">{_as_html(before)}<mark>{_as_html(source[start:end])}</mark>'
        f"{_as_html(after)}</div>"
    )


def _as_html(text: str) -> str:
    """Document text as inert HTML: escaped, line breaks as <br> (no blank line, so Markdown never
    reads a '# heading' inside the box), runs of blank lines as one."""
    text = re.sub(r"\n\s*\n\s*", "\n\n", readable(text))
    return html.escape(text).replace("\n", "<br>")
