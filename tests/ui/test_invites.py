"""The Invites tab by keys: build and copy a list, invitations, replies, reports, attendance
and quoracy, the chair's decision; and the reports outstanding screen.

Today is Wednesday 25 November 2026. Today's 10:00 conference (`Smith [/x]`, initial,
strategy discussion 16/11) has its social worker's report due to the parents on Monday 23/11
and to the chair, with the agencies' reports, on Tuesday 24/11.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Select, Static, TabbedContent

from siu_tui.app import SIUApp
from siu_tui.db.models import Conference, Invitee, OutboxMessage, SocialWorkerReport, StandDown
from siu_tui.screens.outstanding import OutstandingScreen
from siu_tui.screens.record.actions import RebookDialog, StandDownDialog
from siu_tui.screens.record.invites import (
    AgencyReportDialog,
    DecisionDialog,
    InvitedDialog,
    InviteeDialog,
    SocialWorkerReportDialog,
)
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.services.context import Desk
from siu_tui.services.invites import InviteeInput, add_invitee

from .conftest import PREVIOUS_LIST, column, settle

SIZE = (120, 40)


async def open_invites(pilot) -> ConferenceScreen:  # type: ignore[no-untyped-def]
    """Home, today's 10:00 conference, Enter, then the Invites tab and into its list."""
    await settle(pilot)
    pilot.app.screen.query_one("#today", DataTable).focus()
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConferenceScreen)
    await pilot.press("right_square_bracket")  # Invites is next; its list has the focus
    await settle(pilot)
    assert screen.query_one(TabbedContent).active == "tab-invites"
    assert screen.focused is screen.query_one("#invites", DataTable)
    return screen


def todays(url: str) -> tuple[Desk, str]:
    desk = Desk.open(url, "check")
    with desk.store.read() as session:
        conference = session.exec(
            select(Conference)
            .where(Conference.date == date(2026, 11, 25))
            .order_by(col(Conference.start_time))
        ).first()
        assert conference is not None
        return desk, conference.id


def listed(desk: Desk, conference_id: str) -> list[Invitee]:
    with desk.store.read() as session:
        return list(
            session.exec(
                select(Invitee)
                .where(Invitee.conference_id == conference_id)
                .order_by(col(Invitee.name))
            )
        )


def status(pilot) -> str:  # type: ignore[no-untyped-def]
    return str(pilot.app.screen.query_one("#invites-status", Static).render())


