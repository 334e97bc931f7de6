"""The booking form, driven by keys as a clerk would: Tab between fields, type, Enter to pick.

Today is Wednesday 25 November 2026 (tests/conftest.py). Deadlines below were worked out
with ``domain.timescales`` and checked against a calendar: 15 working days after Friday
20 November is Friday 11 December; three months after 1 October is 1 January 2027, a bank
holiday, so Thursday 31 December; 28 December 2026 is the substitute day for Boxing Day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, OptionList, SelectionList, Static

from siu_tui.app import SIUApp
from siu_tui.domain.dates import parse_date
from siu_tui.screens.booking import AddChildModal, BookingScreen, ConfirmDiscard, NewFamilyModal
from siu_tui.screens.conferences import ConferencesScreen
from siu_tui.screens.home import HomeScreen
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.services import booking, people
from siu_tui.services.changes import ChildOutcome, mark_held
from siu_tui.services.conferences import ConferenceFilter, count_conferences
from siu_tui.services.context import Desk
from siu_tui.services.record import ConferenceRecord, conference_record
from siu_tui.services.reference import add_locality_team, add_room

from .conftest import MARKUP_FAMILIES, column, settle

SIZE = (120, 40)
"""The terminal a clerk's laptop gives them; the form must work at this size."""
TODAY = date(2026, 11, 25)
ANN = "[b]Ann[/b] O'Neil-Ślęzak"


# --- fixture data ---------------------------------------------------------------------------


def _held(desk: Desk, family: str, child: str, ctype: str, day: date, decision: str) -> None:
    """A conference that took place: booked in the past, then marked held with a plan."""
    request = booking.BookingRequest(
        family_id=family,
        child_ids=[child],
        conference_type=ctype,
        date=day,
        start_time=time(10, 0),
        trigger_date=date(day.year, day.month, 1) if ctype.startswith("initial") else None,
        venue="Civic Centre",
    )
    conference = booking.book_conference(desk, request)
    mark_held(desk, conference, {child: ChildOutcome(decision, ("neglect",))})


@pytest.fixture
def booking_url(sample_url: str) -> str:
    """The sample families, plus one family for each kind of booking.

    - Brook: a child, no history (initial, transfer-in, re-convened, clashes, wrong dates).
    - Dale: an unborn baby due 1 March 2027 (28 weeks' gestation is 7 December 2026).
    - Evans: an initial conference held 1 October 2026 that made a plan (1st review).
    - Ford: an initial held 10 March 2026 and its 1st review held 10 June (subsequent review).
    """
    desk = Desk.open(sample_url, "fixture")
    add_room(desk, "Blue Room", "Civic Centre")
    for team in ("North", "South"):
        add_locality_team(desk, team)
    brook = people.create_family(desk, "BRK-1", "Brook", locality_team="North")
    people.add_child(desk, brook, "BRK1", "Alex", "Brook", date_of_birth=date(2016, 5, 5), sex="M")
    dale = people.create_family(desk, "DAL-1", "Dale", locality_team="North")
    people.add_child(desk, dale, "DAL1", "Baby", "Dale", expected_date_of_birth=date(2027, 3, 1))
    evans = people.create_family(desk, "EVA-1", "Evans", locality_team="North")
    eve = people.add_child(
        desk, evans, "EVA1", "Eve", "Evans", date_of_birth=date(2019, 2, 2), sex="F"
    )
    _held(desk, evans, eve, "initial", date(2026, 10, 1), "plan")
    ford = people.create_family(desk, "FRD-1", "Ford", locality_team="North")
    finn = people.add_child(
        desk, ford, "FRD1", "Finn", "Ford", date_of_birth=date(2014, 8, 8), sex="M"
    )
    _held(desk, ford, finn, "initial", date(2026, 3, 10), "plan")
    _held(desk, ford, finn, "first_review", date(2026, 6, 10), "continue")
    desk.close()
    return sample_url


def conferences_in(url: str) -> int:
    desk = Desk.open(url, "check")
    try:
        return count_conferences(desk, ConferenceFilter(), TODAY)
    finally:
        desk.close()


def record_of(url: str, conference_id: str) -> ConferenceRecord:
    desk = Desk.open(url, "check")
    try:
        return conference_record(desk, conference_id)
    finally:
        desk.close()


# --- driving the form by keys ---------------------------------------------------------------


