"""The advocacy screen and the record's Advocacy tab, driven by keys: lists by state, the
figures, recording an answer and support, referring a younger child by hand."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Label, Select, Static, Tabs

from siu_tui.app import SIUApp
from siu_tui.db.models import AdvocacyReferral, Conference
from siu_tui.screens.advocacy import AdvocacyScreen
from siu_tui.screens.advocacy_dialogs import ReferByHandDialog, UpdateReferralDialog
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.services import people
from siu_tui.services.changes import add_child_to_conference
from siu_tui.services.context import Desk

from .conftest import MARKUP_FAMILIES, column, settle

SIZE = (130, 42)


def referrals(url: str) -> list[AdvocacyReferral]:
    desk = Desk.open(url, "check")
    try:
        with desk.store.read() as session:
            return list(session.exec(select(AdvocacyReferral)))
    finally:
        desk.close()


@pytest.fixture
def with_sibling(sample_url: str) -> str:
    """A younger sister (8) added to the Smith [/x] conference booked today."""
    desk = Desk.open(sample_url, "fixture")
    with desk.store.read() as session:
        conference = session.exec(
            select(Conference).where(
                Conference.date == date(2026, 11, 25), Conference.start_time == time(10, 0)
            )
        ).one()
    sister = people.add_child(
        desk,
        conference.family_id,
        "DEMO77",
        "Wren",
        MARKUP_FAMILIES[0],
        date_of_birth=date(2018, 6, 1),
        sex="F",
    )
    add_child_to_conference(desk, conference.id, sister)
    desk.close()
    return sample_url


def error(pilot, field: str) -> str:  # type: ignore[no-untyped-def]
    label = pilot.app.screen.query_one(f"#error-{field}", Label)
    return str(label.render()) if label.display else ""


async def test_lists_by_state_with_the_figures(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AdvocacyScreen)
        table = screen.query_one("#referrals", DataTable)
        # Every child in the sample is 11: each booking referred them, oldest conference first.
        assert table.row_count == 5
        assert column(table, 2)[0] == "20/11/2026"
        assert set(column(table, 5)) >= {MARKUP_FAMILIES[0], MARKUP_FAMILIES[1]}
        assert set(column(table, 6)) == {"Automatic"}
        assert column(table, 1)[0] == "11"
        figures = str(screen.query_one("#advocacy-figures", Static).render())
        assert "2026-27 Q3" in figures
        assert "Referrals 5 (5 automatic, 0 by hand)" in figures
        tabs = screen.query_one(Tabs)
        assert "Pending 5" in str(tabs.query_one("#view-pending").render())
        await pilot.press("n")  # the first is stood down: no new referrals, and it says so
        await settle(pilot)
        assert app.screen is screen
        assert any("only a booked" in n.message for n in app._notifications)
        await pilot.press("p")  # last quarter: nothing
        await settle(pilot)
        assert "Referrals 0" in str(screen.query_one("#advocacy-figures", Static).render())
        await pilot.press("3")  # accepted: none yet, and the screen says so
        await settle(pilot)
        assert not table.display
        empty = str(screen.query_one("#referrals-empty", Static).render())
        assert "No referral is accepted" in empty


async def test_record_the_answer_and_support_by_keys(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        # The second row is today's 10:00 conference (20/11, 25/11 10:00, 25/11 14:00, ...).
        await pilot.press("down", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, UpdateReferralDialog)
        chosen = dialog.row
        # Contacted, accepted: Pending → (down ×2) Accepted.
        await pilot.press("enter", "down", "down", "enter")
        await pilot.press("tab", "enter", "down", "enter")  # supported: yes
        await settle(pilot)
        assert dialog.query_one("#outcome", Select).value == "accepted"
        assert dialog.query_one("#supported", Select).value == "yes"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdvocacyScreen)
        (saved,) = [r for r in referrals(sample_url) if r.id == chosen.id]
        assert (saved.outcome, saved.supported) == ("accepted", True)
        table = app.screen.query_one("#referrals", DataTable)
        assert table.row_count == 4  # no longer pending
        await pilot.press("3")
        await settle(pilot)
        assert column(table, 0) == [chosen.child_name]
        assert column(table, 9) == ["yes"]
        figures = str(app.screen.query_one("#advocacy-figures", Static).render())
        assert "Supported at conference 1 · children supported 1" in figures


async def test_support_before_the_conference_is_refused_beside_the_field(
    sample_url: str,
) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("down", "down", "down", "down", "enter")  # the last: Friday 27/11
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, UpdateReferralDialog)
        assert dialog.row.conference_date == date(2026, 11, 27)
        await pilot.press("enter", "down", "down", "enter", "tab", "enter", "down", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "record support after it" in error(pilot, "supported")
        assert {r.outcome for r in referrals(sample_url)} == {"pending"}  # nothing written
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AdvocacyScreen)


async def test_refer_a_younger_sibling_by_hand(with_sibling: str) -> None:
    app = SIUApp(with_sibling, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("down")  # today's 10:00 conference: the Smith [/x] family
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReferByHandDialog)
        assert [c.age_label for c in dialog.choices] == ["8"]
        await pilot.press("ctrl+s")  # no reason
        await settle(pilot)
        assert "Say why" in error(pilot, "reason")
        assert len(referrals(with_sibling)) == 5
        await pilot.press("tab", *"Asked to have her say")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdvocacyScreen)
        by_hand = [r for r in referrals(with_sibling) if not r.automatic]
        assert [r.reason for r in by_hand] == ["Asked to have her say"]
        table = app.screen.query_one("#referrals", DataTable)
        assert "By hand" in column(table, 6)
        assert "Wren" in " ".join(column(table, 0))


async def test_the_record_has_an_advocacy_tab(with_sibling: str) -> None:
    app = SIUApp(with_sibling, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#today", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        record = app.screen
        assert isinstance(record, ConferenceScreen)
        await pilot.press(*["right_square_bracket"] * 3)  # Children, Invites, History, Advocacy
        await settle(pilot)
        table = record.query_one("#advocacy-referrals", DataTable)
        assert column(table, 0) == [f"Robin {MARKUP_FAMILIES[0]}"]
        assert column(table, 4) == ["Automatic"]
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ReferByHandDialog)
        await pilot.press("tab", *"Sibling wants to be heard", "enter")
        await settle(pilot)
        assert app.screen is record
        assert sorted(column(table, 4)) == ["Automatic", "By hand"]
        # Nobody else can be referred now, and the record says so rather than opening a form.
        await pilot.press("f")
        await settle(pilot)
        assert app.screen is record
        # u updates the highlighted referral from the tab.
        table.focus()
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UpdateReferralDialog)
        await pilot.press("escape")
        await settle(pilot)
        history = record.query_one("#history", DataTable)
        assert "refer by hand" in column(history, 2)
