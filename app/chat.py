"""The chat page: questions and streamed, cited answers; follow-ups use the conversation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from app.components import show_answer, sidebar
from app.identity import is_admin, signed_in_user
from app.state import ensure_index
from assistant import memory
from assistant.audit import Asker
from assistant.conversation import Conversation
from assistant.errors import UserError
from assistant.filters import Filters
from assistant.onboarding import starter_questions
from assistant.render import answer_markdown
from assistant.settings import Settings, load_settings
from assistant.types import Answer
from index.store import Manifest

if TYPE_CHECKING:  # the runtime's modules load in the background, not with the page
    from assistant.runtime import Runtime


def chat_page(settings: Settings, runtime: Runtime | None) -> None:
    """`runtime` is None while the models still load: the page and the input render at once, and
    a question asked meanwhile waits for them."""
    settings, filters, answer_lang = sidebar(settings)
    st.title("Prague Process assistant")
    st.caption(
        "Answers come only from the indexed documents; every sentence cites its source. "
        "Ask in English, Czech or Russian."
    )
    chat = Conversation(st.session_state.setdefault("messages", []))
    question = st.chat_input("Ask about the Prague Process, EU or Czech migration policy…")
    question = question or st.session_state.pop("pending", None)
    if question:  # stored before any slow work: a run interrupted by the next one loses nothing
        chat.add_question(question)
    if not chat.messages:
        if is_admin(settings):  # starters are made from the whole corpus
            _starters(settings)
        if runtime is None:
            st.caption("Loading the models in the background: you can type your question now.")
        return
    _conversation(chat, settings, filters, answer_lang, runtime)
    if chat.messages and st.sidebar.button("Clear conversation"):
        chat.clear()
        st.rerun()


def _conversation(
    chat: Conversation,
    settings: Settings,
    filters: Filters,
    answer_lang: str,
    runtime: Runtime | None,
) -> None:
    """The turns so far, answering the one still unanswered (waiting for the models first)."""
    i = 0
    while i < len(chat.messages):
        msg = chat.messages[i]
        if msg["role"] == "user":
            with st.chat_message("user"):
                st.markdown(answer_markdown(msg["content"]))  # the words as typed
        runtime = runtime or ensure_index(settings)  # waits here if the models still load
        if runtime is None:
            return
        if msg["role"] != "user":
            with st.chat_message(msg["role"]):
                if "answer" in msg:
                    show_answer(msg["answer"], runtime, settings, str(i))
                else:
                    st.error(msg["content"])
        if chat.unanswered(i):
            _answer_turn(
                chat, i, settings, filters, answer_lang, runtime
            )  # inserts the answer at i + 1
            i += 1
        i += 1


@st.cache_data(show_spinner=False, max_entries=4)
def _starter_list(store: str, stamp: float) -> list[str]:
    """Read from the manifest once per state of the index, not on every run of the page."""
    return starter_questions(load_settings(store_dir=Path(store)))


def _starters(settings: Settings) -> None:
    questions = _starter_list(str(settings.store_dir), Manifest.stamp(settings.store_dir))
    if not questions:
        return
    st.markdown("**Try:**")
    cols = st.columns(2)
    for i, q in enumerate(questions):
        if cols[i % 2].button(q, key=f"starter{i}", width="stretch"):
            st.session_state["pending"] = q
            st.rerun()


def _answer_turn(
    chat: Conversation,
    at: int,
    settings: Settings,
    filters: Filters,
    answer_lang: str,
    runtime: Runtime,
) -> None:
    """Answer the question at messages[at] (streamed), with the turns before it as history."""
    question = chat.messages[at]["content"]
    final: list[Answer] = []

    def tokens() -> Iterator[str]:
        from assistant.service import ask_stream  # with the runtime, loaded by then

        asker = Asker(signed_in_user(), "app")
        for item in ask_stream(
            question, chat.history(at), settings, filters, answer_lang, runtime=runtime, asker=asker
        ):
            if isinstance(item, Answer):
                final.append(item)
            else:
                yield item

    with st.chat_message("assistant"):
        try:
            placeholder = st.empty()
            with placeholder.container():
                st.write_stream(tokens())
            placeholder.empty()
        except UserError as exc:
            st.error(str(exc))
            chat.record(at, str(exc))
            return
        answer = final[-1]
        chat.record(at, answer.text, answer)
        show_answer(answer, runtime, settings, str(at + 1))
    memory.release()
