"""The audit trail: every change anyone made, newest first, paged from the database.

Only a page (200 events) is held at a time; moving the cursor near the end fetches the next
page, so the screen opens as fast on a year of changes as on a day's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from siu_tui.screens.base import SIUScreen
from siu_tui.widgets.text import cell

if TYPE_CHECKING:
    from siu_tui.services.audit import AuditRow

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
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._last: tuple[object, str] | None = None
        self._more = True
        self._loading = False

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
        table.add_columns("When", "Who", "Action", "Record", "Changes")
        self.query_one("#audit-empty").display = False
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
                cell(row.changes),
                key=row.id,
            )
        self._more = len(rows) == PAGE
        if rows:
            self._last = (rows[-1].at, rows[-1].id)
        empty = table.row_count == 0
        table.display = not empty
        self.query_one("#audit-empty").display = empty
