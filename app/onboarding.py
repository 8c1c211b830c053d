"""The onboarding page for newcomers: an overview, a glossary and a timeline, each item citing its
source."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app.components import show_answer
from assistant import onboarding
from assistant.render import answer_markdown, highlighted_context
from assistant.runtime import Runtime
from assistant.service import ask
from assistant.settings import Settings, load_settings
from assistant.structure import Section, outline
from assistant.types import Answer, Citation
from index.store import Manifest


@st.cache_data(show_spinner="Reading the documents…", max_entries=2)
def _views(
    store: str, corpus: str, stamp: float, about: tuple[str, ...]
) -> tuple[list[onboarding.Term], list[onboarding.Event], list[Section]]:
    """The glossary, timeline and structures, read from every document once per state of the
    index (`stamp`: the manifest's time), not on every click."""
    settings = load_settings(store_dir=Path(store), corpus_dir=Path(corpus))
    glossary = onboarding.glossary(settings)  # the corpus knowledge read from the manifest
    return glossary, onboarding.timeline(settings), outline(settings, about=about)


def onboarding_page(settings: Settings, runtime: Runtime) -> None:
    overview = onboarding.overview_questions(runtime)
    about = tuple(name for name, _ in overview)
    stamp = Manifest.stamp(settings.store_dir)
    terms, events, sections = _views(
        str(settings.store_dir), str(settings.corpus_dir), stamp, about
    )
    st.title(f"New to the {about[0]}?" if about else "New to these documents?")
    st.caption(
        "Built from the documents by code: it grows with the corpus. Every statement links to its "
        "source."
    )
    tab_overview, tab_glossary, tab_timeline = st.tabs(["Overview", "Glossary", "Timeline"])
    with tab_overview:
        for i, (section, question) in enumerate(overview):
            st.subheader(section)
            show_answer(_cached_answer(question, runtime), runtime, settings, f"ov{i}")
            if i == 0:  # after what the main subject is: how the documents lay it out
                for part in sections:
                    _section(part, runtime)
    with tab_glossary:
        for term in (t for t in terms if t.expansion):
            label = f"{term.acronym} — {term.expansion}"
            with st.expander(label):
                source = runtime.document_text(term.citation.doc_id)
                st.markdown(highlighted_context(source, term.citation, 120), unsafe_allow_html=True)
                st.caption(f"{term.citation.title} ({term.citation.doc_id})")
        bare = [t.acronym for t in terms if not t.expansion]
        if bare:
            st.caption("Also used, never written out in the documents: " + ", ".join(bare))
    with tab_timeline:
        for event in events:
            c = event.citation
            with st.expander(f"**{event.when}** — {answer_markdown(event.text)}"):
                source = runtime.document_text(c.doc_id)
                st.markdown(highlighted_context(source, c, 200), unsafe_allow_html=True)
                st.caption(f"{c.title} · {c.doc_id} · characters {c.start}–{c.end}")


def _section(section: Section, runtime: Runtime) -> None:
    """A structure (its sentence, then each part with its list) or a lone list, each cited."""
    st.subheader(section.title)
    if section.intro and section.intro_citation:
        st.markdown(answer_markdown(section.intro))
        _source(runtime, section.intro_citation)
    for part in section.parts:
        if len(section.parts) > 1:
            st.markdown(f"**{answer_markdown(part.heading)}**")
        st.markdown("\n".join(f"- {answer_markdown(item)}" for item in part.items))
        _source(runtime, part.citation)


def _source(runtime: Runtime, citation: Citation) -> None:
    with st.expander(f"Source: {citation.title} · characters {citation.start}–{citation.end}"):
        text = runtime.document_text(citation.doc_id)
        st.markdown(highlighted_context(text, citation, 160), unsafe_allow_html=True)


def _cached_answer(question: str, runtime: Runtime) -> Answer:
    cache: dict[str, Answer] = st.session_state.setdefault("overview", {})
    if question not in cache:
        cache[question] = ask(question, runtime=runtime)
    return cache[question]
