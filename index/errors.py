"""Errors a user can fix, each with the fix in its message; shown as one line by every entry
point."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (a missing index, a missing package, a bad setting)."""


class NoIndexError(UserError):
    """There is no index where the settings point: the fix is to run ingest."""

    def __init__(self, store_dir: object) -> None:
        super().__init__(f"No index at {store_dir}: run 'python -m assistant ingest' first")
        self.store_dir = store_dir


class MissingExtraError(UserError):
    """An optional package is not installed: the message names what to install."""

    def __init__(self, what: str, install: str) -> None:
        super().__init__(f"{what} need{'s' if not what.endswith('s') else ''}: {install}")
        self.install = install
