"""Ingestion is idempotent and incremental, and bad files are skipped with a warning."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from assistant.errors import UserError
from assistant.runtime import Runtime
from assistant.service import ask
from assistant.settings import Settings
from index import generation, inplace
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


@pytest.mark.slow
def test_dropping_a_dense_leg_embeds_nothing_again(small_corpus: Settings) -> None:
    """A store built with MiniLM and e5 (the old default) serves an e5-only configuration as it is,
    and the next change writes the e5 leg only."""
    ingest(replace(small_corpus, embedders=("minilm", "e5")).index)
    e5 = replace(small_corpus, embedders=("e5",))
    assert ingest(e5.index).embedded == 0
    assert "2018" in ask("When was PP DATA officially launched?", runtime=Runtime(e5)).text
    (e5.corpus_dir / "note.txt").write_text(
        "Visa note\n\nThe consulate in Tbilisi opened on 3 May 2021.\n", encoding="utf-8"
    )
    report = ingest(e5.index)
    manifest = Manifest.load(e5.store_dir)
    assert manifest is not None and set(manifest.embedders) == {"e5"}
    assert 0 < report.embedded < 10  # the new note's chunk and sentences only
    assert "3 May 2021" in ask("When did the consulate in Tbilisi open?", runtime=Runtime(e5)).text
    # the documents copied into the e5-only generation took their texts from the dropped MiniLM leg
    assert "2018" in ask("When was PP DATA officially launched?", runtime=Runtime(e5)).text


def test_records_keep_only_what_filters_and_citations_need(
    small_corpus: Settings, models: dict[str, Any]
) -> None:
    """The first leg stores each chunk's text and own fields, a second leg only its vectors and
    filter fields; a passage still shows its document's title and date and quotes the exact
    source, from the manifest and the kept text."""
    both = replace(small_corpus, embedders=("minilm", "e5"))
    ingest(both.index, embedders=models)
    client = open_client(both.index)
    first = get_collection(client, collection_name(both.index, "minilm", 0))
    second = get_collection(client, collection_name(both.index, "e5", 0))
    rows = first.get(include=["documents", "metadatas"])
    assert rows["ids"] and all(rows["documents"])
    repeated = {"_node_content", "raw", "title", "date", "source", "translation_of"}
    assert not any(repeated & set(m) for m in rows["metadatas"])
    legs = second.get(include=["documents", "metadatas"])
    assert not any(legs["documents"])
    assert all(set(m) <= {*generation.LEG_FIELDS} for m in legs["metadatas"])
    runtime = Runtime(both, embedders=models)
    manifest = Manifest.load(both.store_dir)
    assert manifest is not None
    passages = runtime.search("When was PP DATA officially launched?", k=4)
    assert passages
    for p in passages:
        meta = manifest.documents[p.doc_id]["meta"]
        assert p.title == meta["title"] and p.date == str(meta.get("date") or "")
        assert p.raw and runtime.document_text(p.doc_id)[p.start : p.end] == p.raw


def test_an_added_document_is_written_into_the_live_collections(
    small_corpus: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing of the unchanged documents is copied, embedded or analysed again: the keyword index
    reuses their analysed chunks from its previous folder."""
    ingest(small_corpus.index)
    analysed: list[str] = []
    real = generation.analysed
    monkeypatch.setattr(
        generation, "analysed", lambda ids, *a: analysed.extend(ids) or real(ids, *a)
    )
    before = Manifest.load(small_corpus.store_dir)
    assert before is not None
    (small_corpus.corpus_dir / "note.txt").write_text(
        "Visa note\n\nThe consulate in Tbilisi opened on 3 May 2021.\n", encoding="utf-8"
    )
    report = ingest(small_corpus.index)
    after = Manifest.load(small_corpus.store_dir)
    assert after is not None and report.added == ["note"] and report.embedded == 1
    assert after.generation == before.generation and after.keyword == before.keyword + 1
    assert len(_ids(small_corpus)) == sum(int(d["chunks"]) for d in after.documents.values())
    assert not (small_corpus.store_dir / inplace.JOURNAL).exists()
    assert analysed == ["note#0"]
    runtime = Runtime(small_corpus)
    assert len(runtime.keyword.ids) == len(_ids(small_corpus))
    assert "3 May 2021" in ask("When did the consulate in Tbilisi open?", runtime=runtime).text


def test_an_interrupted_in_place_write_is_never_mixed_in_and_is_redone(
    small_corpus: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after some records were written: readers never see the unfinished documents' new
    records (the changed one is missing, not mixed); the next ingest redoes both, even though the
    changed file went back to its indexed text meanwhile."""
    ingest(small_corpus.index)
    path = small_corpus.corpus_dir / "pp-data-project-en.txt"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n\nPP DATA also ran a summer school in Yerevan.\n", "utf-8")
    note = small_corpus.corpus_dir / "note.txt"
    note.write_text("Visa note\n\nThe consulate in Tbilisi opened on 3 May 2021.\n", "utf-8")
    real = generation.embed

    def crash(prepared: list[Any], *args: Any) -> int:
        real(prepared, *args)
        raise RuntimeError("power cut")

    monkeypatch.setattr(generation, "embed", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        ingest(small_corpus.index)
    monkeypatch.setattr(generation, "embed", real)
    assert inplace.pending(small_corpus.store_dir) == {"note", "pp-data-project-en"}
    runtime = Runtime(small_corpus)
    assert set(runtime.manifest.documents) == {
        "pp-data-project-en",
        "mvcr-european-migration-network-en",
    }
    seen = " ".join(p.text for p in runtime.search("consulate in Tbilisi summer school Yerevan"))
    assert "Tbilisi" not in seen and "Yerevan" not in seen
    path.write_text(original, encoding="utf-8")  # back to the indexed text
    note.unlink()
    report = ingest(small_corpus.index)
    assert report.added == ["pp-data-project-en"] and report.removed == []
    final = Manifest.load(small_corpus.store_dir)
    assert final is not None and set(final.documents) == set(runtime.manifest.documents)
    assert len(_ids(small_corpus)) == sum(int(d["chunks"]) for d in final.documents.values())
    assert not inplace.pending(small_corpus.store_dir)
    assert (
        "2018" in ask("When was PP DATA officially launched?", runtime=Runtime(small_corpus)).text
    )


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
