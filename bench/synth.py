"""Synthetic corpora recombined from the real documents, and stores built from them without re-
embedding."""

from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.settings import Settings
from index import texts
from index.chunk import Chunk
from index.clean import clean
from index.embed import EMBEDDER_INFO, make_embedder
from index.generation import (
    SENTENCES,
    add_records,
    chunk_record,
    leg_record,
    sentence_embedder,
    sentence_id,
    sentence_meta,
)
from index.keyword import KeywordIndex, Terms, analysed
from index.language import split_sentences
from index.load import Document, iter_corpus, load_document
from index.pipeline import chunking_config
from index.plan import fingerprint
from index.prepare import Lines, boilerplate, dropped, prepare
from index.store import Manifest, collection_name, get_collection, keyword_dir, open_client

SYNTH_VERSION = 3  # bump when the recombination changes, so cached tier stores are rebuilt
Built = list[tuple[Document, list[Chunk]]]


@dataclass
class Pool:
    """Real sentences and headings of the corpus, by language, to recombine."""

    sentences: dict[str, list[str]] = field(default_factory=dict)
    headings: dict[str, list[str]] = field(default_factory=dict)


def real_pool(corpus_dir: Path) -> Pool:
    """Whole sentences (five words or more, ending a sentence) and headings of every real
    document."""
    pool = Pool()
    for path in iter_corpus(corpus_dir):
        doc = load_document(path, corpus_dir)
        lang = doc.language if doc.language in ("en", "cs") else "en"
        cleaned = clean(doc.text)
        heads = {text for _, text in cleaned.headings}
        for span in split_sentences(cleaned.text):
            text = cleaned.text[span.start : span.end]
            if text in heads and len(text) > 3:
                _add(pool.headings, lang, text)
            elif _whole_sentence(text):
                _add(pool.sentences, lang, text)
    return pool


def _whole_sentence(text: str) -> bool:
    """A sentence that split_sentences will find again when it sits between others."""
    return (
        len(text.split()) >= 5
        and (text[0].isupper() or text[0].isdigit())
        and text.rstrip('”")').endswith((".", "!", "?"))
    )


def _add(bucket: dict[str, list[str]], lang: str, text: str) -> None:
    items = bucket.setdefault(lang, [])
    if text not in items:
        items.append(text)


def synth_text(rng: random.Random, pool: Pool, lang: str) -> tuple[str, str]:
    """(title, text) of one document: paragraphs of 2-5 real sentences, now and then a real
    heading."""
    sentences, headings = pool.sentences[lang], pool.headings.get(lang) or ["Overview"]
    parts = []
    for p in range(rng.randint(9, 15)):
        if p and rng.random() < 0.25:
            parts.append(rng.choice(headings))
        parts.append(" ".join(rng.sample(sentences, k=min(len(sentences), rng.randint(2, 5)))))
    return rng.choice(headings), "\n\n".join(parts) + "\n"


def write_corpus(
    real_dir: Path, target: Path, chunks: int, settings: Settings, seed: int = 7
) -> Built:
    """Write documents (with sidecars and distinct ids) into target until they hold at least
    `chunks` chunks."""
    pool = real_pool(real_dir)
    rng = random.Random(seed)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    built: Built = []
    total = 0
    while total < chunks:
        lang = "cs" if "cs" in pool.sentences and rng.random() < 0.3 else "en"
        title, text = synth_text(rng, pool, lang)
        doc_id = f"synth-{lang}-{len(built):06d}"
        meta = {
            "doc_id": doc_id,
            "title": f"{title} (synthetic {len(built)})",
            "language": lang,
            "publisher": "synthetic",
            "date": "2024",
            "translation_of": None,
        }
        path = target / f"{doc_id}.txt"
        path.write_text(text, encoding="utf-8")
        (target / f"{doc_id}.meta.json").write_text(
            json.dumps(meta, ensure_ascii=False), encoding="utf-8"
        )
        doc = load_document(path, target)
        pieces = prepare(doc, settings.index, frozenset(), Lines.of(doc.text)).chunks
        built.append((doc, pieces))
        total += len(pieces)
    return built


class SentenceVectors:
    """One vector per distinct sentence, cached on disk; a chunk's vector is the normalised mean of
    its sentences'."""

    def __init__(self, name: str, settings: Settings, cache: Path) -> None:
        self.name, self.settings = name, settings
        self.path = cache / f"sentences-{name}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        self.computed = 0
        if self.path.exists():
            data = np.load(self.path, allow_pickle=False)
            if str(data["model"]) == EMBEDDER_INFO[name]["model"]:
                self.vectors = dict(zip(json.loads(str(data["texts"])), data["vectors"]))

    def ensure(self, texts: set[str]) -> None:
        """Embed the sentences not seen before (a handful: the pool is the real corpus)."""
        missing = sorted(t for t in texts if t not in self.vectors)
        if not missing:
            return
        vectors = make_embedder(self.name, self.settings.index).passages(missing)
        self.vectors.update(zip(missing, vectors))
        self.computed += len(missing)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            self.path,
            model=np.array(EMBEDDER_INFO[self.name]["model"]),
            texts=np.array(json.dumps(list(self.vectors))),
            vectors=np.stack(list(self.vectors.values())),
        )

    def chunk(self, chunk: Chunk) -> np.ndarray:
        """The normalised mean of the chunk's sentence vectors."""
        mean = np.mean([self.vectors[chunk.text[s[0] : s[1]]] for s in chunk.sentences], axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-9)


