"""An unborn child whose expected date has passed is flagged on home until the birth is
recorded, so no baby stays "unborn" in the records for ever."""

from __future__ import annotations

from datetime import date, time

from siu_tui import clock
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.context import Desk
from siu_tui.services.home import home_summary
from siu_tui.services.people import add_child, update_child

from .conftest import People

TODAY = date(2026, 11, 25)


def births(desk: Desk) -> list[tuple[str, date, str, str, str | None]]:
    summary = home_summary(desk, clock.today())
    return [
        (a.kind, a.when, a.family, a.detail, a.conference_id)
        for a in summary.attention
        if a.kind == "Record the birth"
    ]


def test_a_baby_past_its_expected_date_is_flagged_until_the_birth_is_recorded(
    desk: Desk, people: People
) -> None:
    due_yesterday = add_child(
        desk, people.family, "CR3001", "Unborn", "Smith", expected_date_of_birth=date(2026, 11, 24)
    )
    add_child(desk, people.family, "CR3002", "Baby", "Smith", expected_date_of_birth=TODAY)
    conference = book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[due_yesterday],
            conference_type="initial_pre_birth",
            date=date(2026, 12, 3),
            start_time=time(10, 0),
            trigger_date=date(2026, 11, 20),
            venue="Civic Centre",
        ),
    )
    before = home_summary(desk, TODAY).attention_total
    assert births(desk) == [
        (
            "Record the birth",
            date(2026, 11, 24),
            "Smith",
            "Unborn Smith · press e on the record",
            conference,
        )
    ]
    # The next day the baby due today is flagged too (no conference: nothing to open).
    clock.set_today(date(2026, 11, 26))
    assert [(b[3], b[4]) for b in births(desk)] == [
        ("Unborn Smith · press e on the record", conference),
        ("Baby Smith · press e on the record", None),
    ]
    clock.set_today(TODAY)
    update_child(desk, due_yesterday, "Dora", "Smith", date_of_birth=date(2026, 11, 23), sex="F")
    assert births(desk) == []
    assert home_summary(desk, TODAY).attention_total == before - 1
