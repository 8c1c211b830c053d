"""Sign-in for the web app through OpenID Connect (Streamlit's `st.login`, configured in
`.streamlit/secrets.toml` under [auth]); off unless PP_SIGN_IN=1. A signed-in user reads with the
access groups of their identity token's `groups` claim (PP_GROUPS_CLAIM names another one);
members of PP_ADMIN_GROUP also see the pages built from the whole corpus (onboarding, corpus,
evaluation, audit)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant.settings import Settings
from index.access import AccessError, normalise


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
    claim = _user().get(settings.groups_claim) or []
    try:
        return normalise(claim, f"claim {settings.groups_claim!r}")
    except AccessError:
        return ()


def is_admin(settings: Settings) -> bool:
    groups = reader_groups(settings)
    return groups is None or settings.admin_group in groups


def sign_in_page() -> None:
    """All a signed-out visitor sees."""
    st.title("Prague Process assistant")
    st.markdown("Sign in with your organisation's account to ask about the documents.")
    st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
