"""Render a development-corpus source text as a PDF that looks like a real report: wrapped lines,
hyphenated
long words, a running header and footer, page numbers. Used only to build evals/devcorpus (not by
the product).

Source format: a UTF-8 text file; '# ' starts a heading, a blank line separates paragraphs, '- '
starts a list item.
Run with any Python that has fpdf2 (pip install fpdf2):

    python evals/tools/make_pdf.py SRC.txt OUT.pdf --header "ICMPD · Budapest Process" --footer
    "Information paper 2019"
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def hyphenate(word: str) -> str:
    """Soft hyphens in long words, so that the PDF breaks some of them across lines
    ('migra-\\ntion')."""
    letters = re.sub(r"\W", "", word)
    if len(letters) < 11 or not word.isalpha():
        return word
    cut = len(word) // 2
    while cut < len(word) - 3 and word[cut].lower() not in "aeiouyáéíóúůýěаеиоуыэюя":
        cut += 1
    return word[: cut + 1] + "\u00ad" + word[cut + 1 :]


def render(src: Path, out: Path, header: str, footer: str) -> None:
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:  # noqa: D102 - fpdf2 hook
            self.set_font("body", size=8)
            self.cell(0, 6, header, align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(10)

        def footer(self) -> None:  # noqa: D102 - fpdf2 hook
            self.set_y(-14)
            self.set_font("body", size=8)
            self.cell(0, 6, f"{footer}    {self.page_no()}", align="C")

    pdf = Report(format="A4")
    pdf.add_font("body", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for block in re.split(r"\n\s*\n", src.read_text(encoding="utf-8").strip()):
        block = block.strip()
        if block.startswith("# "):
            pdf.set_font("body", "B", size=12)
            pdf.multi_cell(0, 7, block[2:].strip(), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            continue
        pdf.set_font("body", size=10)
        for line in block.split("\n") if block.startswith("- ") else [" ".join(block.split())]:
            text = " ".join(hyphenate(w) for w in line.split(" "))
            pdf.multi_cell(
                0,
                5,
                text,
                align="J" if not line.startswith("- ") else "L",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        pdf.ln(3)
    pdf.output(str(out))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--header", default="")
    parser.add_argument("--footer", default="")
    args = parser.parse_args()
    render(args.src, args.out, args.header, args.footer)


if __name__ == "__main__":
    main()
