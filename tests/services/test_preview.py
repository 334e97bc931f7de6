"""The booking form's preview: the deadline, and what the clerk should know before saving.

Today is Wednesday 25 November 2026. Days of the week were checked on a calendar: 10 December
2026 is a Thursday, 28 December a Monday (the substitute day for Boxing Day, which falls on
Saturday 26th), 2 January 2027 a Saturday.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from siu_tui.services.booking import (
    BookingRequest,
    BookingWarning,
    book_conference,
    preview_booking,
)
from siu_tui.services.changes import cancel_conference
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.people import add_child
from siu_tui.services.record import conference_record
from siu_tui.services.reference import add_room

from .conftest import People
from .helpers import history_conference

TODAY = date(2026, 11, 25)
STRATEGY = date(2026, 11, 20)
"""A Friday strategy discussion: 15 working days later is Friday 11 December 2026."""
DEADLINE = date(2026, 12, 11)
WHEN = date(2026, 12, 10)


def request(people: People, **changes: object) -> BookingRequest:
    req = BookingRequest(
        family_id=people.family,
        child_ids=[people.amy, people.ben],
        conference_type="initial",
        date=WHEN,
        start_time=time(14, 0),
        duration_minutes=60,
        trigger_date=STRATEGY,
        chair_id=people.iro,
    )
    for name, value in changes.items():
        setattr(req, name, value)
    return req


def messages(warnings: list[BookingWarning]) -> list[str]:
    return [w.message for w in warnings]


def test_a_timely_weekday_booking_has_no_warnings(desk: Desk, people: People) -> None:
    preview = preview_booking(desk, request(people), TODAY)
    assert preview.trigger_date == STRATEGY
    assert preview.trigger_label == "Strategy discussion (s47 start)"
    assert not preview.trigger_from_previous
    assert preview.deadline == DEADLINE
    assert preview.days_left == 12  # Nov 26, 27; Nov 30 to Dec 4; Dec 7 to 11
    assert preview.warnings == []
    assert not preview.needs_reason


def test_the_deadline_runs_across_christmas(desk: Desk, people: People) -> None:
    preview = preview_booking(
        desk, request(people, trigger_date=date(2026, 12, 14), date=date(2027, 1, 6)), TODAY
    )
    assert preview.deadline == date(2027, 1, 7)
    # 28 working days: 25, 28 December and 1 January are bank holidays.
    assert preview.days_left == 28
    assert messages(preview.warnings) == ["The strategy discussion (s47 start) is in the future"]


def test_after_the_deadline_needs_a_reason(desk: Desk, people: People) -> None:
    preview = preview_booking(desk, request(people, date=date(2026, 12, 14)), TODAY)
    assert preview.deadline == DEADLINE
    assert preview.needs_reason
    (warning,) = preview.warnings
    assert warning.field == "date"
    assert warning.needs_reason
    assert warning.message == (
        "Monday 14 December 2026 is after the deadline (11/12/2026): choose a reason"
    )


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2026, 12, 5), "Saturday 5 December 2026 is at the weekend"),
        (date(2026, 12, 6), "Sunday 6 December 2026 is at the weekend"),
    ],
)
def test_weekend_dates_are_named(desk: Desk, people: People, day: date, message: str) -> None:
    preview = preview_booking(desk, request(people, date=day), TODAY)
    assert messages(preview.warnings) == [message]
    assert not preview.needs_reason


def test_bank_holidays_are_named(desk: Desk, people: People) -> None:
    christmas = dict(trigger_date=date(2026, 12, 14))
    preview = preview_booking(desk, request(people, date=date(2026, 12, 28), **christmas), TODAY)
    assert (
        BookingWarning(
            "date", "Monday 28 December 2026 is a bank holiday (substitute day for Boxing Day)"
        )
        in preview.warnings
    )
    preview = preview_booking(desk, request(people, date=date(2026, 12, 25), **christmas), TODAY)
    assert "Friday 25 December 2026 is a bank holiday (Christmas Day)" in messages(preview.warnings)
    preview = preview_booking(desk, request(people, date=date(2026, 12, 26), **christmas), TODAY)
    assert "Saturday 26 December 2026 is at the weekend (Boxing Day)" in messages(preview.warnings)


def test_a_past_date_and_a_trigger_after_the_conference(desk: Desk, people: People) -> None:
    preview = preview_booking(
        desk, request(people, date=date(2026, 11, 23), trigger_date=date(2026, 11, 24)), TODAY
    )
    assert messages(preview.warnings) == [
        "Monday 23 November 2026 has passed",
        "The strategy discussion (s47 start) is after the conference",
    ]


def test_chair_and_room_clashes_name_the_conference_family_and_time(
    desk: Desk, people: People
) -> None:
    room = add_room(desk, "Conference Room 2", "Civic Centre")
    history_conference(
        desk,
        people.other_family,
        [people.other_child],
        WHEN,
        status="booked",
        chair_id=people.iro,
        room_id=room,
        start=time(13, 0),
        duration=90,
        reference="CPC-261210-JONES",
    )
    preview = preview_booking(desk, request(people, room_id=room), TODAY)
    assert preview.warnings == [
        BookingWarning("chair", "Iris Reed already chairs CPC-261210-JONES (Jones) at 13:00–14:30"),
        BookingWarning(
            "room", "Conference Room 2 is booked for CPC-261210-JONES (Jones) at 13:00–14:30"
        ),
    ]
    # Back to back is no clash: one ends as the other starts.
    for start, length in ((time(14, 30), 60), (time(11, 30), 90)):
        preview = preview_booking(
            desk, request(people, room_id=room, start_time=start, duration_minutes=length), TODAY
        )
        assert preview.warnings == [], start
    preview = preview_booking(
        desk, request(people, room_id=room, start_time=time(12, 0), duration_minutes=61), TODAY
    )
    assert [w.field for w in preview.warnings] == ["chair", "room"]
    # Another chair in another room that day is no clash either.
    preview = preview_booking(desk, request(people, chair_id=None, room_id=None), TODAY)
    assert preview.warnings == []


def test_cancelled_conferences_do_not_clash(desk: Desk, people: People) -> None:
    other = history_conference(
        desk,
        people.other_family,
        [people.other_child],
        WHEN,
        status="booked",
        chair_id=people.iro,
        start=time(14, 0),
    )
    assert [w.field for w in preview_booking(desk, request(people), TODAY).warnings] == ["chair"]
    cancel_conference(desk, other, "Family moved away")
    assert preview_booking(desk, request(people), TODAY).warnings == []


def test_a_pre_birth_conference_after_28_weeks(desk: Desk, people: People) -> None:
    baby = add_child(
        desk, people.family, "CR1003", "Baby", "Smith", expected_date_of_birth=date(2027, 3, 1)
    )
    # 12 weeks before 1 March 2027 is Monday 7 December 2026: still in time.
    on_time = request(people, conference_type="initial_pre_birth", child_ids=[baby])
    on_time.date = date(2026, 12, 7)
    assert preview_booking(desk, on_time, TODAY).warnings == []
    on_time.date = date(2026, 12, 8)
    assert messages(preview_booking(desk, on_time, TODAY).warnings) == [
        "Baby Smith is due 01/03/2027: the conference is after 28 weeks' gestation"
    ]
    # Other types are not about gestation.
    on_time.conference_type = "initial"
    assert preview_booking(desk, on_time, TODAY).warnings == []


def test_a_review_takes_its_trigger_from_the_previous_held_conference(
    desk: Desk, people: People
) -> None:
    history_conference(desk, people.family, [people.amy], date(2026, 9, 10))
    review = request(
        people,
        conference_type="first_review",
        child_ids=[people.amy],
        trigger_date=None,
        date=date(2026, 12, 8),
    )
    preview = preview_booking(desk, review, TODAY)
    assert preview.trigger_from_previous
    assert preview.trigger_date == date(2026, 9, 10)
    assert preview.trigger_label == "Previous held conference"
    assert preview.deadline == date(2026, 12, 10)  # 3 months on, a Thursday
    assert preview.days_left == 11
    assert preview.warnings == []


def test_a_review_with_no_history_asks_for_the_trigger(desk: Desk, people: People) -> None:
    review = request(people, conference_type="first_review", trigger_date=None)
    preview = preview_booking(desk, review, TODAY)
    assert preview.trigger_date is None and preview.deadline is None
    assert preview.days_left is None
    assert [w.field for w in preview.warnings] == ["trigger_date"]


def test_a_first_review_after_pre_birth_is_capped_by_the_baby_not_the_sibling(
    desk: Desk, people: People
) -> None:
    """Amy (born 2015) and the baby were at the pre-birth conference on Monday 5 October 2026;
    the baby was born on Friday 20 November. The cap is 10 working days after the baby's
    birth (Friday 4 December), not after Amy's, and the preview and the booking agree."""
    baby = add_child(
        desk,
        people.family,
        "CR1003",
        "Baby",
        "Smith",
        date_of_birth=date(2026, 11, 20),
        sex="M",
    )
    history_conference(
        desk, people.family, [people.amy, baby], date(2026, 10, 5), ctype="initial_pre_birth"
    )
    review = request(
        people,
        conference_type="first_review",
        child_ids=[people.amy, baby],
        trigger_date=None,
        date=date(2026, 12, 3),
    )
    preview = preview_booking(desk, review, TODAY)
    assert preview.trigger_date == date(2026, 10, 5)
    assert preview.deadline == date(2026, 12, 4)  # not 5 January 2027 (3 months)
    conference_id = book_conference(desk, review)
    assert conference_record(desk, conference_id).deadline == date(2026, 12, 4)


