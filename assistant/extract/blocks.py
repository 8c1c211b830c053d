"""What completes a chosen sentence: the items of the list it introduces or belongs to, the parts an
intro announces ('the following three objectives:'), a table column under its header cell, or the
attribution line after a quotation."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import takewhile

from assistant.evidence import Evidence, instruction_like, sentences
from assistant.types import Passage
from assistant.verify import quantities


def _doc_sentences(best: Evidence, passages: list[Passage]) -> tuple[list[Evidence], int]:
    """The sentences of best's document in any retrieved chunk, in source order, and best's
    index; an order to the assistant in the document is never read on into ('Ignore previous
    instructions …')."""
    doc = best.passage.doc_id
    by_start = {
        e.start: e
        for p in passages
        if p.doc_id == doc
        for e in sentences(p)
        if not instruction_like(e.text)
    }
    by_start[best.start] = best
    ordered = [by_start[k] for k in sorted(by_start)]
    return ordered, ordered.index(best)


def is_item(ev: Evidence) -> bool:
    return ev.text.startswith(("-", "–", "•"))


def is_heading(text: str) -> bool:
    return len(text) < 70 and not is_item_text(text) and not re.search(r"[.!?;]$", text)


def is_item_text(text: str) -> bool:
    return text.startswith(("-", "–", "•"))


def announced_count(intro: str) -> int:
    """How many parts an intro announces ('the following three objectives:' -> 3), 0 if none."""
    return max((n for n in map(int, quantities(intro)) if 1 < n <= 12), default=0)


def list_block(best: Evidence, passages: list[Passage]) -> list[Evidence]:
    """The sentence with what completes it (see the module's docstring)."""
    all_sents, i = _doc_sentences(best, passages)
    column = _table_column(all_sents, i)
    if column:
        return column
    items = [is_item(s) for s in all_sents]
    nxt = i + 1 < len(all_sents)
    if best.text.startswith(("“", '"', "„", "«")):
        after = [s for s in all_sents[i + 1 : i + 3] if is_item(s) and len(s.text) < 80]
        return [best, *after[:1]]
    if best.text.endswith(":") and nxt and not items[i + 1]:
        return [best, *_announced_parts(best, all_sents, i)]
    if (is_heading(best.text) or best.text.endswith(":")) and nxt and items[i + 1]:
        end = i + 1  # a heading or an intro with the items under it
        while end < len(all_sents) and items[end]:
            end += 1
        return all_sents[i:end]
    if not items[i]:
        return [best]
    start, end = i, i + 1
    while start > 0 and items[start]:
        start -= 1
    while end < len(all_sents) and items[end]:
        end += 1
    return all_sents[start:end]


def section(best: Evidence, passages: list[Passage], size: int) -> list[Evidence]:
    """The sentence and those after it in its section (up to the next heading), at most `size`: what
    a broad question's answer reads on from the best part it found."""
    all_sents, i = _doc_sentences(best, passages)
    out = [best]
    for ev in all_sents[i + 1 :]:
        if (
            len(out) >= size
            or (is_heading(ev.text) and not is_item(ev))
            or ev.start - out[-1].end > 400
        ):
            break
        out.append(ev)
    return out


def outline(
    best: Evidence,
    passages: list[Passage],
    score: Callable[[Evidence], float],
    parts: int = 6,
) -> list[list[Evidence]]:
    """For a broad question whose best sentence opens a document's sections ('… is steered by four
    bodies' over 'Ministerial Conferences', 'Strategic Group', …): the sentence, then each section's
    heading with the sentence of its text that scores best (`score`; the first one on a tie), as a
    reader skims the page (a section that is a list: its first three items); [] when fewer than two
    sections follow it. The heading right above the sentence, if any, goes with it; a heading of a
    higher level (fewer '#' in the source) than the first section's ends the outline."""
    all_sents, i = _doc_sentences(best, passages)
    lead = all_sents[i - 1 : i + 1] if i and _titles(all_sents, i - 1) else [best]
    out: list[list[Evidence]] = [lead]
    last, level = best.end, 0
    for j in range(i + 1, len(all_sents)):
        here = all_sents[j]
        if len(out) > parts or here.start - last > 1500 or 0 < _level(here) < level:
            break
        if not _titles(all_sents, j):
            continue
        level = level if level > 0 else _level(here)  # the first section's level that is known
        body = list(takewhile(lambda e: not is_heading(e.text), all_sents[j + 1 : j + 8]))
        if is_item(body[0]):
            out.append([here, *list(takewhile(is_item, body))[:3]])
        else:
            out.append([here, max(body, key=lambda e: (score(e), -e.start))])
        last = out[-1][-1].end
    return out if len(out) >= 3 else []


def _titles(all_sents: list[Evidence], j: int) -> bool:
    """A heading with text or a list (not another heading) under it."""
    here, after = all_sents[j], all_sents[j + 1 : j + 2]
    return (
        is_heading(here.text)
        and not is_item(here)
        and bool(after)
        and not is_heading(after[0].text)
        and after[0].start - here.end < 200
    )


def _level(ev: Evidence) -> int:
    """A Markdown heading's level in the source ('### Strategic Group': 3); 0 for other text."""
    at = ev.start - ev.passage.start
    line = ev.passage.raw[ev.passage.raw.rfind("\n", 0, at) + 1 : at] + ev.quote
    m = re.match(r"\s*(#{1,6})\s", line)
    return len(m.group(1)) if m else 0


def _announced_parts(best: Evidence, all_sents: list[Evidence], i: int) -> list[Evidence]:
    """The parts after an intro that share their first words ('Specific Objective I: …'), as many as
    it announces even with explanations between them."""
    lead = " ".join(all_sents[i + 1].text.split()[:2])
    end = i + 1
    while end < len(all_sents) and end - i <= 6 and all_sents[end].text.startswith(lead):
        end += 1
    parts = all_sents[i + 1 : end]
    announced = announced_count(best.text)
    if announced > len(parts) > 0:
        later = [s for s in all_sents[end : end + 12] if s.text.startswith(lead)]
        parts += later[: announced - len(parts)]
    return parts


def table_cell(ev: Evidence) -> tuple[int, int, bool] | None:
    """For a cell of a tab-separated table row: (row start offset, column, is a header cell: bold or
    ending with ':'); None for ordinary text."""
    raw, base = ev.passage.raw, ev.passage.start
    at = ev.start - base
    line_start = raw.rfind("\n", 0, at) + 1
    line_end = raw.find("\n", at)
    line = raw[line_start : line_end if line_end >= 0 else len(raw)]
    if "\t" not in line:
        return None
    column = raw[line_start:at].count("\t")
    cells = line.split("\t")
    cell = cells[column] if column < len(cells) else ""
    header = bool(re.search(r"<(?:b|strong|th)>|\*\*", cell)) or ev.text.rstrip().endswith(":")
    return line_start + base, column, header


def _table_column(all_sents: list[Evidence], i: int) -> list[Evidence]:
    """A header cell of a two-column table ('EU bodies:') with the cells under it in its own column,
    down to the next header or the table's end: the list a reader sees, not the interleaved rows."""
    cell = table_cell(all_sents[i])
    if cell is None or not cell[2]:
        return []
    block = [all_sents[i]]
    for ev in all_sents[i + 1 : i + 40]:
        other = table_cell(ev)
        if other is None or (other[1] == cell[1] and other[2]):
            break
        if other[1] == cell[1]:
            block.append(ev)
    return block if len(block) > 1 else []
