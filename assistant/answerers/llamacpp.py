"""In-process llama.cpp answers from any GGUF file (optional extra: pip install ".[llamacpp]")."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.answerers.llm import Chat
from assistant.errors import AssistantError, MissingExtraError
from assistant.settings import Settings

_MODELS: dict[
    str, tuple[Any, threading.Lock]
] = {}  # one loaded model per file, used by one answer at a time


def llamacpp_chat(settings: Settings) -> Chat:
    path = settings.llamacpp_model_path
    if not path or not Path(path).is_file():
        raise AssistantError(
            f"The 'llamacpp' answerer needs a GGUF file: set PP_LLAMACPP_MODEL (now {path!r})"
        )
    try:
        from llama_cpp import Llama
    except ImportError:
        raise MissingExtraError("llama.cpp answers", 'pip install -e ".[llamacpp]"') from None
    if path not in _MODELS:
        model = Llama(model_path=path, n_ctx=4096, verbose=False)
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
