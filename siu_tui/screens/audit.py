"""The audit trail: every change anyone made, newest first, paged from the database.

Only a page (200 events) is held at a time; moving the cursor near the end fetches the next
page, so the screen opens as fast on a year of changes as on a day's. Each row names the
conference or family it was about; Enter opens the event, field by field, before and after.
The trail is read again whenever the clerk comes back to it, so it is never a stale copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Static

from siu_tui.screens.base import SIUModal, SIUScreen
from siu_tui.widgets.text import cell, plain, show

if TYPE_CHECKING:
    from siu_tui.services.audit import AuditDetail, AuditRow

PAGE = 200


class AuditScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("audit.tcss")
    TITLE = "SIU Desk · Audit trail"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "reload",
            "Refresh",
            tooltip="Start again from the newest change",
            id="audit-refresh",
        ),
        Binding(
            "enter",
            "open_event",
            "Open",
            tooltip="Show what this change changed, before and after",
            id="audit-open",
        ),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._last: tuple[object, str] | None = None
        self._more = True
        self._loading = False
        self._in_event = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Every change, who made it and when · newest first", id="audit-intro", markup=False
        )
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static("No changes have been recorded yet.", id="audit-empty", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("When", "Who", "Action", "Record", "About", "Changes")
        self.query_one("#audit-empty").display = False

    def on_screen_resume(self) -> None:
        """Shown again (or for the first time): read the trail as it is now, unless the clerk
        is only back from one of its events."""
        if self._in_event:
            self._in_event = False
            return
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one(DataTable).clear()
        self._last, self._more = None, True
        self.query_one(DataTable).loading = True
        self.fetch_page(None)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    @on(DataTable.RowSelected)
    def action_open_event(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            self.fetch_event(key)

    @work(thread=True, exclusive=True, group="audit-event", exit_on_error=False)
    def fetch_event(self, event_id: str) -> None:
        from siu_tui.services.audit import audit_event

        detail = audit_event(self.app.desk().store, event_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show_event, detail)

    def _show_event(self, detail: AuditDetail) -> None:
        self._in_event = True
        self.app.push_screen(AuditEventDialog(detail))

    @on(DataTable.RowHighlighted)
    def _maybe_fetch_more(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if self._more and not self._loading and event.cursor_row >= table.row_count - 20:
            self.fetch_page(self._last)

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def fetch_page(self, after: tuple[object, str] | None) -> None:
        from siu_tui.services.audit import audit_page

        self._loading = True
        try:
            rows = audit_page(self.app.desk().store, before=after, limit=PAGE)  # type: ignore[attr-defined,arg-type]
        finally:
            self._loading = False
            self.app.call_from_thread(setattr, self.query_one(DataTable), "loading", False)
        self.app.call_from_thread(self.add_rows, rows)

    def add_rows(self, rows: list[AuditRow]) -> None:
        table = self.query_one(DataTable)
        for row in rows:
            table.add_row(
                cell(row.at),
                cell(row.actor),
                cell(row.action),
                cell(row.record_type.replace("_", " ")),
                cell(row.about),
                cell(row.changes),
                key=row.id,
            )
        self._more = len(rows) == PAGE
        if rows:
            self._last = (rows[-1].at, rows[-1].id)
        empty = table.row_count == 0
        table.display = not empty
        self.query_one("#audit-empty").display = empty


class AuditEventDialog(SIUModal[None]):
    """One change as it was made: each field it touched, what it held before and after."""

    DEFAULT_CSS = """
    AuditEventDialog { align: center middle; }
    AuditEventDialog > #event-dialog {
        width: 100; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    AuditEventDialog .title { text-style: bold; color: $accent; margin-bottom: 1; }
    AuditEventDialog #event-changes { height: auto; max-height: 20; }
    AuditEventDialog .buttons { height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the audit trail", id="event-close"),
    ]

    def __init__(self, detail: AuditDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        detail = self.detail
        what = detail.record_type.replace("_", " ")
        with Vertical(id="event-dialog"):
            yield Static(plain(f"{detail.action} · {what}"), classes="title")
            yield Static(
                plain(
                    f"{show(detail.at)} by {detail.actor}"
                    + (f" · {detail.about}" if detail.about else "")
                ),
                id="event-summary",
            )
            yield DataTable(id="event-changes", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="buttons"):
                yield Button("Close (Esc)", id="close")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Field", "Before", "After")
        for change in self.detail.changes:
            table.add_row(cell(change.field), cell(change.before), cell(change.after))
        table.focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
