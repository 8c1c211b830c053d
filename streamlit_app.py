"""The Prague Process assistant in the browser: wires the pages in app/ to the settings and the
runtime.

Only renders: every answer, glossary entry and report comes from assistant/, index/ and evals/.
"""

from __future__ import annotations

from index.offline import configure_offline

configure_offline()  # before any model library is imported

import streamlit as st  # noqa: E402

from app.components import CSS  # noqa: E402
from app.identity import is_admin, sign_in_page, signed_in, signed_in_user  # noqa: E402
from app.state import ensure_index, show_last_ingest  # noqa: E402
from assistant import memory  # noqa: E402
from assistant.settings import Settings, load_settings  # noqa: E402
from index import cache  # noqa: E402

# every script run is a new thread: without a cap the server's RSS climbs per round
memory.limit_arenas()


def _page(settings: Settings) -> str:
    """The page picker (the pages built from the whole corpus only for the admin group) and who is
    signed in."""
    pages = ["Chat", "Onboarding", "Corpus", "Evaluation", "Audit"] if is_admin(settings) else []
    if settings.sign_in:
        st.sidebar.caption(f"Signed in as {signed_in_user()}")
        st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:")
    return str(st.sidebar.radio("Page", pages, key="page")) if pages else "Chat"


def main() -> None:
    st.set_page_config(
        page_title="Prague Process assistant", page_icon=":material/travel_explore:", layout="wide"
    )
    st.markdown(CSS, unsafe_allow_html=True)
    settings = load_settings()
    cache.use(settings.cache_dir)  # the page's own work (starter questions) reads the kept tables
    if not signed_in(settings):
        sign_in_page()
        return
    page = _page(settings)
    if page == "Audit":
        from app.audit import audit_page

        audit_page(settings)
        return
    if page == "Evaluation":
        from app.evaluation import evaluation_page

        evaluation_page(settings, lambda: ensure_index(settings))
        return
    show_last_ingest()
    if page == "Chat":  # renders before the models have loaded; a question waits for them
        from app.chat import chat_page

        chat_page(settings, ensure_index(settings, wait=False))
        return
    runtime = ensure_index(settings)
    if runtime is None:
        return
    if page == "Onboarding":
        from app.onboarding import onboarding_page

        onboarding_page(settings, runtime)
    else:
        from app.corpus import corpus_page

        corpus_page(settings, runtime)


main()
