"""The app shell driven by keys, as a clerk would: sections, help, palette, theme, settings."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from siu_tui.app import SIUApp
from siu_tui.screens.audit import AuditScreen
from siu_tui.screens.help import HelpScreen
from siu_tui.screens.home import HomeScreen
from siu_tui.screens.settings import EditSetting, SettingsScreen
from siu_tui.services.context import Desk
from siu_tui.services.settings import load_rules, load_settings

from .conftest import MARKUP_FAMILIES, column, settle

SIZE = (130, 45)


async def test_home_shows_today_week_and_attention(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        title = str(app.screen.query_one("#today-title", Static).render())
        assert "Wednesday 25 November 2026" in title and "2 conference(s)" in title
        today = app.screen.query_one("#today", DataTable)
        assert sorted(column(today, 2)) == sorted(MARKUP_FAMILIES)
        assert column(today, 0) == ["10:00", "14:00"]
        week = app.screen.query_one("#week", DataTable)
        assert column(week, 0) == [
            "Wed 25/11 10:00",
            "Wed 25/11 14:00",
            "Thu 26/11 11:00",
            "Fri 27/11 09:00",
        ]
        # Booked after its deadline: the clerk sees "late" rather than a count of days.
        assert column(week, 7)[2] == "late"
        attention = app.screen.query_one("#attention", DataTable)
        kinds = column(attention, 0)
        assert "Past deadline" in kinds and "Stood down, not re-booked" in kinds
        # Nobody is invited to the four booked conferences yet: each is expected inquorate,
        # and three have missed a deadline for the social worker's report.
        assert kinds.count("Expected inquorate") == 4
        assert kinds.count("SW report overdue") == 3
        assert "Needs attention · 9" in str(app.screen.query_one("#attention-title").render())
        assert column(week, 5) == ["Quorum + SW", "Quorum + SW", "Quorum + SW", "Quorum risk"]


async def test_markup_in_names_is_shown_literally_and_clicking_does_nothing(
    sample_url: str,
) -> None:
    app = SIUApp(sample_url, user="[ @click=app.quit]x[/]")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        today = app.screen.query_one("#today", DataTable)
        shown = column(today, 2)
        assert "Smith [/x]" in shown and "[ @click=app.quit]x[/]" in shown
        for row in range(today.row_count):
            await pilot.click(today, offset=(40, row + 1))
            await pilot.pause()
        assert app.is_running and isinstance(app.screen, HomeScreen)
        await pilot.press("s")
        await settle(pilot)
        locations = app.screen.query_one("#locations", Static)
        assert "Signed in as: [ @click=app.quit]x[/]" in str(locations.render())
        await pilot.click(locations, offset=(25, 1))
        await pilot.pause()
        assert app.is_running


async def test_every_section_is_reachable_by_keys(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        audit = app.screen.query_one(DataTable)
        assert audit.row_count > 0
        assert "fixture" in column(audit, 1)
        # Each key, pressed where the previous one left the clerk, and where it must lead.
        journey = [
            ("s", SettingsScreen),
            ("h", HomeScreen),
            ("f1", HelpScreen),
            ("escape", HomeScreen),
            ("question_mark", HelpScreen),
            ("a", AuditScreen),  # a section key works from help too
            ("h", HomeScreen),
        ]
        for key, expected in journey:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, expected), f"{key} led to {app.screen}"


async def test_help_lists_the_keys_of_the_screen_beneath(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one("#help-keys", DataTable)
        does = column(table, 1)
        for entry in (
            "Change",
            "Go to Home",
            "Go to Audit trail",
            "Go to Settings",
            "Help",
            "Theme",
            "Quit",
        ):
            assert entry in does
        keys = column(table, 0)
        assert "F1 / ?" in keys and "Ctrl+P" in keys


async def test_command_palette_opens_sections_by_name(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"audit trail")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"settings")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)


async def test_theme_is_switched_by_keys_and_remembered(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.theme
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press(*"nord")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord" != before
    desk = Desk.open(sample_url, "check")
    assert load_settings(desk.store)["theme"] == "nord"
    desk.close()
    again = SIUApp(sample_url, user="tester")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_a_bad_setting_is_refused_next_to_the_field_and_a_good_one_saved(
    sample_url: str,
) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[0]) == "Initial conference within (working days)"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditSetting)
        await pilot.press("end", "backspace", "backspace", "0", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EditSetting)
        error = app.screen.query_one("#edit-error", Static)
        assert error.display and str(error.render()) == "Must be at least 1, not 0"
        assert load_rules(Desk.open(sample_url, "check").store).initial_working_days == 15
        await pilot.press("backspace", "2", "0", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert str(table.get_row_at(0)[1]) == "20"
        await pilot.press("a")
        await settle(pilot)
        changes = column(
            app.screen.query_one(DataTable), 5
        )  # after When, Who, Action, Record, About
        assert any("value: 20" in change for change in changes)
    assert load_rules(Desk.open(sample_url, "check").store).initial_working_days == 20


async def test_a_database_that_cannot_be_opened_is_explained_not_crashed(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-database.db"
    bad.write_bytes(b"this is not SQLite" * 100)
    app = SIUApp(f"sqlite:///{bad}", user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any("Could not open the database" in m for m in messages)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen) and app.is_running


async def test_an_empty_file_is_refused_at_start_up_not_made_a_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    app = SIUApp(f"sqlite:///{empty}", user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert messages[0] == (
            f"Could not open the database: {empty} is an empty file, not a database; SIU Desk "
            "will not write over it (remove it first to make a new database there)"
        )
    assert empty.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


async def test_an_office_database_out_of_reach_is_named_without_its_password() -> None:
    app = SIUApp("postgresql+psycopg://desk:secret@127.0.0.1:1/siu", user="tester")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):  # the driver loads and is refused in a worker: wait for its word
            await pilot.pause(0.05)
            if app._notifications:
                break
        messages = [str(n.message) for n in app._notifications]
        assert messages[0] == (
            "Could not open the database: could not connect to the database at "
            "postgresql+psycopg://desk:***@127.0.0.1:1/siu: Connection refused"
        )
        await pilot.press("s")
        await pilot.pause()
        locations = str(app.screen.query_one("#locations", Static).render())
        assert "Database: postgresql+psycopg://desk:***@127.0.0.1:1/siu" in locations
        messages = [str(n.message) for n in app._notifications]
        assert not any("secret" in m for m in [*messages, locations])
