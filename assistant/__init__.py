"""The Prague Process policy assistant: retrieve → answer → verify over the indexed corpus.

    runtime = Runtime(load_settings())            # models and stores, built once
    answer = ask(question, history=[...], runtime=runtime)

Importing the package loads nothing heavy and changes nothing in the environment.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Answer",
    "AssistantError",
    "Filters",
    "Runtime",
    "Settings",
    "UserError",
    "ask",
    "ask_stream",
    "load_settings",
]

_WHERE = {
    "ask": "assistant.service",
    "ask_stream": "assistant.service",
    "Answer": "assistant.types",
    "AssistantError": "assistant.errors",
    "UserError": "assistant.errors",
    "Filters": "assistant.retrieve",
    "Runtime": "assistant.runtime",
    "Settings": "assistant.settings",
    "load_settings": "assistant.settings",
}


def __getattr__(name: str) -> Any:
    """Import the heavy parts (models, Chroma) only when first used."""
    if name not in _WHERE:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(_WHERE[name]), name)
