"""The one place that builds the heavy objects (Chroma client, embedders, BM25, answerers) from
Settings. A Runtime is built once per process by the entry point (CLI verb, app, evals, bench, a
test fixture) and passed to `ask()`; nothing here is a global cache."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.schema import QueryBundle, TextNode

from assistant.answerers import Answerer, ExtractiveAnswerer, make_answerer
from assistant.conversation import condense
from assistant.errors import AssistantError, NoIndexError
from assistant.filters import Filters
from assistant.knowledge import CorpusKnowledge
from assistant.records import Records
from assistant.retrieve import (
    DenseRetriever,
    HybridRetriever,
    KeywordRetriever,
    SentenceRetriever,
    to_passage,
)
from assistant.settings import Settings
from assistant.types import Passage, Similarity, Turn
from index import cache
from index.access import may_read
from index.embed import EMBEDDER_INFO, Embedder, cosine, make_embedder
from index.generation import SENTENCES
from index.inplace import is_live
from index.keyword import KeywordIndex
from index.language import ANALYZER_VERSION, cognate, detect_language, translit
from index.offline import configure_offline
from index.store import Manifest, collection_name, get_collection, keyword_dir, open_client


class QueryMemo:
    """An embedder that remembers its last query vectors: retrieval, the answerer and the checker
    ask for the same question's vector, and one embedding is enough."""

    def __init__(self, embedder: Embedder, size: int = 64) -> None:
        self.embedder, self.size = embedder, size
        self.name, self.dim = embedder.name, embedder.dim
        self._memo: dict[str, np.ndarray] = {}

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.passages(texts)

    def query(self, text: str) -> np.ndarray:
        if text not in self._memo:
            if len(self._memo) >= self.size:
                self._memo.pop(next(iter(self._memo)))
            self._memo[text] = self.embedder.query(text)
        return self._memo[text]


