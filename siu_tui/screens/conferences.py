"""The conference list: every conference, upcoming first, then past, found in seconds.

Rows come from the database a page at a time (keyset pagination): the table holds what has
been scrolled to, never the whole list. Each keystroke in the search box starts a fresh query
in a worker, so typing never waits for the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Select, Static
from textual.worker import get_current_worker

from siu_tui.clock import today
from siu_tui.domain.codes import ConferenceStatus, ConferenceType
from siu_tui.screens.base import SIUScreen
from siu_tui.screens.home import days_left_cell, status_cell
from siu_tui.widgets.text import cell, choices, plain

if TYPE_CHECKING:
    from siu_tui.services.conferences import ConferenceFilter, ConferencePage

PAGE = 100
COLUMNS = (
    # (heading, width): they fit a 120-column terminal, deadline and days left included.
    ("Date", 18),
    ("Type", 11),
    ("Family", 15),
    ("Children", 12),
    ("Chair", 12),
    ("Venue", 8),
    ("Status", 11),
    ("Deadline", 8),
    ("Left", 4),
)


class ConferencesScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("conferences.tcss")
    TITLE = "SIU Desk · Conferences"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "focus_search",
            "Search",
            tooltip="Search by family, child, case reference or date of birth",
            id="conferences-search",
        ),
        Binding(
            "f",
            "toggle_filters",
            "Filters",
            tooltip="Filter by type, status and dates",
            id="conferences-filters",
        ),
        Binding(
            "escape",
            "clear",
            "Clear",
            tooltip="Clear the search and filters",
            id="conferences-clear",
        ),
        Binding(
            "r",
            "reload",
            "Refresh",
            tooltip="Read the latest from the database",
            id="conferences-refresh",
        ),
        Binding(
            "n",
            "book",
            "Book",
            tooltip="Book a new conference",
            id="conferences-book",
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
        yield Header()
        yield Input(
            placeholder="Search: family, child, case reference or date of birth (DD/MM/YYYY)",
            id="search",
        )
        with Horizontal(id="filters"):
            yield Select(
                choices([(t.label, t.value) for t in ConferenceType]), prompt="Any type", id="type"
            )
            yield Select(
                choices([(s.label, s.value) for s in ConferenceStatus]),
                prompt="Any status",
                id="status",
            )
            yield Select([], prompt="Any chair", id="chair")
            yield Select([], prompt="Any clerk", id="clerk")
            yield Input(placeholder="From DD/MM/YYYY", id="date-from", classes="date")
            yield Input(placeholder="To DD/MM/YYYY", id="date-to", classes="date")
            yield Input(placeholder="Venue", id="venue")
        yield Static("", id="filter-error", markup=False)
        yield Static("", id="summary", markup=False)
        yield DataTable(id="list", cursor_type="row", zebra_stripes=True)
        yield Static("No conferences match.", id="list-empty", classes="empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading, width in COLUMNS:
            table.add_column(heading, width=width)
        self.query_one("#filters").display = False
        self.query_one("#filter-error").display = False
        self.query_one("#list-empty").display = False
        table.focus()
        self.reload()
        self.load_staff()

    def on_screen_resume(self) -> None:
        """Back from a booking or a record: show what changed (the first visit loads itself)."""
        if self._generation:
            self.reload()

    @work(thread=True, exclusive=True, group="conference-staff", exit_on_error=False)
    def load_staff(self) -> None:
        """Fill the chair and clerk filters (inactive staff too: old conferences name them)."""
        from siu_tui.services.people import list_staff

        desk = self.app.desk()  # type: ignore[attr-defined]
        chairs = [(s.name, s.id) for s in list_staff(desk, "iro", active_only=False)]
        clerks = [(s.name, s.id) for s in list_staff(desk, "clerk", active_only=False)]
        self.app.call_from_thread(self._set_staff, chairs, clerks)

    def _set_staff(self, chairs: list[tuple[str, str]], clerks: list[tuple[str, str]]) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#chair", Select).set_options(choices(chairs))
            self.query_one("#clerk", Select).set_options(choices(clerks))

    # -- filters -----------------------------------------------------------------------------

    def current_filter(self) -> ConferenceFilter | None:
        """The filter as typed, or None (with a message by the fields) when a date is wrong."""
        from siu_tui.domain.dates import parse_date
        from siu_tui.services.conferences import ConferenceFilter

        dates: dict[str, Any] = {}
        problems = []
        for field_id, name in (("date-from", "from"), ("date-to", "to")):
            text = self.query_one(f"#{field_id}", Input).value.strip()
            if not text:
                dates[name] = None
                continue
            try:
                dates[name] = parse_date(text)
            except ValueError as exc:
                problems.append(f"{name.capitalize()}: {exc}")
        error = self.query_one("#filter-error", Static)
        error.update(plain("  ".join(problems)))
        error.display = bool(problems)
        if problems:
            return None
        kind = self.query_one("#type", Select).selection
        status = self.query_one("#status", Select).selection
        chair = self.query_one("#chair", Select).selection
        clerk = self.query_one("#clerk", Select).selection
        return ConferenceFilter(
            date_from=dates["from"],
            date_to=dates["to"],
            types=(str(kind),) if kind is not None else (),
            statuses=(str(status),) if status is not None else (),
            chair_id=str(chair) if chair is not None else None,
            clerk_id=str(clerk) if clerk is not None else None,
            venue=self.query_one("#venue", Input).value.strip() or None,
            search=self.query_one("#search", Input).value.strip(),
        )

    @on(Input.Changed)
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted)
    def _search_submitted(self) -> None:
        self.query_one(DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_toggle_filters(self) -> None:
        """Show the filters and go to them; from inside them, hide them again."""
        filters = self.query_one("#filters")
        inside = self.focused is not None and filters in self.focused.ancestors
        if filters.display and inside:
            filters.display = False
            self.query_one(DataTable).focus()
        else:
            filters.display = True
            self.query_one("#type", Select).focus()

    def action_clear(self) -> None:
        with self.prevent(Input.Changed, Select.Changed):
            for field in self.query(Input):
                field.value = ""
            for select in self.query(Select):
                select.clear()
        self.query_one(DataTable).focus()
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_book(self) -> None:
        self.app.open_booking()  # type: ignore[attr-defined]

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    # -- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        flt = self.current_filter()
        if flt is None:
            return
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
            and (event.cursor_row >= table.row_count - 20)
        ):
            flt = self.current_filter()
            if flt is not None:
                self.fetch(flt, self._cursor, self._generation, fresh=False)

    @work(thread=True, exclusive=True, group="conference-list", exit_on_error=False)
    def fetch(self, flt: ConferenceFilter, cursor: Any, generation: int, *, fresh: bool) -> None:
        from siu_tui.services.conferences import list_conferences

        self._fetching = True
        try:
            page = list_conferences(
                self.app.desk(),  # type: ignore[attr-defined]
                flt,
                today(),
                cursor=cursor,
                limit=PAGE,
            )
        finally:
            self._fetching = False
        if get_current_worker().is_cancelled or generation != self._generation:
            return  # the clerk has typed on: a newer query is coming
        self.app.call_from_thread(self.show_page, page, fresh)

    @work(thread=True, exclusive=True, group="conference-count", exit_on_error=False)
    def count(self, flt: ConferenceFilter, generation: int) -> None:
        from siu_tui.services.conferences import count_conferences

        total = count_conferences(self.app.desk(), flt, today())  # type: ignore[attr-defined]
        if generation == self._generation:
            self.app.call_from_thread(self.show_count, total, flt)

    def show_count(self, total: int, flt: ConferenceFilter) -> None:
        from siu_tui.domain.invites import RISK_LEGEND
        from siu_tui.services.conferences import ConferenceFilter

        what = "conference" if total == 1 else "conferences"
        narrowed = " matching" if flt != ConferenceFilter() else ""
        self.query_one("#summary", Static).update(
            plain(
                f"{total:,}{narrowed} {what} · upcoming first, then past · Enter opens one · "
                f"{RISK_LEGEND}"
            )
        )

    def show_page(self, page: ConferencePage, fresh: bool) -> None:
        table = self.query_one(DataTable)
        if fresh:
            table.clear()
        for row in page.rows:
            table.add_row(
                cell(f"{row.date:%a %d/%m/%y} {row.start_time:%H:%M}"),
                cell(ConferenceType(row.type).short_label if row.type else row.type_label),
                cell(row.family),
                cell(getattr(row, "child_names", "") or row.children),
                cell(row.chair),
                cell(row.place),
                status_cell(row),
                cell(f"{row.deadline:%d/%m/%y}", "bold red" if row.late else ""),
                days_left_cell(row),
                key=row.id,
            )
        self._cursor = page.cursor
        empty = table.row_count == 0
        table.display = not empty
        self.query_one("#list-empty").display = empty

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        conference_id = event.row_key.value
        if conference_id:
            self.app.open_conference(conference_id)  # type: ignore[attr-defined]
