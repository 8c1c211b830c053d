"""The ingestion pipeline: load → clean → chunk → embed → store, incremental by content hash.

Changes are written into a new generation of collections and BM25 index; the manifest, written last
and atomically, switches readers over. A crash at any point leaves the previous generation live.
"""

from __future__ import annotations

import dataclasses
import fcntl
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index import cache, generation, inplace, texts
from index.config import IndexConfig
from index.embed import EMBEDDER_INFO, Embedder
from index.errors import UserError
from index.generation import Progress
from index.language import ANALYZER_VERSION
from index.load import Document, LoadError, load_document
from index.offline import configure_offline
from index.plan import Plan, plan
from index.prepare import Lines, Prepared, boilerplate, dropped, known_acronyms, prepare
from index.report import IngestReport
from index.store import Manifest, open_client

# 2: boilerplate by repetition, PDF reflow, sentence vectors, mined acronyms; 3: sentences name
# their chunk
# 4: numbered PDF lines are list items only when text follows (not "1. 9. 2023");
# 5: HTML list items keep a '- ' mark
# 6: a sentence is embedded with its section heading (or the document title)
# 7: HTML table cells apart (tabs)
# 8: DOCX tables read in place, one row a line; 9: capitalised names and capitals-only words
# recorded (what a user's initialism stands for); 10: a line ending in an abbreviation runs on
# 11: numbered section titles are headings; 12: a heading many documents share is kept
# (index/boilerplate.py)
CLEANING_VERSION = 12
ACCESS_VERSION = 1  # chunks and sentences carry access flags (index/access.py)


@contextmanager
def ingest_lock(store_dir: Path) -> Iterator[None]:
    """One ingest at a time per store; a second one stops with a clear message."""
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(store_dir / ".ingest.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(
                f"Another ingest is running on {store_dir}: wait for it to finish"
            ) from None
        yield


def chunking_config(config: IndexConfig) -> dict[str, Any]:
    """What the stored chunks and keyword index depend on besides the embedders: a change means a
    rebuild."""
    return {
        "tokens": config.chunk_tokens,
        "overlap": config.chunk_overlap,
        "tokenizer": "cl100k_base",
        "analyzer": ANALYZER_VERSION,
        "cleaning": CLEANING_VERSION,
        "access": ACCESS_VERSION,
        "sentences": generation.sentence_embedder(config.embedders),
    }


def ingest(
    config: IndexConfig,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedders: Mapping[str, Embedder] | None = None,
) -> IngestReport:
    """Bring the store in line with the corpus folder; unchanged documents cost nothing
    (`embedders`: models the caller has loaded already)."""
    configure_offline()
    cache.use(config.cache_dir)
    started = time.perf_counter()
    report = IngestReport()
    wanted = _wanted_embedders(config)
    with ingest_lock(config.store_dir):
        old = _previous_manifest(config, wanted, rebuild)
        chunking = chunking_config(config)
        rebuild = rebuild or old is None or _stale(old, wanted, chunking)
        client = open_client(config, create=True)
        _drop_leftovers(client, config, old)
        redo = set() if rebuild or old is None else inplace.pending(config.store_dir)
        base = Manifest() if rebuild or old is None else _without(old, redo)
        changes = plan(config, base, rebuild)
        report.warnings += changes.warnings
        removed = [d for d in base.documents if d not in changes.hashes]
        prepared = _prepare_all(config, base, changes, report)
        if old is not None and not (prepared or removed or rebuild or redo):
            return _finish(report, old, started)
        manifest, in_place = _next_manifest(old, base, wanted, chunking, rebuild)
        _write_generation(
            client, config, manifest, None if rebuild or old is None else base, prepared, removed,
            changes, report, (progress, embedders or {}), redo if in_place else None,
        )  # fmt: skip
    return _finish(report, manifest, started)


def _drop_leftovers(client: Any, config: IndexConfig, old: Manifest | None) -> None:
    """A crashed run's collections and BM25 folders go; readers may still use the previous ones."""
    live, words = (old.generation, old.keyword) if old else (-1, -1)
    generation.drop_generations(
        client, config, {live, live - 1} if old else set(), {words, words - 1}
    )


def _next_manifest(
    old: Manifest | None,
    base: Manifest,
    wanted: dict[str, dict[str, Any]],
    chunking: dict[str, Any],
    rebuild: bool,
) -> tuple[Manifest, bool]:
    """The manifest to write, and whether the change goes into the live collections (the same
    models) rather than a new generation beside them."""
    in_place = old is not None and not rebuild and set(old.embedders) == set(wanted)
    live, words = (old.generation, old.keyword) if old else (-1, -1)
    documents = {} if rebuild else dict(base.documents)
    gen = live if in_place else live + 1
    if in_place and old is not None:  # the live first leg keeps the texts: keep its order
        wanted = {n: wanted[n] for n in old.embedders}
    return Manifest(wanted, chunking, documents, generation=gen, keyword=words + 1), in_place


def _without(manifest: Manifest, doc_ids: set[str]) -> Manifest:
    """The manifest less documents an unfinished ingest was writing: they are done again."""
    documents = {d: v for d, v in manifest.documents.items() if d not in doc_ids}
    return dataclasses.replace(manifest, documents=documents)


def _stale(old: Manifest, wanted: dict[str, dict[str, Any]], chunking: dict[str, Any]) -> bool:
    """The store lacks a configured embedder, or was chunked otherwise: everything is embedded
    again. A leg no longer configured is simply not copied into the next generation."""
    return not set(wanted) <= set(old.embedders) or old.chunking != chunking


