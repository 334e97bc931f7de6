"""Where a conference is held, as the lists and the booking form's room picker show it."""

from __future__ import annotations

from datetime import date, time

from textual.widgets import DataTable, Select

from siu_tui.app import SIUApp
from siu_tui.services import booking, people
from siu_tui.services.context import Desk
from siu_tui.services.reference import add_room

from .conftest import column, settle
from .test_booking import open_form

SIZE = (120, 40)


def _venue_column(table: DataTable) -> list[str]:
    headings = [str(c.label) for c in table.columns.values()]
    return column(table, headings.index("Venue"))


async def test_the_venue_column_shows_the_room_when_no_venue_was_typed(sample_url: str) -> None:
    desk = Desk.open(sample_url, "fixture")
    room = add_room(desk, "Blue Room", "Civic Centre")
    family = people.create_family(desk, "VEN-1", "Venner")
    child = people.add_child(
        desk, family, "VEN1", "Vi", "Venner", date_of_birth=date(2016, 1, 1), sex="F"
    )
    booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=family,
            child_ids=[child],
            conference_type="initial",
            date=date(2026, 11, 25),
            start_time=time(16, 0),
            trigger_date=date(2026, 11, 16),
            room_id=room,
        ),
    )
    desk.close()
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        today = app.screen.query_one("#today", DataTable)
        assert _venue_column(today)[-1] == "Blue Room"  # 16:00, the last of the day
        assert "Conference Room 1" in _venue_column(today)  # a venue typed still shows
        app.action_go("conferences")
        await settle(pilot)
        listed = app.screen.query_one(DataTable)
        assert "Blue Room" in _venue_column(listed)


async def test_the_room_picker_names_the_building_once(sample_url: str) -> None:
    desk = Desk.open(sample_url, "fixture")
    add_room(desk, "Conference Room 1 (Civic Centre)", "Civic Centre")
    add_room(desk, "Blue Room", "Civic Centre")
    add_room(desk, "Family Room", None)
    desk.close()
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        await settle(pilot)
        rooms = screen.query_one("#room", Select)
        shown = [str(prompt) for prompt, _value in rooms._options if _value is not Select.NULL]
        assert shown == [
            "Blue Room (Civic Centre)",
            "Conference Room 1 (Civic Centre)",
            "Family Room",
        ]
