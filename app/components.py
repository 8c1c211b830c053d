"""Pieces every page shares: an answer with its openable sources, feedback, the chat's sidebar."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import streamlit as st

from app.identity import reader_groups
from assistant import onboarding
from assistant.errors import UserError
from assistant.feedback import record_feedback
from assistant.filters import Filters
from assistant.render import answer_markdown, highlighted_context, to_markdown
from assistant.settings import Settings
from assistant.types import Answer

if TYPE_CHECKING:  # the runtime's modules load in the background, not with the page
    from assistant.runtime import Runtime

BACKENDS = {
    "extractive": "Offline (extractive, no model)",
    "openai": "OpenAI",
    "openai-compatible": "OpenAI-compatible server",
    "llamacpp": "llama.cpp (local GGUF)",
}
CSS = """<style>
.pp-source {white-space: pre-wrap; font-size: 0.9rem; line-height: 1.45; max-height: 22rem;
            overflow-y: auto;
            padding: .6rem .8rem; border-left: 3px solid #c9d3e0; background: #f7f9fc;}
.pp-source mark {background: #ffe58a; padding: 0 .1rem;}
</style>"""


def sidebar(settings: Settings) -> tuple[Settings, Filters, str]:
    """Backend status, passages, filters and answer language; returns what the chat should use
    (the filters hold the signed-in reader's access groups)."""
    sb = st.sidebar
    name = settings.resolved_answerer
    sb.markdown(f"**Backend:** {BACKENDS.get(name, name)}")
    sb.caption(
        f"OpenAI key: {'set' if settings.llm_api_key else 'not set'}"
        + (f" · server: {settings.llm_base_url}" if settings.llm_base_url else "")
    )
    top_k = sb.slider("Passages per answer", 2, 12, settings.top_k, key="top_k")
    groups = reader_groups(settings)  # the reader's: the list below and every retrieval leg
    docs = onboarding.documents(settings, groups)
    titles = {str(d["doc_id"]): str(d["title"]) for d in docs}
    chosen = sb.multiselect(
        "Documents", list(titles), format_func=lambda d: titles.get(d, d), key="f_docs"
    )
    langs = sb.multiselect(
        "Document language", sorted({str(d["language"]) for d in docs}), key="f_langs"
    )
    pubs = sb.multiselect(
        "Publisher", sorted({str(d["publisher"]) for d in docs if d["publisher"]}), key="f_pubs"
    )
    names = {"auto": "Auto (the question's)", "en": "English", "cs": "Čeština"}
    answer_lang = sb.selectbox(
        "Answer language", list(names), key="answer_lang", format_func=names.__getitem__
    )
    return (
        replace(settings, top_k=top_k),
        Filters(tuple(chosen), tuple(langs), tuple(pubs), groups),
        answer_lang,
    )


def show_answer(answer: Answer, runtime: Runtime, settings: Settings, key: str) -> None:
    """The answer text (abstentions look different), then each citation opening onto its highlighted
    source."""
    if answer.abstained:
        st.warning(answer.text, icon=":material/search_off:")
        if answer.closest_documents:
            st.caption("Closest documents: " + ", ".join(answer.closest_documents))
    else:
        st.markdown(answer_markdown(answer.text))
    if answer.standalone_question:  # a follow-up, answered as this question
        st.caption(f"Answered as: {answer.standalone_question}")
    if answer.notice:
        st.info(answer.notice, icon=":material/info:")
    for c in answer.citations:
        page = c.page and f"page {c.page}"
        meta = " · ".join(
            x for x in (page, c.date and f"as of {c.date}", c.language, c.publisher) if x
        )
        with st.expander(f"[{c.n}] {c.title} — {meta}"):
            try:
                source = runtime.document_text(c.doc_id)
                st.markdown(
                    highlighted_context(source, c), unsafe_allow_html=True
                )  # escaped in render.py
            except UserError:
                st.text(c.quote)
            st.caption(f"{c.doc_id} · characters {c.start}–{c.end} · retrieval score {c.score}")
    cols = st.columns([1.4, 1.1, 1.3, 4])
    cols[0].download_button(
        "Download .md", to_markdown(answer), file_name=f"answer-{answer.id}.md", key=f"dl{key}"
    )
    _feedback(answer, settings, cols, key)


def _feedback(answer: Answer, settings: Settings, cols: list[Any], key: str) -> None:
    done = st.session_state.setdefault("rated", {})
    if key in done:
        cols[3].caption("Thanks for the feedback.")
        return
    up = cols[1].button("Helpful", key=f"up{key}")
    down = cols[2].button("Not helpful", key=f"down{key}")
    comment = cols[3].text_input(
        "Comment (optional)",
        key=f"c{key}",
        label_visibility="collapsed",
        placeholder="Optional comment, then Helpful / Not helpful",
    )
    rating = 1 if up else -1 if down else 0
    if rating:
        record_feedback(settings.feedback_path, answer, rating, comment)
        done[key] = rating
        st.rerun()
