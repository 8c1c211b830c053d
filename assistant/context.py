"""What the answerer reads: the hybrid top k, the asker's-language twins of what was found, and the
next chunk of a passage that ends announcing a list."""

from __future__ import annotations

from llama_index.core.schema import NodeWithScore

from assistant.retrieve import Filters, to_passage
from assistant.runtime import Runtime
from assistant.types import Passage


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
    have = {p.chunk_id for p in passages}
    wanted = []
    for p in passages:
        doc, _, index = p.chunk_id.rpartition("#")
        if (
            p.text.rstrip().endswith(":")
            and index.isdigit()
            and f"{doc}#{int(index) + 1}" not in have
        ):
            wanted.append(f"{doc}#{int(index) + 1}")
    nodes = runtime.fetch(wanted)
    return [to_passage(NodeWithScore(node=nodes[c], score=0.0)) for c in wanted if c in nodes]


def closest_documents(passages: list[Passage]) -> tuple[str, ...]:
    """The first three documents retrieved, for an abstention."""
    return tuple(dict.fromkeys(p.doc_id for p in passages))[:3]
