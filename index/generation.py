"""One generation of the store: a chunk collection per dense leg, a collection of sentence vectors
(what the offline answerer compares questions with), and the BM25 folder. A new generation is
written beside the live one; unchanged documents are copied over, never embedded again."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from typing import Any

from index.access import PREFIX, PUBLIC, flags
from index.chunk import Chunk
from index.config import IndexConfig
from index.embed import EMBEDDER_INFO, Embedder, make_embedder
from index.inplace import delete_documents, version
from index.keyword import KeywordIndex, analysed
from index.load import Document
from index.prepare import Prepared
from index.store import Manifest, collection_name, generation_of, get_collection, keyword_dir

Progress = Callable[[int, int], None]  # (vectors computed so far, vectors to compute)
SENTENCES = "sentences"  # the collection of sentence vectors, beside one per dense leg


def sentence_embedder(embedders: tuple[str, ...]) -> str:
    """The leg whose model embeds sentences: the multilingual e5 when configured, else the first."""
    return "e5" if "e5" in embedders else embedders[0]


def sentence_id(doc_id: str, start: int, end: int) -> str:
    """A sentence's id: its document and exact source span (the same in every chunk that holds
    it)."""
    return f"{doc_id}@{start}-{end}"


def write(
    client: Any,
    config: IndexConfig,
    manifest: Manifest,
    old: Manifest | None,
    prepared: list[Prepared],
    removed: list[str],
    progress: Progress | None,
    loaded: Mapping[str, Embedder],
    versions: Mapping[str, str],
) -> int:
    """Fill the new generation's collections; the number of vectors computed."""
    gen = manifest.generation
    names = [*manifest.embedders, SENTENCES]
    collections = {n: get_collection(client, collection_name(config, n, gen)) for n in names}
    if old is not None:
        changed = {p.doc.doc_id for p in prepared}
        keep = [d for d in old.documents if d not in removed and d not in changed]
        copy_documents(client, config, old, collections, keep)
    return embed(prepared, collections, config, progress, loaded, versions) if prepared else 0


def write_in_place(
    client: Any,
    config: IndexConfig,
    manifest: Manifest,
    touched: list[str],
    prepared: list[Prepared],
    embedding: tuple[Progress | None, Mapping[str, Embedder], Mapping[str, str]],
) -> int:
    """Delete the touched documents' records from the live collections and add the prepared
    documents' ones; the number of vectors computed (`embedding`: progress, loaded models, each
    document's fingerprint)."""
    names = [*manifest.embedders, SENTENCES]
    collections = {
        n: get_collection(client, collection_name(config, n, manifest.generation)) for n in names
    }
    delete_documents(collections.values(), touched)
    progress, loaded, versions = embedding
    return embed(prepared, collections, config, progress, loaded, versions) if prepared else 0


def copy_documents(
    client: Any,
    config: IndexConfig,
    old: Manifest,
    collections: dict[str, Any],
    doc_ids: list[str],
    batch: int = 200,
) -> None:
    """Carry unchanged documents' records and vectors into the new generation (no embedding).
    The new first leg keeps the texts and full records: from the old first leg when that one is
    dropped; another leg keeps only the fields its filters read."""
    old_first = next(iter(old.embedders))
    first = next(n for n in collections if n != SENTENCES)
    texts_from = get_collection(client, collection_name(config, old_first, old.generation))
    for name, target in collections.items():
        source = get_collection(client, collection_name(config, name, old.generation))
        for i in range(0, len(doc_ids), batch):
            where = {"doc_id": {"$in": doc_ids[i : i + batch]}}
            data = source.get(where=where, include=["embeddings", "documents", "metadatas"])
            ids, metas, texts = data["ids"], data["metadatas"], None
            if not ids:
                continue
            if name == first and name != old_first:
                full = texts_from.get(ids=ids, include=["documents", "metadatas"])
                rows = dict(zip(full["ids"], zip(full["documents"], full["metadatas"])))
                texts, metas = [rows[c][0] for c in ids], [rows[c][1] for c in ids]
            elif name == first:
                texts = data["documents"]
            elif name != SENTENCES:
                metas = [leg_record(m) for m in metas]
            add_records(target, ids, data["embeddings"], metas, texts)


def embedding_text(chunk: Chunk, doc: Document) -> str:
    """What the dense models see: the chunk with its document title and section heading."""
    title = doc.title
    context = title if not chunk.heading or chunk.heading in title else f"{title} — {chunk.heading}"
    return f"{context}\n{chunk.text}"


def sentence_meta(doc: Document, chunk: Chunk) -> dict[str, str | int]:
    """What a sentence record keeps: the first chunk that holds it and what retrieval filters
    by."""
    meta: dict[str, str | int] = {k: str(doc.meta.get(k) or "") for k in ("language", "publisher")}
    meta.update(flags(doc.meta.get("groups") or ()))
    return {"doc_id": doc.doc_id, "chunk_id": chunk.chunk_id, **meta}


def _sentences(prepared: list[Prepared]) -> dict[str, tuple[dict[str, str | int], str]]:
    """id -> (metadata, text) of every distinct sentence of the prepared chunks."""
    out: dict[str, tuple[dict[str, str | int], str]] = {}
    for p in prepared:
        for chunk in p.chunks:
            context = chunk.heading or p.doc.title  # what the sentence is about, when it says "it"
            meta = sentence_meta(p.doc, chunk)
            for cs, ce, ss, se in chunk.sentences:
                text = chunk.text[cs:ce]
                out.setdefault(
                    sentence_id(p.doc.doc_id, ss, se),
                    (
                        meta,
                        text if not context or context in text else f"{context}: {text}",
                    ),
                )
    return out


