"""Changing a booked conference from its record, by keys: move, chair, cancel, mark held."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import select
from textual.widgets import DataTable, Input, Label, Select, SelectionList, Static

from siu_tui import clock
from siu_tui.app import SIUApp
from siu_tui.db.models import ChildProtectionPlan
from siu_tui.screens.booking import BookingScreen
from siu_tui.screens.record.actions import (
    CancelDialog,
    ChairDialog,
    HeldDialog,
    MoveDialog,
    NextReviewDialog,
)
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.services import booking, changes, people
from siu_tui.services.context import Desk
from siu_tui.services.record import conference_record

from .conftest import column, settle

SIZE = (130, 45)


async def open_todays_first(pilot) -> ConferenceScreen:  # type: ignore[no-untyped-def]
    """Home, first of today's conferences (10:00, `Smith [/x]`), Enter: the home screen puts
    the cursor there itself."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConferenceScreen)
    return screen


def error(pilot, field: str) -> str:  # type: ignore[no-untyped-def]
    label = pilot.app.screen.query_one(f"#error-{field}", Label)
    return str(label.render()) if label.display else ""


async def retype(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("end", *["backspace"] * 12, *text)


async def test_move_refuses_a_wrong_date_then_moves_and_keeps_the_old_one(
    sample_url: str,
) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_todays_first(pilot)
        conference_id = record.conference_id
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        await retype(pilot, "30/02/2026")
        await pilot.press("enter")
        await settle(pilot)
        assert "30/02/2026 is not a real date" in error(pilot, "date")
        await retype(pilot, "tomorrow")
        await pilot.press("enter")
        await settle(pilot)
        assert "DD/MM/YYYY" in error(pilot, "date")
        # Past the deadline (07/12/2026) without a reason: refused beside the reason.
        await retype(pilot, "10/12/2026")
        await pilot.press("enter")
        await settle(pilot)
        assert "after the deadline (07/12/2026)" in error(pilot, "late_reason")
        desk = Desk.open(sample_url, "check")
        assert conference_record(desk, conference_id).date == date(2026, 11, 25)
        await retype(pilot, "27/11/2026")
        await pilot.press("tab", "end", *["backspace"] * 5, *"14:30", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        moved = conference_record(desk, conference_id)
        assert (moved.date, str(moved.start_time)) == (date(2026, 11, 27), "14:30:00")
        title = str(app.screen.query_one("#record-title", Static).render())
        assert "Friday 27/11/2026 at 14:30" in title
        history = app.screen.query_one("#history", DataTable)
        moves = [
            c for a, c in zip(column(history, 2), column(history, 4), strict=True) if a == "move"
        ]
        assert moves and "date: 2026-11-25 → 2026-11-27" in moves[0]
        desk.close()


def warnings_on(pilot) -> str:  # type: ignore[no-untyped-def]
    box = pilot.app.screen.query_one("#move-warnings", Static)
    return str(box.render()) if box.display else ""


async def test_move_warns_as_the_clerk_types_before_saving(sample_url: str) -> None:
    """The Move dialog gives the booking form's warnings, live: a Saturday, Christmas Day
    (after the deadline, 07/12/2026, too), and nothing for an ordinary weekday."""
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_todays_first(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        assert warnings_on(pilot) == ""
        await retype(pilot, "28/11/2026")
        await settle(pilot)
        assert warnings_on(pilot) == "⚠ Saturday 28 November 2026 is at the weekend"
        await retype(pilot, "25/12/2026")
        await settle(pilot)
        shown = warnings_on(pilot)
        assert "⚠ Friday 25 December 2026 is after the deadline (07/12/2026)" in shown
        assert "⚠ Friday 25 December 2026 is a bank holiday (Christmas Day)" in shown
        await retype(pilot, "26/11/2026")
        await settle(pilot)
        assert warnings_on(pilot) == ""
        # Nothing is saved by looking.
        desk = Desk.open(sample_url, "check")
        assert conference_record(desk, record.conference_id).date == date(2026, 11, 25)
        desk.close()


async def test_a_move_onto_the_chairs_other_conference_needs_a_reason(sample_url: str) -> None:
    """Ada chairs the second of today's conferences at 14:00: moving the first to 14:30 shows
    the clash and the field for a reason; saving without one is refused beside it."""
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_todays_first(pilot)
        await pilot.press("m")
        await settle(pilot)
        clash = app.screen.query_one("#clash")
        assert not clash.display
        await pilot.press("tab")
        await retype(pilot, "14:30")
        await settle(pilot)
        assert "⚠ Ada Chair already chairs CPC-261125-T0002" in warnings_on(pilot)
        assert "at 14:00–15:30" in warnings_on(pilot)
        assert clash.display
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        assert "choose another time, or book anyway with a reason" in error(pilot, "chair")
        await pilot.press("tab", "tab", *"Second room, same building", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        desk = Desk.open(sample_url, "check")
        moved = conference_record(desk, record.conference_id)
        desk.close()
        assert str(moved.start_time) == "14:30:00"
        history = app.screen.query_one("#history", DataTable)
        moves = [
            c for a, c in zip(column(history, 2), column(history, 4), strict=True) if a == "move"
        ]
        assert moves and "clash_override: Second room, same building" in moves[0]


async def test_cancel_needs_a_reason(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_todays_first(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CancelDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert error(pilot, "reason") == "Say why the conference is cancelled"
        await pilot.press(*"Family moved to another authority", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        desk = Desk.open(sample_url, "check")
        cancelled = conference_record(desk, record.conference_id)
        assert cancelled.status == "cancelled"
        assert cancelled.cancel_reason == "Family moved to another authority"
        desk.close()
        await pilot.press("m")  # a cancelled conference cannot be moved
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)


async def test_change_chair(sample_url: str) -> None:
    desk = Desk.open(sample_url, "fixture")
    people.add_staff(desk, "Bea Second-Chair", "iro")
    desk.close()
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_todays_first(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("enter")  # open the list of chairs
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")  # Bea comes after Ada
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        check = Desk.open(sample_url, "check")
        assert conference_record(check, record.conference_id).chair_name == "Bea Second-Chair"
        check.close()


async def test_a_new_chair_busy_at_that_time_is_refused_then_booked_anyway_with_a_reason(
    sample_url: str,
) -> None:
    """Bea chairs another family's conference today at 10:30: giving her today's 10:00 is
    refused beside the chair, naming it; the dialog then asks for a reason, which is kept."""
    desk = Desk.open(sample_url, "fixture")
    bea = people.add_staff(desk, "Bea Second-Chair", "iro")
    family = people.create_family(desk, "DEMO-F8", "Underhill")
    child = people.add_child(
        desk, family, "DEMO8", "Kit", "Underhill", date_of_birth=date(2015, 3, 1)
    )
    other = booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=family,
            child_ids=[child],
            conference_type="initial",
            date=date(2026, 11, 25),
            start_time=time(10, 30),
            trigger_date=date(2026, 11, 16),
            chair_id=bea,
        ),
    )
    other_reference = conference_record(desk, other).reference
    desk.close()
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_todays_first(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ChairDialog)
        assert not app.screen.query_one("#clash").display
        await pilot.press("enter")  # open the list of chairs
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")  # Bea comes after Ada
        await settle(pilot)
        assert isinstance(app.screen, ChairDialog)
        assert error(pilot, "chair") == (
            f"Bea Second-Chair already chairs {other_reference} (Underhill) at 10:30–12:00 "
            "that day: choose another time, or book anyway with a reason"
        )
        assert app.screen.query_one("#clash").display
        check = Desk.open(sample_url, "check")
        assert conference_record(check, record.conference_id).chair_name == "Ada Chair"
        await pilot.press("tab", *"Ada is ill; Bea covers both", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        assert conference_record(check, record.conference_id).chair_name == "Bea Second-Chair"
        check.close()
        history = app.screen.query_one("#history", DataTable)
        changed = [
            c
            for a, c in zip(column(history, 2), column(history, 4), strict=True)
            if a == "change chair"
        ]
        assert changed and "clash_override: Ada is ill; Bea covers both" in changed[0]


async def test_mark_held_starts_a_plan_and_offers_the_first_review(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_todays_first(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, HeldDialog)
        await pilot.press("ctrl+s")  # no decision yet
        await settle(pilot)
        assert isinstance(app.screen, HeldDialog)
        shown = [str(w.render()) for w in app.screen.query(".error") if w.display]
        assert shown == ["Choose the decision for Robin Smith [/x]"]
        await pilot.press("enter")  # open the decision list: (blank), Plan, No plan
        await pilot.pause()
        await pilot.press("down", "enter")  # Plan
        await pilot.press("tab", "space", "down", "down", "space")  # neglect and emotional
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The next review is offered there and then, with its deadline.
        assert isinstance(app.screen, NextReviewDialog)
        offered = str(app.screen.query_one("#next-deadline", Static).render())
        assert offered == "1st review by 25/02/2027"
        await pilot.press("b")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingScreen)
        assert form.query_one("#type", Select).value == "first_review"
        assert form.query_one("#trigger", Input).value == "25/11/2026"
        assert "25/02/2027" in str(form.query_one("#deadline", Static).render())
        assert "Smith [/x]" in str(form.query_one("#family-chosen", Static).render())
        assert form.focused is form.query_one("#date")
        assert form.query_one("#chair", Select).value == record.record.chair_id
        await pilot.press(*"10/02/2027", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        assert app.screen.conference_id != record.conference_id
        check = Desk.open(sample_url, "check")
        held = conference_record(check, record.conference_id)
        assert held.status == "held"
        assert held.children[0].categories == ("neglect", "emotional")
        review = conference_record(check, app.screen.conference_id)
        assert (review.type, review.date) == ("first_review", date(2027, 2, 10))
        assert review.chair_name == "Ada Chair"
        assert (review.trigger_date, review.deadline) == (date(2026, 11, 25), date(2027, 2, 25))
        assert [c.id for c in review.children] == [c.id for c in held.children]
        check.close()
        # Back on the held conference: the plan shows.
        await pilot.press("escape")
        await settle(pilot)
        children = app.screen.query_one("#children", DataTable)
        assert column(children, 5) == ["Plan"]
        assert "on a plan since 25/11/2026" in column(children, 7)[0]


async def test_review_ends_one_plan_and_offers_the_next_review_for_the_other(
    db_url: str,
) -> None:
    """Two siblings on plans since an initial conference in August; at today's first review
    one plan continues and the other ends."""
    desk = Desk.open(db_url, "fixture")
    chair = people.add_staff(desk, "Ada Chair", "iro")
    family = people.create_family(desk, "DEMO-F9", "Quillfeather")
    kids = [
        people.add_child(
            desk, family, f"DEMO9{n}", name, "Quillfeather", date_of_birth=date(2016, 1, 4)
        )
        for n, name in enumerate(("Ash", "Birch"))
    ]
    clock.set_today(date(2026, 8, 26))
    initial = booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=family,
            child_ids=kids,
            conference_type="initial",
            date=date(2026, 8, 26),
            trigger_date=date(2026, 8, 10),
            chair_id=chair,
        ),
    )
    changes.mark_held(desk, initial, {k: changes.ChildOutcome("plan", ("neglect",)) for k in kids})
    clock.set_today(date(2026, 11, 25))
    review_id = booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=family,
            child_ids=kids,
            conference_type="first_review",
            date=date(2026, 11, 25),
            chair_id=chair,
        ),
    )
    desk.close()
    app = SIUApp(db_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_todays_first(pilot)
        assert record.conference_id == review_id
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, HeldDialog)
        # Every child's four categories are in view, the plan's current one ticked.
        lists = list(app.screen.query(SelectionList))
        assert [len(x.selected) for x in lists] == [1, 1]
        assert all(x.content_region.height >= 4 for x in lists)
        # Ash: Plan continues (first choice), neglect stays ticked.
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        # Birch: Plan ends (second choice), and its category is unticked.
        await pilot.press("tab", "tab", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter", "tab", "space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NextReviewDialog)
        offered = str(app.screen.query_one("#next-deadline", Static).render())
        assert offered == "Subsequent review by 25/05/2027"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        children = app.screen.query_one("#children", DataTable)
        assert column(children, 5) == ["Plan continues", "Plan ends"]
        assert "ended 25/11/2026" in column(children, 7)[1]
    check = Desk.open(db_url, "check")
    with check.store.read() as session:
        plans = {p.child_id: p for p in session.exec(select(ChildProtectionPlan)).all()}
    assert plans[kids[0]].end_date is None
    assert plans[kids[1]].end_date == date(2026, 11, 25)
    assert plans[kids[1]].end_conference_id == review_id
    check.close()
