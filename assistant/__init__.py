"""The Prague Process policy assistant: retrieve → answer → verify over the indexed corpus.

`answer = assistant.ask(question, history=..., settings=...)` is the whole public surface.
"""

from __future__ import annotations

from typing import Any

from assistant.settings import configure_offline_runtime

configure_offline_runtime()

__all__ = ["Answer", "AssistantError", "Filters", "Settings", "ask", "ask_stream", "load_settings"]


def __getattr__(name: str) -> Any:
    """Import the heavy parts (models, Chroma) only when first used."""
    if name in ("ask", "ask_stream"):
        from assistant import service

        return getattr(service, name)
    if name == "Answer":
        from assistant.types import Answer

        return Answer
    if name == "AssistantError":
        from assistant.errors import AssistantError

        return AssistantError
    if name == "Filters":
        from assistant.retrieve import Filters

        return Filters
    if name in ("Settings", "load_settings"):
        from assistant import settings

        return getattr(settings, name)
    raise AttributeError(name)
