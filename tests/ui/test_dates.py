"""Dates that cannot be true, refused where they are typed: a child's birth in the booking form
and on the record, a conference marked held before its day, a report received tomorrow; and a
baby past its expected date flagged on home until the birth is recorded."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Label, Static

from siu_tui.app import SIUApp
from siu_tui.db.models import Child, Family, SocialWorkerReport
from siu_tui.screens.booking import AddChildModal, BookingScreen
from siu_tui.screens.record.child import EditChildModal
from siu_tui.screens.record.invites import SocialWorkerReportDialog
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.services import booking, people
from siu_tui.services.context import Desk

from .conftest import column, settle
from .test_booking import choose, fill, open_form, pick_family, tab_to
from .test_invites import open_invites, todays

SIZE = (130, 45)


@pytest.fixture
def births_url(sample_url: str) -> str:
    """The sample, with an unborn Quillfeather baby due 20/11/2026 (five days ago) and a
    pre-birth conference for the baby on Thursday 3 December."""
    desk = Desk.open(sample_url, "fixture")
    with desk.store.read() as session:
        family = session.exec(select(Family).where(Family.reference == "DEMO-F2")).one()
    baby = people.add_child(
        desk, family.id, "QF1", "Unborn", "Quillfeather", expected_date_of_birth=date(2026, 11, 20)
    )
    booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=family.id,
            child_ids=[baby],
            conference_type="initial_pre_birth",
            date=date(2026, 12, 3),
            start_time=time(10, 0),
            trigger_date=date(2026, 11, 20),
            venue="Conference Room 2",
        ),
    )
    desk.close()
    return sample_url


def notices(app: SIUApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def field_error(screen: object, widget_id: str) -> str:
    error = screen.query_one(f"#{widget_id}-error", Static)  # type: ignore[attr-defined]
    return str(error.render()) if error.display else ""


def baby(url: str) -> Child:
    desk = Desk.open(url, "check")
    try:
        with desk.store.read() as session:
            return session.exec(select(Child).where(Child.case_reference == "QF1")).one()
    finally:
        desk.close()


async def open_from_attention(pilot) -> ConferenceScreen:  # type: ignore[no-untyped-def]
    """Home: the "Record the birth" row of Needs attention, Enter."""
    await settle(pilot)
    table = pilot.app.screen.query_one("#attention", DataTable)
    kinds = column(table, 0)
    assert "Record the birth" in kinds
    table.focus()
    table.move_cursor(row=kinds.index("Record the birth"))
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConferenceScreen)
    return screen


async def test_home_flags_the_birth_and_the_record_refuses_dates_that_cannot_be_true(
    births_url: str,
) -> None:
    app = SIUApp(births_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        attention = app.screen.query_one("#attention", DataTable)
        row = column(attention, 0).index("Record the birth")
        assert [str(c) for c in attention.get_row_at(row)] == [
            "Record the birth",
            "20/11/2026",
            "Quillfeather",
            "Unborn Quillfeather · press e on the record",
        ]
        record = await open_from_attention(pilot)
        assert record.record is not None and record.record.date == date(2026, 12, 3)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EditChildModal)
        assert app.focused is not None and app.focused.id == "child-dob"
        # Born tomorrow: refused beside the date of birth, nothing written.
        await pilot.press(*"26/11/2026", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EditChildModal)
        assert field_error(dialog, "child-dob") == (
            "26/11/2026 is after today: a child not yet born has an expected date of birth instead"
        )
        # Born on Monday, but the expected date is still there: refused beside it.
        await fill(pilot, "child-dob", "23/11/2026")
        await choose(pilot, "child-sex", "fem")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert field_error(dialog, "child-edd") == (
            "A child who has been born has a date of birth only: clear the expected date"
        )
        assert baby(births_url).date_of_birth is None
        await fill(pilot, "child-first", "Dora")
        await fill(pilot, "child-edd", "")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is record
        assert "Dora Quillfeather's details changed" in notices(app)
        child = baby(births_url)
        assert (child.first_name, child.date_of_birth, child.expected_date_of_birth) == (
            "Dora",
            date(2026, 11, 23),
            None,
        )
        assert child.sex == "F"
        children = record.query_one("#children", DataTable)
        assert column(children, 0) == ["Dora Quillfeather"]
        assert column(children, 2) == ["23/11/2026"]
        # Home no longer asks for the birth.
        await pilot.press("escape")
        await settle(pilot)
        assert "Record the birth" not in column(app.screen.query_one("#attention", DataTable), 0)


async def test_marking_held_before_the_day_is_refused_before_the_dialog(births_url: str) -> None:
    app = SIUApp(births_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_from_attention(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is record
        assert "The conference is on 03/12/2026: it has not happened yet." in notices(app)


async def test_the_booking_form_refuses_a_child_s_impossible_birth_dates(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pick_family(pilot, "quill")
        await tab_to(pilot, "add-child")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddChildModal)
        await pilot.press(*"Zed")
        await fill(pilot, "child-dob", "26/11/2026")
        await fill(pilot, "child-edd", "01/12/2026")
        await choose(pilot, "child-sex", "male")
        await fill(pilot, "child-case-ref", "QF9")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "26/11/2026 is after today" in field_error(dialog, "child-dob")
        assert "clear the expected date" in field_error(dialog, "child-edd")
        # Unborn, due eleven weeks ago: the birth has happened, so it is asked for.
        await fill(pilot, "child-dob", "")
        await fill(pilot, "child-edd", "09/09/2026")
        await choose(pilot, "child-sex", "unknown")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert field_error(dialog, "child-edd") == (
            "09/09/2026 is more than 10 weeks ago: enter the date of birth instead"
        )
        desk = Desk.open(sample_url, "check")
        with desk.store.read() as session:
            assert session.exec(select(Child).where(Child.case_reference == "QF9")).first() is None
        desk.close()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)


async def test_the_social_worker_s_report_is_not_on_time_tomorrow(invites_url: str) -> None:
    app = SIUApp(invites_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_invites(pilot)
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SocialWorkerReportDialog)
        await pilot.press(*"26/11/2026")
        await pilot.pause()
        live = str(dialog.query_one("#live-to_parents", Static).render())
        assert live == "26/11/2026 is after today: it cannot have arrived yet"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        error = dialog.query_one("#error-to_parents", Label)
        assert error.display
        assert str(error.render()) == (
            "The date it reached the parents cannot be later than today (25/11/2026)"
        )
        desk, conference_id = todays(invites_url)
        with desk.store.read() as session:
            saved = session.exec(
                select(SocialWorkerReport).where(SocialWorkerReport.conference_id == conference_id)
            ).first()
        assert saved is None
        desk.close()
