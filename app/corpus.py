"""The corpus page: the indexed documents, their text, uploads, removal and re-indexing."""

from __future__ import annotations

import streamlit as st

from app.state import reindex
from assistant import onboarding
from assistant.errors import UserError
from assistant.runtime import Runtime
from assistant.settings import Settings
from index.manage import ALLOWED, remove_document, save_upload

COLUMNS = {  # widths that fit: the title gets the room
    "doc_id": st.column_config.TextColumn("document", width="medium"),
    "title": st.column_config.TextColumn("title", width="large"),
    "language": st.column_config.TextColumn("lang", width="small"),
    "publisher": st.column_config.TextColumn("publisher", width="medium"),
    "date": st.column_config.TextColumn("date", width="small"),
    "chunks": st.column_config.NumberColumn("chunks", width="small"),
    "indexed_at": st.column_config.TextColumn("indexed", width="small"),
}


def corpus_page(settings: Settings, runtime: Runtime) -> None:
    st.title("Corpus")
    docs = onboarding.documents(settings)
    st.dataframe(
        docs,
        width="stretch",
        hide_index=True,
        column_order=["doc_id", "title", "language", "publisher", "date", "chunks", "indexed_at"],
        column_config=COLUMNS,
    )
    pick = st.selectbox(
        "Open a document", [str(d["doc_id"]) for d in docs], index=None, key="open_doc"
    )
    if pick:
        st.text_area("Source text", runtime.document_text(pick), height=300, disabled=True)
        sure = st.checkbox(f"Delete the file of {pick} from the corpus folder", key="sure")
        if st.button(f"Remove {pick} from the corpus", key="remove", disabled=not sure):
            try:
                remove_document(settings.index, pick)
                reindex(settings, "Removing…")
            except UserError as exc:
                st.error(str(exc))
    files = st.file_uploader(  # the size limit is the widget's own line (server.maxUploadSize)
        "Add documents",
        type=[ext.lstrip(".") for ext in ALLOWED],
        accept_multiple_files=True,
        key="upload",
    )
    if files and st.button("Add and re-index", key="add"):
        for f in files:
            try:
                save_upload(settings.index, f.name, f.getvalue())
            except UserError as exc:
                st.error(str(exc))
        reindex(settings, "Indexing…")
    if st.button("Re-index the corpus folder", key="reindex"):
        reindex(settings, "Indexing…")
