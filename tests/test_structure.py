"""The overview's structures and lists, found by the shape of the text: on our corpus the
governance with what each body does and the six thematic areas; on any text, a heading over a
list."""

from __future__ import annotations

from assistant.settings import Settings
from assistant.structure import outline, parts_of

WATER = """River basin management

The plan is prepared by the Basin Authority and the Monitoring Board.

Basin Authority

- Drafts the management plan
- Consults the public

Monitoring Board

- Samples the rivers twice a year
- Reports to the ministry
"""


def test_a_heading_over_a_list_is_a_part_on_any_text() -> None:
    found = parts_of(WATER)
    assert [(h, items) for h, _, _, items in found] == [
        ("Basin Authority", ["Drafts the management plan", "Consults the public"]),
        ("Monitoring Board", ["Samples the rivers twice a year", "Reports to the ministry"]),
    ]
    _, start, end, _ = found[1]
    assert WATER[start:end].startswith("Monitoring Board") and WATER[start:end].endswith("ministry")


def test_our_governance_and_thematic_areas(indexed: Settings) -> None:
    sections = outline(indexed, about=("Prague Process",))
    governance = next(s for s in sections if len(s.parts) > 1)
    assert governance.title == "Governance" and "management structure" in governance.intro
    names = [p.name for p in governance.parts]
    assert names == [
        "Network of National Contact Points",
        "Senior Officials' Meetings",
        "Ministerial Conferences",
        "Strategic Group",
    ]
    som = governance.parts[1]
    assert "Prepare the ground for Ministerial Conferences" in som.items
    assert som.citation.quote.startswith("Senior Officials") and "3-5" not in som.citation.quote
    areas = next(s for s in sections if s.title.startswith("Thematic Areas"))
    assert len(areas.parts[0].items) == 6
