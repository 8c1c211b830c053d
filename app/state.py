"""What the app keeps per server process (models, the runtime) and the ingest it can start."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.errors import NoIndexError, UserError
from assistant.runtime import Runtime
from assistant.settings import Settings, load_settings
from index.embed import Embedder, make_embedder


@st.cache_resource(show_spinner="Loading the embedding models…")
def _models(embedders: tuple[str, ...]) -> dict[str, Embedder]:
    """Loaded once per server process and shared by the runtime and every ingest the app starts."""
    settings = load_settings()
    return {name: make_embedder(name, settings.index) for name in embedders}


@st.cache_resource(show_spinner="Opening the index…")
def _runtime(store: str, corpus: str) -> Runtime:
    """Built once per server process; a finished ingest is picked up by Runtime.refresh() on the
    next question."""
    settings = load_settings(store_dir=Path(store), corpus_dir=Path(corpus))
    return Runtime(settings, embedders=_models(settings.embedders))


def ensure_index(settings: Settings) -> Runtime | None:
    """The runtime, indexing the corpus first when there is no index yet; None after showing an
    error."""
    try:
        return _runtime(str(settings.store_dir), str(settings.corpus_dir))
    except NoIndexError:
        reindex(settings, "Indexing the corpus for the first time…")
    except UserError as exc:
        st.error(str(exc))
        return None
    return _runtime(str(settings.store_dir), str(settings.corpus_dir))


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
    _runtime.clear()
    st.rerun()


def show_last_ingest() -> None:
    summary, warnings = st.session_state.pop("last_ingest", ("", []))
    for warning in warnings:
        st.warning(warning)
    if summary:
        st.success(summary)
