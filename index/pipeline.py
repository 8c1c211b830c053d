"""The ingestion pipeline: load → clean → chunk → embed → store, incremental by content hash."""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo

from assistant.errors import AssistantError
from assistant.settings import Settings
from index.chunk import Chunk, chunk_document
from index.clean import clean
from index.embed import EMBEDDER_INFO, make_embedder
from index.keyword import ANALYZER_VERSION, KeywordIndex
from index.load import META_SUFFIX, Document, LoadError, doc_id_for, iter_corpus, load_document
from index.store import Manifest, collection_name, generation_of, get_collection, keyword_dir, open_client

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
            return (f"Nothing to do: {self.documents} documents unchanged, {self.chunks} chunks, "
                    f"0 embeddings computed ({self.seconds:.2f} s)")
        rate = self.embedded / self.seconds if self.seconds else 0.0
        return (f"Indexed {self.documents} documents ({len(self.added)} new, {len(self.updated)} changed, "
                f"{len(self.removed)} removed, {len(self.unchanged)} unchanged), {self.chunks} chunks; "
                f"embedded {self.embedded} chunks in {self.seconds:.1f} s ({rate:.1f} chunks/s)")


@contextmanager
def ingest_lock(store_dir: Path) -> Iterator[None]:
    """One ingest at a time per store; a second one stops with a clear message."""
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(store_dir / ".ingest.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AssistantError(f"Another ingest is running on {store_dir}: wait for it to finish") from None
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
    context = doc.title if not chunk.heading or chunk.heading in doc.title else f"{doc.title} — {chunk.heading}"
    return f"{context}\n{chunk.text}"


def prepare(doc: Document, settings: Settings) -> list[Chunk]:
    return chunk_document(doc.doc_id, clean(doc.text), settings.chunk_tokens, settings.chunk_overlap)


def _plan(settings: Settings, manifest: Manifest, rebuild: bool, report: IngestReport) -> tuple[dict[str, Path], dict[str, str]]:
    """Which files to (re)index, by doc_id, and the hashes of all current documents."""
    root = settings.corpus_dir
    if not root.is_dir():
        raise AssistantError(f"No corpus folder at {root}: create it or pass --corpus DIR")
    todo: dict[str, Path] = {}
    hashes: dict[str, str] = {}
    seen_hashes: dict[str, str] = {}
    max_bytes = int(settings.max_file_mb * 1e6)
    known_paths = {d["path"] for d in manifest.documents.values()}

    def keeper_first(path: Path) -> tuple[bool, bool, str]:
        """Of duplicate files, keep the one with metadata, then the one already indexed."""
        rel = str(path.relative_to(root))
        return (not path.with_name(path.stem + META_SUFFIX).exists(), rel not in known_paths, rel)

    for path in sorted(iter_corpus(root), key=keeper_first):
        try:
            if path.stat().st_size > max_bytes:
                raise LoadError(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB is over the {settings.max_file_mb:g} MB limit")
            doc_id, digest = fingerprint(path, root)
        except (OSError, LoadError) as exc:
            report.warnings.append(f"skipped {path.relative_to(root)}: {exc}")
            continue
        if doc_id in hashes:
            report.warnings.append(f"skipped {path.relative_to(root)}: doc_id {doc_id!r} is already used by another file")
            continue
        content = hashlib.sha256(path.read_bytes()).hexdigest()
        if content in seen_hashes:
            report.warnings.append(f"skipped {path.relative_to(root)}: same content as {seen_hashes[content]!r}")
            continue
        seen_hashes[content] = doc_id
        hashes[doc_id] = digest
        known = manifest.documents.get(doc_id)
        if rebuild or not known or known["sha256"] != digest:
            todo[doc_id] = path
        else:
            report.unchanged.append(doc_id)
    return todo, hashes


def chunking_config(settings: Settings) -> dict[str, Any]:
    """What the stored chunks and keyword index depend on besides the embedders: a change means a rebuild."""
    return {"tokens": settings.chunk_tokens, "overlap": settings.chunk_overlap, "tokenizer": "cl100k_base",
            "analyzer": ANALYZER_VERSION}


def ingest(settings: Settings, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
    """Bring the store in line with the corpus folder; unchanged documents cost nothing.

    Changes are written into a new generation of collections and BM25 index; the manifest, written last
    and atomically, switches readers over. A crash at any point leaves the previous generation live.
    """
    started = time.perf_counter()
    report = IngestReport()
    store = settings.store_dir
    wanted = {name: dict(EMBEDDER_INFO[name]) for name in settings.embedders if name in EMBEDDER_INFO}
    unknown = [n for n in settings.embedders if n not in EMBEDDER_INFO]
    if unknown or not wanted:
        raise AssistantError(f"Unknown embedder(s) {unknown}: choose from {', '.join(EMBEDDER_INFO)}")
    with ingest_lock(store):
        try:
            old = Manifest.load(store)
        except AssistantError:
            if not rebuild:
                raise
            old = None  # an older layout or a corrupt manifest: start over
        if old is not None and not rebuild:
            old.check_embedders(wanted, store)
        chunking = chunking_config(settings)
        rebuild = rebuild or old is None or set(old.embedders) != set(wanted) or old.chunking != chunking
        client = open_client(settings, create=True)
        live = old.generation if old else -1
        _drop_generations(client, store, settings, keep={live, live - 1} if old else set())  # a crashed run's leftovers
        base = Manifest() if rebuild or old is None else old
        todo, hashes = _plan(settings, base, rebuild, report)
        removed = [d for d in base.documents if d not in hashes]
        docs = _load_all(todo, hashes, settings, report)
        if old is not None and not (docs or removed or rebuild):
            report.documents, report.chunks = len(old.documents), sum(int(d["chunks"]) for d in old.documents.values())
            report.seconds = time.perf_counter() - started
            return report
        manifest = Manifest(embedders=wanted, chunking=chunking, generation=live + 1,
                            documents={} if rebuild else dict(base.documents))
        collections = {n: get_collection(client, collection_name(settings, n, manifest.generation)) for n in wanted}
        if not rebuild and old is not None:
            keep = [d for d in old.documents if d not in removed and d not in {doc.doc_id for doc, _ in docs}]
            _copy_documents(client, settings, old.generation, collections, keep)
        total = sum(len(c) for _, c in docs)
        if docs:
            _embed_and_store(docs, collections, settings, total, progress)
            report.embedded = total
        for doc_id in removed:
            manifest.documents.pop(doc_id, None)
            report.removed.append(doc_id)
        _record(manifest, docs, hashes, settings, report)
        _build_keyword_index(collections[next(iter(wanted))], keyword_dir(store, manifest.generation))
        manifest.save(store)
        _drop_generations(client, store, settings, keep={manifest.generation, live})  # readers may still use `live`
    report.documents = len(manifest.documents)
    report.chunks = sum(int(d["chunks"]) for d in manifest.documents.values())
    report.seconds = time.perf_counter() - started
    return report


def _load_all(todo: dict[str, Path], hashes: dict[str, str], settings: Settings,
              report: IngestReport) -> list[tuple[Document, list[Chunk]]]:
    """Load, clean and chunk the files to (re)index; a broken file is skipped with a warning."""
    docs: list[tuple[Document, list[Chunk]]] = []
    for doc_id, path in todo.items():
        try:
            doc = load_document(path, settings.corpus_dir)
            chunks = prepare(doc, settings)
            if not chunks:
                raise LoadError(f"{path.name}: no text left after cleaning")
        except (LoadError, OSError) as exc:
            report.warnings.append(f"skipped {path.relative_to(settings.corpus_dir)}: {exc}")
            hashes.pop(doc_id, None)
            continue
        docs.append((doc, chunks))
    return docs


def _record(manifest: Manifest, docs: list[tuple[Document, list[Chunk]]], hashes: dict[str, str],
            settings: Settings, report: IngestReport) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for doc, chunks in docs:
        (report.updated if doc.doc_id in manifest.documents else report.added).append(doc.doc_id)
        manifest.documents[doc.doc_id] = {
            "sha256": hashes[doc.doc_id], "chunks": len(chunks), "indexed_at": now,
            "path": str(doc.path.relative_to(settings.corpus_dir)), "meta": doc.meta, "chars": len(doc.text),
        }


def _copy_documents(client: Any, settings: Settings, generation: int, collections: dict[str, Any],
                    doc_ids: list[str], batch: int = 200) -> None:
    """Carry unchanged documents' chunks and vectors into the new generation (no embedding)."""
    for name, target in collections.items():
        source = get_collection(client, collection_name(settings, name, generation))
        for i in range(0, len(doc_ids), batch):
            data = source.get(where={"doc_id": {"$in": doc_ids[i : i + batch]}},
                              include=["embeddings", "documents", "metadatas"])
            if data["ids"]:
                target.add(ids=data["ids"], embeddings=data["embeddings"], documents=data["documents"],
                           metadatas=data["metadatas"])


def _drop_generations(client: Any, store: Path, settings: Settings, keep: set[int]) -> None:
    """Delete our collections and BM25 folders of every generation not in `keep` (and the layout-1 ones)."""
    legacy = {f"{settings.collection_prefix}_{name}" for name in EMBEDDER_INFO}
    for coll in client.list_collections():
        name = coll if isinstance(coll, str) else coll.name
        gen = generation_of(name, settings.collection_prefix)
        if (gen is not None and gen not in keep) or name in legacy:
            client.delete_collection(name)
    shutil.rmtree(store / "bm25", ignore_errors=True)
    for folder in store.glob("bm25-g*"):
        suffix = folder.name.removeprefix("bm25-g").removesuffix(".tmp")
        if not suffix.isdigit() or int(suffix) not in keep or folder.name.endswith(".tmp"):
            shutil.rmtree(folder, ignore_errors=True)


def _embed_and_store(docs: list[tuple[Document, list[Chunk]]], collections: dict[str, Any],
                     settings: Settings, total: int, progress: Progress | None) -> None:
    """Embed every chunk with every configured model, then replace each document's chunks."""
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    texts = [embedding_text(c, d) for d, chunks in docs for c in chunks]
    flat = [(d, c) for d, chunks in docs for c in chunks]
    done = 0
    for name, coll in collections.items():
        embedder = make_embedder(name, settings)
        vectors: list[Any] = []
        step = max(1, settings.embed_batch)
        for i in range(0, len(texts), step):
            vectors.extend(embedder.passages(texts[i : i + step]))
            done += min(step, len(texts) - i)
            if progress:
                progress(done, total * len(collections))
        nodes: list[BaseNode] = [TextNode(id_=c.chunk_id, text=c.text, metadata=c.metadata(d.meta, d.text), embedding=v.tolist(),
                          excluded_embed_metadata_keys=["sentences", "raw"],
                          excluded_llm_metadata_keys=["sentences", "raw"],
                          # LlamaIndex writes ref_doc_id into the "doc_id" metadata key: make it ours
                          relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=d.doc_id)})
                 for (d, c), v in zip(flat, vectors)]
        ChromaVectorStore(chroma_collection=coll).add(nodes)


def _build_keyword_index(collection: Any, folder: Path) -> None:
    """BM25 over every chunk of the new generation, written to a temp folder then renamed."""
    data = collection.get(include=["documents", "metadatas"])
    index = KeywordIndex.build(list(data["ids"]), list(data["documents"]),
                               [str(m.get("language") or "en") for m in data["metadatas"]])
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    index.save(tmp)
    tmp.rename(folder)
