"""Staff, families and children: what is refused, what is stored, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from siu_tui.db.models import Child, Family
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.people import (
    add_child,
    add_staff,
    create_family,
    list_staff,
    update_child,
)

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
    ("born tomorrow", "CR3001", {"date_of_birth": date(2026, 11, 26)}, "date_of_birth"),
    (
        "due 11 weeks ago",
        "CR3001",
        {"expected_date_of_birth": date(2026, 9, 9)},
        "expected_date_of_birth",
    ),
    ("born and expected", "CR3001", {**BORN, **UNBORN}, "expected_date_of_birth"),
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


def test_a_child_born_today_or_due_ten_weeks_ago_is_accepted(desk: Desk, people: People) -> None:
    add_child(desk, people.family, "CR3001", "Dan", "Smith", date_of_birth=date(2026, 11, 25))
    add_child(
        desk, people.family, "CR3002", "Unborn", "Smith", expected_date_of_birth=date(2026, 9, 16)
    )


# --- A child's edit: recording the birth --------------------------------------------------------


def test_recording_a_birth_replaces_the_expected_date(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    baby = add_child(
        desk, people.family, "CR3001", "Unborn", "Smith", expected_date_of_birth=date(2026, 11, 2)
    )
    changed = update_child(
        desk, baby, "Dora", "Smith", date_of_birth=date(2026, 11, 5), sex="F", ethnicity="wbri"
    )
    assert changed
    with desk.store.read() as session:
        child = session.get(Child, baby)
    assert child is not None
    assert (child.first_name, child.date_of_birth, child.expected_date_of_birth) == (
        "Dora",
        date(2026, 11, 5),
        None,
    )
    assert (child.sex, child.ethnicity, child.case_reference) == ("F", "WBRI", "CR3001")
    event = audit_events("child", baby)[-1]
    assert event.action == "update"
    assert event.before is not None and event.after is not None
    assert (event.before["expected_date_of_birth"], event.after["date_of_birth"]) == (
        "2026-11-02",
        "2026-11-05",
    )
    # The same details again change nothing and write nothing.
    assert not update_child(
        desk, baby, "Dora", "Smith", date_of_birth=date(2026, 11, 5), sex="F", ethnicity="WBRI"
    )
    assert len(audit_events("child", baby)) == 2


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"date_of_birth": date(2026, 11, 26)}, "date_of_birth"),
        ({"expected_date_of_birth": date(2026, 9, 15)}, "expected_date_of_birth"),
        (
            {"date_of_birth": date(2026, 11, 5), "expected_date_of_birth": date(2026, 11, 2)},
            "expected_date_of_birth",
        ),
        ({}, "date_of_birth"),
    ],
    ids=["born tomorrow", "due more than 10 weeks ago", "both dates", "neither"],
)
def test_a_child_s_edit_refuses_dates_that_cannot_be_true(
    desk: Desk,
    people: People,
    audit_events: Callable[..., list[Event]],
    dates: dict[str, date],
    field: str,
) -> None:
    before = audit_events()
    with pytest.raises(ValidationError) as caught:
        update_child(desk, people.ben, "Ben", "Smith", sex="U", **dates)  # type: ignore[arg-type]
    assert field in caught.value.errors
    with desk.store.read() as session:
        ben = session.get(Child, people.ben)
    assert ben is not None and ben.date_of_birth == date(2019, 6, 1)
    assert audit_events() == before


def test_a_child_s_edit_of_a_child_no_longer_on_record(desk: Desk, people: People) -> None:
    from siu_tui.services.errors import NotFound

    with pytest.raises(NotFound):
        update_child(desk, "f" * 32, "Ben", "Smith", date_of_birth=date(2019, 6, 1))


def test_a_birth_recorded_reaches_the_plan_periods_the_report_counts(
    desk: Desk, people: People
) -> None:
    """A baby on a plan from a pre-birth conference is counted by age and ethnic group from
    the plan periods' copy of the child's details, so the edit refreshes that copy."""
    from datetime import time

    from sqlmodel import select

    from siu_tui.db.models import PlanPeriod
    from siu_tui.services.booking import BookingRequest, book_conference
    from siu_tui.services.changes import ChildOutcome, mark_held

    baby = add_child(
        desk, people.family, "CR3001", "Unborn", "Smith", expected_date_of_birth=date(2026, 12, 9)
    )
    request = BookingRequest(
        family_id=people.family,
        child_ids=[baby],
        conference_type="initial_pre_birth",
        date=date(2026, 11, 24),
        start_time=time(13, 30),
        trigger_date=date(2026, 11, 10),
        venue="Civic Centre",
        chair_id=people.iro,
        clerk_id=people.clerk,
    )
    conference = book_conference(desk, request)
    mark_held(desk, conference, {baby: ChildOutcome("plan", ("neglect",))})
    update_child(
        desk, baby, "Dora", "Smith", date_of_birth=date(2026, 11, 25), sex="F", ethnicity="WBRI"
    )
    with desk.store.read() as session:
        copies = session.exec(
            select(PlanPeriod.child_date_of_birth, PlanPeriod.child_ethnicity)
        ).all()
    assert copies == [(date(2026, 11, 25), "WBRI")]
