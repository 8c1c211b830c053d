"""Office formats, e-mail and scanned PDFs: read with their libraries, OCR by the real Tesseract,
ingested by the real pipeline, answered with cited spans (a scan's page number included)."""

from __future__ import annotations

import email.message
import shutil
from pathlib import Path

import pytest

from assistant import onboarding
from assistant.service import ask
from assistant.settings import Settings, load_settings
from index import ocr
from index.embed import Embedder
from index.load import LoadError, read_text
from index.pipeline import ingest
from tests.conftest import OpenRuntime
from tests.llm_support import require

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian: fonts-dejavu-core
PAGES = [
    ["Výroční zpráva odboru azylové politiky", "", "Úvod do činnosti odboru v roce 2023."],
    [
        "Přijímací středisko Pardubice",
        "",
        "Ministerstvo vnitra otevřelo nové přijímací středisko",
        "v Pardubicích dne 14. března 2024.",
        "Středisko má kapacitu 320 lůžek.",
    ],
    ["Závěr", "", "Zpráva byla schválena poradou vedení."],
]


def scanned_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF of images only (no text layer), one rendered page of text per entry."""
    from PIL import Image, ImageDraw, ImageFont

    require(FONT.exists(), f"{FONT} is missing: apt-get install fonts-dejavu-core")
    font = ImageFont.truetype(str(FONT), 40)
    images = []
    for lines in pages:
        image = Image.new("RGB", (2480, 3508), "white")
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines):
            draw.text((200, 300 + 70 * i), line, fill="black", font=font)
        images.append(image)
    images[0].save(path, save_all=True, append_images=images[1:], resolution=300)
    return path


def office_files(folder: Path) -> None:
    import openpyxl
    from odfdo import Document, Header, Paragraph
    from pptx import Presentation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Applications 2023"
    for row in (["Country", "Applications", "Granted"], ["Georgia", 410, 12.0], ["Moldova", 95]):
        sheet.append(row)
    book.save(folder / "applications.xlsx")
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Integration centres"
    slide.placeholders[1].text = "There are 18 integration centres in the Czech Republic."
    slide.notes_slide.notes_text_frame.text = "Opened in the regional capitals."
    deck.save(folder / "centres.pptx")
    odt = Document("text")
    odt.body.append(Header(1, "Language courses"))
    odt.body.append(Paragraph("The state language course lasts 400 lessons."))
    odt.save(folder / "courses.odt")
    mail = email.message.EmailMessage()
    mail["Subject"] = "Working group on returns"
    mail["From"] = "secretariat@example.org"
    mail["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    mail.set_content("The working group on returns meets in Brno on 12 January 2027.")
    mail.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="agenda.pdf")
    (folder / "returns.eml").write_bytes(bytes(mail))


@pytest.fixture(scope="module")
def formats_corpus(
    tmp_path_factory: pytest.TempPathFactory, models: dict[str, Embedder]
) -> Settings:
    require(
        bool(ocr.languages()), "Tesseract is missing: apt-get install tesseract-ocr{,-ces,-rus}"
    )
    root = tmp_path_factory.mktemp("formats")
    corpus = root / "corpus"
    corpus.mkdir()
    office_files(corpus)
    scanned_pdf(corpus / "annual-report-cs.pdf", PAGES)
    settings = load_settings(env={}, corpus_dir=corpus, store_dir=root / "store")
    ingest(settings.index, embedders=models)
    return settings


def test_office_formats_read_as_headed_text_with_tables_as_rows(formats_corpus: Settings) -> None:
    corpus = formats_corpus.corpus_dir
    sheet = read_text(corpus / "applications.xlsx")
    assert sheet.startswith("Applications 2023\n\n")
    assert "Georgia\t410\t12\n" in sheet and sheet.endswith("Moldova\t95")
    deck = read_text(corpus / "centres.pptx")
    assert deck.count("Integration centres") == 1  # the title once, as the slide's heading
    assert "18 integration centres" in deck and "Opened in the regional capitals." in deck
    assert read_text(corpus / "courses.odt").split("\n\n") == [
        "Language courses",
        "The state language course lasts 400 lessons.",
    ]
    mail = read_text(corpus / "returns.eml")
    assert mail.startswith("Working group on returns\n\nFrom: secretariat@example.org\n")
    assert "Brno on 12 January 2027" in mail and mail.endswith("Attachments: agenda.pdf")


def test_scanned_czech_pdf_is_answered_with_a_cited_span_and_its_page(
    formats_corpus: Settings, open_runtime: OpenRuntime
) -> None:
    runtime = open_runtime(formats_corpus)
    question = "Kdy bylo otevřeno přijímací středisko v Pardubicích?"
    answer = ask(question, settings=formats_corpus, runtime=runtime)
    assert not answer.abstained, answer.text
    assert "14. března 2024" in answer.text
    cited = [c for c in answer.citations if c.doc_id == "annual-report-cs"]
    assert [c.page for c in cited if "14. března 2024" in c.quote] == [2]
    for c in cited:  # offsets point into the OCR'd text, kept beside the index
        assert runtime.document_text(c.doc_id)[c.start : c.end] == c.quote


def test_every_format_is_indexed_and_kept_text_needs_no_second_ocr(
    formats_corpus: Settings, monkeypatch: pytest.MonkeyPatch, open_runtime: OpenRuntime
) -> None:
    runtime = open_runtime(formats_corpus)
    assert set(runtime.manifest.documents) == {
        "applications", "centres", "courses", "returns", "annual-report-cs",
    }  # fmt: skip
    monkeypatch.setattr(ocr, "ocr_pages", lambda *a: pytest.fail("OCR ran again"))
    assert "320 lůžek" in runtime.document_text("annual-report-cs")
    read = {doc.doc_id: doc.text for doc, _, _ in onboarding.corpus_documents(formats_corpus)}
    assert "320 lůžek" in read["annual-report-cs"]  # the onboarding views read the kept text


def test_without_tesseract_a_scan_is_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, models: dict[str, Embedder]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    scanned_pdf(corpus / "scan.pdf", PAGES[:1])
    (corpus / "note.txt").write_text("The office opens at nine.", encoding="utf-8")
    (corpus / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    ocr.languages.cache_clear()
    try:
        with pytest.raises(LoadError, match="no text could be extracted"):
            read_text(corpus / "scan.pdf")
        settings = load_settings(env={}, corpus_dir=corpus, store_dir=tmp_path / "store")
        report = ingest(settings.index, embedders=models)
    finally:
        ocr.languages.cache_clear()
    assert report.added == ["note"]
    warnings = "\n".join(report.warnings)
    assert "scan.pdf: no text could be extracted" in warnings
    assert "broken.xlsx: unreadable .xlsx" in warnings
    assert all("\n" not in w for w in report.warnings)
