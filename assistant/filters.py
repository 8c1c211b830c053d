"""Which documents a search may return: a small value the app, the API and the CLI build before
any model or store is loaded (a search turns it into a Chroma `where` clause)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index import access


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some documents, languages or publishers (empty = no restriction), and
    to what a reader in `groups` may read (None: everything, for the operator on their own
    machine; () : public documents only)."""

    doc_ids: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    groups: tuple[str, ...] | None = None

    def _fields(self) -> list[tuple[str, tuple[str, ...]]]:
        fields = [("doc_id", self.doc_ids), ("language", self.languages)]
        return [*fields, ("publisher", self.publishers)]

    def where(self) -> dict[str, Any] | None:
        """The same restriction as a Chroma `where` clause."""
        parts = [{key: {"$in": list(values)}} for key, values in self._fields() if values]
        if self.groups is not None:
            parts.append(access.where(self.groups))
        return None if not parts else parts[0] if len(parts) == 1 else {"$and": parts}

    def allows(self, meta: dict[str, Any]) -> bool:
        return (
            (not self.doc_ids or meta.get("doc_id") in self.doc_ids)
            and (not self.languages or meta.get("language") in self.languages)
            and (not self.publishers or meta.get("publisher") in self.publishers)
            and (self.groups is None or access.readable(meta, self.groups))
        )
