"""Staff, families and children: what is refused, what is stored, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from siu_tui.db.models import Child, Family
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.people import add_child, add_staff, create_family, list_staff

from .conftest import ACTOR, Counts, Event, People

BORN = {"date_of_birth": date(2016, 4, 2)}
UNBORN = {"expected_date_of_birth": date(2027, 2, 20)}

CHILD_REFUSALS: list[tuple[str, str, dict[str, object], str]] = [
    ("21 characters", "A" * 21, BORN, "case_reference"),
    ("punctuation", "CR-1001X", BORN, "case_reference"),
    ("slash", "CR/1001", BORN, "case_reference"),
    ("inner space", "CR 1001X", BORN, "case_reference"),
    ("non-ASCII letter", "CRÉ1001", BORN, "case_reference"),
    ("empty", "   ", BORN, "case_reference"),
    ("duplicate", "CR1001", BORN, "case_reference"),
    ("duplicate in lower case", " cr1001 ", BORN, "case_reference"),
    ("unborn girl", "CR3001", {**UNBORN, "sex": "F"}, "sex"),
    ("unborn boy", "CR3001", {**UNBORN, "sex": "M"}, "sex"),
    ("no dates", "CR3001", {}, "date_of_birth"),
    ("bad ethnicity", "CR3001", {**BORN, "ethnicity": "XXXX"}, "ethnicity"),
    ("census group, not code", "CR3001", {**BORN, "ethnicity": "white"}, "ethnicity"),
    ("bad sex code", "CR3001", {**BORN, "sex": "X"}, "sex"),
]


@pytest.mark.parametrize(
    ("reference", "extra", "field"),
    [(r, e, f) for _, r, e, f in CHILD_REFUSALS],
    ids=[n for n, _, _, _ in CHILD_REFUSALS],
)
def test_add_child_refusals_name_the_field_and_write_nothing(
    desk: Desk,
    people: People,
    count_rows: Callable[[], Counts],
    reference: str,
    extra: dict[str, object],
    field: str,
) -> None:
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        add_child(desk, people.family, reference, "Dan", "Smith", **extra)  # type: ignore[arg-type]
    assert field in caught.value.errors
    assert caught.value.errors[field]
    assert count_rows() == before


def test_add_child_to_an_unknown_family_is_refused(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        add_child(desk, "f" * 32, "CR3001", "Dan", "Smith", **BORN)  # type: ignore[arg-type]
    assert "family" in caught.value.errors
    assert count_rows() == before


def test_add_child_stores_normalised_codes(desk: Desk, people: People) -> None:
    longest = add_child(
        desk, people.family, "ab345678901234567890", "Dan", "Smith", date_of_birth=date(2016, 4, 2)
    )
    unborn = add_child(
        desk,
        people.family,
        " cr3002 ",
        " Unborn ",
        "Smith",
        expected_date_of_birth=date(2027, 2, 20),
        ethnicity="wbri",
    )
    with desk.store.read() as session:
        first = session.get(Child, longest)
        second = session.get(Child, unborn)
    assert first is not None and second is not None
    assert first.case_reference == "AB345678901234567890"
    assert first.sex == "U"
    assert second.case_reference == "CR3002"
    assert second.first_name == "Unborn"
    assert second.sex == "U"
    assert second.date_of_birth is None
    assert second.expected_date_of_birth == date(2027, 2, 20)
    assert second.ethnicity == "WBRI"


def test_create_family_refuses_a_duplicate_reference(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    before = count_rows()
    for reference in ("FAM-0001", " fam-0001 "):
        with pytest.raises(ValidationError) as caught:
            create_family(desk, reference, "Another Smith")
        assert set(caught.value.errors) == {"reference"}
    assert count_rows() == before


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"reference": " ", "name": "Smith"}, "reference"),
        ({"reference": "FAM-9", "name": " "}, "name"),
        (
            {"reference": "FAM-9", "name": "Smith", "social_worker_email": "sam@"},
            "social_worker_email",
        ),
        (
            {"reference": "FAM-9", "name": "Smith", "team_manager_email": "a b@x.org"},
            "team_manager_email",
        ),
    ],
)
def test_create_family_refusals(
    desk: Desk, count_rows: Callable[[], Counts], arguments: dict[str, str], field: str
) -> None:
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        create_family(desk, **arguments)
    assert field in caught.value.errors
    assert count_rows() == before


def test_create_family_stores_the_reference_in_capitals(desk: Desk) -> None:
    family_id = create_family(desk, " fam-0042 ", " Patel ", locality_team="East")
    with desk.store.read() as session:
        family = session.get(Family, family_id)
    assert family is not None
    assert (family.reference, family.name, family.locality_team) == ("FAM-0042", "Patel", "East")


@pytest.mark.parametrize(
    ("name", "role", "email", "field"),
    [
        ("", "iro", None, "name"),
        ("Iris Reed", "chair", None, "role"),
        ("Iris Reed", "iro", "iris.reed@", "email"),
    ],
)
def test_add_staff_refusals(
    desk: Desk,
    count_rows: Callable[[], Counts],
    name: str,
    role: str,
    email: str | None,
    field: str,
) -> None:
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        add_staff(desk, name, role, email)
    assert field in caught.value.errors
    assert count_rows() == before


def test_list_staff_by_role(desk: Desk, people: People) -> None:
    assert [s.id for s in list_staff(desk, "iro")] == [people.iro]
    assert {s.name for s in list_staff(desk)} == {"Iris Reed", "Colin Clark"}


def test_every_created_record_has_a_create_event(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    events = audit_events()
    created = {(e.record_type, e.record_id) for e in events if e.action == "create"}
    assert created == {
        ("staff", people.iro),
        ("staff", people.clerk),
        ("family", people.family),
        ("family", people.other_family),
        ("child", people.amy),
        ("child", people.ben),
        ("child", people.other_child),
    }
    assert all(e.actor == ACTOR and e.before is None for e in events)
    amy = next(e for e in events if e.record_id == people.amy)
    assert amy.after is not None
    assert amy.after["case_reference"] == "CR1001"
    assert amy.after["family_id"] == people.family
    assert amy.after["date_of_birth"] == "2015-03-01"
