"""A move is checked like a booking, and one chair or room is never booked twice at once.

Today is Wednesday 25 November 2026. The conferences are initial conferences on Monday
14 December 2026 at 13:30 (strategy discussion Tuesday 24 November: the deadline, 15 working
days on, is Tuesday 15 December). 26 December 2026 is a Saturday (Boxing Day); 25 December
is Christmas Day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest
from sqlmodel import select

from siu_tui.db.models import Conference
from siu_tui.services.booking import BookingRequest, book_conference, preview_booking
from siu_tui.services.changes import change_chair, move_conference, preview_move
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.people import add_child, add_staff
from siu_tui.services.reference import add_room

from .conftest import Counts, Event, People

TODAY = date(2026, 11, 25)
DAY = date(2026, 12, 14)
STRATEGY = date(2026, 11, 24)
DEADLINE = date(2026, 12, 15)


def request(people: People, **changes: object) -> BookingRequest:
    req = BookingRequest(
        family_id=people.family,
        child_ids=[people.amy],
        conference_type="initial",
        date=DAY,
        start_time=time(13, 30),
        trigger_date=STRATEGY,
        chair_id=people.iro,
    )
    for name, value in changes.items():
        setattr(req, name, value)
    return req


def jones(people: People, **changes: object) -> BookingRequest:
    """The Joneses' conference, with the same chair, booked first."""
    return request(people, family_id=people.other_family, child_ids=[people.other_child], **changes)


def reference(desk: Desk, conference_id: str) -> str:
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        return conference.reference


def stored(desk: Desk, conference_id: str) -> Conference:
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        return conference


# --- 3. One preview for a booking and a move -------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 12, 26), time(10, 0)),  # a Saturday, after the deadline
        (date(2026, 12, 25), time(10, 0)),  # Christmas Day, after the deadline
        (date(2026, 12, 16), time(10, 0)),  # after the deadline
        (DAY, time(14, 0)),  # the chair is at the Joneses' then, in the Blue Room
        (date(2026, 11, 20), time(10, 0)),  # passed, and before the strategy discussion
        (date(2026, 12, 9), time(10, 0)),  # nothing unusual
    ],
)
def test_a_move_warns_exactly_as_a_booking_of_the_same_slot_would(
    desk: Desk, people: People, day: date, start: time
) -> None:
    book_conference(desk, jones(people))
    room = add_room(desk, "Blue Room")
    book_conference(desk, jones(people, chair_id=None, room_id=room, start_time=time(15, 0)))
    mine = book_conference(desk, request(people, date=date(2026, 12, 10), room_id=room))
    moved = preview_move(desk, mine, date=day, start_time=start, today=TODAY)
    booked = preview_booking(desk, request(people, date=day, start_time=start, room_id=room), TODAY)
    assert moved.warnings == booked.warnings
    assert moved.deadline == booked.deadline == DEADLINE


def test_moving_a_pre_birth_conference_past_28_weeks_is_warned(desk: Desk, people: People) -> None:
    """The baby is due 1 March 2027: 28 weeks' gestation is Monday 7 December 2026."""
    baby = add_child(
        desk, people.family, "CR1003", "Baby", "Smith", expected_date_of_birth=date(2027, 3, 1)
    )
    conference_id = book_conference(
        desk,
        request(
            people,
            child_ids=[baby],
            conference_type="initial_pre_birth",
            date=date(2026, 12, 7),
            trigger_date=date(2026, 11, 23),
        ),
    )
    preview = preview_move(
        desk, conference_id, date=date(2026, 12, 8), start_time=time(10, 0), today=TODAY
    )
    assert [w.message for w in preview.warnings] == [
        "Baby Smith is due 01/03/2027: the conference is after 28 weeks' gestation"
    ]


def test_moving_to_christmas_day_or_a_saturday_is_warned(desk: Desk, people: People) -> None:
    conference_id = book_conference(desk, request(people))
    for day, text in (
        (date(2026, 12, 25), "Friday 25 December 2026 is a bank holiday (Christmas Day)"),
        (date(2026, 12, 26), "Saturday 26 December 2026 is at the weekend (Boxing Day)"),
        (date(2026, 12, 19), "Saturday 19 December 2026 is at the weekend"),
    ):
        preview = preview_move(desk, conference_id, date=day, start_time=time(10, 0), today=TODAY)
        assert text in [w.message for w in preview.warnings]


def test_a_move_before_the_strategy_discussion_is_refused(desk: Desk, people: People) -> None:
    conference_id = book_conference(desk, request(people))
    preview = preview_move(
        desk, conference_id, date=date(2026, 11, 23), start_time=time(10, 0), today=TODAY
    )
    assert [w.message for w in preview.warnings] == [
        "Monday 23 November 2026 has passed",
        "The strategy discussion (s47 start) is after the conference",
    ]
    with pytest.raises(ValidationError) as refused:
        move_conference(desk, conference_id, date=date(2026, 11, 23), start_time=time(10, 0))
    assert refused.value.errors == {
        "date": "The conference cannot be before the strategy discussion (s47 start) (24/11/2026)"
    }