async def open_form(pilot: Pilot) -> BookingScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BookingScreen)
    return screen


async def tab_to(pilot: Pilot, widget_id: str) -> None:
    """Press Tab until the field has focus, as a clerk would (a field arrived at by Tab keeps
    its text unselected, so typing adds to it)."""
    for _ in range(40):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}")


async def fill(pilot: Pilot, widget_id: str, text: str) -> None:
    """Type into a field, replacing what it held (End, then Ctrl+U clears to the left)."""
    await tab_to(pilot, widget_id)
    await pilot.press("end", "ctrl+u", *text)
    await settle(pilot)


async def choose(pilot: Pilot, widget_id: str, text: str) -> None:
    """Open a list with Enter, type to jump to the entry, Enter to pick it."""
    await tab_to(pilot, widget_id)
    await pilot.press("enter", *text, "enter")
    await settle(pilot)


async def pick_family(pilot: Pilot, search: str) -> None:
    """Type in the search box (focused when the form opens) and press Enter on the match."""
    assert pilot.app.focused is not None and pilot.app.focused.id == "family-search"
    await pilot.press(*search)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def text_of(screen: BookingScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def error_of(screen: BookingScreen, widget_id: str) -> str:
    error = screen.query_one(f"#{widget_id}-error", Static)
    return str(error.render()) if error.display else ""


def notices(app: SIUApp) -> list[str]:
    return [n.message for n in app._notifications]


# --- booking each type ----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    search: str
    type_keys: str
    trigger_label: str
    trigger: str | None
    """Typed by the clerk; None for a review, where the form fills it in."""
    when: str
    deadline: str
    warnings: tuple[str, ...]
    expected_type: str
    expected_trigger: date
    expected_deadline: date


CASES = {
    "initial": Case(
        "brook",
        "initial",
        "Strategy discussion (s47 start)",
        "20/11/2026",
        "10/12/2026",
        "Deadline: Friday 11/12/2026 · 12 working days left",
        (),
        "initial",
        date(2026, 11, 20),
        date(2026, 12, 11),
    ),
    "pre-birth": Case(
        "dale",
        "pre-b",
        "Strategy discussion (s47 start)",
        "2026-11-23",  # pasted ISO dates are accepted too
        "10/12/2026",
        "Deadline: Monday 14/12/2026 · 13 working days left",
        ("Baby Dale is due 01/03/2027: the conference is after 28 weeks' gestation",),
        "initial_pre_birth",
        date(2026, 11, 23),
        date(2026, 12, 14),
    ),
    "transfer-in": Case(
        "brook",
        "transf",
        "Notification from transferring authority",
        "24/11/2026",
        "14/12/2026",
        "Deadline: Tuesday 15/12/2026 · 14 working days left",
        (),
        "initial_transfer_in",
        date(2026, 11, 24),
        date(2026, 12, 15),
    ),
    "re-convened": Case(
        "brook",
        "re-con",
        "Strategy discussion (s47 start)",
        "16/11/2026",
        "7/12/2026",  # D/M/YYYY as typed in a hurry
        "Deadline: Monday 07/12/2026 · 8 working days left",
        (),
        "initial_reconvened",
        date(2026, 11, 16),
        date(2026, 12, 7),
    ),
    "1st review": Case(
        "evans",
        "1st",
        "Previous held conference",
        None,
        "17/12/2026",
        "Deadline: Thursday 31/12/2026 · 24 working days left",
        (),
        "first_review",
        date(2026, 10, 1),
        date(2026, 12, 31),
    ),
    "subsequent review": Case(
        "ford",
        "subs",
        "Previous held conference",
        None,
        "09/12/2026",
        "Deadline: Thursday 10/12/2026 · 11 working days left",
        (),
        "subsequent_review",
        date(2026, 6, 10),
        date(2026, 12, 10),
    ),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
async def test_book_each_type_with_keys_only(booking_url: str, case: Case) -> None:
    app = SIUApp(booking_url, user="tester")
    before = conferences_in(booking_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await pick_family(pilot, case.search)
        children = screen.query_one("#children", SelectionList)
        assert len(children.selected) == 1  # ticked by default
        await choose(pilot, "type", case.type_keys)
        assert str(screen.query_one("#trigger-label", Label).render()) == case.trigger_label
        if case.trigger is None:
            # A review runs from the children's previous held conference: filled in, and said.
            trigger = screen.query_one("#trigger", Input)
            assert trigger.value == f"{case.expected_trigger:%d/%m/%Y}"
            assert "last held conference" in text_of(screen, "#trigger-note")
        else:
            await fill(pilot, "trigger", case.trigger)
        await fill(pilot, "date", case.when)
        await fill(pilot, "start-time", "13:30")
        await fill(pilot, "duration", "60")
        await choose(pilot, "room", "blue")
        await choose(pilot, "chair", "ada")
        await choose(pilot, "clerk", "cal")
        assert text_of(screen, "#deadline") == case.deadline
        warnings = text_of(screen, "#warnings")
        for warning in case.warnings:
            assert warning in warnings
        if not case.warnings:
            assert warnings == ""
        assert not screen.query_one("#late").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        conference_id = app.screen.conference_id
        assert any(n.startswith("Booked: ") for n in notices(app))
        await pilot.press("escape")  # the record closes back to where the form was opened
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert conferences_in(booking_url) == before + 1
    record = record_of(booking_url, conference_id)
    assert record.type == case.expected_type
    assert record.trigger_date == case.expected_trigger
    assert record.deadline == case.expected_deadline
    assert record.date == parse_date(case.when)
    assert (record.start_time, record.duration_minutes) == (time(13, 30), 60)
    assert (record.room_name, record.chair_name, record.clerk_name) == (
        "Blue Room",
        "Ada Chair",
        "Cal Clerk",
    )
    assert record.late_reason is None
    assert len(record.children) == 1


async def test_conferences_screen_books_with_n(booking_url: str) -> None:
    app = SIUApp(booking_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConferencesScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        await pilot.press("escape")  # nothing typed: closes without asking
        await settle(pilot)
        assert isinstance(app.screen, ConferencesScreen)


# --- warnings and reasons -------------------------------------------------------------------


async def test_a_chair_already_booked_then_is_a_clash(booking_url: str) -> None:
    """Ada chairs Smith [/x] at 10:00-11:30 today: 11:00 overlaps, 11:30 does not."""
    app = SIUApp(booking_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await pick_family(pilot, "brook")
        await choose(pilot, "type", "initial")
        await fill(pilot, "trigger", "20/11/2026")
        await fill(pilot, "date", "25/11/2026")
        await fill(pilot, "start-time", "11:00")
        await choose(pilot, "chair", "ada")
        warnings = text_of(screen, "#warnings")
        assert "⚠ Ada Chair already chairs CPC-261125-T0001 (Smith [/x]) at 10:00–11:30" in warnings
        await fill(pilot, "start-time", "11:30")
        assert "already chairs" not in text_of(screen, "#warnings")
        assert not screen.query_one("#clash").display
        await fill(pilot, "start-time", "11:00")
        assert screen.query_one("#clash").display  # the way to book anyway
        # Saving the clash is refused beside the chair, naming the other conference.
        before = conferences_in(booking_url)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert error_of(screen, "chair") == (
            "Ada Chair already chairs CPC-261125-T0001 (Smith [/x]) at 10:00–11:30 that day: "
            "choose another time, or book anyway with a reason"
        )
        assert conferences_in(booking_url) == before
        # A clerk who means it says why, and the history keeps it.
        await fill(pilot, "clash-reason", "Second room in the same building")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        assert conferences_in(booking_url) == before + 1
        history = app.screen.query_one("#history", DataTable)
        (booked,) = [
            c for a, c in zip(column(history, 2), column(history, 4), strict=True) if a == "book"
        ]
        assert "clash_override: Second room in the same building" in booked


async def test_a_late_booking_needs_a_reason(booking_url: str) -> None:
    app = SIUApp(booking_url, user="tester")
    before = conferences_in(booking_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await pick_family(pilot, "brook")
        await choose(pilot, "type", "initial")
        await fill(pilot, "trigger", "01/10/2026")
        await fill(pilot, "date", "10/12/2026")
        assert text_of(screen, "#deadline") == (
            "Deadline: Thursday 22/10/2026 · passed 24 working days ago"
        )
        assert "is after the deadline (22/10/2026): choose a reason" in text_of(screen, "#warnings")
        assert screen.query_one("#late").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert "choose a reason" in error_of(screen, "late-reason")
        assert app.focused is not None and app.focused.id == "late-reason"
        assert conferences_in(booking_url) == before  # nothing saved
        await pilot.press("enter", *"other", "enter")
        await settle(pilot)
        assert error_of(screen, "late-reason") == ""
        await pilot.press("ctrl+s")  # "Other" needs a note too
        await settle(pilot)
        assert error_of(screen, "late-note") == "Say what the other reason is"
        assert app.focused is not None and app.focused.id == "late-note"
        await pilot.press(*"Chair ill")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        conference_id = app.screen.conference_id
    record = record_of(booking_url, conference_id)
    assert (record.late_reason, record.late_note) == ("other", "Chair ill")
    assert record.late


async def test_a_bank_holiday_is_named(booking_url: str) -> None:
    app = SIUApp(booking_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await pick_family(pilot, "brook")
        await choose(pilot, "type", "initial")
        await fill(pilot, "trigger", "14/12/2026")
        await fill(pilot, "date", "28/12/2026")
        assert text_of(screen, "#deadline") == (
            "Deadline: Thursday 07/01/2027 · 28 working days left"
        )
        assert (
            "⚠ Monday 28 December 2026 is a bank holiday (substitute day for Boxing Day)"
            in text_of(screen, "#warnings")
        )
        await fill(pilot, "date", "02/01/2027")
        assert "Saturday 2 January 2027 is at the weekend" in text_of(screen, "#warnings")


@pytest.mark.parametrize(
    ("typed", "message"),
    [("30/02/2026", "30/02/2026 is not a real date"), ("tomorrow", "Enter a date as DD/MM/YYYY")],
)
async def test_a_wrong_date_is_refused_at_the_field(
    booking_url: str, typed: str, message: str
) -> None:
    app = SIUApp(booking_url, user="tester")
    before = conferences_in(booking_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await pick_family(pilot, "brook")
        await choose(pilot, "type", "initial")
        await fill(pilot, "trigger", "20/11/2026")
        await fill(pilot, "date", typed)
        await pilot.press("tab")  # leaving the field checks it
        await settle(pilot)
        assert error_of(screen, "date") == message
        assert screen.query_one("#date").has_class("-invalid")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert error_of(screen, "date") == message
        assert app.focused is not None and app.focused.id == "date"
        assert conferences_in(booking_url) == before
        # Putting it right clears the message as soon as the date can be read.
        await pilot.press(*["backspace"] * len(typed), *"10/12/2026")
        await settle(pilot)
        assert error_of(screen, "date") == ""
        assert not screen.query_one("#date").has_class("-invalid")


async def test_a_wrong_start_time_and_blank_fields_are_named(booking_url: str) -> None:
    app = SIUApp(booking_url, user="tester")
    before = conferences_in(booking_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(screen, "family-search").startswith("Choose a family")
        assert error_of(screen, "type") == "Choose the conference type"
        assert error_of(screen, "date") == "Enter the date of the conference"
        assert app.focused is not None and app.focused.id == "family-search"
        await pick_family(pilot, "brook")
        assert error_of(screen, "family-search") == ""
        await fill(pilot, "start-time", "25:00")
        await pilot.press("tab")
        await settle(pilot)
        assert error_of(screen, "start-time") == "25:00 is not a time of day"
        assert conferences_in(booking_url) == before


async def test_a_refusal_from_the_service_is_shown_by_its_field(booking_url: str) -> None:
    """The service refuses a trigger after the conference; the form shows it by the trigger."""
    app = SIUApp(booking_url, user="tester")
    before = conferences_in(booking_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await pick_family(pilot, "brook")
        await choose(pilot, "type", "transf")
        await fill(pilot, "trigger", "20/12/2026")
        await fill(pilot, "date", "10/12/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert error_of(screen, "trigger") == (
            "The notification from transferring authority cannot be after the conference"
        )
        assert app.focused is not None and app.focused.id == "trigger"
        assert conferences_in(booking_url) == before


async def test_unticking_every_child_is_refused(booking_url: str) -> None:
    app = SIUApp(booking_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await pick_family(pilot, "brook")
        assert app.focused is not None and app.focused.id == "children"
        await pilot.press("space")  # unticks Alex
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(screen, "children") == "Tick at least one child (Space ticks)"


# --- leaving --------------------------------------------------------------------------------


async def test_escape_asks_before_losing_what_was_typed(booking_url: str) -> None:
    app = SIUApp(booking_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pick_family(pilot, "brook")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("enter")  # "Keep editing" has focus
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        await pilot.press("escape", "d")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


# --- names that look like markup --------------------------------------------------------------


async def test_markup_in_names_appears_as_typed(booking_url: str) -> None:
    app = SIUApp(booking_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        # The search lists the sample families exactly as they were named.
        await pilot.press(*"robin")
        await settle(pilot)
        results = screen.query_one("#family-results", OptionList)
        shown = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        for name in MARKUP_FAMILIES:
            assert any(line.startswith(f"{name} (DEMO-F") for line in shown)
        for row in range(results.option_count):  # clicking a name runs nothing
            await pilot.click(results, offset=(6, row + 1))
            await pilot.pause()
        assert app.is_running
        # A new family and a child with such names, typed in the dialogs.
        await tab_to(pilot, "new-family")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NewFamilyModal)
        # The search text is offered as the name; Ctrl+U clears it (Tab does not select it).
        await pilot.press(*"ann-1", "tab", "ctrl+u", *ANN)
        await choose(pilot, "fam-team", "north")
        await fill(pilot, "fam-sw-email", "sam.example.org")
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NewFamilyModal)
        assert "@" in str(dialog.query_one("#fam-sw-email-error", Static).render())
        assert app.focused is not None and app.focused.id == "fam-sw-email"
        await pilot.press("ctrl+u", *"sam@example.org", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        chosen = text_of(screen, "#family-chosen")
        assert chosen.startswith(f"Booking for: {ANN} (ANN-1) · North · 0 children")
        assert app.focused is not None and app.focused.id == "add-child"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AddChildModal)
        await pilot.press(*"[ @click=app.quit]x[/]", "tab", "ctrl+u", *"Smith [/x]")
        await fill(pilot, "child-dob", "31/02/2020")
        await pilot.press("tab")
        await settle(pilot)
        child_dialog = app.screen
        assert str(child_dialog.query_one("#child-dob-error", Static).render()) == (
            "31/02/2020 is not a real date"
        )
        await fill(pilot, "child-dob", "01/02/2020")
        await choose(pilot, "child-sex", "fem")
        await choose(pilot, "child-ethnicity", "wbri")
        await fill(pilot, "child-case-ref", "ANN1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        children = screen.query_one("#children", SelectionList)
        assert [str(children.get_option_at_index(0).prompt)] == [
            "[ @click=app.quit]x[/] Smith [/x] · born 01/02/2020 · ANN1"
        ]
        assert children.selected  # the new child is ticked
        assert app.is_running
        await choose(pilot, "type", "initial")
        await fill(pilot, "trigger", "20/11/2026")
        await fill(pilot, "date", "10/12/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        assert f"Booked: Initial for {ANN}, Thursday 10/12/2026 at 10:00" in notices(app)
        conference_id = app.screen.conference_id
    record = record_of(booking_url, conference_id)
    assert record.family_name == ANN
    assert [c.name for c in record.children] == ["[ @click=app.quit]x[/] Smith [/x]"]
    assert (record.children[0].sex, record.children[0].ethnicity) == ("F", "WBRI")


# --- how it looks ---------------------------------------------------------------------------


def test_snapshot_of_the_form(snap_compare, booking_url: str) -> None:
    """A late booking on a bank holiday with the chair chosen: the panel's deadline, both
    warnings and the reason fields. Every text on screen is fixed by the fixture and the
    pinned day (no paths, no generated references), and the cursor does not blink."""

    async def run_before(pilot: Pilot) -> None:
        await open_form(pilot)
        await pick_family(pilot, "brook")
        await choose(pilot, "type", "initial")
        await fill(pilot, "trigger", "20/11/2026")
        await fill(pilot, "date", "28/12/2026")
        await choose(pilot, "chair", "ada")
        await tab_to(pilot, "late-reason")
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    assert snap_compare(
        SIUApp(booking_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


async def test_section_letters_stay_in_the_form(booking_url: str) -> None:
    """On a drop-down, "c" or "h" must not carry a half-typed booking off to another section."""
    app = SIUApp(booking_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pick_family(pilot, "brook")
        await tab_to(pilot, "type")
        for key in "hcoas":
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is form
        await pilot.press("escape", "d")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.current_mode == "conferences"
