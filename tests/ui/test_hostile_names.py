"""A database of hostile names (put there with SQL: the services refuse them now), driven
through every drop-down and dialog that lists staff, families, rooms and teams.

A staff member named ``Smith [/x]`` crashed the app for everyone sharing the database; one
named ``[@click=app.screenshot('x.svg','/tmp')]Ada[/]`` wrote a picture of the screen when
clicked; a name holding ``\\x1b]52;…\\x07`` wrote the clerk's clipboard. Each option is clicked:
nothing crashes, no action runs, and no ESC from the data reaches the screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from siu_tui.app import SIUApp
from siu_tui.db.models import Conference
from siu_tui.services.context import Desk

from .conftest import settle

HOSTILE = (
    "[b]Ann[/b] O'Neil-Ślęzak",
    "Smith [/x]",
    "[@click=app.screenshot('x.svg','{folder}')]Ada[/]",
    "Eve \x1b]52;c;SGVsbG8=\x07 \x1b]0;owned\x07",
)
SIZE = (150, 50)


@pytest.fixture
def hostile_url(sample_url: str, tmp_path: Path) -> str:
    names = [name.format(folder=tmp_path) for name in HOSTILE]
    desk = Desk.open(sample_url, "fixture")
    from siu_tui.services import people, reference

    extra = [
        people.add_staff(desk, f"Placeholder {n}", role)
        for n, role in enumerate(("iro", "clerk", "iro", "clerk"))
    ]
    reference.add_room(desk, "Room A", "Main site")
    reference.add_locality_team(desk, "North")
    with desk.store.write() as session:
        staff_ids = [row[0] for row in session.execute(text("SELECT id FROM staff ORDER BY id"))]
        for n, staff_id in enumerate(staff_ids):
            session.execute(
                text("UPDATE staff SET name = :name WHERE id = :id"),
                {"name": names[n % len(names)], "id": staff_id},
            )
        family_ids = [row[0] for row in session.execute(text("SELECT id FROM family ORDER BY id"))]
        for n, family_id in enumerate(family_ids):
            session.execute(
                text("UPDATE family SET name = :name, locality_team = :team WHERE id = :id"),
                {
                    "name": names[n % len(names)],
                    "team": names[(n + 1) % len(names)],
                    "id": family_id,
                },
            )
        session.execute(
            text("UPDATE room SET name = :n, site = :s"), {"n": names[2], "s": names[3]}
        )
        session.execute(text("UPDATE locality_team SET name = :n"), {"n": names[3]})
        session.execute(text("UPDATE child SET first_name = :n"), {"n": names[3]})
        session.execute(text("UPDATE conference SET venue = :n"), {"n": names[2]})
    assert extra
    desk.close()
    return sample_url


def _screen_text(app: SIUApp) -> str:
    """Everything on the screen as the terminal would receive it."""
    return app.export_screenshot()


async def _click_every_option(pilot, app: SIUApp) -> int:  # type: ignore[no-untyped-def]
    """Open each drop-down on the current screen and click each of its options."""
    clicked = 0
    for select in list(app.screen.query(Select)):
        if not select.display or select.disabled:
            continue
        count = len(select._options)
        for index in range(count):
            select.focus()
            select.expanded = True
            await settle(pilot)
            overlay = select.query_one(SelectOverlay)
            overlay.highlighted = index
            await settle(pilot)
            assert "\x1b" not in _screen_text(app).replace("\x1b[", "")
            await pilot.click(overlay, offset=(3, index - overlay.scroll_offset.y))
            await settle(pilot)
            clicked += 1
            if select.expanded:
                select.expanded = False
                await settle(pilot)
    return clicked


def _no_data_escape(app: SIUApp) -> None:
    screen = app.export_screenshot()
    assert "52;c;" not in screen or "\u241b]52;c;" in screen
    assert "\x1b]" not in screen and "\x07" not in screen


@pytest.mark.parametrize("mode", ["conferences", "week", "outstanding", "standdown", "challenges"])
async def test_every_drop_down_on_hostile_names(
    hostile_url: str, tmp_path: Path, mode: str
) -> None:
    app = SIUApp(hostile_url, user="[b]tester[/b] \x1b]0;x\x07")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_go(mode)
        await settle(pilot)
        for button in ("f",):
            await pilot.press(button)
            await settle(pilot)
        clicked = await _click_every_option(pilot, app)
        assert clicked >= 3, "the drop-downs with staff names were found and used"
        _no_data_escape(app)
        assert app.is_running
    assert not list(tmp_path.glob("*.svg")), "a click ran an action from a name"


async def test_booking_change_chair_and_record_on_hostile_names(
    hostile_url: str, tmp_path: Path
) -> None:
    desk = Desk.open(hostile_url, "fixture")
    with desk.store.read() as session:
        from sqlmodel import select

        booked = session.exec(select(Conference).where(Conference.status == "booked")).first()
        assert booked is not None
        conference_id = booked.id
    desk.close()
    app = SIUApp(hostile_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _no_data_escape(app)  # home: today's and this week's conferences
        app.open_conference(conference_id)
        await settle(pilot)
        _no_data_escape(app)
        await pilot.press("p")  # change the chair
        await settle(pilot)
        assert await _click_every_option(pilot, app) >= 2
        _no_data_escape(app)
        await pilot.press("escape", "escape")
        await settle(pilot)
        app.open_booking()
        await settle(pilot)
        assert await _click_every_option(pilot, app) >= 4
        _no_data_escape(app)
        assert app.is_running
    assert not list(tmp_path.glob("*.svg"))
