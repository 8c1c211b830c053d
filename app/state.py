"""What the app keeps per server process (models, the runtime) and the ingest it can start."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from assistant.errors import NoIndexError, UserError
from assistant.settings import Settings, load_settings

if TYPE_CHECKING:
    from assistant.runtime import Runtime
    from index.embed import Embedder


_MODELS: dict[tuple[str, ...], dict[str, Embedder]] = {}
_MODELS_LOCK = threading.Lock()


def _models(embedders: tuple[str, ...]) -> dict[str, Embedder]:
    """Loaded once per server process (from any thread) and shared by the runtime and every
    ingest the app starts."""
    from index.embed import make_embedder

    with _MODELS_LOCK:
        if embedders not in _MODELS:
            settings = load_settings()
            _MODELS[embedders] = {name: make_embedder(name, settings.index) for name in embedders}
        return _MODELS[embedders]


class Loader:
    """The runtime, built in a background thread once per server process, so the page and the
    chat input render at once while the models load; a question asked meanwhile waits for it."""

    def __init__(self, store: str, corpus: str) -> None:
        self.settings = load_settings(store_dir=Path(store), corpus_dir=Path(corpus))
        self.runtime: Runtime | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        threading.Thread(target=self._build, name="pp-runtime", daemon=True).start()

    def _build(self) -> None:
        try:
            from assistant.runtime import Runtime

            self.runtime = Runtime(self.settings, embedders=_models(self.settings.embedders))
        except BaseException as exc:  # shown by the page that needs the runtime
            self.error = exc
        finally:
            self.done.set()


@st.cache_resource(show_spinner=False)
def _loader(store: str, corpus: str) -> Loader:
    """A finished ingest is picked up by Runtime.refresh() on the next question."""
    return Loader(store, corpus)


def runtime_ready(settings: Settings) -> bool:
    return _loader(str(settings.store_dir), str(settings.corpus_dir)).done.is_set()


def ensure_index(settings: Settings, wait: bool = True) -> Runtime | None:
    """The runtime, indexing the corpus first when there is no index yet; None after showing an
    error, or (wait=False) while the models are still loading."""
    loader = _loader(str(settings.store_dir), str(settings.corpus_dir))
    if not loader.done.is_set():
        if not wait:
            return None
        with st.spinner("Loading the models (the first start only takes a few seconds)…"):
            loader.done.wait()
    if isinstance(loader.error, NoIndexError):
        reindex(settings, "Indexing the corpus for the first time…")
        return None
    if isinstance(loader.error, UserError):
        st.error(str(loader.error))
        return None
    if loader.error is not None:
        raise loader.error
    return loader.runtime


def reindex(settings: Settings, label: str) -> None:
    """Bring the index in line with the corpus folder, with a progress bar; then rerun the page."""
    from index.pipeline import ingest

    bar = st.progress(0.0, text=label)

    def progress(done: int, total: int) -> None:
        bar.progress(min(1.0, done / max(1, total)), text=label)

    try:
        report = ingest(settings.index, embedders=_models(settings.embedders), progress=progress)
    except UserError as exc:
        bar.empty()
        st.error(str(exc))
        return
    bar.empty()
    st.session_state["last_ingest"] = (report.summary(), report.warnings)
    _loader.clear()
    st.rerun()


def show_last_ingest() -> None:
    summary, warnings = st.session_state.pop("last_ingest", ("", []))
    for warning in warnings:
        st.warning(warning)
    if summary:
        st.success(summary)
