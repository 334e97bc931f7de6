"""How the main screens look; run `pytest --snapshot-update` after a deliberate change."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from siu_tui.app import SIUApp

from .conftest import settle
from .test_week import week_url  # noqa: F401 - the minutes week's data, as a fixture

SIZE = (130, 42)


async def _settled(pilot: Pilot) -> None:
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


def test_home(snap_compare, sample_url: str) -> None:
    assert snap_compare(SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=_settled)


def test_home_empty(snap_compare, db_url: str) -> None:
    assert snap_compare(SIUApp(db_url, user="tester"), terminal_size=SIZE, run_before=_settled)


def test_settings(snap_compare, sample_url: str) -> None:
    # The screen shows the database's path, so the snapshot needs one that never changes.
    fixed = Path(tempfile.gettempdir()) / "siu-snapshot" / "siu.db"
    fixed.parent.mkdir(exist_ok=True)
    for old in fixed.parent.glob("siu.db*"):
        old.unlink()
    shutil.copy(sample_url.removeprefix("sqlite:///"), fixed)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("s")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(f"sqlite:///{fixed}", user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_setting_refused(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("end", "backspace", "backspace", "0", "enter")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_help(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_conference_list(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("c")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_conference_list_searched(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("slash", *"smith")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_conference_record(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_conference_record_history(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("right")  # the tabs have focus: History is the next one
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_minutes_week(snap_compare, week_url) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, _held = week_url

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("w")
        await _settled(pilot)

    assert snap_compare(SIUApp(url, user="tester"), terminal_size=SIZE, run_before=run_before)