# --- 4. A clash is refused at save, unless overridden with a reason ---------------------------


def test_booking_the_chair_twice_at_once_is_refused_naming_the_other_conference(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    first = book_conference(desk, jones(people))
    before = count_rows()
    with pytest.raises(ValidationError) as refused:
        book_conference(desk, request(people, start_time=time(14, 0)))
    assert refused.value.errors == {
        "chair": f"Iris Reed already chairs {reference(desk, first)} (Jones) at 13:30–15:00 "
        "that day: choose another time, or book anyway with a reason"
    }
    assert count_rows() == before
    # Back to back is no clash.
    book_conference(desk, request(people, start_time=time(15, 0)))


def test_booking_a_room_twice_at_once_is_refused(desk: Desk, people: People) -> None:
    room = add_room(desk, "Blue Room")
    first = book_conference(desk, jones(people, chair_id=None, room_id=room))
    with pytest.raises(ValidationError) as refused:
        book_conference(desk, request(people, room_id=room, start_time=time(12, 30)))
    assert refused.value.errors == {
        "room": f"Blue Room is booked for {reference(desk, first)} (Jones) at 13:30–15:00 "
        "that day: choose another room or time, or book anyway with a reason"
    }


def test_a_clash_booked_anyway_keeps_the_reason_in_the_audit_trail(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    first = book_conference(desk, jones(people))
    second = book_conference(
        desk, request(people, override_clash_reason="  Second room, same building  ")
    )
    (event,) = [e for e in audit_events("conference", second) if e.action == "book"]
    assert event.after is not None
    assert event.after["clash_override"] == "Second room, same building"
    assert reference(desk, first) in event.after["clashes_with"]
    # A reason given when nothing clashes is not recorded as an override.
    third = book_conference(
        desk, request(people, start_time=time(9, 0), override_clash_reason="Just in case")
    )
    (event,) = [e for e in audit_events("conference", third) if e.action == "book"]
    assert event.after is not None and "clash_override" not in event.after


def test_a_reason_holding_a_control_character_is_refused_and_nothing_booked(
    desk: Desk, people: People
) -> None:
    book_conference(desk, jones(people))
    with pytest.raises(ValidationError) as refused:
        book_conference(desk, request(people, override_clash_reason="Room 2\x1b]52;c;eA==\x07"))
    assert set(refused.value.errors) == {"override_clash_reason"}
    with desk.store.read() as session:
        assert len(session.exec(select(Conference)).all()) == 1


def test_a_move_into_a_clash_is_refused_then_allowed_with_a_reason(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    first = book_conference(desk, jones(people))
    mine = book_conference(desk, request(people, start_time=time(9, 0)))
    with pytest.raises(ValidationError) as refused:
        move_conference(desk, mine, date=DAY, start_time=time(14, 0))
    assert set(refused.value.errors) == {"chair"}
    assert reference(desk, first) in refused.value.errors["chair"]
    assert stored(desk, mine).start_time == time(9, 0)

    move_conference(
        desk, mine, date=DAY, start_time=time(14, 0), override_clash_reason="Chair asked for it"
    )
    assert stored(desk, mine).start_time == time(14, 0)
    (event,) = [e for e in audit_events("conference", mine) if e.action == "move"]
    assert event.after is not None and event.after["clash_override"] == "Chair asked for it"
    # Changing only the venue of a conference already booked anyway is not refused again.
    move_conference(desk, mine, date=DAY, start_time=time(14, 0), venue="Civic Centre")
    assert stored(desk, mine).venue == "Civic Centre"


def test_a_new_chair_who_already_chairs_another_conference_then_is_refused_unless_with_a_reason(
    desk: Desk,
    people: People,
    count_rows: Callable[[], Counts],
    audit_events: Callable[..., list[Event]],
) -> None:
    first = book_conference(desk, jones(people))  # Iris Reed chairs the Joneses at 13:30
    olu = add_staff(desk, "Olu Other", "iro")
    mine = book_conference(desk, request(people, chair_id=olu, start_time=time(14, 0)))
    before = count_rows()
    with pytest.raises(ValidationError) as refused:
        change_chair(desk, mine, people.iro)
    assert refused.value.errors == {
        "chair": f"Iris Reed already chairs {reference(desk, first)} (Jones) at 13:30–15:00 "
        "that day: choose another time, or book anyway with a reason"
    }
    assert count_rows() == before
    assert stored(desk, mine).chair_id == olu

    change_chair(desk, mine, people.iro, override_clash_reason="  Chairs both, back to back  ")
    assert stored(desk, mine).chair_id == people.iro
    (event,) = [e for e in audit_events("conference", mine) if e.action == "change chair"]
    assert event.after is not None
    assert event.after["clash_override"] == "Chairs both, back to back"
    assert reference(desk, first) in event.after["clashes_with"]
    # A chair free at that time needs no reason, and none is recorded.
    change_chair(desk, mine, olu, override_clash_reason="Just in case")
    last = [e for e in audit_events("conference", mine) if e.action == "change chair"][-1]
    assert last.after is not None and "clash_override" not in last.after
