"""What the answerer reads: the hybrid top k, the asker's-language twins of what was found, and the
next chunk of a passage that ends announcing a list."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from llama_index.core.schema import BaseNode, NodeWithScore

from assistant.filters import Filters
from assistant.retrieve import to_passage
from assistant.types import Passage

if TYPE_CHECKING:  # the offline answerer reads chunks_after too, and the runtime builds it
    from assistant.runtime import Runtime

Fetch = Callable[[list[str]], Mapping[str, BaseNode]]  # chunk ids -> stored chunks


def gather_passages(
    runtime: Runtime, query: str, asked: str, lang: str, k: int, filters: Filters | None = None
) -> list[Passage]:
    """Retrieved passages in rank order, then the twins and continuations that complete them."""
    passages = runtime.search(query, k=k, filters=filters, lang=asked)
    passages += _twin_passages(runtime, passages, query, lang, filters)
    passages += _continuations(runtime, passages)
    return passages


def _twin_passages(
    runtime: Runtime, passages: list[Passage], query: str, lang: str, filters: Filters | None
) -> list[Passage]:
    """Passages from the asker's-language translation of a retrieved document, so it can be cited
    first."""
    works = runtime.works()
    have = {p.chunk_id for p in passages}
    twins = {
        other
        for p in passages
        if p.language != lang
        for other, work in works.items()
        if work == works.get(p.doc_id) and other != p.doc_id
    }
    twins = {
        t
        for t in twins
        if runtime.manifest.documents.get(t, {}).get("meta", {}).get("language") == lang
    }
    if filters and filters.doc_ids:
        twins &= set(filters.doc_ids)
    if not twins:
        return []
    only = Filters(doc_ids=tuple(sorted(twins)))
    return [
        p for p in runtime.search(query, k=2, filters=only, lang=lang) if p.chunk_id not in have
    ]


def _continuations(runtime: Runtime, passages: list[Passage]) -> list[Passage]:
    """The next chunk of a passage that ends announcing a list ('the following objectives:')."""
    ahead = [int(p.text.rstrip().endswith(":")) for p in passages]
    return chunks_after(runtime.fetch, passages, ahead)


def chunks_after(fetch: Fetch, passages: list[Passage], ahead: Sequence[int]) -> list[Passage]:
    """The `ahead[i]` chunks of its document after passages[i], those not among the passages."""
    have = {p.chunk_id for p in passages}
    wanted: list[str] = []
    for p, n in zip(passages, ahead):
        doc, _, index = p.chunk_id.rpartition("#")
        if n and index.isdigit():
            following = (f"{doc}#{i}" for i in range(int(index) + 1, int(index) + 1 + n))
            wanted += [c for c in following if c not in have and c not in wanted]
    nodes = fetch(wanted)
    return [to_passage(NodeWithScore(node=nodes[c], score=0.0)) for c in wanted if c in nodes]


def closest_documents(passages: list[Passage]) -> tuple[str, ...]:
    """The first three documents retrieved, for an abstention."""
    return tuple(dict.fromkeys(p.doc_id for p in passages))[:3]
