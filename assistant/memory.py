"""Keep a long-running server's memory flat under glibc.

Streamlit runs every script run in a new thread; glibc gives threads their own malloc arenas (up to
8 per core) and keeps freed memory in them, so a server's RSS climbs with each round of concurrent
sessions even when nothing is leaked. Capping the arenas and trimming after each answer returns that
memory. Elsewhere (musl, macOS, Windows) both calls do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache
from typing import Any

_M_ARENA_MAX = -8  # mallopt parameter number from glibc's malloc.h


@lru_cache(maxsize=1)
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return (
        libc
        if libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt")
        else None
    )


def limit_arenas(arenas: int = 2) -> bool:
    """Cap the malloc arenas that new threads get; True where it took effect (glibc)."""
    libc = _libc()
    return bool(libc and libc.mallopt(_M_ARENA_MAX, arenas) == 1)


def release() -> bool:
    """Hand freed heap memory back to the system; True if some was released (glibc)."""
    libc = _libc()
    return bool(libc and libc.malloc_trim(0) == 1)