def embed(
    prepared: list[Prepared],
    collections: dict[str, Any],
    config: IndexConfig,
    progress: Progress | None,
    loaded: Mapping[str, Embedder],
    versions: Mapping[str, str],
) -> int:
    """Embed every chunk with every dense leg and every sentence with the sentence model; store
    them, each chunk stamped with its document's version (`versions`: doc_id -> fingerprint)."""
    flat = [(p.doc, c) for p in prepared for c in p.chunks]
    sentences = _sentences(prepared)
    legs = [n for n in collections if n != SENTENCES]
    jobs = [(n, [embedding_text(c, d) for d, c in flat]) for n in legs]
    jobs.append((sentence_embedder(tuple(legs)), [text for _, text in sentences.values()]))
    counter = _Counter(sum(len(texts) for _, texts in jobs), progress)
    models = {n: loaded.get(n) or make_embedder(n, config) for n, _ in jobs}
    records = [chunk_record(d, c, version(versions.get(d.doc_id, ""))) for d, c in flat]
    chunk_ids = [c.chunk_id for _, c in flat]
    for (name, texts), target in zip(jobs, [*legs, SENTENCES]):
        vectors = _vectors(models[name], texts, config.embed_batch, counter)
        if target == SENTENCES:
            rows = [meta for meta, _ in sentences.values()]
            add_records(collections[SENTENCES], list(sentences), vectors, rows)
        elif target == legs[0]:  # the first leg keeps the texts and full records
            add_records(collections[target], chunk_ids, vectors, records, [c.text for _, c in flat])
        else:
            add_records(collections[target], chunk_ids, vectors, [leg_record(r) for r in records])
    return counter.done


# what a dense leg other than the first keeps beside its vectors: the fields its filters and the
# live check read (its hits are fetched from the first leg's records)
LEG_FIELDS = ("doc_id", "language", "publisher", "version", PUBLIC)
# rows per write: Chroma queues every added vector in SQLite until its HNSW index is flushed, and
# the queue's pages stay in the file as free space: 500 rows a call keep the store 25 % smaller
# than 4000 (measured on the development corpus)
WRITE_BATCH = 500


def leg_record(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a chunk record kept on a leg other than the first: the fields its filters and
    the live check read, access flags included."""
    return {k: v for k, v in meta.items() if k in LEG_FIELDS or k.startswith(PREFIX)}


def chunk_record(doc: Document, chunk: Chunk, stamp: str) -> dict[str, Any]:
    """A chunk's metadata as stored: its own fields and its document's version stamp."""
    return {**chunk.metadata(doc.meta), "version": stamp}


def add_records(
    collection: Any,
    ids: list[str],
    vectors: Any,
    metadatas: list[dict[str, Any]],
    documents: list[str] | None = None,
) -> None:
    """Write records with the chromadb API, in small batches (see WRITE_BATCH)."""
    for i in range(0, len(ids), WRITE_BATCH):
        part = slice(i, i + WRITE_BATCH)
        collection.add(
            ids=ids[part],
            embeddings=[v.tolist() if hasattr(v, "tolist") else v for v in vectors[part]],
            metadatas=metadatas[part],
            **({"documents": documents[part]} if documents is not None else {}),
        )


class _Counter:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def add(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(self.done, self.total)


def _vectors(model: Embedder, texts: list[str], batch: int, counter: _Counter) -> list[Any]:
    out: list[Any] = []
    step = max(1, batch)
    for i in range(0, len(texts), step):
        out.extend(model.passages(texts[i : i + step]))
        counter.add(min(step, len(texts) - i))
    return out


def drop_generations(
    client: Any, config: IndexConfig, keep: set[int], keep_keyword: set[int]
) -> None:
    """Delete our collections of every generation not in `keep` (and layout-1 ones), and the BM25
    folders not in `keep_keyword`."""
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
        if not suffix.isdigit() or int(suffix) not in keep_keyword or folder.name.endswith(".tmp"):
            shutil.rmtree(folder, ignore_errors=True)


def build_keyword_index(
    client: Any, config: IndexConfig, manifest: Manifest, fresh: set[str] | None
) -> None:
    """BM25 over every chunk of the manifest's documents, written to a temp folder then renamed.
    The analysed chunks of documents not in `fresh` come from the previous BM25 folder (None:
    nothing is reused); only the others are read from Chroma and analysed."""
    folder = keyword_dir(config.store_dir, manifest.keyword)
    earlier = keyword_dir(config.store_dir, manifest.keyword - 1)
    saved = {} if fresh is None else KeywordIndex.saved_terms(earlier)
    terms = {d: saved[d] for d in manifest.documents if d in saved and d not in (fresh or set())}
    todo = sorted(d for d in manifest.documents if d not in terms)
    first = next(iter(manifest.embedders))
    collection = get_collection(client, collection_name(config, first, manifest.generation))
    for i in range(0, len(todo), 200):
        data = collection.get(
            where={"doc_id": {"$in": todo[i : i + 200]}}, include=["documents", "metadatas"]
        )
        for cid, text, meta in zip(data["ids"], data["documents"], data["metadatas"]):
            lang = str(meta.get("language") or "en")
            terms.setdefault(str(meta["doc_id"]), {}).update(analysed([cid], [text], [lang]))
    index = KeywordIndex.from_terms(dict(sorted(terms.items())))
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    index.save(tmp)
    tmp.rename(folder)
