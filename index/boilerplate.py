"""Site chrome found by repetition: lines that many documents share (menus, banners, footers, cookie
notices, "Print | Share" lines) are not content. Nothing here knows any site: it counts.

A line is boilerplate when
- it stands in at least `MIN_DOCS` documents that are not versions of one another (a Markdown
  heading only inside a run of shared lines: shared section names are structure), or
- it is short and stands in two such documents inside a run of two or more shared short lines (a
  menu, a footer block).
Documents that share most of their lines (versions of one report) count once, so a report filed
twice does
not lose its sentences.
"""

from __future__ import annotations

import hashlib
import re

MIN_DOCS = 3
SHORT_WORDS = 12  # a menu entry, a line of quick links, a footer line
MAX_CHARS = 400  # longer lines are prose, never chrome
VERSIONS = 0.8  # documents sharing this share of their lines are versions of one another
_DIGITS = re.compile(r"\d+")
_HEADING = re.compile(r"\s*#{1,6}\s")


def line_key(line: str) -> str:
    """A short stable key of a line: case, spacing, list bullets, Markdown marks and digits do not
    matter; a Markdown heading's key starts with '#'."""
    heading = "#" if _HEADING.match(line) else ""
    text = re.sub(r"^[\s#>*•·▪◦|-]+", "", line.strip())
    text = _DIGITS.sub("0", " ".join(text.replace("**", "").split()).lower())
    return heading + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12] if text else ""


def line_keys(text: str) -> list[str]:
    """The keys of a document's lines in order ('' for blank or overlong lines)."""
    return [line_key(line) if len(line) <= MAX_CHARS else "" for line in text.split("\n")]


def _short(line: str) -> bool:
    return len(line.split()) <= SHORT_WORDS


def _groups(docs: dict[str, list[str]]) -> dict[str, str]:
    """doc_id -> the first doc_id of its group of versions (documents sharing most of their
    lines)."""
    sets = {d: {k for k in keys if k} for d, keys in docs.items()}
    by_key: dict[str, set[str]] = {}
    for d, keys in sets.items():
        for k in keys:
            by_key.setdefault(k, set()).add(d)
    shared: dict[tuple[str, str], int] = {}
    for holders in by_key.values():
        # keys in very many documents are chrome, not evidence of versions
        if 1 < len(holders) <= 50:
            ordered = sorted(holders)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    shared[(a, b)] = shared.get((a, b), 0) + 1
    group = {d: d for d in docs}
    for (a, b), n in sorted(shared.items()):
        if n >= VERSIONS * min(len(sets[a]), len(sets[b])):
            group[b] = group[a] = min(group[a], group[b])
    return group


def find_boilerplate(docs: dict[str, list[str]], short: dict[str, bool]) -> frozenset[str]:
    """Keys of the lines that are chrome, from each document's ordered line keys (`short`: key ->
    the line has few words)."""
    group = _groups(docs)
    holders: dict[str, set[str]] = {}
    for d, keys in docs.items():
        for k in keys:
            if k:
                holders.setdefault(k, set()).add(group[d])
    common = {k for k, g in holders.items() if len(g) >= MIN_DOCS and not k.startswith("#")}
    # a heading many documents share ('Ministerial Conferences', 'Background') names their
    # sections; it is chrome only inside a run of shared lines ('Quick links' over its links)
    pairs = {
        k
        for k, g in holders.items()
        if (len(g) == 2 and short.get(k)) or (len(g) >= MIN_DOCS and k.startswith("#"))
    }
    return frozenset(common | _blocks(docs, pairs, common))


def _blocks(docs: dict[str, list[str]], pairs: set[str], common: set[str]) -> set[str]:
    """The pair keys that stand in a run of two or more shared lines (blank lines do not break a
    run)."""
    block: set[str] = set()
    for keys in docs.values():
        run: list[str] = []
        for k in [*keys, "<end>"]:
            if not k:
                continue
            if k in pairs or k in common:
                run.append(k)
                continue
            if len(run) >= 2:
                block.update(x for x in run if x in pairs)
            run = []
    return block


def short_keys(text: str) -> dict[str, bool]:
    """key -> whether its line is short, for the lines of one document."""
    return {
        line_key(line): _short(line)
        for line in text.split("\n")
        if line.strip() and len(line) <= MAX_CHARS
    }
