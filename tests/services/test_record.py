"""A conference's record and its history, as the record screen shows them.

Today is Wednesday 25 November 2026. The Smiths' strategy discussion on Monday 14 December
2026 gives a deadline of Thursday 7 January 2027, 28 working days from today (25 and 28
December and 1 January are bank holidays).
"""

from __future__ import annotations

from datetime import date, time

import pytest

from siu_tui.db.models import Family
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.changes import (
    ChildOutcome,
    add_child_to_conference,
    change_chair,
    mark_held,
    move_conference,
)
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound
from siu_tui.services.people import add_child, add_staff
from siu_tui.services.record import conference_history, conference_record
from siu_tui.services.reference import add_room
from siu_tui.services.standdown import stand_down

from .conftest import ACTOR, People


def book(desk: Desk, people: People, **changes: object) -> str:
    request = BookingRequest(
        family_id=people.family,
        child_ids=[people.amy, people.ben],
        conference_type="initial",
        date=date(2027, 1, 6),
        start_time=time(13, 30),
        trigger_date=date(2026, 12, 14),
        venue="Civic Centre",
        chair_id=people.iro,
        clerk_id=people.clerk,
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return book_conference(desk, request)


def test_the_record_of_a_booked_conference(desk: Desk, people: People) -> None:
    with desk.store.write() as session:
        family = session.get(Family, people.family)
        assert family is not None
        family.locality_team = "North"
        session.add(family)
    room = add_room(desk, "Conference Room 2", "Civic Centre")
    baby = add_child(
        desk, people.family, "CR1003", "Baby", "Smith", expected_date_of_birth=date(2027, 2, 20)
    )
    conference_id = book(desk, people, child_ids=[baby, people.ben, people.amy], room_id=room)

    record = conference_record(desk, conference_id)

    assert record.reference.startswith("CPC-270106-")
    assert (record.type, record.type_label) == ("initial", "Initial")
    assert (record.family_id, record.family_name, record.family_reference) == (
        people.family,
        "Smith",
        "FAM-0001",
    )
    assert record.locality_team == "North"
    assert record.social_worker == "Sam Worker"
    assert (record.date, record.start_time, record.duration_minutes) == (
        date(2027, 1, 6),
        time(13, 30),
        90,
    )
    assert (record.venue, record.room_id, record.room_name) == (
        "Civic Centre",
        room,
        "Conference Room 2",
    )
    assert (record.chair_name, record.clerk_name) == ("Iris Reed", "Colin Clark")
    assert (record.status, record.status_label) == ("booked", "Booked")
    assert record.trigger_date == date(2026, 12, 14)
    assert record.trigger_label == "Strategy discussion (s47 start)"
    assert record.deadline == date(2027, 1, 7)
    assert record.days_left == 28
    assert not record.late
    assert record.late_reason_label is None
    assert record.stand_down is None and record.rebooks_reference is None

    # Eldest first, the unborn baby last; ages on the conference date (6 January 2027).
    assert [c.first_name for c in record.children] == ["Amy", "Ben", "Baby"]
    amy, ben, unborn = record.children
    assert (amy.age_label, amy.age_years, amy.unborn) == ("11", 11, False)
    assert ben.age_label == "7"
    assert (unborn.age_label, unborn.unborn, unborn.sex) == ("unborn", True, "U")
    assert unborn.expected_date_of_birth == date(2027, 2, 20)
    assert amy.ethnicity_label == "Not recorded"
    assert (amy.decision, amy.decision_label, amy.categories) == (None, "", ())
    assert amy.plan_label == "not on a plan"


def test_the_record_after_the_conference_is_held(desk: Desk, people: People) -> None:
    conference_id = book(
        desk,
        people,
        date=date(2026, 11, 24),
        trigger_date=date(2026, 10, 30),
        late_reason="report_unavailable",
        late_note="Report came late",
    )
    mark_held(
        desk,
        conference_id,
        {
            people.amy: ChildOutcome("plan", ("physical", "neglect")),
            people.ben: ChildOutcome("no_plan"),
        },
    )
    record = conference_record(desk, conference_id)
    assert (record.status, record.status_label) == ("held", "Held")
    assert record.days_left is None
    assert record.late
    assert record.late_reason_label == "Social worker's report or social worker unavailable"
    assert record.late_note == "Report came late"
    amy, ben = record.children
    assert (amy.decision, amy.decision_label) == ("plan", "Plan")
    assert amy.categories == ("neglect", "physical")
    assert amy.category_labels == ("Neglect", "Physical")
    assert amy.plan_label == "on a plan since 24/11/2026"
    assert amy.plan_since == date(2026, 11, 24)
    assert (ben.decision_label, ben.plan_label) == ("No plan", "not on a plan")


def test_a_stood_down_conference_names_its_replacement(desk: Desk, people: People) -> None:
    first = book(desk, people)
    stand_down(
        desk,
        first,
        reason="not_quorate",
        decided_by="chair",
        decided_on=date(2026, 11, 24),
        note="No police",
    )
    second = book(
        desk, people, date=date(2027, 1, 7), rebooks_id=first, conference_type="initial_reconvened"
    )
    old, new = conference_record(desk, first), conference_record(desk, second)
    assert old.stand_down == (
        "Stood down 24/11/2026 by the chair: Not quorate (key agency absent) (No police)"
    )
    assert old.rebooked_as_reference == new.reference
    assert new.rebooks_reference == old.reference


def test_unknown_conferences_are_not_found(desk: Desk) -> None:
    with pytest.raises(NotFound):
        conference_record(desk, "f" * 32)
    with pytest.raises(NotFound):
        conference_history(desk, "f" * 32)


def test_history_newest_first_with_names_and_old_values(desk: Desk, people: People) -> None:
    conference_id = book(desk, people, child_ids=[people.amy])
    other = book(desk, people, start_time=time(9, 0))  # its events are not this one's history
    ivy = add_staff(desk, "Ivy Ross", "iro")
    move_conference(desk, conference_id, date=date(2027, 1, 5), start_time=time(10, 0))
    change_chair(desk, conference_id, ivy)
    add_child_to_conference(desk, conference_id, people.ben)

    history = conference_history(desk, conference_id)

    everything = history
    # Referring Amy for advocacy adds its own events (tested with advocacy); these are the rest.
    history = [r for r in everything if r.record_type in ("conference", "conference_child")]
    assert [(row.action, row.record_type) for row in history] == [
        ("add child", "conference_child"),
        ("change chair", "conference"),
        ("move", "conference"),
        ("add child", "conference_child"),
        ("book", "conference"),
    ]
    assert all(row.actor == ACTOR for row in history)
    assert history[0].changes == "child: Ben Smith"
    assert history[1].changes == "chair: Iris Reed → Ivy Ross"
    assert "date: 2027-01-06 → 2027-01-05" in history[2].changes
    assert "start_time: 13:30:00 → 10:00:00" in history[2].changes
    assert history[3].changes == "child: Amy Smith"
    assert "chair: Iris Reed" in history[4].changes
    assert "family: FAM-0001" in history[4].changes
    assert other not in {row.record_id for row in history}

    # Pages like the audit screen: the rest after the second row.
    rest = conference_history(desk, conference_id, before=(everything[1].at, everything[1].id))
    assert [row.id for row in rest] == [row.id for row in everything[2:]]


def test_history_includes_the_plans_a_conference_started(desk: Desk, people: People) -> None:
    conference_id = book(desk, people, date=date(2026, 11, 24), trigger_date=date(2026, 11, 10))
    mark_held(
        desk,
        conference_id,
        {people.amy: ChildOutcome("plan", ("neglect",)), people.ben: ChildOutcome("no_plan")},
    )
    history = conference_history(desk, conference_id)
    # Newest first: the minutes start in the same transaction, just after "held".
    assert [row.action for row in history[:2]] == ["start minutes", "held"]
    assert "status: booked → held" in history[1].changes
    started = [row for row in history if row.action == "start plan"]
    assert len(started) == 1
    assert "child: Amy Smith" in started[0].changes
    assert "initial_categories: neglect" in started[0].changes
