"""Ingestion is idempotent and incremental, and bad files are skipped with a warning."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from assistant.errors import UserError
from assistant.settings import Settings
from index.pipeline import ingest
from index.store import Manifest, collection_name, get_collection, open_client


def _ids(settings: Settings) -> set[str]:
    gen = Manifest.load(settings.store_dir).generation  # type: ignore[union-attr]
    coll = get_collection(
        open_client(settings.index), collection_name(settings.index, "minilm", gen)
    )
    return set(coll.get(include=[])["ids"])


def test_second_ingest_embeds_nothing(small_corpus: Settings) -> None:
    first = ingest(small_corpus.index)
    assert first.embedded == first.chunks > 0 and len(first.added) == 2
    second = ingest(small_corpus.index)
    assert second.embedded == 0 and second.unchanged and not second.added
    assert second.summary().startswith("Nothing to do") and "0 embeddings" in second.summary()
    manifest = Manifest.load(small_corpus.store_dir)
    assert manifest is not None
    assert manifest.embedders["minilm"]["dim"] == 384
    doc = manifest.documents["pp-data-project-en"]
    assert len(doc["sha256"]) == 64 and doc["chunks"] > 0


def test_changed_document_is_reembedded_and_removed_one_deleted(small_corpus: Settings) -> None:
    ingest(small_corpus.index)
    before = _ids(small_corpus)
    path = small_corpus.corpus_dir / "pp-data-project-en.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nA new closing paragraph about PP DATA results.\n",
        encoding="utf-8",
    )
    report = ingest(small_corpus.index)
    assert report.updated == ["pp-data-project-en"] and report.embedded > 0
    (small_corpus.corpus_dir / "mvcr-european-migration-network-en.txt").unlink()
    report = ingest(small_corpus.index)
    assert report.removed == ["mvcr-european-migration-network-en"] and report.embedded == 0
    after = _ids(small_corpus)
    assert not any(i.startswith("mvcr-european-migration-network-en#") for i in after)
    assert any(i.startswith("pp-data-project-en#") for i in before & after)


def test_bad_files_are_skipped_and_the_rest_indexed(small_corpus: Settings) -> None:
    corpus = small_corpus.corpus_dir
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    nested = corpus / "a" / "b" / "c" / "d"
    nested.mkdir(parents=True)
    (nested / "Zpráva o migraci 2023.txt").write_bytes(
        "Zpráva o migraci\n\nČeská republika přijala v roce 2023 nová pravidla "
        "pro žadatele o azyl.".encode("cp1250")
    )
    (corpus / "copy.txt").write_bytes((corpus / "pp-data-project-en.txt").read_bytes())
    big = replace(small_corpus, max_file_mb=0.05)
    (corpus / "big.txt").write_text("word " * 20000, encoding="utf-8")
    report = ingest(big.index)
    warned = " ".join(report.warnings)
    for name in ("empty.txt", "junk.txt", "broken.pdf", "copy.txt", "big.txt"):
        assert name in warned, f"no warning for {name}: {report.warnings}"
    manifest = Manifest.load(small_corpus.store_dir)
    assert manifest is not None
    czech = [d for d in manifest.documents.values() if "Zpr" in d["path"]]
    assert czech and czech[0]["meta"]["language"] == "cs"
    assert "pp-data-project-en" in manifest.documents


def test_store_built_with_another_model_is_refused(small_corpus: Settings) -> None:
    ingest(small_corpus.index)
    path = small_corpus.store_dir / "manifest.json"
    data = json.loads(path.read_text())
    data["embedders"]["minilm"]["model"] = "some/other-model"
    path.write_text(json.dumps(data))
    with pytest.raises(UserError, match="--rebuild|another|other"):
        ingest(small_corpus.index)


def test_front_matter_and_inferred_metadata(small_corpus: Settings) -> None:
    (small_corpus.corpus_dir / "notes.md").write_text(
        "---\ntitle: Team notes\npublisher: ICMPD\ndate: 2024-05-01\n---\n# Ignored heading\n\nThe "
        "SOM met in Prague.\n",
        encoding="utf-8",
    )
    (small_corpus.corpus_dir / "plain.txt").write_text(
        "Visa policy overview\n\nSchengen visas are issued by consulates.\n", encoding="utf-8"
    )
    ingest(small_corpus.index)
    docs = Manifest.load(small_corpus.store_dir).documents  # type: ignore[union-attr]
    assert (
        docs["notes"]["meta"]["title"] == "Team notes"
        and docs["notes"]["meta"]["publisher"] == "ICMPD"
    )
    assert (
        docs["plain"]["meta"]["title"] == "Visa policy overview"
        and docs["plain"]["meta"]["language"] == "en"
    )
