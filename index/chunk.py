"""Chunk: sentence-aware, token-sized chunks that carry their heading and exact source offsets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from index.access import flags
from index.clean import CleanText
from index.language import Sentence, split_sentences


@dataclass(frozen=True)
class Chunk:
    """A piece of a document sized for retrieval, with the source span it came from."""

    chunk_id: str
    doc_id: str
    index: int
    text: str  # cleaned text
    start: int  # source offsets, end exclusive
    end: int
    heading: str
    tokens: int
    sentences: list[
        list[int]
    ]  # [clean_start, clean_end, source_start, source_end], clean offsets relative to text

    def metadata(self, doc_meta: dict[str, Any]) -> dict[str, Any]:
        """The flat metadata stored beside the chunk: what filters and citations need and nothing
        the manifest or the kept source text already holds (the title, the date and the source
        are the document's; the raw span is the kept text between `start` and `end`)."""
        import json

        meta: dict[str, Any] = {k: str(doc_meta.get(k) or "") for k in ("language", "publisher")}
        meta.update(
            doc_id=self.doc_id,
            chunk_index=self.index,
            start=self.start,
            end=self.end,
            heading=self.heading,
            tokens=self.tokens,
            sentences=json.dumps(self.sentences, separators=(",", ":")),
        )
        meta.update(flags(doc_meta.get("groups") or ()))
        pages = _pages_within(doc_meta.get("pages") or [], self.start, self.end)
        if pages:
            meta["pages"] = json.dumps(pages, separators=(",", ":"))
        return meta


def _pages_within(starts: list[list[int]], start: int, end: int) -> list[list[int]]:
    """[offset, page] of the page the span opens on and of every page starting inside it."""
    opening = [p for p in starts if p[0] <= start][-1:]
    return [*opening, *(p for p in starts if start < p[0] < end)]


@lru_cache(maxsize=1)
def _encoding() -> Any:
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def chunk_document(
    doc_id: str, cleaned: CleanText, max_tokens: int, overlap: int = 1
) -> list[Chunk]:
    """Greedy packing of whole sentences up to max_tokens; a heading starts a new chunk when the
    current one is already well filled, so small sections are merged instead of orphaned."""
    sentences = split_sentences(cleaned.text)
    heading_starts = {at for at, _ in cleaned.headings}
    tokens = [count_tokens(cleaned.text[s.start : s.end]) for s in sentences]
    groups: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i, sentence in enumerate(sentences):
        at_heading = sentence.start in heading_starts
        full = size + tokens[i] > max_tokens
        if current and (full or (at_heading and size >= max_tokens * 0.4)):
            groups.append(current)
            carry = [] if at_heading else current[-overlap:] if overlap else []
            while carry and sum(tokens[j] for j in carry) + tokens[i] > max_tokens // 2:
                carry = carry[1:]
            current, size = list(carry), sum(tokens[j] for j in carry)
        current.append(i)
        size += tokens[i]
    if current:
        groups.append(current)
    return [
        _make_chunk(doc_id, n, cleaned, [sentences[i] for i in g], sum(tokens[i] for i in g))
        for n, g in enumerate(groups)
    ]


def _make_chunk(
    doc_id: str, n: int, cleaned: CleanText, sents: list[Sentence], tokens: int
) -> Chunk:
    c_start, c_end = sents[0].start, sents[-1].end
    s_start, s_end = cleaned.source_span(c_start, c_end)
    spans = []
    for s in sents:
        src = cleaned.source_span(s.start, s.end)
        spans.append([s.start - c_start, s.end - c_start, src[0], src[1]])
    return Chunk(
        chunk_id=f"{doc_id}#{n}",
        doc_id=doc_id,
        index=n,
        text=cleaned.text[c_start:c_end],
        start=s_start,
        end=s_end,
        heading=cleaned.heading_at(c_start),
        tokens=tokens,
        sentences=spans,
    )