class Runtime:
    """Models, stores and indexes, built once per process and shared by every question."""

    def __init__(self, settings: Settings, embedders: Mapping[str, Embedder] | None = None) -> None:
        configure_offline()
        cache.use(settings.cache_dir)
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
            n: QueryMemo(given.get(n) or make_embedder(n, settings.index))
            for n in settings.embedders
        }
        self.similarity: Similarity | None = (
            cosine(self.embedders["e5"]) if "e5" in self.embedders else None
        )
        self._open(manifest)
        self.answerer: Answerer = make_answerer(settings, self)
        self.fallback = ExtractiveAnswerer(settings.max_sentences, settings.abstain_threshold, self)
        self._manifest_mtime = self._mtime()
        self._warm()

    @staticmethod
    def _warm() -> None:
        """Load the lazy dictionaries now, not on the first question (simplemma, language model)."""
        from index.language import analyze, detect_language

        detect_language("Kdy byla podepsana deklarace?")
        analyze("migrace a azyl", "cs")
        analyze("migration and asylum", "en")
        analyze("миграция и убежище", "ru")

    def _open(self, manifest: Manifest) -> None:
        """Point at the manifest's live generation of collections and BM25 index."""
        s, gen = self.settings, manifest.generation
        self.manifest = manifest
        self.first = next(iter(manifest.embedders))  # its records hold the texts
        self.stores = {
            n: get_collection(self.client, collection_name(s.index, n, gen)) for n in s.embedders
        }
        self.primary = get_collection(self.client, collection_name(s.index, self.first, gen))
        self.records = Records(self.primary, manifest.documents, self.document_text)
        self.sentence_store = get_collection(self.client, collection_name(s.index, SENTENCES, gen))
        self.sentence_model = self.embedders[
            str(manifest.chunking.get("sentences", s.embedders[0]))
        ]
        self.keyword = KeywordIndex.load(keyword_dir(s.store_dir, manifest.keyword))
        self.knowledge = CorpusKnowledge.from_manifest(manifest)
        self._readers_knowledge: dict[tuple[str, ...], CorpusKnowledge] = {}
        self._works = self._link_translations(manifest)

    def _mtime(self) -> float:
        return Manifest.stamp(self.settings.store_dir)

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

    def sentence_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Sentence vectors computed at ingest, by sentence id (see index/generation.py)."""
        if not ids:
            return {}
        data = self.sentence_store.get(ids=list(dict.fromkeys(ids)), include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(data["ids"], data["embeddings"])}

    def question_vector(self, text: str) -> np.ndarray:
        """The question as the sentence model embeds queries (memoised: retrieval did it)."""
        return self.sentence_model.query(text)

    def fetch(self, ids: list[str]) -> dict[str, TextNode]:
        """Chunks by id from the primary collection."""
        return self.records.fetch(ids)

    def retriever(
        self, lang: str, filters: Filters | None = None, k: int | None = None, expand: Any = None
    ) -> HybridRetriever:
        s = self.settings
        legs: dict[str, Any] = {}
        # Multilingual models still rank documents in the question's language first: each dense leg
        # runs once per language of the corpus, so the best document in every language is seen.
        for part, only in self._by_language(filters):
            for n in s.embedders:
                if (
                    n == "minilm"
                    and (lang != "en" or only.languages != ("en",))
                    and len(s.embedders) > 1
                ):
                    continue  # MiniLM is English-only: elsewhere its ranking is noise
                inline = n == self.first
                legs[f"{n}{part}"] = DenseRetriever(
                    self.stores[n],
                    self.embedders[n],
                    s.candidates,
                    only,
                    node=self.records.node if inline else None,
                    fetch=None if inline else self.fetch,
                )
            if s.sentence_leg_weight > 0:
                legs[f"sentences{part}"] = SentenceRetriever(
                    self.sentence_store, self.sentence_model, self.fetch, s.candidates, only
                )
        legs["bm25"] = KeywordRetriever(
            self.keyword, self.fetch, s.candidates, lang, filters, expand
        )
        k = k or s.top_k
        reserve, live = min(s.dense_reserve, k // 2), partial(is_live, self.manifest.documents)
        w = {n: s.sentence_leg_weight for n in legs if n.startswith("sentences")}
        return HybridRetriever(legs, k, s.rrf_k, w, works=self.works(), reserve=reserve, live=live)

    def _by_language(self, filters: Filters | None) -> list[tuple[str, Filters]]:
        """(leg suffix, filters) for each language of the corpus the filters allow."""
        base = filters or Filters()
        langs = sorted(
            {str(d.get("meta", {}).get("language") or "") for d in self.manifest.documents.values()}
            - {""}
        )
        allowed = [x for x in langs if not base.languages or x in base.languages]
        if len(allowed) < 2:
            return [("", base)]
        return [(f":{x}", replace(base, languages=(x,))) for x in allowed]

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
        query's language, keywords expanded by the corpus's acronyms (`expand=False` only for the
        ablation)."""
        asked = lang or detect_language(query)
        retriever = self.retriever(
            asked if asked in ("en", "cs", "ru") else "en",
            filters,
            k,
            self._expand if expand else None,
        )
        hits = retriever.retrieve(QueryBundle(query_str=query))
        return [to_passage(h, retriever.last_leg_scores.get(h.node.node_id)) for h in hits]

    def _expand(self, terms: list[str], lang: str, query: str) -> list[str]:
        """Keyword terms to add: the corpus's acronym expansions, and the index's words that a name
        of the query spells in another language or script ('Хартумский' -> 'khartou…')."""
        names = {w for w in re.findall(r"[^\W\d_]{4,}", query) if w[0].isupper()}
        spelled = [t for w in names for t in self.keyword.starting_with(translit(w)[:5])]
        shared = [t for term in terms for t in self.keyword.sharing_cognate(cognate(term))]
        return list(dict.fromkeys([*self.knowledge.expand(terms), *spelled, *shared]))

    def knowledge_for(self, groups: tuple[str, ...] | None) -> CorpusKnowledge:
        """What the documents a reader in `groups` may read define (None: all of them): a name
        mined from another group's document is never written into their question."""
        if groups is None:
            return self.knowledge
        if groups not in self._readers_knowledge:
            manifest = self.manifest
            readable_docs = {
                d: info
                for d, info in manifest.documents.items()
                if may_read(info.get("meta", {}), groups)
            }
            self._readers_knowledge[groups] = CorpusKnowledge.from_manifest(
                replace(manifest, documents=readable_docs)
            )
        return self._readers_knowledge[groups]

    def spell_out(self, question: str, groups: tuple[str, ...] | None = None) -> str:
        """The question with each initialism the corpus never defines written out ('emn' ->
        'emn (European Migration Network)'), from the names the (readable) corpus repeats."""
        return self.knowledge_for(groups).spell_out(question, self.keyword.has)

    def standalone(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        groups: tuple[str, ...] | None = None,
    ) -> str:
        """The question as retrieval sees it offline: a follow-up condensed with the turns before
        it, initialisms written out (ask(), the evaluation and the fit all use this)."""
        return self.spell_out(condense(question, history), groups)

    def document_text(self, doc_id: str) -> str:
        """The full source text of an indexed document (what citation offsets refer to)."""
        from index import texts
        from index.load import read_text

        info = self.manifest.documents.get(doc_id)
        if not info:
            raise AssistantError(f"Unknown document {doc_id!r}")
        kept = texts.load(Path(self.settings.store_dir), str(info.get("sha256") or ""))
        return (
            kept if kept is not None else read_text(Path(self.settings.corpus_dir) / info["path"])
        )
