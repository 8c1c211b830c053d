"""Who is asking, and which access groups they read with (index/access.py says which documents
each group may read). The API reads the bearer token: with an access file (PP_ACCESS_FILE) each
token is one reader with their groups; PP_API_KEY is the operator, who reads everything; with
neither, the API is open and reads everything, as on a laptop.

The access file holds no secrets, only SHA-256 digests of the tokens:

    {"tokens": {"sha256:<hex of the token's digest>": {"user": "jana", "groups": ["asylum"]}}}

`python -m assistant token USER GROUPS` prints a new token and the line to add.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.audit import Asker
from assistant.errors import UserError
from assistant.filters import Filters
from index.access import AccessError, normalise


@dataclass(frozen=True)
class Reader:
    user: str
    groups: tuple[str, ...] | None  # None: every document (the operator)

    def filters(self) -> Filters | None:
        return None if self.groups is None else Filters(groups=self.groups)


OPERATOR = Reader("operator", None)
REFUSED = "Invalid or missing API key: send Authorization: Bearer <key>"


def digest(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Readers:
    """The readers an API knows: tokens by digest, and the operator's key."""

    tokens: dict[str, Reader]
    operator_key: str = ""
    # the web app's signed-in users (e-mail or subject) -> groups, beside their token's claim
    users: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        """No key and no access file: anyone who reaches the port reads everything."""
        return not self.tokens and not self.operator_key

    def by_token(self, token: str) -> Reader | None:
        if self.open:
            return OPERATOR
        if self.operator_key and hmac.compare_digest(token.encode(), self.operator_key.encode()):
            return OPERATOR
        return self.tokens.get(digest(token)) if token else None

    def by_header(self, authorization: str) -> Reader | None:
        """The reader of an `Authorization: Bearer <token>` header value ('' when absent)."""
        scheme, _, token = authorization.partition(" ")
        return self.by_token(token if scheme.lower() == "bearer" else "")


def load_readers(path: Path | str | None, operator_key: str = "") -> Readers:
    """The access file's readers (none without a file); a broken file is an error, never open."""
    if not path:
        return Readers({}, operator_key)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        tokens = {
            str(key): Reader(str(v["user"]), normalise(v.get("groups") or [], str(key)))
            for key, v in data.get("tokens", {}).items()
        }
        users = {str(u).lower(): normalise(g, str(u)) for u, g in data.get("users", {}).items()}
    except FileNotFoundError:
        raise UserError(f"Access file {path} not found (PP_ACCESS_FILE)") from None
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError, AccessError) as exc:
        raise UserError(f"Access file {path} is not valid: {exc}") from None
    if not tokens and not users and not operator_key:
        raise UserError(f"Access file {path} lists no tokens and no users: nobody could sign in")
    return Readers(tokens, operator_key, users)


def user_groups(claims: Any, claim: str, readers: Readers | None) -> tuple[str, ...]:
    """A signed-in user's groups: their identity token's `claim` (a list, or a comma-separated
    string) and what the access file's "users" gives their e-mail or subject. A claim that is not
    a list of valid names counts as none (public documents only)."""
    try:
        own = normalise(claims.get(claim) or [], f"claim {claim!r}")
    except AccessError:
        own = ()
    mapped: tuple[str, ...] = ()
    if readers is not None:
        for key in ("email", "sub"):
            mapped += readers.users.get(str(claims.get(key) or "").lower(), ())
    return tuple(dict.fromkeys([*own, *mapped]))


def new_token(user: str, groups: str) -> tuple[str, dict[str, Any]]:
    """A new random token and its access-file entry."""
    token = secrets.token_urlsafe(32)
    try:
        entry = {"user": user, "groups": list(normalise(groups, "groups"))}
    except AccessError as exc:
        raise UserError(str(exc)) from None
    return token, {digest(token): entry}


def cli_filters(raw: str | None) -> Filters | None:
    """--groups a,b: read as a user in those groups would (public documents and theirs); '' is a
    user in no group. Without it the operator reads everything."""
    if raw is None:
        return None
    try:
        return Filters(groups=normalise(raw, "--groups"))
    except AccessError as exc:
        raise UserError(str(exc)) from None


def cli_asker() -> Asker:
    """The person at the terminal, for the audit trail."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Asker(user, "cli")
