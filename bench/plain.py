"""The plain pipeline a user would write from the LlamaIndex starter tutorial, on the same MiniLM
weights.

SimpleDirectoryReader → default SentenceSplitter → VectorStoreIndex over a ChromaVectorStore → top-k
retriever.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.settings import Settings
from bench.ingestion import incremental, timed_ingest
from bench.plan import REAL_CORPUS, Plan, settings_for
from bench.report import Row, median
from index.config import IndexConfig
from index.embed import Embedder


class MiniLMEmbedding(BaseEmbedding):
    """Our bundled MiniLM as a LlamaIndex embedding, so no OpenAI key or download is needed."""

    _model: Any = PrivateAttr()

    def __init__(self, model: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=model.name, embed_batch_size=32, **kwargs)
        self._model = model

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._model.query(query).tolist()]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, row)) for row in self._model.passages(texts).tolist()]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class PlainPipeline:
    """The tutorial's index, built into its own Chroma folder, retrieving the top k chunks."""

    def __init__(self, corpus_dir: Path, persist_dir: Path, model: Embedder, k: int = 5) -> None:
        import chromadb
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        started = time.perf_counter()
        shutil.rmtree(persist_dir, ignore_errors=True)
        documents = SimpleDirectoryReader(
            str(corpus_dir), required_exts=[".txt", ".md"]
        ).load_data()
        client = chromadb.PersistentClient(path=str(persist_dir))
        collection = client.get_or_create_collection("quickstart")
        vector_store = ChromaVectorStore(chroma_collection=collection)
        index = VectorStoreIndex.from_documents(
            documents,
            storage_context=StorageContext.from_defaults(vector_store=vector_store),
            embed_model=MiniLMEmbedding(model),
            transformations=[SentenceSplitter()],
        )
        self.seconds = time.perf_counter() - started
        self.chunks = int(collection.count())
        self.retriever = index.as_retriever(similarity_top_k=k)

    def search(self, query: str) -> list[str]:
        """doc_ids (file stems) of the top-k chunks, best first."""
        return [
            Path(str(hit.node.metadata.get("file_name", ""))).stem
            for hit in self.retriever.retrieve(query)
        ]


def rank_quality(ranked: list[list[str]], cases: list[dict[str, Any]]) -> dict[str, float]:
    """hit@5, hit@1 and MRR@5 of the first expected source."""
    hits5 = hits1 = rr = 0.0
    for ids, case in zip(ranked, cases):
        expected = set(case["expected_sources"])
        first = next((i for i, d in enumerate(ids[:5]) if d in expected), None)
        hits5 += first is not None
        hits1 += first == 0
        rr += 1 / (first + 1) if first is not None else 0.0
    n = max(1, len(cases))
    return {"hit@5": hits5 / n, "hit@1": hits1 / n, "mrr": rr / n}


def timed(
    fn: Callable[[str], list[str]], questions: list[str]
) -> tuple[list[list[str]], list[float]]:
    """Each question's ranked doc_ids and its wall-clock ms."""
    out, ms = [], []
    for q in questions:
        t = time.perf_counter()
        out.append(fn(q))
        ms.append((time.perf_counter() - t) * 1000)
    return out, ms


def _ours_ingest(plan: Plan) -> tuple[float, Settings, int]:
    """Our ingest of the real corpus, repeated: median seconds, the last run's settings, its
    chunks."""
    ingests = [
        timed_ingest(settings_for(REAL_CORPUS, plan.work / "real-store"), run)
        for run in range(plan.repeats)
    ]
    ours_s, settings = median([report.seconds for report, _ in ingests]), ingests[-1][1]
    chunks = sum(
        int(d["chunks"])
        for d in json.loads((settings.store_dir / "manifest.json").read_text())[
            "documents"
        ].values()
    )
    return ours_s, settings, chunks


def _plain_ingests(plan: Plan, settings: Settings) -> list[PlainPipeline]:
    """The plain pipeline built over the real corpus once per repeat, each in its own folder."""
    from index.embed import make_embedder

    return [
        PlainPipeline(
            REAL_CORPUS, plan.work / f"plain-store-{run}", make_embedder("minilm", settings.index)
        )
        for run in range(plan.repeats)
    ]


def _speed_rows(
    ours_s: float,
    chunks: int,
    plains: list[PlainPipeline],
    ms_ours: list[float],
    ms_plain: list[float],
) -> list[Row]:
    """The ingest-time and search-latency rows, ours against plain."""
    plain = plains[-1]
    return [
        Row(
            "4 vs plain",
            "ingest time, real corpus",
            f"ours {ours_s:.1f} s ({chunks} chunks, {'+'.join(IndexConfig().embedders)} with "
            "sentence vectors, BM25) vs plain "
            f"{median([p.seconds for p in plains]):.1f} s "
            f"({plain.chunks} chunks, minilm)",
            "—",
            None,
        ),
        Row(
            "4 vs plain",
            "search p50, real corpus",
            f"ours {median(ms_ours):.0f} ms vs plain {median(ms_plain):.0f} ms",
            "—",
            None,
            {"ours_ms": ms_ours, "plain_ms": ms_plain},
        ),
    ]


def _quality_rows(n_cases: int, q_ours: dict[str, float], q_plain: dict[str, float]) -> list[Row]:
    """One row per gold-set retrieval measure: ours must beat plain (on hit@5, match it)."""
    return [
        Row(
            "4 vs plain",
            f"{name}, gold set ({n_cases} answerable)",
            f"ours {q_ours[name]:.3f} vs plain {q_plain[name]:.3f}",
            "ours > plain" if name != "hit@5" else "ours ≥ plain",
            q_ours[name] > q_plain[name] or (name == "hit@5" and q_ours[name] >= q_plain[name]),
        )
        for name in ("hit@5", "hit@1", "mrr")
    ]


def compare(plan: Plan) -> list[Row]:
    """Ours and the plain pipeline on the real corpus: ingest time, search latency and gold-set
    retrieval quality."""
    from assistant.runtime import Runtime
    from bench.worker import gold_cases

    ours_s, settings, chunks = _ours_ingest(plan)
    plains = _plain_ingests(plan, settings)
    plain = plains[-1]
    runtime = Runtime(settings)
    cases = gold_cases()
    questions = [c["question"] for c in cases]

    def ours(q: str) -> list[str]:
        return [p.doc_id for p in runtime.search(q, k=5)]

    ours(questions[0])
    plain.search(questions[0])
    ranked_ours, ms_ours = timed(ours, questions)
    ranked_plain, ms_plain = timed(plain.search, questions)
    q_ours, q_plain = rank_quality(ranked_ours, cases), rank_quality(ranked_plain, cases)
    return [
        *_speed_rows(ours_s, chunks, plains, ms_ours, ms_plain),
        *_quality_rows(len(cases), q_ours, q_plain),
        incremental(settings, f"real corpus, {chunks} chunks", plan.repeats + 2),
    ]
