"""Start-up: the first frame waits for nothing it does not draw, and the home screen then
fills in all of its rows, however many there are."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from siu_tui.app import SIUApp
from siu_tui.services import people
from siu_tui.services.context import Desk
from tests.conftest import TODAY
from tests.ui.conftest import _book, settle

SIZE = (130, 45)

FIRST_FRAME = """
import os, sys
from siu_tui.app import SIUApp

class Probe(SIUApp):
    def on_ready(self):
        heavy = {"sqlalchemy", "sqlmodel", "alembic", "holidays"}
        print(" ".join(sorted(
            name for name in sys.modules
            if name.split(".")[0] in heavy or name.startswith("siu_tui.screens.")
        )), flush=True)
        os._exit(0)

Probe(sys.argv[1], user="test").run(headless=True)
"""


def test_the_first_frame_waits_for_no_database_code_and_no_other_screen(db_url: str) -> None:
    """A fresh process, as `siu` starts: when Textual says the first frame is ready, only the
    home screen has been imported, and neither SQLAlchemy nor the bank-holiday tables."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, db_url],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    loaded = result.stdout.split()
    assert loaded == ["siu_tui.screens.base", "siu_tui.screens.home"], result.stderr


async def test_moving_between_the_home_lists_keeps_the_footer(sample_url: str) -> None:
    """The footer's keys are the same whichever list has the focus: they are not rebuilt."""
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = list(app.screen.query(FooterKey))
        assert "Refresh" in [key.description for key in keys]
        focused = app.focused
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is not focused and isinstance(app.focused, DataTable)
        assert list(app.screen.query(FooterKey)) == keys


def _busy_week(url: str, conferences: int) -> None:
    desk = Desk.open(url, "fixture")
    for n in range(conferences):
        family = people.create_family(desk, f"DEMO-W{n}", f"Busy{n:02d}", locality_team="North")
        child = people.add_child(
            desk, family, f"DEMOW{n}", "Robin", f"Busy{n:02d}", date_of_birth=date(2015, 3, 1)
        )
        _book(desk, family, child, date(2026, 11, 25 + n % 3), 9 + n % 8)
    desk.close()


async def test_a_busy_week_shows_every_conference_and_a_refresh_does_not_double_them(
    db_url: str,
) -> None:
    """The first rows go in at once and the rest just after; a second load that lands before
    the first one's rest (a refresh pressed while loading) still leaves one row each."""
    from siu_tui.services.home import home_summary

    _busy_week(db_url, 45)
    app = SIUApp(db_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        week = app.screen.query_one("#week", DataTable)
        assert week.row_count == 45
        await pilot.press("r", "r")
        await settle(pilot)
        assert week.row_count == 45
        summary = home_summary(app.desk(), TODAY)
        app.screen.show_summary(summary)  # type: ignore[attr-defined]
        app.screen.show_summary(summary)  # type: ignore[attr-defined]
        await settle(pilot)
        assert week.row_count == 45
        families = {str(week.get_row_at(row)[2]) for row in range(week.row_count)}
        assert families == {f"Busy{n:02d}" for n in range(45)}
