"""Real components: the bundled models (loaded once), real Chroma stores in temporary folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.runtime import Runtime
from assistant.settings import PROJECT_ROOT, Settings, load_settings
from index.embed import Embedder, make_embedder
from index.offline import configure_offline

configure_offline()
CORPUS = PROJECT_ROOT / "corpus"
OpenRuntime = Callable[[Settings], Runtime]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of derived model files for the session (index/cache.py), outside the project."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache_dir: Path) -> None:
    """No test reaches a hosted LLM or writes inside the project."""
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_MODEL",
        "PP_ANSWERER",
        "PP_CHROMA_HOST",
        "PP_LLAMACPP_MODEL",
        "PP_SIGN_IN",
        "PP_ACCESS_FILE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PP_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("PP_FEEDBACK_PATH", str(tmp_path / "feedback.jsonl"))
    monkeypatch.setenv("PP_AUDIT_PATH", str(tmp_path / "audit" / "audit.jsonl"))
    monkeypatch.setenv("PP_CACHE_DIR", str(cache_dir))


@pytest.fixture(scope="session")
def models(cache_dir: Path) -> dict[str, Embedder]:
    """The bundled embedding models, loaded once for the whole session."""
    settings = load_settings(env={"PP_CACHE_DIR": str(cache_dir)})
    return {name: make_embedder(name, settings.index) for name in ("minilm", "e5")}


@pytest.fixture(scope="session")
def open_runtime(models: dict[str, Embedder]) -> OpenRuntime:
    """A Runtime for any settings, sharing the session's loaded models."""
    return lambda settings: Runtime(settings, embedders=models)


@pytest.fixture(scope="session")
def runtime(indexed: Settings, open_runtime: OpenRuntime) -> Runtime:
    """The runtime over the session's indexed real corpus."""
    return open_runtime(indexed)


@pytest.fixture(scope="session")
def indexed(
    tmp_path_factory: pytest.TempPathFactory, models: dict[str, Embedder], cache_dir: Path
) -> Settings:
    """The real corpus ingested once into a session store, with the default dense legs."""
    from index.pipeline import ingest

    root = tmp_path_factory.mktemp("indexed")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = load_settings(
        env={"PP_CACHE_DIR": str(cache_dir)},
        corpus_dir=corpus,
        store_dir=root / "store",
        feedback_path=root / "fb.jsonl",
        audit_path=str(root / "audit.jsonl"),
    )
    ingest(settings.index, embedders=models)
    return settings


@pytest.fixture
def small_corpus(tmp_path: Path) -> Settings:
    """Two real documents in a fresh store (for tests that change the corpus); MiniLM only, for
    speed."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for stem in ("pp-data-project-en", "mvcr-european-migration-network-en"):
        for f in CORPUS.glob(f"{stem}.*"):
            shutil.copy(f, corpus / f.name)
    return load_settings(
        env={},
        corpus_dir=corpus,
        store_dir=tmp_path / "store",
        embedders=("minilm",),
        audit_path=str(tmp_path / "audit.jsonl"),
    )