def chunk_sentences(built: Built) -> set[str]:
    """Every distinct sentence text that some chunk is made of."""
    return {c.text[s[0] : s[1]] for _, chunks in built for c in chunks for s in c.sentences}


def build_store(settings: Settings, built: Built, cache: Path, batch: int = 4000) -> dict[str, Any]:
    """Write generation 0 of the collections, the BM25 index and the manifest the way
    index/pipeline.py does."""
    timings: dict[str, Any] = {}
    shutil.rmtree(settings.store_dir, ignore_errors=True)
    client = open_client(settings.index, create=True)
    sentences = chunk_sentences(built)
    flat = [(d, c) for d, chunks in built for c in chunks]
    for name in settings.embedders:
        started = time.perf_counter()
        vectors = SentenceVectors(name, settings, cache)
        vectors.ensure(sentences)
        _chunk_collection(client, settings, name, vectors, flat, batch)
        if name == sentence_embedder(settings.embedders):
            _sentence_collection(client, settings, built, vectors, batch)
        timings[f"{name}_s"] = round(time.perf_counter() - started, 1)
        timings[f"{name}_sentences_embedded"] = vectors.computed
    started = time.perf_counter()
    terms: Terms = {}  # by document, as ingest keeps them for the next incremental build
    for d, c in flat:
        lang = str(d.meta.get("language") or "en")
        terms.setdefault(d.doc_id, {}).update(analysed([c.chunk_id], [c.text], [lang]))
    KeywordIndex.from_terms(terms).save(keyword_dir(settings.store_dir, 0))
    timings["bm25_s"] = round(time.perf_counter() - started, 1)
    manifest = _manifest(settings, built)
    for doc, _ in built:  # the kept texts citations read their quotes from, as ingest keeps them
        texts.save(settings.store_dir, manifest.documents[doc.doc_id]["sha256"], doc.text)
    manifest.save(settings.store_dir)
    return timings


def _chunk_collection(
    client: Any,
    settings: Settings,
    name: str,
    vectors: SentenceVectors,
    flat: list[tuple[Document, Chunk]],
    batch: int,
) -> None:
    """One embedder's chunk collection, each chunk's vector the mean of its cached sentences',
    written by ingest's own writer (the first leg keeps the texts)."""
    coll = get_collection(client, collection_name(settings.index, name, 0))
    first = name == settings.embedders[0]
    for i in range(0, len(flat), batch):
        part = flat[i : i + batch]
        records = [chunk_record(d, c, "") for d, c in part]
        if not first:
            records = [leg_record(r) for r in records]
        kept = [c.text for _, c in part] if first else None
        add_records(
            coll, [c.chunk_id for _, c in part], [vectors.chunk(c) for _, c in part], records, kept
        )


def _sentence_collection(
    client: Any, settings: Settings, built: Built, vectors: SentenceVectors, batch: int
) -> None:
    """The sentence vectors the offline answerer reads, as index/generation.py writes them."""
    rows = {
        sentence_id(d.doc_id, ss, se): (sentence_meta(d, c), c.text[cs:ce])
        for d, chunks in built
        for c in chunks
        for cs, ce, ss, se in c.sentences
    }
    coll = get_collection(client, collection_name(settings.index, SENTENCES, 0))
    ids = list(rows)
    for i in range(0, len(ids), batch):
        part = ids[i : i + batch]
        add_records(
            coll, part, [vectors.vectors[rows[x][1]] for x in part], [rows[x][0] for x in part]
        )


def _manifest(settings: Settings, built: Built) -> Manifest:
    """The manifest ingest() would write, with the same hashes, so the tier counts as up to date."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    lines = {doc.doc_id: Lines.of(doc.text) for doc, _ in built}
    # the lines ingest finds repeated across documents, recorded as it does (the synthetic chunks
    # keep them: only the latency of a store that size is measured here)
    chrome = boilerplate(lines)
    documents = {
        doc.doc_id: {
            "sha256": fingerprint(doc.path, settings.corpus_dir)[1],
            "chunks": len(chunks),
            "indexed_at": now,
            "path": str(doc.path.relative_to(settings.corpus_dir)),
            "meta": doc.meta,
            "chars": len(doc.text),
            **lines[doc.doc_id].record(),
            "dropped": " ".join(dropped(lines[doc.doc_id], chrome)),
            "acronyms": [],
        }
        for doc, chunks in built
    }
    return Manifest(
        embedders={n: dict(EMBEDDER_INFO[n]) for n in settings.embedders},
        generation=0,
        documents=documents,
        chunking=chunking_config(settings.index),
    )
