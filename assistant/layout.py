"""The shape of a line of text, shared by the checker, the model-claim checks and the overview:
a list item, and a short heading that may stand over a list."""

from __future__ import annotations

import re

LIST_ITEM = re.compile(r"^\s*(?:[-•*–]|\d{1,2}[.)])\s+")  # '- x', '• x', '3. x', '2) x'


def is_list_item(line: str) -> bool:
    return bool(LIST_ITEM.match(line))


def short_heading(line: str) -> bool:
    """A line that can head a list: not an item, eight words or fewer (a final ':' aside), and not
    ending like a sentence or a clause."""
    heading = line.strip().rstrip(":")
    return (
        not is_list_item(line) and len(heading.split()) <= 8 and not re.search(r"[.!?;,]$", heading)
    )