def _write_generation(
    client: Any,
    config: IndexConfig,
    manifest: Manifest,
    base: Manifest | None,
    prepared: list[Prepared],
    removed: list[str],
    changes: Plan,
    report: IngestReport,
    models: tuple[Progress | None, Mapping[str, Embedder]],
    redo: set[str] | None,
) -> None:
    """Write the changes into the live collections (`redo`: documents an unfinished ingest left)
    or a new generation (copying unchanged documents from `base`), then the keyword index and the
    manifest that makes them live."""
    progress, embedders = models
    if redo is not None:
        touched = sorted(redo | set(removed) | {p.doc.doc_id for p in prepared})
        inplace.begin(config.store_dir, touched)
        report.vectors = generation.write_in_place(
            client, config, manifest, touched, prepared, (progress, embedders, changes.hashes)
        )
    else:
        report.vectors = generation.write(
            client, config, manifest, base, prepared, removed, progress, embedders, changes.hashes
        )
    _record(manifest, prepared, changes.hashes, removed, config, report)
    for p in prepared:
        texts.save(config.store_dir, changes.hashes[p.doc.doc_id], p.doc.text)
    fresh = None if base is None else {p.doc.doc_id for p in prepared} | (redo or set())
    generation.build_keyword_index(client, config, manifest, fresh)
    previous = {str(d["sha256"]) for d in (base.documents.values() if base else ())}
    manifest.save(config.store_dir)
    inplace.finish(config.store_dir)
    texts.prune(
        config.store_dir, previous | {str(d["sha256"]) for d in manifest.documents.values()}
    )
    gen, words = manifest.generation, manifest.keyword
    generation.drop_generations(client, config, {gen, gen - 1}, {words, words - 1})


def _wanted_embedders(config: IndexConfig) -> dict[str, dict[str, Any]]:
    unknown = [n for n in config.embedders if n not in EMBEDDER_INFO]
    if unknown or not config.embedders:
        raise UserError(f"Unknown embedder(s) {unknown}: choose from {', '.join(EMBEDDER_INFO)}")
    return {name: dict(EMBEDDER_INFO[name]) for name in config.embedders}


def _previous_manifest(
    config: IndexConfig, wanted: dict[str, dict[str, Any]], rebuild: bool
) -> Manifest | None:
    """The live manifest; with --rebuild an older layout or a corrupt one just means starting
    over."""
    try:
        old = Manifest.load(config.store_dir)
    except UserError:
        if not rebuild:
            raise
        return None
    if old is not None and not rebuild:
        old.check_embedders(wanted, config.store_dir)
    return old


def _load(paths: dict[str, Path], config: IndexConfig, report: IngestReport) -> dict[str, Document]:
    """The documents at these paths; a broken file is skipped with a warning."""
    docs = {}
    for doc_id, path in paths.items():
        try:
            docs[doc_id] = load_document(path, config.corpus_dir)
        except (LoadError, OSError) as exc:
            report.warnings.append(f"skipped {path.relative_to(config.corpus_dir)}: {exc}")
    return docs


def _prepare_all(
    config: IndexConfig, base: Manifest, changes: Plan, report: IngestReport
) -> list[Prepared]:
    """Load and prepare the changed files, and the unchanged ones whose boilerplate changed."""
    docs = _load(changes.todo, config, report)
    lines = {d: Lines.recorded(base.documents[d]) for d in changes.unchanged}
    lines |= {d: Lines.of(doc.text) for d, doc in docs.items()}
    chrome = boilerplate(lines)
    stale = {
        d: config.corpus_dir / base.documents[d]["path"]
        for d in changes.unchanged
        if dropped(lines[d], chrome) != str(base.documents[d].get("dropped", "")).split()
    }
    docs |= _load(stale, config, report)
    report.unchanged = [d for d in changes.unchanged if d not in docs]
    recorded = [a for d in report.unchanged for a in base.documents[d].get("acronyms", [])]
    known = known_acronyms([doc.text for doc in docs.values()], recorded)
    out = []
    for doc_id, doc in docs.items():
        ready = prepare(doc, config, chrome, lines[doc_id], known)
        if ready.chunks:
            out.append(ready)
        else:
            report.warnings.append(
                f"skipped {doc.path.relative_to(config.corpus_dir)}: no text left after cleaning"
            )
    for doc_id in changes.todo:
        if doc_id not in {p.doc.doc_id for p in out}:
            changes.hashes.pop(doc_id, None)  # skipped: it stays out of the manifest
    return out


def _record(
    manifest: Manifest,
    prepared: list[Prepared],
    hashes: dict[str, str],
    removed: list[str],
    config: IndexConfig,
    report: IngestReport,
) -> None:
    for doc_id in removed:
        manifest.documents.pop(doc_id, None)
        report.removed.append(doc_id)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for p in prepared:
        doc = p.doc
        (report.updated if doc.doc_id in manifest.documents else report.added).append(doc.doc_id)
        manifest.documents[doc.doc_id] = {
            "sha256": hashes[doc.doc_id],
            "chunks": len(p.chunks),
            "indexed_at": now,
            "path": str(doc.path.relative_to(config.corpus_dir)),
            "meta": doc.meta,
            "chars": len(doc.text),
            **p.record(),
        }
    report.embedded = sum(len(p.chunks) for p in prepared)


def _finish(report: IngestReport, manifest: Manifest, started: float) -> IngestReport:
    report.documents = len(manifest.documents)
    report.chunks = sum(int(d["chunks"]) for d in manifest.documents.values())
    report.seconds = time.perf_counter() - started
    return report
