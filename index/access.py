"""Who may read a document: the access groups named by its sidecar (`"groups": ["asylum-unit"]`)
or, failing that, by the nearest `.access.json` folder rule above it (`{"groups": [...]}`, for
every document under that folder). A document without groups is public. The groups are stored on
every chunk and sentence as flat flags (`public`, `group:<name>`: 1 or 0) so that retrieval
filters inside the store (assistant/retrieve.py): a passage a user may not read is never
fetched."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

RULE_FILE = ".access.json"
PUBLIC = "public"
PREFIX = "group:"
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


class AccessError(ValueError):
    """A group name or rule that cannot be used; the document is skipped rather than made
    public."""


def normalise(groups: Any, where: str) -> tuple[str, ...]:
    """Group names from a list or a comma-separated string, lower-cased, checked."""
    if groups in (None, "", []):
        return ()
    items = groups.split(",") if isinstance(groups, str) else groups
    if not isinstance(items, list | tuple):
        raise AccessError(f"{where}: 'groups' must be a list of names")
    out = tuple(dict.fromkeys(str(g).strip().lower() for g in items if str(g).strip()))
    bad = [g for g in out if not _NAME.fullmatch(g)]
    if bad:
        raise AccessError(
            f"{where}: invalid group name {bad[0]!r} (letters, digits, '_', '.', '-')"
        )
    return out


def _rule(folder: Path) -> tuple[bytes, tuple[str, ...]] | None:
    path = folder / RULE_FILE
    if not path.is_file():
        return None
    data = path.read_bytes()
    try:
        groups = json.loads(data).get("groups")
    except (json.JSONDecodeError, AttributeError):
        raise AccessError(f"{path}: not a JSON object with 'groups'") from None
    return data, normalise(groups, str(path))


def folder_rule(path: Path, root: Path) -> tuple[bytes, tuple[str, ...]]:
    """The bytes and groups of the nearest folder rule between the file and the corpus root."""
    folder = path.parent
    while True:
        found = _rule(folder)
        if found is not None:
            return found
        if folder == root or root not in folder.parents:
            return b"", ()
        folder = folder.parent


def document_groups(meta: dict[str, Any], path: Path, root: Path) -> tuple[str, ...]:
    """The sidecar's groups, else the folder rule's."""
    if meta.get("groups") not in (None, "", []):
        return normalise(meta["groups"], path.name)
    return folder_rule(path, root)[1]


def flags(groups: list[str] | tuple[str, ...]) -> dict[str, int]:
    """The metadata a chunk or sentence carries for filtering (1/0: LlamaIndex's filters take no
    booleans)."""
    return {PUBLIC: int(not groups), **{PREFIX + g: 1 for g in groups}}


def readable(meta: dict[str, Any], groups: tuple[str, ...]) -> bool:
    """Whether a user in `groups` may read a record with this metadata (a record without flags is
    from an index built before groups existed: public)."""
    if meta.get(PUBLIC, 1) != 0:
        return True
    return any(meta.get(PREFIX + g) == 1 for g in groups)


def may_read(doc_meta: dict[str, Any], groups: tuple[str, ...] | None) -> bool:
    """Whether a reader in `groups` (None: the operator) may read a document, by its manifest
    metadata: the test the stored flags make in retrieval, for what is read from the manifest."""
    return groups is None or readable(flags(doc_meta.get("groups") or ()), groups)


def where(groups: tuple[str, ...]) -> dict[str, Any]:
    """The same test as a Chroma `where` clause."""
    clauses: list[dict[str, Any]] = [{PUBLIC: 1}, *({PREFIX + g: 1} for g in groups)]
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}
