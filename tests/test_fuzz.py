"""Property-based: the cleaner, chunker and citation parser never fail and never misplace an
offset."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.verify import check_answer, split_answer, strip_markers
from index.chunk import chunk_document
from index.clean import clean

PIECES = st.sampled_from(
    [
        "Quick links: Sitemap Text version",
        "Print  E-mail",
        "Rychlé linky: Mapa serveru",
        "# Heading",
        "## Sub",
        "**bold**",
        "<b>tag</b>",
        "[link](http://x.y)",
        "- item",
        "• bullet",
        "\t",
        "\n",
        "\n\n",
        "  ",
        "2009.",
        "The SOM met in April 2009.",
        "Česká republika přijala 2,3 mil. EUR.",
        "“quoted”",
        "e.g.",
        "Dr.",
        "[1]",
        "<script>alert(1)</script>",
        "\r\n",
        "\u00a0",
        "…",
        "1.",
        "A",
        "ž",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_clean_maps_every_character_to_the_same_source_character(source: str) -> None:
    cleaned = clean(source)
    assert len(cleaned.offsets) == len(cleaned.text)
    assert cleaned.offsets == sorted(cleaned.offsets)
    for i, ch in enumerate(cleaned.text):
        assert 0 <= cleaned.offsets[i] < len(source)
        if not ch.isspace():
            assert source[cleaned.offsets[i]] == ch


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.integers(min_value=8, max_value=200), st.integers(min_value=0, max_value=2))
def test_chunks_and_sentences_are_valid_source_spans(
    source: str, max_tokens: int, overlap: int
) -> None:
    cleaned = clean(source)
    for chunk in chunk_document("doc", cleaned, max_tokens, overlap):
        assert 0 <= chunk.start < chunk.end <= len(source)
        assert chunk.text.strip()
        for cs, ce, ss, se in chunk.sentences:
            assert 0 <= cs < ce <= len(chunk.text)
            assert chunk.start <= ss < se <= chunk.end
            assert source[ss] == chunk.text[cs]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(["[1]", "[2]", " [12]", "[", "]", "\n", ". ", "- "]),
        ),
        max_size=30,
    ).map("".join)
)
@example("[00]")  # found by CI: a marker with a leading zero cites nothing
@example("[0[0]]")  # found by CI: stripping one marker must not leave another
def test_citation_parser_never_fails(text: str) -> None:
    units = split_answer(text)
    for unit in units:
        plain, markers = strip_markers(unit)
        assert all(f"[{n}]" in unit for n in markers)
        assert not re.search(r"\[\d+\]", plain)
    checks = check_answer(text, {1: "The SOM met in April 2009 in Prague.", 2: ""}, "en")
    assert len(checks) == len(units)
    assert all(
        c.verdict in ("supported", "contradicted", "unverifiable", "undetermined") for c in checks
    )
