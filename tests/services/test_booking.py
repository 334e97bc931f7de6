"""Booking a conference: the deadline comes from the rules, and a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest
from sqlmodel import col, select

from siu_tui.db.models import Conference, ConferenceChild
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError

from .conftest import ACTOR, Counts, Event, People

STRATEGY = date(2026, 12, 14)
"""A Monday strategy discussion; 15 working days run across Christmas, the 28 December
substitute Boxing Day and New Year's Day."""
INITIAL_DEADLINE = date(2027, 1, 7)


def initial_request(people: People, **changes: object) -> BookingRequest:
    request = BookingRequest(
        family_id=people.family,
        child_ids=[people.amy, people.ben],
        conference_type="initial",
        date=date(2027, 1, 6),
        start_time=time(13, 30),
        trigger_date=STRATEGY,
        venue="Civic Centre, Room 2",
        chair_id=people.iro,
        clerk_id=people.clerk,
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return request


def add_conference(desk: Desk, people: People, when: date, status: str, ctype: str) -> str:
    """A conference from the family's history, stored directly (as an import would)."""
    with desk.store.write() as session:
        conference = Conference(
            reference=f"HIST-{when:%Y%m%d}-{status}",
            type=ctype,
            family_id=people.family,
            date=when,
            status=status,
            trigger_date=when,
            deadline=when,
            chair_id=people.iro,
        )
        session.add(conference)
        session.add(ConferenceChild(conference_id=conference.id, child_id=people.amy))
        return conference.id


def load(desk: Desk, conference_id: str) -> Conference:
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        return conference


def test_initial_deadline_runs_across_christmas(desk: Desk, people: People) -> None:
    conference_id = book_conference(desk, initial_request(people))

    conference = load(desk, conference_id)
    assert conference.deadline == INITIAL_DEADLINE
    assert conference.trigger_date == STRATEGY
    assert conference.status == "booked"
    assert conference.date == date(2027, 1, 6)
    assert conference.start_time == time(13, 30)
    assert conference.chair_id == people.iro
    assert conference.late_reason is None
    assert conference.reference.startswith("CPC-270106-")
    with desk.store.read() as session:
        children = session.exec(
            select(ConferenceChild.child_id).where(ConferenceChild.conference_id == conference_id)
        ).all()
    assert sorted(children) == sorted([people.amy, people.ben])


def test_the_deadline_day_itself_is_in_time(desk: Desk, people: People) -> None:
    conference_id = book_conference(desk, initial_request(people, date=INITIAL_DEADLINE))
    assert load(desk, conference_id).late_reason is None


def test_first_review_runs_from_the_latest_held_conference(desk: Desk, people: People) -> None:
    add_conference(desk, people, date(2026, 6, 3), "held", "initial")
    add_conference(desk, people, date(2026, 9, 10), "held", "initial")
    # Neither a booked nor a stood-down conference is where a review's deadline runs from.
    add_conference(desk, people, date(2026, 10, 1), "booked", "initial")
    add_conference(desk, people, date(2026, 10, 8), "stood_down", "initial")

    conference_id = book_conference(
        desk,
        initial_request(
            people, conference_type="first_review", trigger_date=None, date=date(2026, 12, 8)
        ),
    )

    conference = load(desk, conference_id)
    assert conference.trigger_date == date(2026, 9, 10)
    assert conference.deadline == date(2026, 12, 10)  # 3 months later, a Thursday
    assert conference.type == "first_review"


def test_a_review_with_no_held_conference_is_refused(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    add_conference(desk, people, date(2026, 10, 1), "booked", "initial")
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        book_conference(
            desk,
            initial_request(
                people, conference_type="first_review", trigger_date=None, date=date(2026, 12, 8)
            ),
        )
    assert "trigger_date" in caught.value.errors
    assert count_rows() == before


def test_a_late_conference_needs_a_reason(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        book_conference(desk, initial_request(people, date=date(2027, 1, 8)))
    assert set(caught.value.errors) == {"late_reason"}
    assert "07/01/2027" in caught.value.errors["late_reason"]
    assert count_rows() == before

    conference_id = book_conference(
        desk,
        initial_request(
            people,
            date=date(2027, 1, 8),
            late_reason="resource_unavailable",
            late_note="No IRO free on the 7th",
        ),
    )
    conference = load(desk, conference_id)
    assert conference.late_reason == "resource_unavailable"
    assert conference.late_note == "No IRO free on the 7th"
    assert conference.deadline == INITIAL_DEADLINE


def test_a_late_reason_on_a_timely_conference_is_not_kept(desk: Desk, people: People) -> None:
    conference_id = book_conference(
        desk, initial_request(people, late_reason="family_request", late_note="not late")
    )
    conference = load(desk, conference_id)
    assert conference.late_reason is None
    assert conference.late_note is None


REFUSALS: list[tuple[str, dict[str, object], str]] = [
    ("chair is a clerk", {"chair_id": "clerk"}, "chair"),
    ("chair unknown", {"chair_id": "f" * 32}, "chair"),
    ("child of another family", {"child_ids": ["amy", "other_child"]}, "children"),
    ("no children", {"child_ids": []}, "children"),
    ("unknown type", {"conference_type": "initial_conference"}, "conference_type"),
    ("unknown late reason", {"date": date(2027, 1, 8), "late_reason": "busy"}, "late_reason"),
    ("trigger after the conference", {"trigger_date": date(2027, 1, 7)}, "trigger_date"),
    ("initial without trigger", {"trigger_date": None}, "trigger_date"),
    ("unknown family", {"family_id": "f" * 32}, "family"),
    ("no length", {"duration_minutes": 0}, "duration_minutes"),
]


@pytest.mark.parametrize(
    ("changes", "field"), [(c, f) for _, c, f in REFUSALS], ids=[n for n, _, _ in REFUSALS]
)
def test_refusals_name_the_field_and_write_nothing(
    desk: Desk,
    people: People,
    count_rows: Callable[[], Counts],
    changes: dict[str, object],
    field: str,
) -> None:
    def person(value: object) -> object:
        return (
            getattr(people, value) if isinstance(value, str) and hasattr(people, value) else value
        )

    resolved = {
        name: [person(v) for v in value] if isinstance(value, list) else person(value)
        for name, value in changes.items()
    }
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        book_conference(desk, initial_request(people, **resolved))
    assert field in caught.value.errors
    assert count_rows() == before


def test_booking_leaves_audit_events_with_actor_and_after_values(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    conference_id = book_conference(desk, initial_request(people))

    booked = audit_events(record_type="conference", record_id=conference_id)
    assert [e.action for e in booked] == ["book"]
    event = booked[0]
    assert event.actor == ACTOR
    assert event.conference_id == conference_id
    assert event.before is None
    assert event.after is not None
    assert event.after["deadline"] == "2027-01-07"
    assert event.after["trigger_date"] == "2026-12-14"
    assert event.after["chair_id"] == people.iro
    assert event.after["status"] == "booked"

    links = audit_events(record_type="conference_child")
    assert [e.action for e in links] == ["add child", "add child"]
    assert {e.after["child_id"] for e in links if e.after} == {people.amy, people.ben}
    assert all(e.actor == ACTOR and e.conference_id == conference_id for e in links)


def test_each_booking_gets_its_own_reference(desk: Desk, people: People) -> None:
    ids = [
        book_conference(desk, initial_request(people, start_time=time(9 + 2 * n, 0)))
        for n in range(5)
    ]
    with desk.store.read() as session:
        references = session.exec(
            select(Conference.reference).where(col(Conference.id).in_(ids))
        ).all()
    assert len(set(references)) == 5
