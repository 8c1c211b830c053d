"""Chunk records as LlamaIndex nodes. The store keeps only what filters and citations need per
chunk (index/chunk.py); a node gets its document's fields (title, date, source, translation) from
the manifest and its raw source span from the kept text, so nothing is stored twice."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from llama_index.core.schema import TextNode

from index.errors import UserError

# the document fields a passage shows, from the manifest (older stores repeat them per chunk)
DOCUMENT_FIELDS = ("title", "date", "translation_of", "source", "publisher", "language")


class Records:
    """Nodes from the primary collection's records: `fetch` by id, `node` from a query's row."""

    def __init__(
        self,
        collection: Any,
        documents: Mapping[str, Mapping[str, Any]],
        text_of: Callable[[str], str],
        cached: int = 256,
    ) -> None:
        self.collection, self.documents, self.text_of = collection, documents, text_of
        self.cached = cached
        self._texts: OrderedDict[str, str] = OrderedDict()

    def fetch(self, ids: list[str]) -> dict[str, TextNode]:
        """Chunks by id (the ones the store no longer holds are left out)."""
        if not ids:
            return {}
        data = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return {
            cid: self.node(cid, text, meta)
            for cid, text, meta in zip(data["ids"], data["documents"], data["metadatas"])
        }

    def node(self, cid: str, text: str | None, meta: Mapping[str, Any] | None) -> TextNode:
        """One chunk: its own metadata, its document's fields and its raw source span."""
        merged = dict(meta or {})
        doc_id = str(merged.get("doc_id") or "")
        doc = self.documents.get(doc_id, {}).get("meta", {})
        for key in DOCUMENT_FIELDS:
            if not merged.get(key):
                merged[key] = str(doc.get(key) or "")
        if "raw" not in merged:
            start, end = int(merged.get("start") or 0), int(merged.get("end") or 0)
            merged["raw"] = self._text(doc_id)[start:end]
        return TextNode(id_=cid, text=text or "", metadata=merged)

    def _text(self, doc_id: str) -> str:
        """The document's source text, the most recently used ones kept in memory."""
        if doc_id in self._texts:
            self._texts.move_to_end(doc_id)
            return self._texts[doc_id]
        try:
            text = self.text_of(doc_id)
        except (OSError, UnicodeError, UserError):
            text = ""  # a citation without its quote beats a failed search
        self._texts[doc_id] = text
        if len(self._texts) > self.cached:
            self._texts.popitem(last=False)
        return text
