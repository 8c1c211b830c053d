"""Store: the Chroma client (embedded or server), one collection per embedder, and the manifest."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.config import IndexConfig
from index.errors import NoIndexError, UserError

MANIFEST = "manifest.json"
LAYOUT_VERSION = 2  # 2: generations (atomic swap of collections and BM25)


def open_client(config: IndexConfig, create: bool = False) -> Any:
    """A Chroma client: HttpClient when a server host is configured, else PersistentClient."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if config.chroma_host:
        try:
            client = chromadb.HttpClient(
                host=config.chroma_host, port=config.chroma_port, settings=chroma_settings
            )
            client.heartbeat()
        except Exception as exc:
            raise UserError(
                f"Cannot reach the Chroma server at {config.chroma_host}:{config.chroma_port} "
                f"({exc.__class__.__name__}): start it with 'chroma run --path DIR --port "
                f"{config.chroma_port}' or unset PP_CHROMA_HOST"
            ) from None
        return client
    path = config.store_dir / "chroma"
    if not create and not path.exists():
        raise NoIndexError(config.store_dir)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def collection_name(config: IndexConfig, embedder: str, generation: int = 0) -> str:
    """Each ingest that changes something writes a new generation; the manifest names the live
    one."""
    return f"{config.collection_prefix}_{embedder}_g{generation}"


def keyword_dir(store_dir: Path, generation: int = 0) -> Path:
    return store_dir / f"bm25-g{generation}"


def generation_of(name: str, prefix: str) -> int | None:
    """The generation in a collection name of ours, None for other collections."""
    head, _, gen = name.rpartition("_g")
    return int(gen) if head.startswith(prefix + "_") and gen.isdigit() else None


# Chroma's HNSW defaults (16 links, a candidate list of 100) find about 64 % of the true 30 nearest
# of 6000 random 384-d vectors and a different 64 % on each build; with these, 99.8 % and nearly
# the same ones (1.3 ms a query). A collection keeps the configuration it was created with.
HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 400, "max_neighbors": 32}


def get_collection(client: Any, name: str) -> Any:
    """A cosine-space collection; our own embeddings are always passed, never Chroma's default."""
    return client.get_or_create_collection(
        name=name, configuration={"hnsw": HNSW}, embedding_function=None
    )


@dataclass
class Manifest:
    """What the store holds: documents, their hashes and chunk counts, and the models used."""

    embedders: dict[str, dict[str, Any]] = field(default_factory=dict)  # short name -> {model, dim}
    chunking: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # doc_id -> {sha256, chunks, ...}
    version: int = LAYOUT_VERSION
    updated_at: str = ""
    generation: int = 0  # the live collections
    keyword: int = 0  # the live BM25 folder: a new one for every ingest that changes something

    @staticmethod
    def stamp(store_dir: Path) -> float:
        """When the index last changed (the manifest's modification time); 0 without one."""
        path = store_dir / MANIFEST
        return path.stat().st_mtime if path.exists() else 0.0

    @classmethod
    def load(cls, store_dir: Path) -> Manifest | None:
        path = store_dir / MANIFEST
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            raise UserError(
                f"The manifest {path} is corrupt: run 'python -m assistant ingest --rebuild'"
            ) from None
        if data.get("version") != LAYOUT_VERSION:
            raise UserError(
                f"The store at {store_dir} has layout version {data.get('version')}, this code "
                "needs "
                f"{LAYOUT_VERSION}: run 'python -m assistant ingest --rebuild'"
            )
        data.setdefault("keyword", data.get("generation", 0))  # one number for both before
        return cls(
            **{
                k: data[k]
                for k in (
                    "embedders",
                    "chunking",
                    "documents",
                    "version",
                    "updated_at",
                    "generation",
                    "keyword",
                )
                if k in data
            }
        )

    def save(self, store_dir: Path) -> None:
        """Written last and atomically, so a crash leaves the previous manifest in place."""
        store_dir.mkdir(parents=True, exist_ok=True)
        self.updated_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        tmp = store_dir / (MANIFEST + ".tmp")
        data = {
            "version": self.version,
            "updated_at": self.updated_at,
            "generation": self.generation,
            "keyword": self.keyword,
            "embedders": self.embedders,
            "chunking": self.chunking,
            "documents": self.documents,
        }
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, store_dir / MANIFEST)

    def check_embedders(self, wanted: dict[str, dict[str, Any]], store_dir: Path) -> None:
        """Refuse a store built with other embedding models than the ones configured."""
        for name, info in wanted.items():
            have = self.embedders.get(name)
            if have and (have["model"] != info["model"] or have["dim"] != info["dim"]):
                raise UserError(
                    f"The store at {store_dir} was built with {have['model']} ({have['dim']}-d) "
                    "for "
                    f"'{name}', but this run uses {info['model']} ({info['dim']}-d): run "
                    f"'python -m assistant ingest --rebuild' or use another --store"
                )
