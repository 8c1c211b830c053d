"""Hybrid retrieval finds the right document in English, in Czech and across the two."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.filters import Filters
from assistant.runtime import Runtime

ENGLISH = [
    ("When was the Prague Process Joint Declaration signed?", "prague-process-overview-en"),
    ("Which countries are in the Strategic Group?", "prague-process-overview-en"),
    ("What is the Migration Observatory?", "prague-process-overview-en"),
    ("When was PP DATA officially launched?", "pp-data-project-en"),
    ("Who are the target groups of PP DATA?", "pp-data-project-en"),
    ("Which body monitors and endorses the results of the action?", "pp-data-project-en"),
    (
        "What are the outputs of the European Migration Network?",
        "mvcr-european-migration-network-en",
    ),
    ("Which Council Decision established the EMN?", "mvcr-european-migration-network-en"),
    ("How often does the NCPI working group meet?", "mvcr-european-migration-network-en"),
    ("What is the ERIS project about?", "mvcr-international-cooperation-en"),
    (
        "Which migration dialogues does the Czech Republic take part in?",
        "mvcr-international-cooperation-en",
    ),
    ("What does the Training Academy offer?", "prague-process-overview-en"),
]
# includes questions whose answer exists only in English, and one typed without diacritics
CZECH = [
    ("Kdy byla spuštěna iniciativa PP DATA?", "pp-data-project-en"),
    ("Co je to Evropská migrační síť?", "mvcr-european-migration-network-en"),
    (
        "S kterými zeměmi spolupracuje Česká republika v oblasti migrace?",
        "mvcr-international-cooperation-cs",
    ),
    ("kdy zacala implementace projektu ERIS", "mvcr-international-cooperation-cs"),
    ("Kdo tvoří Strategickou skupinu Pražského procesu?", "prague-process-overview-en"),
]


def _top(runtime: Runtime, question: str, k: int = 5) -> list[str]:
    return [p.doc_id for p in runtime.search(question, k=k)]


@pytest.mark.parametrize(("question", "doc_id"), ENGLISH)
def test_english_questions_find_their_document(
    runtime: Runtime, question: str, doc_id: str
) -> None:
    assert doc_id in _top(runtime, question, k=3)


@pytest.mark.parametrize(("question", "doc_id"), CZECH)
def test_czech_and_cross_lingual_questions_find_their_document(
    runtime: Runtime, question: str, doc_id: str
) -> None:
    found = _top(runtime, question)
    # the Czech and English international-cooperation pages are translations: either one is right
    twins = (
        {doc_id, doc_id.replace("-cs", "-en"), doc_id.replace("-en", "-cs")}
        if "international" in doc_id
        else {doc_id}
    )
    assert twins & set(found), found


def test_filters_restrict_documents_and_languages(runtime: Runtime) -> None:
    only = Filters(doc_ids=("mvcr-european-migration-network-en",))
    assert {p.doc_id for p in runtime.search("Prague Process", filters=only)} == {
        "mvcr-european-migration-network-en"
    }
    czech = Filters(languages=("cs",))
    assert {p.language for p in runtime.search("migration cooperation", filters=czech)} == {"cs"}


def test_passages_are_exact_source_spans(runtime: Runtime) -> None:
    for p in runtime.search("Ministerial Conference", k=6):
        assert runtime.document_text(p.doc_id)[p.start : p.end] == p.raw


def test_analyzer_meets_plural_and_singular_english_terms() -> None:
    from index.language import analyze

    assert analyze("Ministerial Conferences", "en") == analyze("ministerial conference", "en")
    assert analyze("Ministerské konference", "cs") == analyze("ministerská konference", "cs")


def test_czech_without_diacritics_meets_czech_with_them() -> None:
    from index.language import analyze

    assert analyze("spolupraci se tretimi zememi", "cs") == analyze(
        "spolupráci se třetími zeměmi", "cs"
    )
    assert analyze("jakých", "cs") == []  # a stopword once lemmatised


def test_the_sentence_leg_weight_decides_whether_the_sentence_legs_run(
    runtime: Runtime, open_runtime: Any
) -> None:
    """Weight 1: a sentence-vector leg per corpus language, fused with that weight; 0: none run,
    and the chunk legs still find the document."""
    legs = runtime.retriever("en").legs
    assert {n for n in legs if n.startswith("sentences")} == {"sentences:cs", "sentences:en"}
    half = open_runtime(replace(runtime.settings, sentence_leg_weight=0.5)).retriever("en")
    assert half.weights == {"sentences:cs": 0.5, "sentences:en": 0.5}
    off = open_runtime(replace(runtime.settings, sentence_leg_weight=0.0))
    assert not [n for n in off.retriever("en").legs if n.startswith("sentences")]
    hits = [p.doc_id for p in off.search("When was PP DATA officially launched?", k=5)]
    assert "pp-data-project-en" in hits


def test_collections_are_built_for_near_exact_neighbours(tmp_path: Path) -> None:
    """Every collection gets the HNSW configuration of index/store.py (more links and a longer
    candidate list than Chroma's defaults), so its nearest neighbours barely change between
    builds; reopening a collection keeps it."""
    import chromadb

    from index.store import HNSW, get_collection

    client = chromadb.PersistentClient(path=str(tmp_path / "c"))
    made = get_collection(client, "pp_test_g0")
    hnsw = made.configuration["hnsw"]
    assert {k: hnsw[k] for k in HNSW} == HNSW
    assert get_collection(client, "pp_test_g0").configuration["hnsw"]["ef_search"] == 400
