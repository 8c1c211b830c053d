"""Cleaning removes site chrome; every chunk and sentence maps back to its exact source span."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from index.chunk import chunk_document
from index.clean import clean
from index.load import load_document, read_text
from index.prepare import Lines, boilerplate
from tests.conftest import CORPUS

DOCS = sorted(p for p in CORPUS.iterdir() if not p.name.endswith(".meta.json"))


def _corpus_chrome() -> frozenset[str]:
    lines = {p.stem: Lines.of(load_document(p, CORPUS).text) for p in DOCS}
    return boilerplate(lines)


def test_site_chrome_the_ministry_pages_share_is_removed() -> None:
    """Two pages of the ministry's site share its Czech menu block; found by repetition, it goes."""
    chrome = _corpus_chrome()
    for stem in ("mvcr-international-cooperation-cs", "mvcr-european-migration-network-en"):
        doc = load_document(CORPUS / f"{stem}.txt", CORPUS)
        cleaned = clean(doc.text, chrome).text
        for line in ("Rychlé linky", "Hlavní menu", "Efektivní veřejná správa"):
            assert line not in cleaned, (stem, line)
        assert len(cleaned) > 500


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_cleaning_keeps_content_and_drops_markup(path) -> None:
    doc = load_document(path, CORPUS)
    cleaned = clean(doc.text, _corpus_chrome())
    assert len(cleaned.text) > 500
    assert "<b>" not in cleaned.text and "**" not in cleaned.text


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_every_chunk_and_sentence_maps_back_to_the_source(path) -> None:
    doc = load_document(path, CORPUS)
    settings = Settings()
    chunks = chunk_document(
        doc.doc_id, clean(doc.text), settings.chunk_tokens, settings.chunk_overlap
    )
    assert chunks
    for chunk in chunks:
        assert chunk.chunk_id.startswith(doc.doc_id + "#")
        assert chunk.tokens <= settings.chunk_tokens * 1.5
        raw = doc.text[chunk.start : chunk.end]
        words = [w for w in chunk.text.split() if w.isalpha()]
        assert words[0] in raw and words[-1] in raw
        for cs, ce, ss, se in chunk.sentences:
            assert chunk.start <= ss < se <= chunk.end
            # every character of the cleaned sentence is the source character it maps to
            source = doc.text[ss:se]
            assert source.startswith(chunk.text[cs]) and source.rstrip().endswith(
                chunk.text[ce - 1]
            )


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_cleaned_characters_map_to_identical_source_characters(path) -> None:
    doc = load_document(path, CORPUS)
    cleaned = clean(doc.text)
    assert len(cleaned.offsets) == len(cleaned.text)
    for i, ch in enumerate(cleaned.text):
        if not ch.isspace():
            assert doc.text[cleaned.offsets[i]] == ch
    assert cleaned.offsets == sorted(cleaned.offsets)


def test_chunk_ids_are_stable() -> None:
    doc = load_document(CORPUS / "pp-data-project-en.txt", CORPUS)
    a = chunk_document(doc.doc_id, clean(doc.text), 160, 1)
    b = chunk_document(doc.doc_id, clean(doc.text), 160, 1)
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert [(c.start, c.end) for c in a] == [(c.start, c.end) for c in b]


def test_docx_tables_are_read_in_place_one_row_a_line(tmp_path: Path) -> None:
    """A memo's table (dates, attendance, deadlines) is text the index cites, between the
    paragraphs it stands between; a cell merged across columns is read once."""
    import docx

    document = docx.Document()
    document.add_paragraph("Back-to-office report")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "Dates", "27 April", "x"
    table.cell(1, 0).merge(table.cell(1, 2)).text = "60 officials from 27 countries"
    document.add_paragraph("Next steps follow.")
    path = tmp_path / "memo.docx"
    document.save(str(path))
    assert read_text(path).split("\n\n") == [
        "Back-to-office report",
        "Dates\t27 April\tx\n60 officials from 27 countries",
        "Next steps follow.",
    ]


def test_a_numbered_section_title_is_a_heading_and_a_numbered_list_is_not() -> None:
    text = (
        "The report covers three years.\n"
        "2. Rok 2015\n"
        "V roce 2015 požádalo o mezinárodní ochranu 1 525 osob.\n"
        "Steps:\n"
        "1. Apply at the reception centre\n"
        "2. Wait for the interview\n"
        "IV. Financing\n"
        "The money comes from the EU budget.\n"
        "1. 9. 2023 the new rules took effect.\n"
    )
    cleaned = clean(text)
    assert [h for _, h in cleaned.headings] == ["2. Rok 2015", "IV. Financing"]
    at = cleaned.text.index("V roce 2015")
    assert cleaned.heading_at(at) == "2. Rok 2015"  # the year is the sentences' context
