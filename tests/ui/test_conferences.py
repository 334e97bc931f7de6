"""The conference list and the conference record, driven by keys."""

from __future__ import annotations

from textual.widgets import DataTable, Static, TabbedContent

from siu_tui.app import SIUApp
from siu_tui.screens.conferences import ConferencesScreen
from siu_tui.screens.home import HomeScreen
from siu_tui.screens.record.screen import ConferenceScreen

from .conftest import MARKUP_FAMILIES, column, settle

SIZE = (130, 45)


async def open_list(pilot) -> DataTable:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConferencesScreen)
    return pilot.app.screen.query_one("#list", DataTable)


async def test_the_list_shows_upcoming_first_then_past(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot)
        assert column(table, 0) == [
            "Wed 25/11/26 10:00",
            "Wed 25/11/26 14:00",
            "Thu 26/11/26 11:00",
            "Fri 27/11/26 09:00",
            "Fri 20/11/26 10:00",
        ]
        assert set(MARKUP_FAMILIES) <= set(column(table, 2))
        assert column(table, 6)[-1] == "Stood down"
        summary = str(app.screen.query_one("#summary", Static).render())
        assert summary.startswith("5 conferences")


async def test_search_as_you_type(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot)
        await pilot.press("slash", *"quill")
        await settle(pilot)
        assert column(table, 2) == ["Quillfeather", "Quillfeather"]
        assert str(app.screen.query_one("#summary", Static).render()).startswith(
            "2 matching conferences"
        )
        await pilot.press("escape")  # clears the search
        await settle(pilot)
        assert table.row_count == 5
        await pilot.press("slash", *"demo1")  # a case reference
        await settle(pilot)
        assert column(table, 2) == ["[ @click=app.quit]x[/]"]
        await pilot.press("escape", "slash", *"nobody at all")
        await settle(pilot)
        assert not table.display
        assert app.screen.query_one("#list-empty").display


async def test_a_wrong_filter_date_is_refused_by_the_field(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot)
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#date-from").focus()
        await pilot.press(*"30/02/2026")
        await settle(pilot)
        error = app.screen.query_one("#filter-error", Static)
        assert error.display and "30/02/2026 is not a real date" in str(error.render())
        assert table.row_count == 5  # the list is left as it was
        await pilot.press(*["backspace"] * 10, *"26/11/2026")
        await settle(pilot)
        assert not error.display
        assert column(table, 0)[0] == "Thu 26/11/26 11:00"


async def test_enter_opens_the_record_and_escape_comes_back(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot)
        table.focus()
        await pilot.press("down", "enter")  # the 14:00 conference
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        title = str(app.screen.query_one("#record-title", Static).render())
        family = column(table, 2)[1]
        assert f"Initial · {family} (" in title
        assert "Wednesday 25/11/2026 at 14:00" in title
        assert "Deadline: 07/12/2026" in title
        children = app.screen.query_one("#children", DataTable)
        assert column(children, 0) == [f"Robin {family}"]
        app.screen.query_one(TabbedContent).active = "tab-history"
        await settle(pilot)
        history = app.screen.query_one("#history", DataTable)
        assert "book" in column(history, 2)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConferencesScreen)


async def test_home_rows_open_the_record(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.focused is app.screen.query_one("#today", DataTable)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        title = str(app.screen.query_one("#record-title", Static).render())
        assert "Wednesday 25/11/2026 at 10:00" in title


async def test_filter_by_chair_and_status(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot)
        await pilot.press("f")  # the filters open with the type list focused
        await settle(pilot)
        await pilot.press("tab", "enter")  # status list
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # (any), Booked, Held, Stood down
        await settle(pilot)
        assert column(table, 6) == ["Stood down"]
        await pilot.press("escape")  # clear everything
        await settle(pilot)
        assert table.row_count == 5
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab", "tab", "enter")  # chair list
        await pilot.pause()
        await pilot.press("down", "enter")  # Ada Chair
        await settle(pilot)
        assert column(table, 4) == ["Ada Chair"] * 3
        assert str(app.screen.query_one("#summary", Static).render()).startswith(
            "3 matching conferences"
        )


async def test_the_list_shows_a_change_made_in_the_record(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot)
        table.focus()
        await pilot.press("enter")  # open the first conference and cancel it
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"No longer needed", "enter")
        await settle(pilot)
        await pilot.press("escape")  # back to the list, which reads the change
        await settle(pilot)
        assert isinstance(app.screen, ConferencesScreen)
        assert column(table, 6)[0] == "Cancelled"


async def test_search_finds_names_typed_without_accents(sample_url: str) -> None:
    """On an English keyboard: "slezak" finds the Ślęzak family, "zoe" finds Zoë."""
    from datetime import date

    from siu_tui.services import people
    from siu_tui.services.context import Desk

    from .conftest import _book

    desk = Desk.open(sample_url, "fixture")
    for n, (family_name, first) in enumerate((("Ślęzak", "Jan"), ("Nowak", "Zoë"))):
        family = people.create_family(desk, f"DEMO-A{n}", family_name, locality_team="North")
        child = people.add_child(
            desk, family, f"DEMOA{n}", first, family_name, date_of_birth=date(2016, 4, 2)
        )
        _book(desk, family, child, date(2026, 11, 30), 10 + n)
    desk.close()
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot)
        await pilot.press("slash", *"slezak")
        await settle(pilot)
        assert column(table, 2) == ["Ślęzak"]
        await pilot.press("escape", "slash", *"zoe")
        await settle(pilot)
        assert column(table, 2) == ["Nowak"]
        assert "Zoë" in str(table.get_row_at(0))
