"""Hypothesis-made text (markup, controls, NUL, line breaks, very long, right-to-left, emoji)
through booking, invitees, staff, challenges and settings: each value is either refused with a
ValidationError or stored, and then, drawn by the app (home, the conference list, the record),
no control character reaches the terminal and no action runs."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import TabbedContent, TabPane

from siu_tui.app import SIUApp
from siu_tui.services import booking, challenges, invites, people
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.settings import save_setting

from .conftest import settle

PIECES = st.sampled_from(
    [
        "[b]",
        "[/x]",
        "[@click=app.quit]",
        "\x1b]52;c;SGVsbG8=\x07",
        "\x1bc",
        "\x00",
        "\n",
        "\r\n",
        "\t",
        "\x9b31m",
        "\u202e",
        "مرحبا",
        "😀",
        "Ślęzak",
        "O'Neil",
        " ",
    ]
)
HOSTILE = st.one_of(
    st.lists(st.one_of(PIECES, st.text(max_size=5)), min_size=1, max_size=6).map("".join),
    st.text(min_size=150, max_size=400),
)
RUNS = itertools.count()


def _control_in(screen: str) -> list[str]:
    """Control characters in the drawn screen (the SVG keeps its own line breaks)."""
    return [ch for ch in screen if (ord(ch) < 0x20 and ch not in "\n") or 0x7F <= ord(ch) < 0xA0]


def _try(call) -> bool:  # type: ignore[no-untyped-def]
    try:
        call()
    except ValidationError as refused:
        assert refused.errors and all(refused.errors.values())
        return False
    return True


async def _draw(url: str, conference_id: str) -> list[str]:
    app = SIUApp(url, user="tester")
    seen: list[str] = []
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        seen += _control_in(app.export_screenshot())
        app.action_go("conferences")
        await settle(pilot)
        seen += _control_in(app.export_screenshot())
        app.open_conference(conference_id)
        await settle(pilot)
        tabs = app.screen.query_one(TabbedContent)
        for pane in list(tabs.query(TabPane)):
            tabs.active = pane.id or ""
            await settle(pilot)
            seen += _control_in(app.export_screenshot())
        assert app.is_running
    return seen


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(HOSTILE, min_size=5, max_size=5))
def test_hostile_text_is_refused_or_shown_as_text(tmp_path: Path, texts: list[str]) -> None:
    url = f"sqlite:///{tmp_path / f'run-{next(RUNS)}.db'}"
    desk = Desk.open(url, "property")
    name, venue, invitee, description, address = texts
    iro = people.add_staff(desk, "Iris Reed", "iro")
    _try(lambda: people.add_staff(desk, name, "clerk"))
    family = people.create_family(desk, "FAM-1", "Smith")
    child = people.add_child(desk, family, "CR1", "Amy", "Smith", date_of_birth=date(2015, 3, 1))
    request = booking.BookingRequest(
        family_id=family,
        child_ids=[child],
        conference_type="initial",
        date=date(2026, 11, 25),
        trigger_date=date(2026, 11, 16),
        chair_id=iro,
        venue=venue,
    )
    booked: list[str] = []
    if not _try(lambda: booked.append(booking.book_conference(desk, request))):
        request = booking.BookingRequest(**{**request.__dict__, "venue": "Room 1"})  # type: ignore[arg-type]
        booked.append(booking.book_conference(desk, request))
    (conference,) = booked
    _try(
        lambda: invites.add_invitee(
            desk, conference, invites.InviteeInput(name=invitee, agency="police", role=name)
        )
    )
    _try(
        lambda: challenges.log_challenge(
            desk,
            challenges.ChallengeRequest(
                family_id=family,
                raised_by_id=iro,
                level="practice",
                category="visits",
                description=description,
                raised_on=date(2026, 11, 25),
                conference_id=conference,
            ),
        )
    )
    _try(lambda: save_setting(desk, "advocacy_email", address))
    desk.close()
    assert asyncio.run(_draw(url, conference)) == []
