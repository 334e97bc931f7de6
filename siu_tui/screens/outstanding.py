"""Reports outstanding: every report still missing for the conferences to come, the most
urgent deadline first, with who to chase and how to reach them.

Rows come a page at a time from ``services.outstanding`` (keyset pages, never the whole
list); moving near the end fetches the next page. Enter opens the conference on its Invites
tab, where the report is recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Select, Static
from textual.worker import get_current_worker

from siu_tui.clock import today
from siu_tui.screens.base import SIUScreen
from siu_tui.widgets.text import cell, cell_right, choices, plain

if TYPE_CHECKING:
    from siu_tui.services.outstanding import OutstandingFilter, OutstandingPage, OutstandingReport

PAGE = 100
COLUMNS = (
    # (heading, width): they fit a 120-column terminal, contact included.
    ("Due", 9),
    ("Left", 4),
    ("Report", 20),
    ("Conference", 15),
    ("Family", 14),
    ("Chase", 18),
    ("Contact", 24),
)
EMPTY = "No reports are outstanding for the conferences to come."
EMPTY_FILTERED = "No reports are outstanding for these conferences. Esc clears the filters."


def report_label(row: OutstandingReport) -> str:
    """Short enough for the list: "SW report: parents", "Police", "GP"."""
    if row.kind == "sw_parents":
        return "SW report: parents"
    if row.kind == "sw_chair":
        return "SW report: chair"
    return row.what.removesuffix(" report")


def left_cell(row: OutstandingReport) -> Text:
    style = "bold red" if row.days_left < 0 else ("yellow" if row.days_left <= 1 else "")
    return cell_right(row.days_left, style)


class OutstandingScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("outstanding.tcss")
    TITLE = "SIU Desk · Reports outstanding"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f",
            "focus_filters",
            "Filters",
            tooltip="Narrow the list to one clerk's conferences or one week",
            id="outstanding-filters",
        ),
        Binding(
            "escape",
            "clear",
            "Clear",
            tooltip="Clear the filters",
            id="outstanding-clear",
        ),
        Binding(
            "r",
            "reload",
            "Refresh",
            tooltip="Read the latest from the database",
            id="outstanding-refresh",
        ),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._cursor: Any = None
        self._fetching = False
        self._generation = 0

    def compose(self) -> ComposeResult:
        from siu_tui.services.outstanding import week_choices

        yield Header()
        with Horizontal(id="outstanding-filters"):
            yield Select([], prompt="Any clerk", id="outstanding-clerk")
            yield Select(
                choices([(label, monday.isoformat()) for label, monday in week_choices(today())]),
                prompt="Any week",
                id="outstanding-week",
            )
        yield Static("", id="outstanding-summary", markup=False)
        yield DataTable(id="outstanding-list", cursor_type="row", zebra_stripes=True)
        yield Static(EMPTY, id="outstanding-empty", classes="empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading, width in COLUMNS:
            table.add_column(heading, width=width)
        self.query_one("#outstanding-empty").display = False
        table.focus()
        self.reload()
        self.load_clerks()

    def on_screen_resume(self) -> None:
        """Back from a conference's record: a report may have been recorded there."""
        if self._generation:
            self.reload()

    @work(thread=True, exclusive=True, group="outstanding-clerks", exit_on_error=False)
    def load_clerks(self) -> None:
        from siu_tui.services.people import list_staff

        desk = self.app.desk()  # type: ignore[attr-defined]
        clerks = [(s.name, s.id) for s in list_staff(desk, "clerk", active_only=False)]
        self.app.call_from_thread(self._set_clerks, clerks)

    def _set_clerks(self, clerks: list[tuple[str, str]]) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#outstanding-clerk", Select).set_options(choices(clerks))

    # -- filters -----------------------------------------------------------------------------

    def current_filter(self) -> OutstandingFilter:
        from datetime import date

        from siu_tui.services.outstanding import OutstandingFilter

        clerk = self.query_one("#outstanding-clerk", Select).selection
        week = self.query_one("#outstanding-week", Select).selection
        return OutstandingFilter(
            clerk_id=str(clerk) if clerk is not None else None,
            week_of=date.fromisoformat(str(week)) if week is not None else None,
        )

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()  # chosen: back to the list (f returns to filters)

    def action_focus_filters(self) -> None:
        self.query_one("#outstanding-clerk", Select).focus()

    def action_clear(self) -> None:
        with self.prevent(Select.Changed):
            for select in self.query(Select):
                select.clear()
        self.query_one(DataTable).focus()
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    # -- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        flt = self.current_filter()
        self._generation += 1
        self._cursor = None
        self.fetch(flt, None, self._generation, fresh=True)
        self.count(flt, self._generation)

    @on(DataTable.RowHighlighted)
    def _maybe_fetch_more(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if (
            self._cursor is not None
            and not self._fetching
            and event.cursor_row >= table.row_count - 20
        ):
            self.fetch(self.current_filter(), self._cursor, self._generation, fresh=False)

    @work(thread=True, exclusive=True, group="outstanding-list", exit_on_error=False)
    def fetch(self, flt: OutstandingFilter, cursor: Any, generation: int, *, fresh: bool) -> None:
        from siu_tui.services.outstanding import outstanding_reports

        self._fetching = True
        try:
            page = outstanding_reports(
                self.app.desk(),  # type: ignore[attr-defined]
                today(),
                flt,
                cursor=cursor,
                limit=PAGE,
            )
        finally:
            self._fetching = False
        if get_current_worker().is_cancelled or generation != self._generation:
            return  # the clerk changed a filter: a newer query is coming
        self.app.call_from_thread(self.show_page, page, fresh, flt)

    @work(thread=True, exclusive=True, group="outstanding-count", exit_on_error=False)
    def count(self, flt: OutstandingFilter, generation: int) -> None:
        from siu_tui.services.outstanding import count_outstanding

        total = count_outstanding(self.app.desk(), today(), flt)  # type: ignore[attr-defined]
        if generation == self._generation:
            self.app.call_from_thread(self.show_count, total, flt)

    def show_count(self, total: int, flt: OutstandingFilter) -> None:
        from siu_tui.services.outstanding import OutstandingFilter

        what = "report" if total == 1 else "reports"
        narrowed = " for these conferences" if flt != OutstandingFilter() else ""
        self.query_one("#outstanding-summary", Static).update(
            plain(
                f"{total:,} {what} outstanding{narrowed} · soonest first · "
                "Left: working days (negative: overdue) · Enter opens the conference"
            )
        )

    def show_page(self, page: OutstandingPage, fresh: bool, flt: OutstandingFilter) -> None:
        from siu_tui.services.outstanding import OutstandingFilter

        table = self.query_one(DataTable)
        if fresh:
            table.clear()
        for row in page.rows:
            table.add_row(
                cell(f"{row.deadline:%a %d/%m}", "bold red" if row.overdue else ""),
                left_cell(row),
                cell(report_label(row)),
                cell(f"{row.conference_date:%a %d/%m} {row.start_time:%H:%M}"),
                cell(row.family),
                cell(row.chase),
                cell(row.contact),
                # Unique per report, and it leads with the conference that Enter opens.
                key=f"{row.conference_id}|{row.kind}|{row.invitee_id or ''}",
            )
        self._cursor = page.cursor
        empty = table.row_count == 0
        table.display = not empty
        message = EMPTY if flt == OutstandingFilter() else EMPTY_FILTERED
        self.query_one("#outstanding-empty", Static).update(plain(message))
        self.query_one("#outstanding-empty").display = empty

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        conference_id = (event.row_key.value or "").split("|")[0]
        if conference_id:
            self.app.open_conference(conference_id, tab="tab-invites")  # type: ignore[attr-defined]
