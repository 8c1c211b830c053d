"""Sign-in for the web app through OpenID Connect (Streamlit's `st.login`, configured in
`.streamlit/secrets.toml` under [auth]); off unless PP_SIGN_IN=1. A signed-in user reads with the
access groups of their identity token's `groups` claim (PP_GROUPS_CLAIM names another one) and of
the access file's "users" map (PP_ACCESS_FILE) for their e-mail; members of PP_ADMIN_GROUP also
see the pages built from the whole corpus (onboarding, corpus, evaluation, audit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from assistant.readers import Readers, load_readers, user_groups
from assistant.settings import Settings


def _user() -> Any:
    return st.user


def signed_in(settings: Settings) -> bool:
    return not settings.sign_in or bool(getattr(_user(), "is_logged_in", False))


def signed_in_user() -> str:
    """Who is asking, for the audit trail: the token's e-mail or subject; 'operator' without
    sign-in."""
    user = _user()
    if not getattr(user, "is_logged_in", False):
        return "operator"
    return str(user.get("email") or user.get("sub") or "unknown")


def reader_groups(settings: Settings) -> tuple[str, ...] | None:
    """The signed-in user's access groups (None without sign-in: the operator reads everything);
    a claim that is not a list of valid names gives no groups (public documents only)."""
    if not settings.sign_in:
        return None
    return user_groups(_user(), settings.groups_claim, _readers(settings.access_file))


@st.cache_resource(show_spinner=False, max_entries=4)
def _cached_readers(path: str, mtime: float) -> Readers:
    return load_readers(Path(path))


def _readers(path: str) -> Readers | None:
    """The access file's user -> groups map (None without one); re-read when it changes."""
    if not path or not Path(path).is_file():
        return None
    return _cached_readers(path, Path(path).stat().st_mtime)


def is_admin(settings: Settings) -> bool:
    groups = reader_groups(settings)
    return groups is None or settings.admin_group in groups


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def sign_in_page() -> None:
    """All a signed-out visitor sees (or, when sign-in is on but no provider is configured, what
    the operator has to do)."""
    st.title("Prague Process assistant")
    if not _auth_configured():
        st.error(
            "Sign-in is on (PP_SIGN_IN=1) but no identity provider is configured: add an [auth] "
            "section to .streamlit/secrets.toml (see README, 'Who may read which document').",
            icon=":material/lock:",
        )
        return
    st.markdown("Sign in with your organisation's account to ask about the documents.")
    st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
