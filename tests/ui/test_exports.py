"""Exports from the screens: the file gets its format's extension, and one already there is
replaced only when the clerk says so."""

from __future__ import annotations

from textual.widgets import Input

from siu_tui.app import SIUApp
from siu_tui.screens.replace_file import ReplaceFileDialog
from siu_tui.screens.reports import ExportDialog, ReportsScreen
from siu_tui.screens.standdown import StoodDownScreen

from .conftest import settle
from .test_reports import SIZE, messages, open_reports


async def test_a_report_gets_its_extension_and_asks_before_replacing(sample_url: str) -> None:
    from siu_tui.config import exports_dir

    target = exports_dir() / "out" / "q3.xlsx"
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot)

        async def export_as(name: str) -> None:
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, ExportDialog)
            field = app.screen.query_one("#path", Input)
            field.focus()
            await pilot.press("ctrl+a", "ctrl+k", *name, "enter")
            await settle(pilot)

        await export_as("out/q3")  # no extension typed: the format's is added
        assert isinstance(app.screen, ReportsScreen)
        assert target.read_bytes()[:2] == b"PK"  # an XLSX workbook
        assert f"Annual thematic report 2026-27 written to {target}" in messages(app)
        target.write_text("annotated by the manager")
        await export_as("out/q3.xlsx")
        dialog = app.screen
        assert isinstance(dialog, ReplaceFileDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)  # back to choose another name
        assert target.read_text() == "annotated by the manager"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReplaceFileDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert target.read_bytes()[:2] == b"PK"


async def test_the_stood_down_log_asks_before_replacing_its_export(sample_url: str) -> None:
    from siu_tui.config import exports_dir

    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_go("standdown")
        await settle(pilot)
        assert isinstance(app.screen, StoodDownScreen)
        await pilot.press("e")
        await settle(pilot)
        (written,) = exports_dir().glob("stood-down-*.csv")
        assert written.read_text().count("\n") == 2  # the heading and the one stood down
        written.write_text("annotated")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ReplaceFileDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StoodDownScreen)
        assert written.read_text() == "annotated"
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert written.read_text().count("\n") == 2
