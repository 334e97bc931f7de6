"""Standing down and re-booking by keys, and what the log and the late view then show.

The sample's 10:00 conference today (Wednesday 25 November 2026) is the initial conference of
the family `Smith [/x]`; its strategy discussion was on 16 November, so its deadline is
Monday 7 December 2026.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from siu_tui import clock
from siu_tui.app import SIUApp
from siu_tui.db.models import Conference, StandDown
from siu_tui.screens.booking import BookingScreen
from siu_tui.screens.record.actions import (
    HeldDialog,
    NextReviewDialog,
    RebookDialog,
    StandDownDialog,
)
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.screens.standdown import StoodDownScreen
from siu_tui.services import booking, changes, people
from siu_tui.services.context import Desk

from .conftest import column, settle

SIZE = (120, 40)


async def open_todays_first(pilot) -> ConferenceScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConferenceScreen)
    return pilot.app.screen


def details(pilot) -> str:  # type: ignore[no-untyped-def]
    return str(pilot.app.screen.query_one("#rebook-details", Static).render())


async def test_inquorate_initial_is_rebooked_held_late_and_logged(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_todays_first(pilot)
        original = record.conference_id
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, StandDownDialog)
        await pilot.press("ctrl+s")  # no reason chosen
        await settle(pilot)
        errors = [str(w.render()) for w in app.screen.query(".error") if w.display]
        assert errors == ["Choose why the conference was stood down"]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # Not quorate, the first reason
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RebookDialog)
        assert details(pilot).splitlines() == [
            "As: Initial re-convened, for the same children",
            "Keeps its deadline: 07/12/2026 (runs from 16/11/2026)",
            "Re-convene by: 09/12/2026",
        ]
        await pilot.press("b")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingScreen)
        assert form.query_one("#type", Select).value == "initial_reconvened"
        trigger = form.query_one("#trigger", Input)
        assert (trigger.value, trigger.disabled) == ("16/11/2026", True)
        assert "Monday 07/12/2026" in str(form.query_one("#deadline", Static).render())
        assert form.focused is form.query_one("#date")
        # A day after the deadline: the reason is already the stand-down's.
        await pilot.press(*"08/12/2026")
        await settle(pilot)
        assert form.query_one("#late").display
        assert form.query_one("#late-reason", Select).value == "not_quorate"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        rebooked = app.screen.conference_id
        assert rebooked != original
        title = str(app.screen.query_one("#record-title", Static).render())
        assert "Late because: Not quorate (key agency absent)" in title
        assert "which was stood down" in title

        # The day comes: it is held, late, for the reason carried over.
        clock.set_today(date(2026, 12, 8))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, HeldDialog)
        assert app.screen.query_one("#late_reason", Select).value == "not_quorate"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter", "tab", "space", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NextReviewDialog)
        await pilot.press("escape")
        await settle(pilot)

        # The log: stood down, re-booked after the deadline.
        await pilot.press("g", "l")  # l alone is a record key (copy list, letter sent)
        await settle(pilot)
        log = app.screen
        assert isinstance(log, StoodDownScreen)
        # Latest first: today's, then the sample's own from 20 November (not re-booked).
        table = log.query_one("#stood-down", DataTable)
        assert column(table, 0) == ["25/11/2026", "20/11/2026"]
        assert column(table, 2) == ["Smith [/x]", "Smith [/x]"]
        assert column(table, 5) == ["Not quorate (key agency absent)"] * 2
        assert column(table, 7) == ["08/12/26 held", "not re-booked"]
        assert column(table, 8) == ["missed", ""]
        totals = str(log.query_one("#sd-totals", Static).render())
        assert totals.startswith("2 stood down · 1 re-booked, 0 within the original deadline")
        assert "Not quorate (key agency absent): 2" in totals
        # The late view: the re-convened conference, its reason, what it re-books.
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert log.query_one(TabbedContent).active == "tab-late"
        late = log.query_one("#late", DataTable)
        assert column(late, 2) == ["Initial"]
        assert column(late, 6) == ["Not quorate (key agency absent)"]
        check = Desk.open(sample_url, "check")
        with check.store.read() as session:
            first = session.get(Conference, original)
            second = session.get(Conference, rebooked)
            stand_down = session.exec(
                select(StandDown).where(StandDown.conference_id == original)
            ).one()
        check.close()
        assert first is not None and second is not None
        assert column(late, 7) == [first.reference]
        assert (first.status, second.status) == ("stood_down", "held")
        assert (second.type, second.deadline, second.late_reason) == (
            "initial_reconvened",
            date(2026, 12, 7),
            "not_quorate",
        )
        assert stand_down.rebooked_conference_id == rebooked
        # Enter on a row opens its record.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        assert app.screen.conference_id == rebooked


async def test_review_stood_down_at_family_request_is_rebooked_in_time(db_url: str) -> None:
    desk = Desk.open(db_url, "fixture")
    chair = people.add_staff(desk, "Ada Chair", "iro")
    family = people.create_family(desk, "DEMO-F7", "Quillfeather")
    kid = people.add_child(
        desk, family, "DEMO71", "Ash", "Quillfeather", date_of_birth=date(2016, 1, 4)
    )
    clock.set_today(date(2026, 9, 1))
    initial = booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=family,
            child_ids=[kid],
            conference_type="initial",
            date=date(2026, 9, 1),
            trigger_date=date(2026, 8, 20),
            chair_id=chair,
        ),
    )
    changes.mark_held(desk, initial, {kid: changes.ChildOutcome("plan", ("neglect",))})
    clock.set_today(date(2026, 11, 25))
    booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=family,
            child_ids=[kid],
            conference_type="first_review",
            date=date(2026, 11, 25),
            chair_id=chair,
        ),
    )
    desk.close()
    app = SIUApp(db_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_todays_first(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*["down"] * 7, "enter")  # Family request
        await pilot.press("tab", "tab", "tab", *"Mother in hospital", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RebookDialog)
        assert details(pilot).splitlines() == [
            "As: 1st review, for the same children",
            "Keeps its deadline: 01/12/2026 (runs from 01/09/2026)",
        ]
        await pilot.press("escape")  # later, from the record
        await settle(pilot)
        record = app.screen
        assert isinstance(record, ConferenceScreen)
        title = str(record.query_one("#record-title", Static).render())
        assert "Stood down 25/11/2026 by the chair: Family request (Mother in hospital)" in title
        assert "not re-booked yet (n re-books it)" in title
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingScreen)
        assert form.query_one("#type", Select).value == "first_review"
        await pilot.press(*"30/11/2026")
        await settle(pilot)
        assert not form.query_one("#late").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        title = str(app.screen.query_one("#record-title", Static).render())
        assert "Monday 30/11/2026" in title and "Late because" not in title
        await pilot.press("g", "l")
        await settle(pilot)
        table = app.screen.query_one("#stood-down", DataTable)
        assert column(table, 5) == ["Family request"]
        assert column(table, 7) == ["30/11/26 booked"]
        assert column(table, 8) == ["met"]
