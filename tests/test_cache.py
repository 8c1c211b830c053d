"""The cache of derived tables: made once, read back the same, never trusted when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import cache
from index.language import analyzer


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    cache.use(tmp_path)
    return tmp_path


def test_a_table_is_made_once_and_read_back_equal(folder: Path) -> None:
    calls: list[int] = []

    def make() -> dict[str, tuple[str, ...]]:
        calls.append(1)
        return {"ceska": ("ceska", "ceska2"), "tretimi": ("treti",)}

    first = cache.cached_table("t", make)
    again = cache.cached_table("t", make)
    assert first == again and len(calls) == 1
    assert (folder / "t.marshal").is_file()


def test_a_damaged_file_is_not_trusted(folder: Path) -> None:
    (folder / "t.marshal").write_bytes(b"\x00not marshal")
    assert cache.cached_table("t", lambda: {"a": 1}) == {"a": 1}


def test_a_folder_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    cache.use(blocked / "cache")
    assert cache.cached_table("t", lambda: frozenset({"x"})) == frozenset({"x"})


def test_lemmas_from_the_kept_dictionaries_are_simplemma_s(folder: Path) -> None:
    import simplemma

    analyzer.dictionaries.cache_clear()
    analyzer._lemmatizer.cache_clear()
    words = [("migrace", "cs"), ("spolupráci", "cs"), ("agreements", "en"), ("соглашения", "ru")]
    for word, lang in words:
        assert analyzer._lemmatizer().lemmatize(word, lang=lang) == simplemma.lemmatize(
            word, lang=lang
        )
    assert any(p.name.startswith("simplemma") for p in folder.iterdir())