def messages(app: SIUApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_an_invite_list_is_built_by_keys(invites_url: str) -> None:
    app = SIUApp(invites_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_invites(pilot)
        empty = screen.query_one("#invites-empty", Static)
        assert empty.display and "press n to add someone" in str(empty.render()).lower()
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, InviteeDialog)
        await pilot.press("ctrl+s")  # nothing typed
        await settle(pilot)
        assert str(app.screen.query_one("#error-agency").render()).startswith("Choose the agency")
        await pilot.press(*"Dr Example", "tab", *"GP, Meadowbrook", "tab")
        await pilot.press("enter", *"gp", "enter")  # the agency list: type to find, Enter
        await pilot.press("tab", "tab", *"gp.example@example.org", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        desk, conference_id = todays(invites_url)
        (gp,) = listed(desk, conference_id)
        assert (gp.name, gp.role, gp.agency, gp.email) == (
            "Dr Example",
            "GP, Meadowbrook",
            "gp",
            "gp.example@example.org",
        )
        table = screen.query_one("#invites", DataTable)
        assert column(table, 1) == ["Dr Example"]
        assert column(table, 7) == ["Overdue"]  # due to the chair yesterday
        # A bad e-mail address is refused beside the field and nothing changes.
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "tab", "end", *["backspace"] * 11, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InviteeDialog)
        assert "domain like example.org" in str(app.screen.query_one("#error-email").render())
        await pilot.press("escape")
        await settle(pilot)
        assert listed(desk, conference_id)[0].email == "gp.example@example.org"
        # History shows the change.
        history = screen.query_one("#history", DataTable)
        assert "invite" in column(history, 2)
        # Delete asks first.
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert listed(desk, conference_id) == []
        desk.close()


async def test_the_list_is_copied_and_invitations_sent_replies_recorded(invites_url: str) -> None:
    app = SIUApp(invites_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_invites(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert any("Copied 7 people from CPC-" in m for m in messages(app))
        table = screen.query_one("#invites", DataTable)
        assert column(table, 1)[:2] == ["Mo Smith [/x]", "Sam Worker"]  # family first
        assert len(column(table, 1)) == len(PREVIOUS_LIST)
        desk, conference_id = todays(invites_url)
        # Mark the first two (space moves down), record them as invited by post.
        await pilot.press("space", "space")
        assert column(table, 0)[:3] == ["●", "●", ""]
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, InvitedDialog)
        await pilot.press("enter")  # open "sent by"
        await pilot.press(*"post", "enter", "ctrl+s")
        await settle(pilot)
        invited = {i.name: (i.invited_via, i.invited_at) for i in listed(desk, conference_id)}
        assert invited["Mo Smith [/x]"] == ("post", date(2026, 11, 25))
        assert invited["Sam Worker"] == ("post", date(2026, 11, 25))
        assert invited["DC Ada Example"] == (None, None)
        assert column(table, 0) == [""] * len(PREVIOUS_LIST)  # the marks are cleared
        # E-mail everyone not yet invited: those with an address are queued.
        await pilot.press("q")
        await settle(pilot)
        with desk.store.read() as session:
            # The booking's advocacy notices are in the outbox too; these are the invitations.
            queued = session.exec(
                select(OutboxMessage).where(OutboxMessage.kind == "invitation")
            ).all()
        assert sorted(m.to_address for m in queued) == [
            "advocacy@example.org",
            "hv@example.org",
            "police@example.org",
            "school@example.org",
        ]
        assert {m.kind for m in queued} == {"invitation"} and {m.state for m in queued} == {
            "queued"
        }
        assert any("no e-mail address for Sol Nurse" in m for m in messages(app))
        # Replies: y moves through attending, apologies, not known.
        table.move_cursor(row=2)  # DC Ada Example
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("down", "y")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        replies = {i.name: i.response for i in listed(desk, conference_id)}
        assert replies["DC Ada Example"] == "attending"
        assert replies["Hana Visitor"] == "apologies"
        assert status(pilot).startswith(
            "Quoracy expected from replies: Not quorate · social care missing"
        )
        desk.close()


async def test_reports_are_recorded_and_classed_live(invites_url: str) -> None:
    app = SIUApp(invites_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_invites(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert "to parents (due 23/11/2026): Not received · 2 working days overdue" in status(pilot)
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SocialWorkerReportDialog)
        await pilot.press(*"24/11/2026")
        await pilot.pause()
        live = dialog.query_one("#live-to_parents", Static)
        assert str(live.render()) == "Late (received 24/11/2026)"
        await pilot.press("tab", *"25/11/2026")
        await pilot.pause()
        assert str(dialog.query_one("#live-to_chair", Static).render()) == (
            "On the day (received 25/11/2026)"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        desk, conference_id = todays(invites_url)
        with desk.store.read() as session:
            report = session.exec(
                select(SocialWorkerReport).where(SocialWorkerReport.conference_id == conference_id)
            ).one()
        assert (report.to_parents_at, report.to_chair_at) == (
            date(2026, 11, 24),
            date(2026, 11, 25),
        )
        assert "to chair (due 24/11/2026): On the day" in status(pilot)
        # The police report arrived yesterday, in the LSCB format.
        table = screen.query_one("#invites", DataTable)
        table.move_cursor(row=2)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AgencyReportDialog)
        await pilot.press("enter", *"lscb", "enter", "tab", "end", *["backspace"] * 10)
        await pilot.press(*"24/11/2026", "ctrl+s")
        await settle(pilot)
        police = next(i for i in listed(desk, conference_id) if i.agency == "police")
        assert (police.report_format, police.report_received_at) == ("lscb", date(2026, 11, 24))
        assert column(table, 7)[2] == "LSCB 24/11"
        assert "Agency reports (due 24/11/2026): 1 of 4 received" in status(pilot)
        desk.close()


CASES = [
    (("social_care", "police", "education"), True, "Quorate"),
    (("social_care", "police"), False, "needs 1 more agency"),
    (("social_care", "health_visitor", "health_visitor", "health_visitor"), False, "needs 1 more"),
    (("social_care", "education", "school_nurse"), True, "Quorate"),
    (("social_care", "family", "family", "advocate", "police"), False, "needs 1 more agency"),
]


@pytest.mark.parametrize(("agencies", "quorate", "words"), CASES)
async def test_attendance_by_keys_decides_quoracy(
    sample_url: str, agencies: tuple[str, ...], quorate: bool, words: str
) -> None:
    """Social care plus two agencies is quorate, plus one is not; three health visitors are
    one agency; a school and a school nurse are two; parents and an advocate do not count."""
    desk, conference_id = todays(sample_url)
    for n, agency in enumerate(agencies):
        add_invitee(desk, conference_id, InviteeInput(name=f"P{n} {agency}", agency=agency))
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_invites(pilot)
        assert "Quoracy expected from replies: Not quorate" in status(pilot)
        await pilot.press(*["space"] * len(agencies), "t")  # mark everyone, tick attended
        await settle(pilot)
        shown = status(pilot)
        assert shown.startswith("Quoracy on the day: " + ("Quorate" if quorate else "Not quorate"))
        assert words in shown
        table = pilot.app.screen.query_one("#invites", DataTable)
        assert set(column(table, 8)) == {"Yes"}
    with desk.store.read() as session:
        stored = session.get(Conference, conference_id)
        assert stored is not None and stored.quorate is quorate
        assert all(i.attended for i in listed(desk, conference_id))
    desk.close()


async def test_not_quorate_the_chair_stands_it_down(sample_url: str) -> None:
    desk, conference_id = todays(sample_url)
    for n, agency in enumerate(("social_care", "police", "family")):
        add_invitee(desk, conference_id, InviteeInput(name=f"P{n}", agency=agency))
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_invites(pilot)
        await pilot.press("z")  # before attendance: told to take it first
        await settle(pilot)
        assert any("Take attendance first" in m for m in messages(app))
        await pilot.press("space", "space", "space", "t")
        await settle(pilot)
        assert any("press z to record the decision" in m for m in messages(app))
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, DecisionDialog)
        await pilot.press("enter", "down", "down", "enter", "ctrl+s")  # Stand down
        await settle(pilot)
        # The stand-down opens with "not quorate" chosen; saving it offers the re-booking.
        assert isinstance(app.screen, StandDownDialog)
        assert app.screen.query_one("#reason", Select).value == "not_quorate"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RebookDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        assert "Chair's decision (not quorate): Stand down" in status(pilot)
    with desk.store.read() as session:
        stored = session.get(Conference, conference_id)
        assert stored is not None
        assert (stored.inquorate_decision, stored.quorate) == ("stand_down", False)
        assert stored.status == "stood_down"
        reason = session.exec(
            select(StandDown.reason).where(StandDown.conference_id == conference_id)
        ).one()
        assert reason == "not_quorate"
    desk.close()


async def test_proceeding_needs_a_reason(sample_url: str) -> None:
    desk, conference_id = todays(sample_url)
    for n, agency in enumerate(("social_care", "police")):
        add_invitee(desk, conference_id, InviteeInput(name=f"P{n}", agency=agency, attended=True))
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_invites(pilot)
        await pilot.press("z")
        await settle(pilot)
        await pilot.press("enter", "down", "enter", "ctrl+s")  # Proceed, no reason
        await settle(pilot)
        assert isinstance(app.screen, DecisionDialog)
        assert "Say why" in str(app.screen.query_one("#error-note").render())
        await pilot.press("tab", *"Baby due this week; police report read out", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
    with desk.store.read() as session:
        stored = session.get(Conference, conference_id)
        assert stored is not None
        assert stored.inquorate_decision == "proceed"
        assert stored.inquorate_note == "Baby due this week; police report read out"
    desk.close()


# --- Reports outstanding --------------------------------------------------------------------


async def test_reports_outstanding_lists_filters_and_opens_the_invites_tab(
    invites_url: str,
) -> None:
    desk, conference_id = todays(invites_url)
    add_invitee(desk, conference_id, InviteeInput(name="DC Late", agency="police"))
    desk.close()
    app = SIUApp(invites_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OutstandingScreen)
        table = screen.query_one("#outstanding-list", DataTable)
        reports = column(table, 2)
        # Four booked conferences, two copies of the social worker's report each, one police.
        assert len(reports) == 9
        assert column(table, 0)[:3] == ["Mon 23/11", "Mon 23/11", "Tue 24/11"]
        assert reports[:3] == ["SW report: parents", "SW report: parents", "SW report: chair"]
        assert "Police" in reports
        summary = str(screen.query_one("#outstanding-summary", Static).render())
        assert summary.startswith("9 reports outstanding")
        # Filter by week: next week has none.
        await pilot.press("f", "tab", "enter", "down", "down", "enter")
        await settle(pilot)
        assert not table.display
        assert "Esc clears the filters" in str(screen.query_one("#outstanding-empty").render())
        await pilot.press("escape")
        await settle(pilot)
        assert table.row_count == 9
        # Enter on the police report opens its conference on the Invites tab.
        table.move_cursor(row=reports.index("Police"))
        await pilot.press("enter")
        await settle(pilot)
        record = app.screen
        assert isinstance(record, ConferenceScreen) and record.conference_id == conference_id
        assert record.query_one(TabbedContent).active == "tab-invites"
        assert column(record.query_one("#invites", DataTable), 1) == ["DC Late"]
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter", *"verbal", "enter", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OutstandingScreen)
        assert "Police" not in column(table, 2)  # it has arrived


async def test_the_tabs_keys_are_in_help_and_the_command_palette(invites_url: str) -> None:
    app = SIUApp(invites_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_invites(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        keys = app.screen.query_one("#help-keys", DataTable)
        does = column(keys, 1)
        assert {"Copy list", "Mark", "Attended", "SW report", "Decision"} <= set(does)
        assert column(keys, 0)[does.index("Mark")] == "Space"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"copy list")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        rows = column(app.screen.query_one("#invites", DataTable), 1)
        assert len(rows) == len(PREVIOUS_LIST)
