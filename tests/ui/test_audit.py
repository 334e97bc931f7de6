"""The audit trail: which conference or family each change was about, what it changed, and
never a stale copy when the clerk comes back to it."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from textual.widgets import DataTable, Static

from siu_tui.app import SIUApp
from siu_tui.db.models import Conference
from siu_tui.screens.audit import AuditEventDialog, AuditScreen
from siu_tui.services import people
from siu_tui.services.changes import cancel_conference
from siu_tui.services.context import Desk

from .conftest import column, settle

SIZE = (150, 40)


def _first_booked(url: str) -> tuple[str, str]:
    desk = Desk.open(url, "check")
    with desk.store.read() as session:
        conference = session.exec(
            select(Conference).where(Conference.status == "booked").order_by(Conference.date)
        ).first()
        assert conference is not None
        found = conference.id, conference.reference
    desk.close()
    return found


async def open_audit(pilot) -> DataTable:  # type: ignore[no-untyped-def]
    pilot.app.action_go("audit")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AuditScreen)
    return pilot.app.screen.query_one("#audit-table", DataTable)


async def test_the_trail_is_read_again_when_the_clerk_comes_back(sample_url: str) -> None:
    conference_id, reference = _first_booked(sample_url)
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_audit(pilot)
        before = table.row_count
        pilot.app.action_go("home")
        await settle(pilot)
        desk = Desk.open(sample_url, "second clerk")
        cancel_conference(desk, conference_id, "Family moved away")
        desk.close()
        table = await open_audit(pilot)
        assert table.row_count > before
        rows = list(zip(column(table, 1), column(table, 3), column(table, 4), strict=True))
        assert rows[0][0] == "second clerk"
        cancelled = [r for r in rows if r[:2] == ("second clerk", "conference")]
        assert len(cancelled) == 1 and cancelled[0][2].startswith(f"{reference} · ")


async def test_each_row_names_its_conference_or_family(sample_url: str) -> None:
    desk = Desk.open(sample_url, "fixture")
    family = people.create_family(desk, "AUD-1", "Audley [b]x[/b]")
    people.add_child(desk, family, "AUD1", "Ro", "Audley", date_of_birth=date(2020, 1, 1), sex="U")
    desk.close()
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_audit(pilot)
        rows = list(zip(column(table, 3), column(table, 4), strict=True))
        assert ("child", "Audley [b]x[/b] (AUD-1)") in rows
        assert ("family", "Audley [b]x[/b] (AUD-1)") in rows
        booked = [about for record, about in rows if record == "conference"]
        assert booked and all(about.startswith("CPC-") and " · " in about for about in booked)


async def test_enter_opens_an_event_field_by_field(sample_url: str) -> None:
    conference_id, reference = _first_booked(sample_url)
    desk = Desk.open(sample_url, "second clerk")
    cancel_conference(desk, conference_id, "Family moved away")
    desk.close()
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_audit(pilot)
        table.focus()
        where = list(zip(column(table, 1), column(table, 3), strict=True))
        row = where.index(("second clerk", "conference"))
        await pilot.press(*["down"] * row, "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AuditEventDialog)
        summary = str(dialog.query_one("#event-summary", Static).render())
        assert "second clerk" in summary and reference in summary
        changes = dialog.query_one("#event-changes", DataTable)
        rows = list(zip(column(changes, 0), column(changes, 1), column(changes, 2), strict=True))
        assert ("status", "booked", "cancelled") in rows
        assert ("cancel reason", "—", "Family moved away") in rows
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#audit-table", DataTable).cursor_row == row
