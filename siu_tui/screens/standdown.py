"""The stood-down log and the late conferences: why conferences did not happen on time.

Both are answers the annual report needs and the unit could not give without reading case
files. The log pages from the database; its totals are one grouped query for the filter shown,
and the CSV export writes exactly the rows the filter selects.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Input,
    ProgressBar,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import get_current_worker

from siu_tui.clock import today
from siu_tui.domain.codes import ConferenceType, Reason
from siu_tui.domain.periods import financial_year, financial_year_of
from siu_tui.screens.base import SIUScreen
from siu_tui.widgets.date_input import DateInput
from siu_tui.widgets.text import cell, choices, plain, show

if TYPE_CHECKING:
    from datetime import date

    from siu_tui.services.standdown import (
        LateRow,
        LateTotals,
        StandDownFilter,
        StandDownRow,
        StandDownTotals,
    )

PAGE = 100
LATE_LIMIT = 300

# Both fit a 120-column terminal.
LOG_COLUMNS = (
    ("Date", 10),
    ("Type", 10),
    ("Family", 14),
    ("Team", 7),
    ("Chair", 11),
    ("Reason", 18),
    ("By", 7),
    ("Re-booked", 15),
    ("Deadline", 7),
)
LATE_COLUMNS = (
    ("Date", 10),
    ("Deadline", 10),
    ("Group", 7),
    ("Type", 10),
    ("Family", 14),
    ("Chair", 11),
    ("Reason", 22),
    ("Re-books", 16),
)


def _totals_line(totals: StandDownTotals) -> str:
    reasons = ", ".join(f"{r.label}: {n}" for r, n in totals.by_reason if n)
    if not totals.total:
        return "No stood-down conferences for this filter."
    return (
        f"{totals.total:,} stood down · {totals.rebooked:,} re-booked, "
        f"{totals.met_deadline:,} within the original deadline · {reasons}"
    )


def _late_line(totals: LateTotals) -> str:
    def part(name: str, rows: list[tuple[Reason | None, int]], total: int) -> str:
        reasons = ", ".join(f"{r.label if r else 'no reason recorded'}: {n}" for r, n in rows if n)
        return f"{name}: {total:,}" + (f" ({reasons})" if reasons else "")

    return (
        "Held after the deadline · "
        + part("initial", totals.initial, totals.initial_total)
        + " · "
        + part("reviews", totals.review, totals.review_total)
    )


class StoodDownScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("standdown.tcss")
    TITLE = "SIU Desk · Stood down and late"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f",
            "filters",
            "Filters",
            tooltip="Go to the period and the filters",
            id="standdown-filters",
        ),
        Binding(
            "e",
            "export",
            "Export CSV",
            tooltip="Write the stood-down log as filtered to a CSV file",
            id="standdown-export",
        ),
        Binding(
            "escape",
            "clear",
            "Clear",
            tooltip="Back to this year, no filters",
            id="standdown-clear",
        ),
        Binding(
            "r",
            "reload",
            "Refresh",
            tooltip="Read the latest from the database",
            id="standdown-refresh",
        ),
        Binding(
            "right_square_bracket",
            "next_tab",
            "Next view",
            tooltip="Stood down ⇄ late conferences",
            id="standdown-next-tab",
        ),
        Binding(
            "left_square_bracket",
            "next_tab",
            "Previous view",
            tooltip="Stood down ⇄ late conferences",
            id="standdown-previous-tab",
            show=False,
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
        year = financial_year(financial_year_of(today()))
        yield Header()
        with Horizontal(id="filters"):
            yield DateInput(year.start, id="date-from", tooltip="From (conference date)")
            yield DateInput(year.end, id="date-to", tooltip="To (conference date)")
            yield Select(
                choices([(r.label, r.value) for r in Reason]), prompt="Any reason", id="reason"
            )
            yield Select(
                choices([(t.label, t.value) for t in ConferenceType]), prompt="Any type", id="type"
            )
            yield Select([], prompt="Any chair", id="chair")
            yield Select([], prompt="Any team", id="team")
        yield Static("", id="filter-error", markup=False)
        with TabbedContent(id="standdown-tabs"):
            with TabPane("Stood down", id="tab-stood-down"):
                yield Static("", id="sd-totals", classes="totals", markup=False)
                yield DataTable(id="stood-down", cursor_type="row", zebra_stripes=True)
                yield Static(
                    "No conference was stood down in this period.",
                    id="sd-empty",
                    classes="empty",
                    markup=False,
                )
            with TabPane("Late", id="tab-late"):
                yield Static("", id="late-totals", classes="totals", markup=False)
                yield DataTable(id="late", cursor_type="row", zebra_stripes=True)
                yield Static("", id="overdue-title", classes="section-title", markup=False)
                yield DataTable(id="overdue", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="export-bar"):
            yield Static("Exporting…", id="export-label", markup=False)
            yield ProgressBar(id="export-progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        log = self.query_one("#stood-down", DataTable)
        for heading, width in LOG_COLUMNS:
            log.add_column(heading, width=width)
        for table_id in ("late", "overdue"):
            table = self.query_one(f"#{table_id}", DataTable)
            for heading, width in LATE_COLUMNS:
                table.add_column(heading, width=width)
        self.query_one("#filter-error").display = False
        self.query_one("#sd-empty").display = False
        self.query_one("#export-bar").display = False
        log.focus()
        self.reload()
        self.load_choices()

    def on_screen_resume(self) -> None:
        if self._generation:
            self.reload()

    @work(thread=True, exclusive=True, group="standdown-choices", exit_on_error=False)
    def load_choices(self) -> None:
        from siu_tui.services.people import list_staff
        from siu_tui.services.reference import list_locality_teams

        desk = self.app.desk()  # type: ignore[attr-defined]
        chairs = [(s.name, s.id) for s in list_staff(desk, "iro", active_only=False)]
        teams = [t.name for t in list_locality_teams(desk, active_only=False)]
        self.app.call_from_thread(self._set_choices, chairs, teams)

    def _set_choices(self, chairs: list[tuple[str, str]], teams: list[str]) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#chair", Select).set_options(choices([(cell(n), i) for n, i in chairs]))
            self.query_one("#team", Select).set_options(choices([(cell(t), t) for t in teams]))

    # -- filters -----------------------------------------------------------------------------

    def current_filter(self) -> StandDownFilter | None:
        from siu_tui.services.standdown import StandDownFilter

        problems = []
        days: dict[str, date | None] = {}
        for field_id, name in (("date-from", "From"), ("date-to", "To")):
            field = self.query_one(f"#{field_id}", DateInput)
            if field.value.strip() and field.date is None:
                problems.append(f"{name}: {field.error or 'enter a date as DD/MM/YYYY'}")
            days[field_id] = field.date
        error = self.query_one("#filter-error", Static)
        error.update(plain("  ".join(problems)))
        error.display = bool(problems)
        if problems:
            return None
        reason = self.query_one("#reason", Select).selection
        kind = self.query_one("#type", Select).selection
        chair = self.query_one("#chair", Select).selection
        team = self.query_one("#team", Select).selection
        return StandDownFilter(
            date_from=days["date-from"],
            date_to=days["date-to"],
            reason=str(reason) if reason is not None else None,
            conference_type=str(kind) if kind is not None else None,
            chair_id=str(chair) if chair is not None else None,
            locality_team=str(team) if team is not None else None,
        )

    @on(Input.Changed)
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    def action_filters(self) -> None:
        self.query_one("#date-from", DateInput).focus()

    def action_clear(self) -> None:
        year = financial_year(financial_year_of(today()))
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#date-from", DateInput).date = year.start
            self.query_one("#date-to", DateInput).date = year.end
            for select in self.query(Select):
                select.clear()
        self.query_one("#stood-down", DataTable).focus()
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_next_tab(self) -> None:
        """Two views, so next and previous both switch; the list of the view gets the keys."""
        tabs = self.query_one(TabbedContent)
        tabs.active = "tab-late" if tabs.active == "tab-stood-down" else "tab-stood-down"
        self.query_one("#late" if tabs.active == "tab-late" else "#stood-down").focus()

    def _table(self) -> DataTable:
        focused = self.focused
        if isinstance(focused, DataTable):
            return focused
        return self.query_one("#stood-down", DataTable)

    def action_cursor_down(self) -> None:
        self._table().action_cursor_down()

    def action_cursor_up(self) -> None:
        self._table().action_cursor_up()

    # -- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        flt = self.current_filter()
        if flt is None:
            return
        self._generation += 1
        self._cursor = None
        self.fetch(flt, None, self._generation, fresh=True)
        self.load_totals(flt, self._generation)

    @on(DataTable.RowHighlighted, "#stood-down")
    def _maybe_fetch_more(self, event: DataTable.RowHighlighted) -> None:
        if (
            self._cursor is not None
            and not self._fetching
            and event.cursor_row >= event.data_table.row_count - 20
        ):
            flt = self.current_filter()
            if flt is not None:
                self.fetch(flt, self._cursor, self._generation, fresh=False)

    @work(thread=True, exclusive=True, group="standdown-page", exit_on_error=False)
    def fetch(self, flt: StandDownFilter, cursor: Any, generation: int, *, fresh: bool) -> None:
        from siu_tui.services.standdown import stood_down_page

        self._fetching = True
        try:
            rows, following = stood_down_page(
                self.app.desk(),  # type: ignore[attr-defined]
                flt,
                cursor=cursor,
                limit=PAGE,
            )
        finally:
            self._fetching = False
        if get_current_worker().is_cancelled or generation != self._generation:
            return
        self.app.call_from_thread(self.show_page, rows, following, fresh)

    def show_page(self, rows: list[StandDownRow], following: Any, fresh: bool) -> None:
        table = self.query_one("#stood-down", DataTable)
        if fresh:
            table.clear()
        for row in rows:
            table.add_row(
                cell(row.date),
                cell(row.type_label),
                cell(row.family),
                cell(row.locality_team),
                cell(row.chair),
                cell(row.reason_label),
                cell(row.decided_by.removeprefix("SIU ").capitalize()),
                cell(row.rebooked_text, "bold" if row.rebooked_id is None else ""),
                cell(
                    row.deadline_text,
                    "bold red" if row.met_deadline is False else "green",
                ),
                key=row.conference_id,
            )
        self._cursor = following
        empty = table.row_count == 0
        table.display = not empty
        self.query_one("#sd-empty").display = empty

    @work(thread=True, exclusive=True, group="standdown-totals", exit_on_error=False)
    def load_totals(self, flt: StandDownFilter, generation: int) -> None:
        from siu_tui.services.standdown import (
            booked_past_deadline,
            held_late,
            late_totals,
            stood_down_totals,
        )

        desk = self.app.desk()  # type: ignore[attr-defined]
        totals = stood_down_totals(desk, flt)
        start = flt.date_from or financial_year(financial_year_of(today())).start
        end = flt.date_to or today()
        late_rows, late_count = held_late(desk, start, end, limit=LATE_LIMIT)
        late = late_totals(desk, start, end)
        overdue, overdue_count = booked_past_deadline(desk, limit=LATE_LIMIT)
        if generation == self._generation:
            self.app.call_from_thread(
                self.show_totals, totals, late, late_rows, late_count, overdue, overdue_count
            )

    def show_totals(
        self,
        totals: StandDownTotals,
        late: LateTotals,
        late_rows: list[LateRow],
        late_count: int,
        overdue: list[LateRow],
        overdue_count: int,
    ) -> None:
        self.query_one("#sd-totals", Static).update(plain(_totals_line(totals)))
        more = f" · showing the latest {len(late_rows)}" if late_count > len(late_rows) else ""
        self.query_one("#late-totals", Static).update(plain(_late_line(late) + more))
        self._fill_late("late", late_rows)
        self.query_one("#overdue-title", Static).update(
            plain(
                f"Booked after their deadline, not held yet: {overdue_count:,}"
                + (f" (showing the first {len(overdue)})" if overdue_count > len(overdue) else "")
            )
        )
        self._fill_late("overdue", overdue)

    def _fill_late(self, table_id: str, rows: list[LateRow]) -> None:
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                cell(row.date),
                cell(row.deadline, "bold red"),
                cell(row.group),
                cell(row.type_label),
                cell(row.family),
                cell(row.chair),
                cell(
                    row.reason_label + (f" ({row.note})" if row.note else ""),
                    "bold" if row.reason_label == "no reason recorded" else "",
                ),
                cell(row.rebooks_reference),
                key=row.conference_id,
            )

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.open_conference(event.row_key.value)  # type: ignore[attr-defined]

    # -- export ------------------------------------------------------------------------------

    def action_export(self) -> None:
        from siu_tui.config import exports_dir
        from siu_tui.screens.replace_file import ReplaceFileDialog
        from siu_tui.services.standdown import export_name

        flt = self.current_filter()
        if flt is None:
            self.notify("Put the dates right first.", severity="warning", markup=False)
            return
        path = exports_dir() / export_name(flt)
        if path.exists():
            self.app.push_screen(
                ReplaceFileDialog(path),
                lambda replace: self._start_export(flt, path) if replace else None,
            )
            return
        self._start_export(flt, path)

    def _start_export(self, flt: StandDownFilter, path: Path) -> None:
        bar = self.query_one("#export-bar")
        bar.display = True
        self.query_one("#export-progress", ProgressBar).update(total=None, progress=0)
        self.export(flt, path)

    @work(thread=True, exclusive=True, group="standdown-export", exit_on_error=False)
    def export(self, flt: StandDownFilter, path: Path) -> None:
        from siu_tui.services.standdown import export_stood_down

        progress = self.query_one("#export-progress", ProgressBar)

        def step(done: int, total: int) -> None:
            self.app.call_from_thread(progress.update, total=max(total, 1), progress=done)

        try:
            count = export_stood_down(
                self.app.desk(),  # type: ignore[attr-defined]
                flt,
                path,
                step,
            )
        finally:
            self.app.call_from_thread(setattr, self.query_one("#export-bar"), "display", False)
        self.app.call_from_thread(
            self.notify,
            show(f"{count:,} stood-down conference(s) written to {path}", lines=True),
            title="Exported",
            timeout=15,
            markup=False,
        )
