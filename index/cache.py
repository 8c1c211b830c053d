"""Files derived from the bundled models and dictionaries, made on first use and kept (`var/cache`,
PP_CACHE_DIR): e5's graph and vocabulary, simplemma's dictionaries, the Czech lemma table. Each
name carries what its content is made from (a digest or the versions), so a stale file is never
read; a folder that cannot be read or written only makes a start slower."""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_FOLDER: list[Path] = []  # the folder the entry points chose (use())


def use(folder: Path) -> None:
    """Called by the entry points (Runtime, ingest) with the configured folder."""
    _FOLDER[:] = [Path(folder)]


def cached(folder: Path | None, name: str, make: Callable[[], bytes]) -> bytes:
    """The bytes under name in folder, made and kept there on first use (None: not kept)."""
    if folder is None:
        return make()
    path = folder / name
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass
    return data


def cached_table(name: str, make: Callable[[], T]) -> T:
    """A table of strings, tuples, sets and dicts, kept in the folder given to use(). marshal, not
    pickle: loading it cannot run code, and it reads 340k entries in about 0.1 s."""
    made: list[Any] = []

    def build() -> bytes:
        made.append(make())
        return marshal.dumps(made[0])

    folder = _FOLDER[0] if _FOLDER else None
    data = cached(folder, name + ".marshal", build)
    if made:
        return made[0]  # type: ignore[no-any-return]
    try:
        return marshal.loads(data)  # type: ignore[no-any-return]
    except (EOFError, ValueError, TypeError):  # a damaged file: made again, not kept
        return make()
