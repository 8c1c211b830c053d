"""The ingestion pipeline: load → clean → chunk → embed → store, incremental by content hash."""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo

from index.chunk import Chunk, chunk_document
from index.clean import clean
from index.config import IndexConfig
from index.embed import EMBEDDER_INFO, Embedder, make_embedder
from index.errors import UserError
from index.keyword import KeywordIndex
from index.language import ANALYZER_VERSION
from index.load import META_SUFFIX, Document, LoadError, doc_id_for, iter_corpus, load_document
from index.offline import configure_offline
from index.store import (
    Manifest,
    collection_name,
    generation_of,
    get_collection,
    keyword_dir,
    open_client,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)


@dataclass
class IngestReport:
    """What an ingest did, for the summary line and for tests."""

    documents: int = 0
    chunks: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    embedded: int = 0  # chunk embeddings computed (per embedder counted once)
    seconds: float = 0.0

    def summary(self) -> str:
        if not (self.added or self.updated or self.removed):
            return (
                f"Nothing to do: {self.documents} documents unchanged, {self.chunks} chunks, "
                f"0 embeddings computed ({self.seconds:.2f} s)"
            )
        rate = self.embedded / self.seconds if self.seconds else 0.0
        return (
            f"Indexed {self.documents} documents ({len(self.added)} new, {len(self.updated)} "
            "changed, "
            f"{len(self.removed)} removed, {len(self.unchanged)} unchanged), {self.chunks} chunks; "
            f"embedded {self.embedded} chunks in {self.seconds:.1f} s ({rate:.1f} chunks/s)"
        )


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


def fingerprint(path: Path, root: Path) -> tuple[str, str]:
    """(doc_id, sha256 of the file and its sidecar) without parsing the document."""
    sidecar = path.with_name(path.stem + META_SUFFIX)
    sidecar_bytes = sidecar.read_bytes() if sidecar.exists() else b""
    doc_id = doc_id_for(path, root)
    if sidecar_bytes:
        try:
            doc_id = str(json.loads(sidecar_bytes).get("doc_id") or doc_id)
        except (json.JSONDecodeError, AttributeError):
            pass
    return doc_id, hashlib.sha256(path.read_bytes() + b"\0" + sidecar_bytes).hexdigest()


def embedding_text(chunk: Chunk, doc: Document) -> str:
    """What the dense models see: the chunk with its document title and section heading."""
    context = (
        doc.title
        if not chunk.heading or chunk.heading in doc.title
        else f"{doc.title} — {chunk.heading}"
    )
    return f"{context}\n{chunk.text}"


def prepare(doc: Document, config: IndexConfig) -> list[Chunk]:
    return chunk_document(doc.doc_id, clean(doc.text), config.chunk_tokens, config.chunk_overlap)


def _plan(
    config: IndexConfig, manifest: Manifest, rebuild: bool, report: IngestReport
) -> tuple[dict[str, Path], dict[str, str]]:
    """Which files to (re)index, by doc_id, and the hashes of all current documents."""
    root = config.corpus_dir
    if not root.is_dir():
        raise UserError(f"No corpus folder at {root}: create it or pass --corpus DIR")
    todo: dict[str, Path] = {}
    hashes: dict[str, str] = {}
    seen_hashes: dict[str, str] = {}
    max_bytes = int(config.max_file_mb * 1e6)
    known_paths = {d["path"] for d in manifest.documents.values()}

    def keeper_first(path: Path) -> tuple[bool, bool, str]:
        """Of duplicate files, keep the one with metadata, then the one already indexed."""
        rel = str(path.relative_to(root))
        return (not path.with_name(path.stem + META_SUFFIX).exists(), rel not in known_paths, rel)

    for path in sorted(iter_corpus(root), key=keeper_first):
        try:
            if path.stat().st_size > max_bytes:
                raise LoadError(
                    f"{path.name}: {path.stat().st_size / 1e6:.1f} MB is over the "
                    f"{config.max_file_mb:g} MB limit"
                )
            doc_id, digest = fingerprint(path, root)
        except (OSError, LoadError) as exc:
            report.warnings.append(f"skipped {path.relative_to(root)}: {exc}")
            continue
        if doc_id in hashes:
            report.warnings.append(
                f"skipped {path.relative_to(root)}: doc_id {doc_id!r} is already used by another "
                "file"
            )
            continue
        content = hashlib.sha256(path.read_bytes()).hexdigest()
        if content in seen_hashes:
            report.warnings.append(
                f"skipped {path.relative_to(root)}: same content as {seen_hashes[content]!r}"
            )
            continue
        seen_hashes[content] = doc_id
        hashes[doc_id] = digest
        known = manifest.documents.get(doc_id)
        if rebuild or not known or known["sha256"] != digest:
            todo[doc_id] = path
        else:
            report.unchanged.append(doc_id)
    return todo, hashes


