"""Errors a user can fix, with the fix in the message; every entry point shows them as one line.

`UserError` (from the index floor) is the base every caller catches; `AssistantError` is the
assistant's own.
"""

from __future__ import annotations

from index.errors import MissingExtraError, NoIndexError, UserError


class AssistantError(UserError):
    """A problem the user can fix in how the assistant is asked or configured."""


__all__ = ["AssistantError", "MissingExtraError", "NoIndexError", "UserError"]
