"""The one place that builds the heavy objects (Chroma client, embedders, BM25, answerers) from
Settings.

A Runtime is built once per process by the entry point (CLI verb, app, evals, bench, a test fixture)
and
passed to `ask()`; nothing here is a global cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llama_index.core.schema import QueryBundle, TextNode
from llama_index.core.vector_stores.utils import metadata_dict_to_node
from llama_index.vector_stores.chroma import ChromaVectorStore

from assistant.answerers import Answerer, ExtractiveAnswerer, make_answerer
from assistant.errors import AssistantError, NoIndexError
from assistant.glossary import translate_terms
from assistant.retrieve import (
    DenseRetriever,
    Filters,
    HybridRetriever,
    KeywordRetriever,
    to_passage,
)
from assistant.settings import Settings
from assistant.types import Passage, Similarity
from index.embed import EMBEDDER_INFO, Embedder, cosine, make_embedder
from index.keyword import KeywordIndex
from index.language import ANALYZER_VERSION, detect_language
from index.offline import configure_offline
from index.store import Manifest, collection_name, get_collection, keyword_dir, open_client


class Runtime:
    """Models, stores and indexes, built once per process and shared by every question."""

    def __init__(self, settings: Settings, embedders: Mapping[str, Embedder] | None = None) -> None:
        configure_offline()
        self.settings = settings
        manifest = Manifest.load(settings.store_dir)
        if manifest is None or not manifest.documents:
            raise NoIndexError(settings.store_dir)
        if manifest.chunking.get("analyzer") != ANALYZER_VERSION:
            raise AssistantError(
                f"The keyword index at {settings.store_dir} was built by an older analyzer: "
                "run 'python -m assistant ingest' to rebuild it"
            )
        for name in settings.embedders:
            have = manifest.embedders.get(name)
            want = EMBEDDER_INFO.get(name)
            if have is None or want is None or have["model"] != want["model"]:
                raise AssistantError(
                    f"The store at {settings.store_dir} has no '{name}' vectors from "
                    f"{want and want['model']}: "
                    f"run 'python -m assistant ingest' with the same embedders (PP_EMBEDDERS)"
                )
        self.client = open_client(settings.index)
        given = embedders or {}
        self.embedders: dict[str, Embedder] = {
            n: given.get(n) or make_embedder(n, settings.index) for n in settings.embedders
        }
        self.similarity: Similarity | None = (
            cosine(self.embedders["e5"]) if "e5" in self.embedders else None
        )
        self.answerer: Answerer = make_answerer(settings)
        self.fallback = ExtractiveAnswerer(settings.max_sentences, settings.abstain_threshold)
        self._open(manifest)
        self._manifest_mtime = self._mtime()
        self._warm()

    @staticmethod
    def _warm() -> None:
        """Load the lazy dictionaries now, not on the first question (simplemma, glossary, language
        model)."""
        from assistant.glossary import acronym_expansions, translate_terms
        from index.language import analyze, detect_language

        detect_language("Kdy byla podepsána deklarace?")
        translate_terms(analyze("migrace a azyl", "cs"), "cs")
        analyze("migration and asylum", "en")
        acronym_expansions()

    def _open(self, manifest: Manifest) -> None:
        """Point at the manifest's live generation of collections and BM25 index."""
        s, gen = self.settings, manifest.generation
        self.manifest = manifest
        self.stores = {
            n: ChromaVectorStore(
                chroma_collection=get_collection(self.client, collection_name(s.index, n, gen))
            )
            for n in s.embedders
        }
        self.primary = get_collection(self.client, collection_name(s.index, s.embedders[0], gen))
        self.keyword = KeywordIndex.load(keyword_dir(s.store_dir, gen))
        self._works = self._link_translations(manifest)

    def _mtime(self) -> float:
        path = self.settings.store_dir / "manifest.json"
        return path.stat().st_mtime if path.exists() else 0.0

    def refresh(self) -> bool:
        """Pick up a finished ingest (new manifest and BM25 index); True when something changed."""
        mtime = self._mtime()
        if mtime == self._manifest_mtime:
            return False
        manifest = Manifest.load(self.settings.store_dir)
        if manifest is not None:
            self._open(manifest)
        self._manifest_mtime = mtime
        return True

    def fetch(self, ids: list[str]) -> dict[str, TextNode]:
        """Chunks by id from the primary collection."""
        if not ids:
            return {}
        data = self.primary.get(ids=ids, include=["documents", "metadatas"])
        out: dict[str, TextNode] = {}
        for cid, text, meta in zip(data["ids"], data["documents"], data["metadatas"]):
            node = metadata_dict_to_node(meta, text=text)
            out[cid] = node  # type: ignore[assignment]
        return out

    def retriever(
        self, lang: str, filters: Filters | None = None, k: int | None = None, expand: Any = None
    ) -> HybridRetriever:
        s = self.settings
        # MiniLM is English-only: on other languages its ranking is noise, so that leg sits out.
        legs: dict[str, Any] = {
            n: DenseRetriever(self.stores[n], self.embedders[n], s.candidates, filters)
            for n in s.embedders
            if not (n == "minilm" and lang != "en" and len(s.embedders) > 1)
        }
        legs["bm25"] = KeywordRetriever(
            self.keyword, self.fetch, s.candidates, lang, filters, expand
        )
        return HybridRetriever(legs, k or s.top_k, s.rrf_k, works=self.works())

    def works(self) -> dict[str, str]:
        """doc_id -> a shared id for documents that are translations of each other."""
        return self._works

    @staticmethod
    def _link_translations(manifest: Manifest) -> dict[str, str]:
        out: dict[str, str] = {}
        for doc_id, info in manifest.documents.items():
            other = str(info.get("meta", {}).get("translation_of") or "")
            if other:
                shared = min(doc_id, other)
                out[doc_id] = out[other] = shared
        return out

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: Filters | None = None,
        lang: str | None = None,
        expand: bool = True,
    ) -> list[Passage]:
        """The one search recipe (service, CLI, evals, bench, tests): hybrid retrieval in the
        query's language,
        keywords expanded through the bilingual term list (`expand=False` only for the ablation)."""
        asked = lang or detect_language(query)
        retriever = self.retriever(
            asked if asked in ("en", "cs") else "en",
            filters,
            k,
            translate_terms if expand else None,
        )
        hits = retriever.retrieve(QueryBundle(query_str=query))
        return [to_passage(h, retriever.last_leg_scores.get(h.node.node_id)) for h in hits]

    def document_text(self, doc_id: str) -> str:
        """The full source text of an indexed document (what citation offsets refer to)."""
        from index.load import read_text

        info = self.manifest.documents.get(doc_id)
        if not info:
            raise AssistantError(f"Unknown document {doc_id!r}")
        return read_text(Path(self.settings.corpus_dir) / info["path"])
