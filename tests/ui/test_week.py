"""The minutes week and the record's Minutes tab, driven by keys as a clerk and a manager would.

Today is Wednesday 25 November 2026. On top of the sample conferences (tests/ui/conftest.py):

- A: `Smith [/x]`, held Monday 2 November (Ada Chair, Cal Clerk): letter, draft and approval
  done in time; distribution was due Monday 23 November and is 2 working days overdue.
- B: `[ @click=app.quit]x[/]`, held Friday 13 November (Bea Second-Chair, Cal Clerk): nothing
  done. Letter due Monday 16th (7 working days overdue), draft Friday 20th (3 overdue),
  distribution Friday 4 December.
- C: Quillfeather, held Monday 23 November (Ada Chair, no clerk): letter sent Tuesday 24th,
  on time; draft due Monday 30 November.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, Label, Static, TabbedContent

from siu_tui.app import SIUApp
from siu_tui.db.models import AuditEvent, Invitee, Minutes, MinutesWeekReview, OutboxMessage
from siu_tui.screens.record.minutes import (
    ApproveDialog,
    DistributeDialog,
    LetterDialog,
    ReturnDialog,
    ToChairDialog,
)
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.screens.week import FiguresDialog, ReviewDialog, WeekScreen
from siu_tui.services import booking, minutes, people
from siu_tui.services.changes import ChildOutcome, mark_held
from siu_tui.services.context import Desk

from .conftest import MARKUP_FAMILIES, column, settle

SIZE = (120, 40)


def own_keys(screen: Any) -> set[str]:
    """The keys the screen itself offers now (the app's section keys, such as u or l, are
    always there too, so they are left out)."""
    return {key for key, active in screen.active_bindings.items() if active.node is screen}


@dataclass(frozen=True)
class Held:
    a: str
    b: str
    c: str


def _held(desk: Desk, family: str, child: str, day: date, chair: str, clerk: str | None) -> str:
    conference = booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=family,
            child_ids=[child],
            conference_type="initial",
            date=day,
            start_time=time(11, 0),
            trigger_date=day - timedelta(days=7),
            venue="Civic Centre",
            chair_id=chair,
            clerk_id=clerk,
        ),
    )
    mark_held(desk, conference, {child: ChildOutcome("no_plan")})
    return conference


@pytest.fixture
def week_url(sample_url: str) -> tuple[str, Held]:
    desk = Desk.open(sample_url, "fixture")
    staff = {s.name: s.id for s in people.list_staff(desk)}
    ada, cal = staff["Ada Chair"], staff["Cal Clerk"]
    bea = people.add_staff(desk, "Bea Second-Chair", "iro")
    with desk.store.read() as session:
        from siu_tui.db.models import Child, Family

        families = {
            f.name: (f.id, session.exec(select(Child.id).where(Child.family_id == f.id)).one())
            for f in session.exec(select(Family))
        }
    smith, odd = (families[name] for name in MARKUP_FAMILIES)
    quill = families["Quillfeather"]
    a = _held(desk, *smith, date(2026, 11, 2), ada, cal)
    minutes.record_decision_letter(desk, a, date(2026, 11, 3))
    minutes.send_to_chair(desk, a, date(2026, 11, 6))
    minutes.approve_minutes(desk, a, date(2026, 11, 10))
    with desk.store.write() as session:
        session.add(
            Invitee(
                conference_id=a,
                name="Mary [b]Smith[/b]",
                role="Mother",
                agency="family",
                direct_contact=False,
                email="mary.smith@example.org",
                attended=True,
            )
        )
        session.add(
            Invitee(
                conference_id=a,
                name="Sally School",
                role="Designated safeguarding lead",
                agency="education",
                attended=False,
            )
        )
    b = _held(desk, *odd, date(2026, 11, 13), bea, cal)
    c = _held(desk, *quill, date(2026, 11, 23), ada, None)
    minutes.record_decision_letter(desk, c, date(2026, 11, 24))
    desk.close()
    return sample_url, Held(a, b, c)


def text(app: SIUApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def error(app: SIUApp, field: str) -> str:
    label = app.screen.query_one(f"#error-{field}", Label)
    return str(label.render()) if label.display else ""


def minutes_row(url: str, conference_id: str) -> Minutes:
    desk = Desk.open(url, "check")
    try:
        with desk.store.read() as session:
            return session.exec(select(Minutes).where(Minutes.conference_id == conference_id)).one()
    finally:
        desk.close()


async def open_week(pilot) -> WeekScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, WeekScreen)
    return screen


# --- The week ---------------------------------------------------------------------------------


async def test_w_opens_this_week_with_its_tasks_and_conferences(
    week_url: tuple[str, Held],
) -> None:
    url, _held_ids = week_url
    app = SIUApp(url, user="manager.mo")
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        assert "Week commencing Monday 23 November 2026" in text(app, "week-title")
        assert "this week" in text(app, "week-title")
        assert "Not reviewed yet" in text(app, "week-review-line")
        summary = text(app, "week-summary")
        assert "2 due in the week, 2 carried in overdue" in summary
        assert "done on time 1" in summary and "OVERDUE 3" in summary
        tasks = app.screen.query_one("#week-tasks", DataTable)
        assert column(tasks, 0) == ["OVERDUE 7", "OVERDUE 3", "OVERDUE 2", "on time"]
        assert column(tasks, 1) == [
            "Decision letter",
            "Draft to chair",
            "Distribution",
            "Decision letter",
        ]
        assert column(tasks, 2) == ["16/11/2026", "20/11/2026", "23/11/2026", "24/11/2026"]
        # Family names are shown exactly as typed, never as markup.
        assert column(tasks, 4) == [MARKUP_FAMILIES[1], MARKUP_FAMILIES[1], MARKUP_FAMILIES[0],
                                    "Quillfeather"]  # fmt: skip
        assert column(tasks, 6) == [
            "Awaiting draft",
            "Awaiting draft",
            "Approved",
            "Awaiting draft",
        ]
        assert column(tasks, 7) == ["Cal Clerk", "Cal Clerk", "Cal Clerk", "—"]
        # The overdue rows stand out by colour as well as by the word.
        first = tasks.get_row_at(0)[0]
        assert "red" in str(first.style)
        conferences = app.screen.query_one("#week-conferences", DataTable)
        assert column(conferences, 0)[0] == "Mon 23/11 11:00"
        assert column(conferences, 2) == [
            "Quillfeather",
            MARKUP_FAMILIES[0],
            MARKUP_FAMILIES[1],
            "Quillfeather",
            "Quillfeather",
        ]
        assert column(conferences, 6)[0] == "Awaiting draft"


async def test_moving_between_weeks_and_back_to_this_one(week_url: tuple[str, Held]) -> None:
    url, _held_ids = week_url
    app = SIUApp(url, user="manager.mo")
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        tasks = app.screen.query_one("#week-tasks", DataTable)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "Week commencing Monday 16 November 2026" in text(app, "week-title")
        assert "past" in text(app, "week-title")
        # Last week: B's letter (Monday) and draft (Friday) fell due in it; A's distribution,
        # due on the Monday after, did not.
        assert column(tasks, 2) == ["16/11/2026", "20/11/2026"]
        assert "2 due in the week, 0 carried in" in text(app, "week-summary")
        conferences = app.screen.query_one("#week-conferences", DataTable)
        assert column(conferences, 5) == ["Stood down"]
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert "Week commencing Monday 30 November 2026" in text(app, "week-title")
        assert text(app, "week-review-line") == "Not reviewed: the week has not started."
        # Next week: C's draft and B's distribution fall due; what is overdue now is carried.
        assert column(tasks, 2) == [
            "16/11/2026",
            "20/11/2026",
            "23/11/2026",
            "30/11/2026",
            "04/12/2026",
        ]
        assert app.screen.query_one("#week-conferences-empty").display
        await pilot.press("t")
        await settle(pilot)
        assert "Week commencing Monday 23 November 2026" in text(app, "week-title")


async def test_filters_by_chair_and_by_clerk(week_url: tuple[str, Held]) -> None:
    url, _held_ids = week_url
    app = SIUApp(url, user="manager.mo")
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        tasks = app.screen.query_one("#week-tasks", DataTable)
        await pilot.press("f")  # the clerk list
        await settle(pilot)
        await pilot.press("tab", "enter")  # the chair list: Ada Chair, Bea Second-Chair
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert column(tasks, 4) == [MARKUP_FAMILIES[1], MARKUP_FAMILIES[1]]
        conferences = app.screen.query_one("#week-conferences", DataTable)
        assert not conferences.display  # Bea chairs nothing this week
        assert "No conferences for this clerk or chair" in text(app, "week-conferences-empty")
        await pilot.press("escape")  # clears the filters
        await settle(pilot)
        assert len(column(tasks, 0)) == 4
        await pilot.press("f", "enter", "down", "enter")  # Cal Clerk
        await settle(pilot)
        assert column(tasks, 7) == ["Cal Clerk"] * 3


async def test_a_manager_marks_the_week_reviewed(week_url: tuple[str, Held]) -> None:
    url, _held_ids = week_url
    app = SIUApp(url, user="manager.mo")
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReviewDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert "Write a note on the week" in error(app, "note")
        await pilot.press(*"Chased B's letter [b]today[/b]", "enter")
        await settle(pilot)
        assert isinstance(app.screen, WeekScreen)
        line = text(app, "week-review-line")
        assert line.startswith("Reviewed by manager.mo on 25/11/2026")
        assert line.endswith("Chased B's letter [b]today[/b]")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "16/11 yes" in text(app, "week-recent")
        assert "09/11 NO" in text(app, "week-recent")

    desk = Desk.open(url, "check")
    with desk.store.read() as session:
        (review,) = session.exec(select(MinutesWeekReview)).all()
        events = session.exec(
            select(AuditEvent).where(AuditEvent.record_type == "minutes_week_review")
        ).all()
    desk.close()
    assert (review.week_start, review.reviewed_by) == (date(2026, 11, 16), "manager.mo")
    assert [e.action for e in events] == ["review week"]


async def test_a_week_to_come_cannot_be_reviewed(week_url: tuple[str, Held]) -> None:
    url, _held_ids = week_url
    app = SIUApp(url, user="manager.mo")
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        await pilot.press("right_square_bracket", "v")
        await settle(pilot)
        await pilot.press(*"Too early", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewDialog)
        assert "has not started yet" in str(app.screen.query_one("#error-week", Label).render())


async def test_steps_from_the_week_follow_the_highlighted_row(week_url: tuple[str, Held]) -> None:
    url, held = week_url
    app = SIUApp(url, user="clerk.cal")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        # B's letter: awaiting draft, so the letter and "to chair" are offered, not approval.
        keys = own_keys(screen)
        assert "e" in keys and "l" in keys and "y" not in keys and "u" not in keys
        await pilot.press("down", "down")  # A's distribution: approved
        await settle(pilot)
        keys = own_keys(app.screen)
        assert "u" in keys and "e" not in keys
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, DistributeDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WeekScreen)
        tasks = app.screen.query_one("#week-tasks", DataTable)
        assert column(tasks, 0)[2] == "late 2"
        assert tasks.cursor_row == 2  # still on the row just changed

    row = minutes_row(url, held.a)
    assert (row.stage, row.distributed_at) == ("distributed", date(2026, 11, 25))
    desk = Desk.open(url, "check")
    with desk.store.read() as session:
        outbox = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "minutes")).all()
    desk.close()
    assert [m.to_address for m in outbox] == ["mary.smith@example.org"]


async def test_figures_for_the_quarter_and_any_period(week_url: tuple[str, Held]) -> None:
    url, _held_ids = week_url
    app = SIUApp(url, user="manager.mo")
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, FiguresDialog)
        assert "2026-27 Q3" in text(app, "figures-label")
        overall = text(app, "figures-overall")
        assert "3 held conferences' minutes" in overall
        assert "still outstanding 3 (1 past their deadline)" in overall
        chairs = app.screen.query_one("#figures-by-chair", DataTable)
        assert column(chairs, 0) == ["Ada Chair", "Bea Second-Chair"]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "2026-27 Q2" in text(app, "figures-label")
        assert "No held conferences with minutes" in text(app, "figures-overall")
        # Any period: type the dates and press Enter.
        start = app.screen.query_one("#figures-from", Input)
        start.focus()
        start.value = ""
        await pilot.press(*"20/11/2026")
        await pilot.press("tab", *["backspace"] * 10, *"31/12/2026", "enter")
        await settle(pilot)
        assert "20/11/2026 to 31/12/2026: 1 held" in text(app, "figures-overall")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WeekScreen)


# --- The record's Minutes tab -------------------------------------------------------------


async def test_minutes_move_through_every_stage_from_the_record(
    week_url: tuple[str, Held],
) -> None:
    """B's minutes, from the record: letter, draft to the chair, a return with a note, the
    draft again, approval, distribution; the tab and the history show each step."""
    url, held = week_url
    app = SIUApp(url, user="clerk.cal")
    async with app.run_test(size=(130, 45)) as pilot:
        await open_week(pilot)
        await pilot.press("enter")  # B's letter: open B's record
        await settle(pilot)
        record = app.screen
        assert isinstance(record, ConferenceScreen)
        assert "l" not in own_keys(record)  # the steps belong to the Minutes tab
        tabs = record.query_one(TabbedContent)
        tabs.query_one("Tabs").focus()
        # Children, Invites, History, Advocacy, Challenges, Minutes
        await pilot.press(*["right_square_bracket"] * 5)
        await settle(pilot)
        assert tabs.active == "tab-minutes"
        assert "Minutes: Awaiting draft · held by Cal Clerk" in text(app, "minutes-summary")
        steps = record.query_one("#minutes-steps", DataTable)
        assert column(steps, 3)[0] == "OVERDUE by 7 working day(s)"
        assert "No one is on the invite list yet" in text(app, "minutes-recipients-empty")

        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LetterDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert column(steps, 3)[0] == "late by 7 working day(s)"

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ToChairDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert "With chair · held by Bea Second-Chair" in text(app, "minutes-summary")

        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ReturnDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert "Say what needs changing" in error(app, "note")
        await pilot.press(*"Add the [b]police[/b] view", "enter")
        await settle(pilot)
        assert "Awaiting draft · held by Cal Clerk" in text(app, "minutes-summary")
        assert text(app, "minutes-returned") == "Returned by the chair: Add the [b]police[/b] view"

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ToChairDialog)
        assert "Add the [b]police[/b] view" in " ".join(
            str(label.render()) for label in app.screen.query(Label)
        )
        await pilot.press("enter")
        await settle(pilot)

        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ApproveDialog)
        await pilot.press(*["backspace"] * 10, *"12/11/2026", "enter")
        await settle(pilot)
        assert "That is before the conference (13/11/2026)" in error(app, "on")
        await pilot.press(*["backspace"] * 10, *"25/11/2026", "enter")
        await settle(pilot)
        assert "Approved · held by Cal Clerk" in text(app, "minutes-summary")

        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, DistributeDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert "Minutes: Distributed" in text(app, "minutes-summary")
        assert "Who received them was not recorded" in text(app, "minutes-recipients-empty")

        history = record.query_one("#history", DataTable)
        actions = column(history, 2)
        for action in (
            "start minutes",
            "decision letter",
            "send to chair",
            "return minutes",
            "send to chair again",
            "approve minutes",
            "distribute minutes",
        ):
            assert action in actions
        returned = column(history, 4)[actions.index("return minutes")]
        assert "returned_note: None → Add the [b]police[/b] view" in returned

    row = minutes_row(url, held.b)
    assert row.stage == "distributed"
    assert row.decision_letter_at == row.draft_to_chair_at == row.distributed_at
    assert row.returned_note == "Add the [b]police[/b] view"


async def test_the_minutes_tab_of_a_booked_conference_says_when_they_start(
    sample_url: str,
) -> None:
    app = SIUApp(sample_url, user="clerk.cal")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # today's first conference, booked
        await settle(pilot)
        record = app.screen
        assert isinstance(record, ConferenceScreen)
        tabs = record.query_one(TabbedContent)
        tabs.query_one("Tabs").focus()
        await pilot.press(*["right"] * 5)  # to the Minutes tab, the last
        await settle(pilot)
        assert "Minutes start when the conference is marked held" in text(app, "minutes-summary")
        assert not {"l", "e", "y", "b", "u"} & own_keys(record)


async def test_help_and_the_palette_list_the_week_s_keys(week_url: tuple[str, Held]) -> None:
    from siu_tui.commands import SIUCommands

    url, _held_ids = week_url
    app = SIUApp(url, user="manager.mo")
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        # B's letter is highlighted: awaiting draft, so "To chair" but not "Approve".
        names = [name for name, *_rest in SIUCommands(app.screen)._commands()]
        assert "Go to Minutes week" in names
        assert {"Prev week", "Next week", "Review week", "Figures", "To chair"} <= set(names)
        assert "Approve" not in names and "Distribute" not in names
        await pilot.press("question_mark")
        await settle(pilot)
        keys = app.screen.query_one("#help-keys", DataTable)
        shown = dict(zip(column(keys, 0), column(keys, 1), strict=True))
        assert shown["["] == "Prev week" and shown["]"] == "Next week"
        assert shown["g w / w"] == "Go to Minutes week"  # w alone too: the week has no w
        assert shown["u"] == "Distribute"