@pytest.mark.parametrize(
    "changes",
    [
        {"conference_type": ""},
        {"conference_type": "initial_conference"},
        {"child_ids": []},
        {"trigger_date": None},
        {"family_id": "f" * 32},
        {"chair_id": "f" * 32, "room_id": "e" * 32},
    ],
)
def test_a_half_filled_form_never_fails(
    desk: Desk, people: People, changes: dict[str, object]
) -> None:
    preview = preview_booking(desk, request(people, **changes), TODAY)
    assert preview.days_left is None or preview.deadline is not None


def test_before_the_date_is_typed_the_deadline_shows_and_date_warnings_wait(
    desk: Desk, people: People
) -> None:
    """The form asks for a preview as soon as the type is chosen; with no date yet there is
    nothing to call late, a weekend or a clash, but the deadline is already known."""
    history_conference(desk, people.family, [people.amy], date(2026, 9, 10))
    booked = request(people)
    book_conference(desk, booked)  # the chair is busy on 10/12 at 14:00
    no_date = request(people, date=None)
    preview = preview_booking(desk, no_date, TODAY)
    assert (preview.deadline, preview.days_left) == (DEADLINE, 12)
    assert preview.warnings == []
    review = request(
        people, conference_type="first_review", child_ids=[people.amy], trigger_date=None, date=None
    )
    preview = preview_booking(desk, review, TODAY)
    assert preview.trigger_from_previous and preview.trigger_date == date(2026, 9, 10)
    assert preview.deadline == date(2026, 12, 10)


def test_booking_without_a_date_is_refused_by_field(desk: Desk, people: People) -> None:
    with pytest.raises(ValidationError) as refused:
        book_conference(desk, request(people, date=None))
    assert refused.value.errors == {"date": "Enter the date of the conference"}
