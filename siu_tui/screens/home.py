"""The home screen: what a clerk needs at nine in the morning.

Today's conferences, the rest of the week, and what needs attention (conferences booked past
their deadline, stood-down ones not re-booked, minutes and challenge responses overdue, babies
past their expected date whose birth is to be recorded, e-mail that could not be sent).
Everything is loaded in a worker; the screen is drawn at once.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from siu_tui.clock import today
from siu_tui.screens.base import SIUScreen
from siu_tui.widgets.footer import Footer
from siu_tui.widgets.text import cell, cell_right, plain

if TYPE_CHECKING:
    from siu_tui.services.home import ConferenceRow, HomeSummary

# (heading, width): sized so both lists fit a 120-column terminal without scrolling sideways.
TODAY_COLUMNS = (
    ("Time", 5),
    ("Type", 17),
    ("Family", 18),
    ("Ch", 2),
    ("Chair", 16),
    ("Venue", 16),
    ("Status", 11),
    ("Deadline", 10),
    ("Left", 4),
)
WEEK_COLUMNS = (
    ("When", 15),
    ("Type", 17),
    ("Family", 19),
    ("Ch", 2),
    ("Chair", 16),
    ("Status", 11),
    ("Deadline", 10),
    ("Left", 4),
)
FIRST_ROWS = 30
"""Rows put in a table at once, more than it shows (home.tcss: at most 14 lines high)."""


def days_left_cell(row: ConferenceRow) -> Text:
    """Working days to the deadline for a booked conference; "late" once it cannot be met."""
    if row.status != "Booked":
        return cell_right("")
    if row.late:
        return cell_right("late", "bold red")
    style = "bold red" if row.days_left < 0 else ("yellow" if row.days_left <= 3 else "")
    return cell_right(row.days_left, style)


def status_cell(row: ConferenceRow) -> Text:
    """The status; for a booked conference in the next few working days that is expected
    inquorate or whose social worker's report is overdue, the risk instead (see RISK_LEGEND)."""
    if row.risk:
        return cell(row.risk.label, "bold yellow")
    return cell(row.status)


def conference_cells(row: ConferenceRow, *, week: bool) -> list[Text]:
    first = cell(f"{row.date:%a %d/%m} {row.start_time:%H:%M}") if week else cell(row.start_time)
    middle = [] if week else [cell(row.place)]
    return [
        first,
        cell(row.type_label),
        cell(row.family),
        cell_right(row.children),
        cell(row.chair),
        *middle,
        status_cell(row),
        cell(row.deadline, "bold red" if row.late else ""),
        days_left_cell(row),
    ]


class HomeScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("home.tcss")
    TITLE = "SIU Desk · Home"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "refresh_data",
            "Refresh",
            tooltip="Read the latest from the database",
            id="home-refresh",
        ),
        Binding(
            "n",
            "book",
            "Book",
            tooltip="Book a new conference",
            id="home-book",
        ),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._targets: dict[str, list[str | None]] = {}
        self._shown = 0
        """How many summaries have been shown: rows held back for an older one are dropped."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="home-body"):
            yield Static("", id="today-title", classes="section-title", markup=False)
            yield DataTable(id="today", cursor_type="row", zebra_stripes=True)
            yield Static("No conferences today.", id="today-empty", classes="empty")
            yield Static("", id="week-title", classes="section-title", markup=False)
            yield DataTable(id="week", cursor_type="row", zebra_stripes=True)
            yield Static("No conferences this week.", id="week-empty", classes="empty")
            yield Static(
                "Needs attention", id="attention-title", classes="section-title", markup=False
            )
            yield DataTable(id="attention", cursor_type="row", zebra_stripes=True)
            yield Static("Nothing needs attention.", id="attention-empty", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        for table_id, columns in (("today", TODAY_COLUMNS), ("week", WEEK_COLUMNS)):
            table = self.query_one(f"#{table_id}", DataTable)
            for heading, width in columns:
                table.add_column(heading, width=width)
        attention = self.query_one("#attention", DataTable)
        for heading, width in (("What", 26), ("When", 10), ("Family", 24), ("Detail", 44)):
            attention.add_column(heading, width=width)
        self.query_one("#home-body").loading = True
        self.load()

    def on_screen_resume(self) -> None:
        if not self.query_one("#home-body").loading:
            self.load()

    def action_refresh_data(self) -> None:
        self.load()

    def action_book(self) -> None:
        self.app.open_booking()  # type: ignore[attr-defined]

    def action_cursor_down(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_down()

    def action_cursor_up(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_up()

    @work(thread=True, exclusive=True, group="home", exit_on_error=False)
    def load(self) -> None:
        try:
            # The database first: this worker starts with the screen, and importing the
            # queries (SQLAlchemy) before the first frame is drawn would slow it down.
            desk = self.app.desk()  # type: ignore[attr-defined]
            from siu_tui.services.home import home_summary

            summary = home_summary(desk, today())
        finally:
            self.app.call_from_thread(setattr, self.query_one("#home-body"), "loading", False)
        self.app.call_from_thread(self.show_summary, summary)

    def show_summary(self, summary: HomeSummary) -> None:
        self._shown += 1
        day = summary.today
        monday = day - timedelta(days=day.weekday())
        self.query_one("#today-title", Static).update(
            plain(f"Today · {day:%A} {day.day} {day:%B %Y} · {len(summary.todays)} conference(s)")
        )
        self.query_one("#week-title", Static).update(
            plain(
                f"This week · {monday.day} {monday:%B} – {(monday + timedelta(days=4)).day} "
                f"{monday + timedelta(days=4):%B %Y} · {len(summary.week)} conference(s)"
            )
        )
        more = summary.attention_total - len(summary.attention)
        at_least = "+" if summary.attention_more else ""
        self.query_one("#attention-title", Static).update(
            plain(
                f"Needs attention · {summary.attention_total}{at_least}"
                + (f" (showing {len(summary.attention)})" if more > 0 else "")
            )
        )
        later = [
            self._fill(
                "today",
                [conference_cells(r, week=False) for r in summary.todays],
                [r.id for r in summary.todays],
            ),
            self._fill(
                "week",
                [conference_cells(r, week=True) for r in summary.week],
                [r.id for r in summary.week],
            ),
            self._fill(
                "attention",
                [
                    [cell(a.kind, "bold"), cell(a.when), cell(a.family), cell(a.detail)]
                    for a in summary.attention
                ],
                [a.conference_id for a in summary.attention],
            ),
        ]
        if not isinstance(self.focused, DataTable):
            # Arrow keys and Enter work at once, without a Tab first.
            for table in self.query(DataTable):
                if table.display:
                    table.focus()
                    break
        self.call_after_refresh(self._add_the_rest, self._shown, later)

    def _add_the_rest(self, shown: int, later: list[tuple[DataTable, list[list[object]]]]) -> None:
        """Once the first rows are on screen: the rows below them, unless a newer summary
        has replaced these (a refresh in between)."""
        self.app.home_shown()  # type: ignore[attr-defined]
        if shown != self._shown:
            return
        for table, rows in later:
            table.add_rows(rows)

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        """Enter on any row that is about a conference opens its record."""
        targets = self._targets.get(event.data_table.id or "", [])
        if 0 <= event.cursor_row < len(targets) and targets[event.cursor_row]:
            self.app.open_conference(targets[event.cursor_row])  # type: ignore[attr-defined]

    def _fill(
        self, table_id: str, rows: list[list[object]], targets: list[str | None]
    ) -> tuple[DataTable, list[list[object]]]:
        """Rows are keyed by position: one conference can need attention for two reasons.
        Only the first rows go in now, more than a table shows; the rest are returned, to be
        added once these are drawn (a table measures every cell it is given, and a week at a
        busy unit's scale has hundreds of conferences)."""
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear()
        self._targets[table_id] = targets
        table.add_rows(rows[:FIRST_ROWS])
        table.display = bool(rows)
        self.query_one(f"#{table_id}-empty").display = not rows
        return table, rows[FIRST_ROWS:]
