"""Challenges by keys, as an IRO would: logged from a conference's record and from the
Challenges section, escalated level by level, resolved, listed, filtered and counted.

Today is Wednesday 25 November 2026. A challenge raised today is due Wednesday 2 December
(5 working days); one raised Friday 20 November is due Friday 27 November; one raised Monday
16 November was due Monday 23 November and is 2 working days overdue.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TabbedContent, TextArea

from siu_tui.app import SIUApp
from siu_tui.db.models import AuditEvent, Challenge
from siu_tui.screens.challenges.detail import ChallengeScreen
from siu_tui.screens.challenges.forms import EscalateDialog, LogChallengeDialog, ResolveDialog
from siu_tui.screens.challenges.screen import ChallengesScreen
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.services.context import Desk

from .challenge_data import challenged_url
from .conftest import MARKUP_FAMILIES, column, settle

__all__ = ["challenged_url"]  # a fixture, used by name

SIZE = (120, 40)


def challenges(url: str) -> list[Challenge]:
    desk = Desk.open(url, "check")
    try:
        with desk.store.read() as session:
            rows = list(session.exec(select(Challenge).order_by(col(Challenge.raised_on))))
            for row in rows:
                session.expunge(row)
            return rows
    finally:
        desk.close()


def error(pilot: Pilot, widget_id: str) -> str:
    widget = pilot.app.screen.query_one(f"#{widget_id}-error", Static)
    return str(widget.render()) if widget.display else ""


async def choose(pilot: Pilot, downs: int) -> None:
    """Open the focused list and pick the entry ``downs`` below the first."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*["down"] * downs, "enter")
    await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


# --- from the conference record ---------------------------------------------------------------


async def test_log_escalate_and_resolve_from_the_conference_record(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#today", DataTable).focus()
        await pilot.press("enter")  # today's 10:00 conference: Smith [/x], chaired by Ada
        await settle(pilot)
        record = app.screen
        assert isinstance(record, ConferenceScreen)
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogChallengeDialog)
        # Family, conference and chair are filled in; the response is due in 5 working days.
        assert "Smith [/x] (DEMO-F0)" in str(dialog.query_one("#ch-family-chosen").render())
        assert dialog.query_one("#ch-conference", Select).value == record.conference_id
        assert dialog.query_one("#ch-raised-by", Select).value == record.record.chair_id  # type: ignore[union-attr]
        assert dialog.query_one("#ch-due", Input).value == "02/12/2026"
        assert "Wednesday · 5 working days" in str(dialog.query_one("#ch-due-hint").render())
        await pilot.press("ctrl+s")  # no category, no description
        await settle(pilot)
        assert error(pilot, "ch-category") == "Choose the category"
        assert error(pilot, "ch-description") == "Say what the challenge is about"
        assert challenges(sample_url) == []
        # The cursor is put on the first field to put right.
        assert dialog.focused is dialog.query_one("#ch-category")
        await choose(pilot, 1)  # (blank), Sufficiency of social worker's report
        await pilot.press("tab")
        await type_text(pilot, "Report had no analysis [/x]")
        await pilot.press("tab", *"Sam Worker", "tab", "ctrl+u", *"North")  # the team is filled in
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is record
        assert record.query_one(TabbedContent).active == "tab-challenges"
        table = record.query_one("#record-challenges", DataTable)
        assert column(table, 1) == ["Practice discussion"]
        assert column(table, 4) == ["this one"]
        assert column(table, 6) == ["Open"]
        # The record's own history shows it at once.
        assert "log challenge" in column(record.query_one("#history", DataTable), 2)
        [logged] = challenges(sample_url)
        assert (logged.conference_id, logged.category, logged.response_due) == (
            record.conference_id,
            "report_sufficiency",
            date(2026, 12, 2),
        )
        assert logged.description == "Report had no analysis [/x]"
        assert (logged.person_challenged, logged.team) == ("Sam Worker", "North")

        # Enter opens it; e escalates through every level; the history keeps each one.
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ChallengeScreen)
        for n in range(4):
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, EscalateDialog)
            await type_text(pilot, f"Not put right {n + 1}")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is detail
        chain = detail.query_one("#ch-chain", DataTable)
        assert [c.split(". ", 1)[1] for c in column(chain, 0)] == [
            "Practice discussion",
            "Professional discussion",
            "Escalation to team manager",
            "Escalation to service manager",
            "Escalation to assistant director",
        ]
        assert column(chain, 6) == ["Escalated"] * 4 + ["Open"]
        await pilot.press("e")  # nowhere left to go
        await settle(pilot)
        assert app.screen is detail
        assert any("the last level" in n.message for n in app._notifications)

        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ResolveDialog)
        await type_text(pilot, "Director agreed weekly visits")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        assert column(chain, 6) == ["Escalated"] * 4 + ["Resolved"]
        assert "Resolved on 25/11/2026" in str(detail.query_one("#ch-standing").render())
        rows = challenges(sample_url)
        assert len(rows) == 5
        assert [r.resolved_on for r in rows] == [date(2026, 11, 25)] * 5
        assert rows[-1].outcome == "Director agreed weekly visits"
        check = Desk.open(sample_url, "check")
        with check.store.read() as session:
            events = session.exec(
                select(AuditEvent).where(AuditEvent.record_type == "challenge")
            ).all()
        check.close()
        assert {e.conference_id for e in events} == {record.conference_id}
        assert len(events) == 1 + 4 * 2 + 1

        await pilot.press("escape")  # back to the record, its tab up to date
        await settle(pilot)
        assert app.screen is record
        assert column(table, 6) == ["Resolved", *["Escalated"] * 4]
        actions = column(record.query_one("#history", DataTable), 2)
        assert actions[:3] == ["resolve challenge", "log escalation", "escalate challenge"]