def chunking_config(config: IndexConfig) -> dict[str, Any]:
    """What the stored chunks and keyword index depend on besides the embedders: a change means a
    rebuild."""
    return {
        "tokens": config.chunk_tokens,
        "overlap": config.chunk_overlap,
        "tokenizer": "cl100k_base",
        "analyzer": ANALYZER_VERSION,
    }


def ingest(
    config: IndexConfig,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedders: Mapping[str, Embedder] | None = None,
) -> IngestReport:
    """Bring the store in line with the corpus folder; unchanged documents cost nothing.

    Changes are written into a new generation of collections and BM25 index; the manifest, written
    last
    and atomically, switches readers over. A crash at any point leaves the previous generation live.
    `embedders` are models already loaded by the caller (the app's runtime); others are loaded here.
    """
    configure_offline()
    started = time.perf_counter()
    report = IngestReport()
    wanted = _wanted_embedders(config)
    with ingest_lock(config.store_dir):
        old = _previous_manifest(config, wanted, rebuild)
        chunking = chunking_config(config)
        rebuild = (
            rebuild or old is None or set(old.embedders) != set(wanted) or old.chunking != chunking
        )
        client = open_client(config, create=True)
        live = old.generation if old else -1
        _drop_generations(
            client, config, keep={live, live - 1} if old else set()
        )  # a crashed run's leftovers
        base = Manifest() if rebuild or old is None else old
        todo, hashes = _plan(config, base, rebuild, report)
        removed = [d for d in base.documents if d not in hashes]
        docs = _load_all(todo, hashes, config, report)
        if old is not None and not (docs or removed or rebuild):
            return _finish(report, old, started)
        manifest = Manifest(
            embedders=wanted,
            chunking=chunking,
            generation=live + 1,
            documents={} if rebuild else dict(base.documents),
        )
        _write_generation(
            client,
            config,
            manifest,
            old if not rebuild else None,
            docs,
            removed,
            progress,
            embedders or {},
        )
        for doc_id in removed:
            manifest.documents.pop(doc_id, None)
            report.removed.append(doc_id)
        report.embedded = sum(len(c) for _, c in docs)
        _record(manifest, docs, hashes, config, report)
        _build_keyword_index(client, config, manifest)
        manifest.save(config.store_dir)
        _drop_generations(
            client, config, keep={manifest.generation, live}
        )  # readers may still use `live`
    return _finish(report, manifest, started)


def _wanted_embedders(config: IndexConfig) -> dict[str, dict[str, Any]]:
    unknown = [n for n in config.embedders if n not in EMBEDDER_INFO]
    if unknown or not config.embedders:
        raise UserError(f"Unknown embedder(s) {unknown}: choose from {', '.join(EMBEDDER_INFO)}")
    return {name: dict(EMBEDDER_INFO[name]) for name in config.embedders}


def _previous_manifest(
    config: IndexConfig, wanted: dict[str, dict[str, Any]], rebuild: bool
) -> Manifest | None:
    """The live manifest; with --rebuild an older layout or a corrupt manifest just means starting
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


def _finish(report: IngestReport, manifest: Manifest, started: float) -> IngestReport:
    report.documents = len(manifest.documents)
    report.chunks = sum(int(d["chunks"]) for d in manifest.documents.values())
    report.seconds = time.perf_counter() - started
    return report


def _write_generation(
    client: Any,
    config: IndexConfig,
    manifest: Manifest,
    old: Manifest | None,
    docs: list[tuple[Document, list[Chunk]]],
    removed: list[str],
    progress: Progress | None,
    loaded: Mapping[str, Embedder],
) -> None:
    """The new generation's collections: unchanged documents copied from the old one, changed ones
    embedded."""
    gen = manifest.generation
    collections = {
        n: get_collection(client, collection_name(config, n, gen)) for n in manifest.embedders
    }
    if old is not None:
        changed = {doc.doc_id for doc, _ in docs}
        keep = [d for d in old.documents if d not in removed and d not in changed]
        _copy_documents(client, config, old.generation, collections, keep)
    if docs:
        _embed_and_store(docs, collections, config, progress, loaded)


def _load_all(
    todo: dict[str, Path], hashes: dict[str, str], config: IndexConfig, report: IngestReport
) -> list[tuple[Document, list[Chunk]]]:
    """Load, clean and chunk the files to (re)index; a broken file is skipped with a warning."""
    docs: list[tuple[Document, list[Chunk]]] = []
    for doc_id, path in todo.items():
        try:
            doc = load_document(path, config.corpus_dir)
            chunks = prepare(doc, config)
            if not chunks:
                raise LoadError(f"{path.name}: no text left after cleaning")
        except (LoadError, OSError) as exc:
            report.warnings.append(f"skipped {path.relative_to(config.corpus_dir)}: {exc}")
            hashes.pop(doc_id, None)
            continue
        docs.append((doc, chunks))
    return docs


def _record(
    manifest: Manifest,
    docs: list[tuple[Document, list[Chunk]]],
    hashes: dict[str, str],
    config: IndexConfig,
    report: IngestReport,
) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for doc, chunks in docs:
        (report.updated if doc.doc_id in manifest.documents else report.added).append(doc.doc_id)
        manifest.documents[doc.doc_id] = {
            "sha256": hashes[doc.doc_id],
            "chunks": len(chunks),
            "indexed_at": now,
            "path": str(doc.path.relative_to(config.corpus_dir)),
            "meta": doc.meta,
            "chars": len(doc.text),
        }


def _copy_documents(
    client: Any,
    config: IndexConfig,
    generation: int,
    collections: dict[str, Any],
    doc_ids: list[str],
    batch: int = 200,
) -> None:
    """Carry unchanged documents' chunks and vectors into the new generation (no embedding)."""
    for name, target in collections.items():
        source = get_collection(client, collection_name(config, name, generation))
        for i in range(0, len(doc_ids), batch):
            data = source.get(
                where={"doc_id": {"$in": doc_ids[i : i + batch]}},
                include=["embeddings", "documents", "metadatas"],
            )
            if data["ids"]:
                target.add(
                    ids=data["ids"],
                    embeddings=data["embeddings"],
                    documents=data["documents"],
                    metadatas=data["metadatas"],
                )


