"""Retrieve: dense legs (one per embedder) and BM25 fused by reciprocal rank, as LlamaIndex
retrievers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.filters import Filters
from assistant.types import Passage, SentenceSpan
from index.embed import Embedder
from index.keyword import KeywordIndex
from index.language import analyze


class DenseRetriever(BaseRetriever):
    """Nearest chunks in one Chroma collection by one embedding model. The primary collection's
    rows carry their text and metadata (`node` builds them); another leg's hold vectors and the
    fields filters need, and its hits are fetched from the primary."""

    def __init__(
        self,
        collection: Any,
        embedder: Embedder,
        k: int,
        filters: Filters | None = None,
        node: Callable[[str, str | None, Any], TextNode] | None = None,
        fetch: Callable[[list[str]], dict[str, TextNode]] | None = None,
    ) -> None:
        super().__init__()
        self.collection, self.embedder, self.k, self.filters = collection, embedder, k, filters
        self.node, self.fetch = node, fetch

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        vector = self.embedder.query(query_bundle.query_str).tolist()
        inline = self.node is not None
        found = self.collection.query(
            query_embeddings=[vector],
            n_results=self.k,
            where=self.filters.where() if self.filters else None,
            include=["documents", "metadatas", "distances"] if inline else ["distances"],
        )
        ids, distances = found["ids"][0], found["distances"][0]
        if self.node is not None:
            rows = zip(ids, found["documents"][0], found["metadatas"][0])
            nodes = {cid: self.node(cid, text, meta) for cid, text, meta in rows}
        else:
            nodes = self.fetch(list(ids)) if self.fetch else {}
        # the collection uses cosine distance: 1 - distance is the cosine similarity
        return [
            NodeWithScore(node=nodes[c], score=1.0 - float(d))
            for c, d in zip(ids, distances)
            if c in nodes
        ]


class SentenceRetriever(BaseRetriever):
    """The chunks holding the sentences nearest to the query (the sentence vectors of ingest): a
    fine grained dense leg that finds a chunk by its one relevant sentence, across languages too."""

    def __init__(
        self,
        collection: Any,
        embedder: Embedder,
        fetch: Any,
        k: int,
        filters: Filters | None = None,
    ) -> None:
        super().__init__()
        self.collection, self.embedder, self.fetch, self.k, self.filters = (
            collection,
            embedder,
            fetch,
            k,
            filters,
        )

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        vector = self.embedder.query(query_bundle.query_str).tolist()
        where = self.filters.where() if self.filters else None
        found = self.collection.query(
            query_embeddings=[vector],
            n_results=self.k * 2,
            where=where,
            include=["metadatas", "distances"],
        )
        best: dict[str, float] = {}
        for meta, distance in zip(found["metadatas"][0], found["distances"][0]):
            chunk = str(meta.get("chunk_id") or "")
            if chunk and chunk not in best:
                best[chunk] = 1.0 - float(distance)
        nodes = self.fetch(list(best)[: self.k])
        return [NodeWithScore(node=nodes[c], score=s) for c, s in best.items() if c in nodes]


class KeywordRetriever(BaseRetriever):
    """BM25 over the language-aware analyzer of index/keyword.py."""

    def __init__(
        self,
        index: KeywordIndex,
        fetch: Any,
        k: int,
        lang: str = "en",
        filters: Filters | None = None,
        expand: Any = None,
    ) -> None:
        super().__init__()
        self.index, self.fetch, self.k, self.lang, self.filters, self.expand = (
            index,
            fetch,
            k,
            lang,
            filters,
            expand,
        )

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        terms = analyze(query_bundle.query_str, self.lang)
        if self.expand:
            terms += self.expand(terms, self.lang, query_bundle.query_str)
        hits = self.index.search(terms, self.k * (3 if self.filters else 1))
        nodes = self.fetch([h[0] for h in hits])
        out = [NodeWithScore(node=nodes[cid], score=score) for cid, score in hits if cid in nodes]
        if self.filters:
            out = [n for n in out if self.filters.allows(n.node.metadata)]
        return out[: self.k]


class HybridRetriever(BaseRetriever):
    """Reciprocal-rank fusion of several retrievers, then near-duplicate removal and per-document
    diversity. `reserve` slots go to the best hits of the meaning-based legs that the fusion left
    out: a keyword leg can only find documents in the question's language, and without the reserve
    its hits push a relevant document in another language out of the top k."""

    def __init__(
        self,
        legs: dict[str, BaseRetriever],
        k: int,
        rrf_k: int = 60,
        weights: dict[str, float] | None = None,
        works: dict[str, str] | None = None,
        reserve: int = 0,
        lexical: tuple[str, ...] = ("bm25",),
        live: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        super().__init__()
        self.legs, self.k, self.rrf_k, self.weights = legs, k, rrf_k, weights or {}
        # a record the index's manifest does not name yet (an ingest writing in place) is skipped
        self.live = live or (lambda meta: True)
        self.works = works or {}  # doc_id -> one id shared by a document and its translations
        self.reserve, self.lexical = reserve, lexical
        self.last_leg_scores: dict[str, dict[str, float]] = {}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        fused: dict[str, float] = {}
        dense: dict[str, float] = {}
        nodes: dict[str, TextNode] = {}
        leg_scores: dict[str, dict[str, float]] = {}
        for name, leg in self.legs.items():
            weight = self.weights.get(name, 1.0)
            hits = [h for h in leg.retrieve(query_bundle) if self.live(h.node.metadata)]
            for rank, hit in enumerate(hits):
                cid = hit.node.node_id
                nodes.setdefault(cid, hit.node)  # type: ignore[arg-type]
                fused[cid] = fused.get(cid, 0.0) + weight / (self.rrf_k + rank + 1)
                if name not in self.lexical:
                    dense[cid] = dense.get(cid, 0.0) + weight / (self.rrf_k + rank + 1)
                leg_scores.setdefault(cid, {})[name] = float(hit.score or 0.0)
        self.last_leg_scores = leg_scores
        ranked = sorted(fused, key=lambda c: -fused[c])
        reserve = min(self.reserve, self.k // 2)  # a small k keeps its best fused hits first
        chosen = _diverse(ranked, nodes, self.k - reserve, self.works)
        if reserve:
            rest = [c for c in sorted(dense, key=lambda c: -dense[c]) if c not in chosen]
            chosen += _diverse(rest, nodes, reserve, self.works)
            chosen += [c for c in _diverse(ranked, nodes, self.k, self.works) if c not in chosen]
        return [NodeWithScore(node=nodes[c], score=fused[c]) for c in chosen[: self.k]]


def _diverse(
    ranked: list[str], nodes: dict[str, TextNode], k: int, works: dict[str, str]
) -> list[str]:
    """Drop near-duplicates (shared-term overlap ≥ 0.8) and cap chunks per work (a document with its
    translations)."""
    chosen: list[str] = []
    term_sets: list[set[str]] = []
    per_doc: dict[str, int] = {}
    cap = max(2, (k + 1) // 2)
    for cid in ranked:
        node = nodes[cid]
        terms = set(analyze(node.get_content(), str(node.metadata.get("language") or "en")))
        if any(len(terms & t) / max(1, min(len(terms), len(t))) >= 0.8 for t in term_sets):
            continue
        doc = str(node.metadata.get("doc_id"))
        doc = works.get(doc, doc)
        if per_doc.get(doc, 0) >= cap:
            continue
        chosen.append(cid)
        term_sets.append(terms)
        per_doc[doc] = per_doc.get(doc, 0) + 1
        if len(chosen) == k:
            break
    return chosen


def to_passage(hit: NodeWithScore, leg_scores: dict[str, float] | None = None) -> Passage:
    """A retrieved node as a Passage with its exact source span and sentence spans."""
    meta = hit.node.metadata

    def text(key: str) -> str:
        return str(meta.get(key) or "")

    spans = tuple(SentenceSpan(*span) for span in json.loads(meta.get("sentences") or "[]"))
    return Passage(
        chunk_id=hit.node.node_id,
        doc_id=text("doc_id"),
        text=hit.node.get_content(),
        raw=text("raw"),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        score=float(hit.score or 0.0),
        title=text("title") or text("doc_id"),
        language=text("language"),
        date=text("date"),
        publisher=text("publisher"),
        heading=text("heading"),
        translation_of=text("translation_of"),
        sentences=spans,
        leg_scores=dict(leg_scores or {}),
        pages=tuple((int(at), int(n)) for at, n in json.loads(meta.get("pages") or "[]")),
    )
