"""Staff, rooms and locality teams, kept by keys: add, correct, take off the pickers."""

from __future__ import annotations

from textual.widgets import DataTable, Label, TabbedContent

from siu_tui.app import SIUApp
from siu_tui.screens.reference import ReferenceDialog, ReferenceScreen
from siu_tui.services.context import Desk
from siu_tui.services.people import list_staff
from siu_tui.services.reference import list_rooms

from .conftest import column, settle

SIZE = (130, 45)


async def test_add_a_member_of_staff_with_a_checked_email(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ReferenceScreen)
        staff = app.screen.query_one("#staff-table", DataTable)
        assert column(staff, 0) == ["Ada Chair", "Cal Clerk"]
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReferenceDialog)
        await pilot.press(*"Dee [b]New[/b]", "tab", "tab", *"not an email", "ctrl+s")
        await settle(pilot)
        shown = app.screen.query_one("#error-email", Label)
        assert shown.display and "space" in str(shown.render()).lower()
        await pilot.press(*["backspace"] * 12, *"dee.new@example.org", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferenceScreen)
        assert "Dee [b]New[/b]" in column(staff, 0)
    desk = Desk.open(sample_url, "check")
    assert [(s.name, s.role, s.email) for s in list_staff(desk) if s.name.startswith("Dee")] == [
        ("Dee [b]New[/b]", "clerk", "dee.new@example.org")
    ]
    desk.close()


async def test_rooms_are_added_and_taken_off_the_pickers(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("shift+tab", "right")  # from the staff list to the tabs, then Rooms
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "rooms"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Family Room 2", "tab", *"Civic Centre", "enter")
        await settle(pilot)
        rooms = app.screen.query_one("#rooms-table", DataTable)
        assert column(rooms, 0) == ["Family Room 2"]
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"family room 2", "enter")  # the same name, another case
        await settle(pilot)
        assert "already a room called Family Room 2" in str(
            app.screen.query_one("#error-name", Label).render()
        )
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("t")  # no longer used: off the pickers
        await settle(pilot)
        assert rooms.row_count == 0
        await pilot.press("i")  # show inactive ones
        await settle(pilot)
        assert column(rooms, 2) == ["no"]
    desk = Desk.open(sample_url, "check")
    assert list_rooms(desk) == []
    assert [r.name for r in list_rooms(desk, active_only=False)] == ["Family Room 2"]
    desk.close()