def _drop_generations(client: Any, config: IndexConfig, keep: set[int]) -> None:
    """Delete our collections and BM25 folders of every generation not in `keep` (and the layout-1
    ones)."""
    store = config.store_dir
    legacy = {f"{config.collection_prefix}_{name}" for name in EMBEDDER_INFO}
    for coll in client.list_collections():
        name = coll if isinstance(coll, str) else coll.name
        gen = generation_of(name, config.collection_prefix)
        if (gen is not None and gen not in keep) or name in legacy:
            client.delete_collection(name)
    shutil.rmtree(store / "bm25", ignore_errors=True)
    for folder in store.glob("bm25-g*"):
        suffix = folder.name.removeprefix("bm25-g").removesuffix(".tmp")
        if not suffix.isdigit() or int(suffix) not in keep or folder.name.endswith(".tmp"):
            shutil.rmtree(folder, ignore_errors=True)


def _embed_and_store(
    docs: list[tuple[Document, list[Chunk]]],
    collections: dict[str, Any],
    config: IndexConfig,
    progress: Progress | None,
    loaded: Mapping[str, Embedder],
) -> None:
    """Embed every chunk with every configured model, then add the chunks to each collection."""
    from llama_index.vector_stores.chroma import ChromaVectorStore

    flat = [(d, c) for d, chunks in docs for c in chunks]
    texts = [embedding_text(c, d) for d, c in flat]
    total, done = len(texts) * len(collections), 0
    step = max(1, config.embed_batch)
    for name, coll in collections.items():
        embedder = loaded.get(name) or make_embedder(name, config)
        vectors: list[Any] = []
        for i in range(0, len(texts), step):
            vectors.extend(embedder.passages(texts[i : i + step]))
            done += min(step, len(texts) - i)
            if progress:
                progress(done, total)
        ChromaVectorStore(chroma_collection=coll).add(
            [_node(d, c, v) for (d, c), v in zip(flat, vectors)]
        )


def _node(doc: Document, chunk: Chunk, vector: Any) -> BaseNode:
    from llama_index.core.schema import TextNode

    return TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        metadata=chunk.metadata(doc.meta, doc.text),
        embedding=vector.tolist(),
        excluded_embed_metadata_keys=["sentences", "raw"],
        excluded_llm_metadata_keys=["sentences", "raw"],
        # LlamaIndex writes ref_doc_id into the "doc_id" metadata key: make it ours
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc.doc_id)},
    )


def _build_keyword_index(client: Any, config: IndexConfig, manifest: Manifest) -> None:
    """BM25 over every chunk of the new generation, written to a temp folder then renamed."""
    gen = manifest.generation
    folder = keyword_dir(config.store_dir, gen)
    collection = get_collection(
        client, collection_name(config, next(iter(manifest.embedders)), gen)
    )
    data = collection.get(include=["documents", "metadatas"])
    index = KeywordIndex.build(
        list(data["ids"]),
        list(data["documents"]),
        [str(m.get("language") or "en") for m in data["metadatas"]],
    )
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    index.save(tmp)
    tmp.rename(folder)
