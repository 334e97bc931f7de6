"""How the main screens look; run `pytest --snapshot-update` after a deliberate change."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TabbedContent

from siu_tui.app import SIUApp

from .challenge_data import challenged_url
from .conftest import settle
from .test_week import week_url  # noqa: F401 - the minutes week's data, as a fixture

__all__ = ["challenged_url"]  # a fixture, used by name

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
        pilot.app.screen.query_one(TabbedContent).active = "tab-history"
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_stood_down_log(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("l")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_advocacy(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("v")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_late_conferences(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_outbox(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("b")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_challenges(snap_compare, challenged_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("g", "g")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(challenged_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_challenge_figures(snap_compare, challenged_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("g", "g")
        await settle(pilot)
        await pilot.press("t")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(challenged_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_challenge_history(snap_compare, challenged_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("g", "g")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Quillfeather's escalated challenge
        await _settled(pilot)

    assert snap_compare(
        SIUApp(challenged_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_conference_record_advocacy(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*["right_square_bracket"] * 3)  # Children, Invites, History, Advocacy
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_invites_tab(snap_compare, invites_url: str) -> None:
    """Today's 10:00 conference: the list copied from the family's last conference, two
    invitations sent, replies in (expected quorate), the police report in, one row marked."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#today", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("right_square_bracket", "l")
        await settle(pilot)
        await pilot.press("space", "space", "i")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        for keys in (
            ("up", "up", "y"),  # Mo Smith [/x]: attending
            ("down", "y"),  # Sam Worker: attending
            ("down", "y"),  # DC Ada Example: attending
            ("a", "enter", *"lscb", "enter", "ctrl+s"),  # the police report, in today
            ("down", "y"),  # Hana Visitor: attending
            ("down", "y"),  # Sol Nurse: attending ...
            ("y",),  # ... no: apologies
        ):
            await pilot.press(*keys)
            await settle(pilot)
        await pilot.press("down", "space")  # Eda School marked
        await _settled(pilot)
        for toast in pilot.app.screen.query("Toast"):
            toast.remove()
        pilot.app.clear_notifications()
        await _settled(pilot)

    assert snap_compare(
        SIUApp(invites_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_reports_outstanding(snap_compare, invites_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("u")
        await _settled(pilot)

    assert snap_compare(
        SIUApp(invites_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )


def test_minutes_week(snap_compare, week_url) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, _held = week_url

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("w")
        await _settled(pilot)

    assert snap_compare(SIUApp(url, user="tester"), terminal_size=SIZE, run_before=run_before)


def test_reports(snap_compare, sample_url: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("q")
        await _settled(pilot)
        await pilot.press("t", "t", "t")  # the sample's stood-down conference
        await _settled(pilot)

    assert snap_compare(
        SIUApp(sample_url, user="tester"), terminal_size=SIZE, run_before=run_before
    )
