"""Finding a family and its children for the booking form."""

from __future__ import annotations

from datetime import date

import pytest

from siu_tui.services import families
from siu_tui.services.context import Desk
from siu_tui.services.families import (
    family_children,
    previous_conferences,
    search_families,
)
from siu_tui.services.people import add_child, create_family

from .conftest import People
from .helpers import history_conference


@pytest.fixture
def more(desk: Desk, people: People) -> dict[str, str]:
    smithson = create_family(desk, "FAM-0100", "Smithson", locality_team="North")
    add_child(desk, smithson, "AB77", "Robin", "Smithson", date_of_birth=date(2020, 5, 17))
    markup = create_family(desk, "FAM-0200", "[b]Ann[/b] O'Neil-Ślęzak")
    add_child(desk, markup, "XY99", "[b]Ann[/b]", "O'Neil-Ślęzak", date_of_birth=date(2018, 2, 14))
    return {"smithson": smithson, "markup": markup}


def names(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [row.name for row in rows]


def test_search_families_every_way(desk: Desk, people: People, more: dict[str, str]) -> None:
    assert names(search_families(desk, "smith")) == ["Smith", "Smithson"]
    assert names(search_families(desk, "fam-0002")) == ["Jones"]
    # By name as the database orders text: "[" sorts after the capital letters.
    assert names(search_families(desk, "fam-0")) == [
        "Jones",
        "Smith",
        "Smithson",
        "[b]Ann[/b] O'Neil-Ślęzak",
    ]
    assert names(search_families(desk, "cara")) == ["Jones"]  # a child's first name
    assert names(search_families(desk, "robin smi")) == ["Smithson"]
    assert names(search_families(desk, "ab7")) == ["Smithson"]  # a case reference
    assert names(search_families(desk, "17/05/2020")) == ["Smithson"]
    assert names(search_families(desk, "ślęzak")) == ["[b]Ann[/b] O'Neil-Ślęzak"]
    # Without the accents, in any case, with a curly apostrophe: as a keyboard types it.
    assert names(search_families(desk, "slezak")) == ["[b]Ann[/b] O'Neil-Ślęzak"]
    assert names(search_families(desk, "O’NEIL-SLE")) == ["[b]Ann[/b] O'Neil-Ślęzak"]
    assert names(search_families(desk, "nobody")) == []
    assert names(search_families(desk, "", limit=2)) == ["Jones", "Smith"]
    (row,) = search_families(desk, "smithson")
    assert (row.reference, row.locality_team, row.children) == ("FAM-0100", "North", 1)


def test_family_children_eldest_first_unborn_last(desk: Desk, people: People) -> None:
    add_child(
        desk, people.family, "CR1003", "Baby", "Smith", expected_date_of_birth=date(2027, 2, 1)
    )
    rows = family_children(desk, people.family)
    assert [c.first_name for c in rows] == ["Amy", "Ben", "Baby"]
    assert rows[0].case_reference == "CR1001"
    assert rows[2].unborn and rows[2].sex == "U"


def test_previous_conferences_latest_first(desk: Desk, people: People) -> None:
    for when in (date(2025, 3, 3), date(2026, 6, 3), date(2025, 9, 1)):
        history_conference(desk, people.family, [people.amy], when)
    history_conference(desk, people.other_family, [people.other_child], date(2026, 7, 1))
    rows = previous_conferences(desk, people.family, limit=2)
    assert [r.date for r in rows] == [date(2026, 6, 3), date(2025, 9, 1)]
    assert rows[0].child_names == "Amy"


def test_a_search_finding_more_families_than_it_looks_at_shows_the_first_by_name(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the first SEARCH_CANDIDATES families each query finds are looked at: they must be
    the first by name on every database, not whichever the database reads first."""
    for letter in "ZYXWVU":  # stored in the reverse of their order by name
        family = create_family(desk, f"FAM-{letter}", f"Parker {letter}")
        add_child(desk, family, f"CR{letter}", "Pat", "Parker", date_of_birth=date(2016, 1, 1))
    monkeypatch.setattr(families, "SEARCH_CANDIDATES", 3)

    assert names(search_families(desk, "parker")) == ["Parker U", "Parker V", "Parker W"]
    assert names(search_families(desk, "fam-")) == ["Parker U", "Parker V", "Parker W"]