# --- from the Challenges section ----------------------------------------------------------------


async def test_log_escalate_and_resolve_from_the_challenges_screen(challenged_url: str) -> None:
    app = SIUApp(challenged_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g", "g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChallengesScreen)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogChallengeDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error(pilot, "ch-family-search") == "Find the family: type its name and press Enter"
        await pilot.press(*"quill", "enter")
        await settle(pilot)
        assert "Quillfeather (DEMO-F2)" in str(dialog.query_one("#ch-family-chosen").render())
        # The date raised fills in the due date as it is typed; a typed due date is kept.
        raised = dialog.query_one("#ch-raised-on", Input)
        due = dialog.query_one("#ch-due", Input)
        raised.value = "20/11/2026"
        await pilot.pause()
        assert due.value == "27/11/2026"
        due.value = "04/12/2026"
        await pilot.pause()
        assert "10 working days after it was raised (the usual is 5)" in str(
            dialog.query_one("#ch-due-hint").render()
        )
        raised.value = "23/11/2026"
        await pilot.pause()
        assert due.value == "04/12/2026"
        raised.value = "30/02/2026"
        await pilot.pause()
        assert "30/02/2026 is not a real date" in error(pilot, "ch-raised-on")
        raised.value = "20/11/2026"
        dialog.query_one("#ch-raised-by", Select).focus()
        await choose(pilot, 1)  # (blank), Ada Chair, Mo Manager
        await pilot.press("tab")  # level: practice discussion
        await choose(pilot, 1)  # professional discussion
        await pilot.press("tab")
        await choose(pilot, 3)  # (blank), report, plan delay, Lack of social work visits
        await pilot.press("tab")
        await type_text(pilot, "Visits missed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        table = screen.query_one("#ch-list", DataTable)
        row = next(r for r in challenges(challenged_url) if r.description == "Visits missed")
        # Listed by the day raised, with the cursor on the new one.
        assert table.cursor_row == table.get_row_index(row.id) == 1
        assert column(table, 1)[1] == "Quillfeather"
        assert column(table, 2)[1] == "Professional"
        assert (row.raised_on, row.response_due, row.level) == (
            date(2026, 11, 20),
            date(2026, 12, 4),
            "professional",
        )
        assert row.conference_id is None

        # Open it, escalate, resolve.
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ChallengeScreen)
        await pilot.press("e")
        await settle(pilot)
        escalate = app.screen
        assert isinstance(escalate, EscalateDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Say why it is escalated" in error(pilot, "ch-description")
        await type_text(pilot, "Still no visits")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        chain = detail.query_one("#ch-chain", DataTable)
        assert len(column(chain, 0)) == 2
        await pilot.press("v")
        await settle(pilot)
        resolve = app.screen
        assert isinstance(resolve, ResolveDialog)
        await pilot.press("tab")
        resolve.query_one("#ch-resolved-on", Input).value = "19/11/2026"
        resolve.query_one("#ch-outcome", TextArea).focus()
        await type_text(pilot, "Visits booked")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "It was raised on 25/11/2026" in error(pilot, "ch-resolved-on")
        resolve.query_one("#ch-resolved-on", Input).value = "25/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        assert column(chain, 6) == ["Escalated", "Resolved"]
        # Enter on the first level shows it, with its closing outcome.
        chain.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        info = str(detail.query_one("#ch-info").render())
        assert "closed 25/11/2026: Escalated to the next level: escalation to team manager" in info

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert column(table, 2)[:3] == ["Team manager", "Professional", "Professional"]
        assert column(table, 8)[:3] == ["Resolved", "Open", "Escalated"]
        assert table.cursor_row == 2  # still on the challenge that was opened


async def test_overdue_responses_say_so_and_the_filters_narrow_the_list(
    challenged_url: str,
) -> None:
    app = SIUApp(challenged_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g", "g")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#ch-list", DataTable)
        assert column(table, 1) == [
            MARKUP_FAMILIES[1],
            MARKUP_FAMILIES[0],
            "Quillfeather",
            "Quillfeather",
        ]
        assert column(table, 8) == ["Open", "Overdue 2d", "Resolved", "Escalated"]
        summary = str(screen.query_one("#ch-summary").render())
        assert summary.startswith("4 challenges · 2 open · 1 overdue")
        assert column(table, 4)[0] == "Sam [i]Worker"

        await pilot.press("f")  # to the filters: state first
        await choose(pilot, 2)  # (any), Open, Open overdue
        await settle(pilot)
        assert column(table, 1) == [MARKUP_FAMILIES[0]]
        await pilot.press("tab")  # IRO: (any), Ada Chair, Mo Manager (manager)
        await choose(pilot, 2)
        await settle(pilot)
        assert table.display is False
        assert "No challenges match" in str(screen.query_one("#ch-empty").render())
        await pilot.press("escape")
        await settle(pilot)
        assert len(column(table, 1)) == 4

        screen.query_one("#ch-team", Select).value = "South"
        await settle(pilot)
        assert column(table, 1) == [MARKUP_FAMILIES[1]]
        await pilot.press("escape")
        screen.query_one("#ch-level", Select).value = "professional"
        await settle(pilot)
        assert column(table, 8) == ["Open", "Resolved"]
        await pilot.press("escape")
        screen.query_one("#ch-period", Select).value = "custom"
        await settle(pilot)
        await pilot.press(*"01/11/2026", "tab", *"08/11/2026")
        await settle(pilot)
        assert column(table, 0) == ["02/11/26"]
        screen.query_one("#ch-to", Input).value = "31/10/2026"
        await settle(pilot)
        assert "The period ends before it starts" in str(
            screen.query_one("#ch-filter-error").render()
        )
        assert column(table, 0) == ["02/11/26"]  # the list waits for a period that makes sense


async def test_figures_for_a_period(challenged_url: str) -> None:
    app = SIUApp(challenged_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g", "g")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one(TabbedContent).active == "tab-figures"
        title = str(screen.query_one("#fig-title").render())
        assert title.startswith("Challenges raised 01/04/2026 to 31/03/2027 (2026-27)")
        # Quillfeather's challenge, escalated once, is one challenge and one escalation.
        assert (
            "3 challenges and 1 escalation raised, 2 open (1 overdue), 1 escalated further, "
            "1 resolved" in title
        )
        levels = screen.query_one("#fig-level", DataTable)
        assert column(levels, 0)[-1] == "All challenges"
        by_level = {r[0]: r[1:] for r in zip(*(column(levels, i) for i in range(8)), strict=True)}
        # Challenges, escalations, open, overdue, escalated further, resolved, average days.
        assert by_level["Practice discussion"] == ("2", "0", "1", "1", "1", "0", "—")
        # 2 November to 13 November, through the escalation: 11 days.
        assert by_level["Professional discussion"] == ("1", "1", "1", "0", "0", "1", "11.0")
        assert by_level["All challenges"] == ("3", "1", "2", "1", "1", "1", "11.0")
        categories = screen.query_one("#fig-category", DataTable)
        assert column(categories, 1)[:3] == ["1", "1", "1"]
        # Last year: none raised.
        screen.query_one("#fig-period", Select).value = "last_year"
        await settle(pilot)
        assert "0 challenges and 0 escalations raised" in str(
            screen.query_one("#fig-title").render()
        )
        await pilot.press("t")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "tab-list"


async def test_markup_in_names_and_text_is_shown_as_typed(challenged_url: str) -> None:
    app = SIUApp(challenged_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g", "g")
        await settle(pilot)
        await pilot.press("enter")  # the click family's challenge, at the top
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ChallengeScreen)
        assert MARKUP_FAMILIES[1] in str(detail.query_one("#ch-title").render())
        assert "No visit recorded [/b] since the review" in str(
            detail.query_one("#ch-description").render()
        )
        assert "Sam [i]Worker (South)" in str(detail.query_one("#ch-info").render())
        assert app.is_running


async def test_an_empty_list_says_what_to_do(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g", "g")
        await settle(pilot)
        empty = app.screen.query_one("#ch-empty", Static)
        assert empty.display
        assert "Press n to log one" in str(empty.render())


async def test_the_section_and_its_actions_are_found_by_name(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to challenges")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChallengesScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"log challenge")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LogChallengeDialog)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one("#help-keys", DataTable)
        assert {"Log challenge", "Filters", "Figures", "Go to Challenges"} <= set(column(table, 1))
