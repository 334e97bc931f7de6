"""Challenges: every IRO challenge and escalation, open and closed, and the figures for a period.

IROs look here for what is still waiting on a response (overdue ones say so in words as well
as colour); managers filter by IRO, level, category, team and period, and turn to the Figures
tab for the counts the unit reports. Rows come from the database a page at a time.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import get_current_worker

from siu_tui.clock import today
from siu_tui.domain.codes import ChallengeCategory, ChallengeLevel
from siu_tui.domain.dates import format_date
from siu_tui.domain.periods import Period, financial_year, financial_year_of, quarter
from siu_tui.screens.base import SIUScreen
from siu_tui.widgets.date_input import DateInput
from siu_tui.widgets.text import cell, cell_right, choices, plain

if TYPE_CHECKING:
    from siu_tui.domain.challenges import ChallengeFigures, FigureLine
    from siu_tui.services.challenges import (
        ChallengeCounts,
        ChallengeFilter,
        ChallengePage,
        ChallengeRow,
    )

PAGE = 100

STATES: tuple[tuple[str, str], ...] = (
    ("Open", "open"),
    ("Open, overdue", "overdue"),
    ("Closed", "closed"),
    ("Escalated", "escalated"),
    ("Resolved", "resolved"),
)
"""The state filter (the service's ``STATE_FILTERS`` codes), worded to fit a narrow list."""

COLUMNS = (
    # (heading, width): they fit a 120-column terminal with the status in view.
    ("Raised", 8),
    ("Family", 14),
    ("Level", 13),
    ("Category", 12),
    ("Challenged", 14),
    ("Team", 8),
    ("IRO", 11),
    ("Due", 8),
    ("Status", 11),
)

FIGURE_COLUMNS = (
    ("Challenges", 10),
    ("Escalations", 11),
    ("Open", 4),
    ("Overdue", 7),
    ("Escalated further", 17),
    ("Resolved", 8),
    ("Avg days", 8),
)
"""A challenge counts once however far it is escalated; its escalations count apart."""


def quarter_number(day: date) -> int:
    """The council's quarter a day falls in: April-June is Q1, January-March Q4."""
    return (day.month - 4) % 12 // 3 + 1


def period_choices(day: date) -> list[tuple[str, str, Period | None]]:
    """(code, label, period) for the period pickers: this and last quarter and year, named
    the way the unit names them, then any time, or dates of one's own."""
    year, q = financial_year_of(day), quarter_number(day)
    this_quarter = quarter(year, q)
    last_quarter = quarter(year, q - 1) if q > 1 else quarter(year - 1, 4)
    this_year, last_year = financial_year(year), financial_year(year - 1)
    return [
        ("this_quarter", f"This quarter ({this_quarter.label})", this_quarter),
        ("last_quarter", f"Last quarter ({last_quarter.label})", last_quarter),
        ("this_year", f"This year ({this_year.label})", this_year),
        ("last_year", f"Last year ({last_year.label})", last_year),
        ("custom", "Dates of my own", None),
    ]


def status_cell(row: ChallengeRow) -> Text:
    """Where a challenge stands, in words first: an overdue response reads "Overdue 3d" (in
    red as well), so it stands out without relying on colour."""
    if row.is_open:
        if row.overdue:
            return cell(f"Overdue {row.overdue_days}d", "bold red")
        if row.response == "due today":
            return cell("Due today", "bold yellow")
        return cell("Open")
    if row.state == "escalated":
        return cell("Escalated", "dim")
    return cell("Resolved", "green")


def due_cell(row: ChallengeRow, fmt: str = "%d/%m/%y") -> Text:
    return cell(f"{row.response_due:{fmt}}", "bold red" if row.overdue else "")


def open_challenge(screen: Any, challenge_id: str, then: Any = None) -> None:
    """Show one challenge with its escalation history over ``screen`` (Esc returns)."""
    from siu_tui.screens.challenges.detail import ChallengeScreen

    screen.app.push_screen(ChallengeScreen(challenge_id), then)


class ChallengesScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("challenges.tcss")
    TITLE = "SIU Desk · Challenges"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "log",
            "Log challenge",
            tooltip="Log a new challenge against a family",
            id="challenges-log",
        ),
        Binding(
            "f",
            "filters",
            "Filters",
            tooltip="Go to the filters: state, IRO, level, category, team, period",
            id="challenges-filters",
        ),
        Binding(
            "t",
            "toggle_figures",
            "Figures",
            tooltip="Switch between the list and the figures for a period",
            id="challenges-figures",
        ),
        Binding(
            "escape",
            "clear",
            "Clear",
            tooltip="Clear the filters",
            id="challenges-clear",
        ),
        Binding(
            "r",
            "reload",
            "Refresh",
            tooltip="Read the latest from the database",
            id="challenges-refresh",
        ),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._cursor: Any = None
        self._fetching = False
        self._generation = 0
        self._figures_generation = 0
        self._keep_key: str | None = None
        day = today()
        self._periods = {code: period for code, _label, period in period_choices(day)}
        self._period_options = [(label, code) for code, label, _p in period_choices(day)]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="challenges-tabs"):
            with TabPane("Challenges", id="tab-list"):
                with Horizontal(id="ch-filters", classes="filters"):
                    yield Select(choices(STATES), prompt="Any state", id="ch-state", compact=True)
                    yield Select([], prompt="Any IRO", id="ch-iro", compact=True)
                    yield Select(
                        choices([(level.label, level.value) for level in ChallengeLevel]),
                        prompt="Any level",
                        id="ch-level",
                        compact=True,
                    )
                    yield Select(
                        choices([(c.label, c.value) for c in ChallengeCategory]),
                        prompt="Any category",
                        id="ch-category",
                        compact=True,
                    )
                    yield Select([], prompt="Any team", id="ch-team", compact=True)
                    yield Select(
                        choices(self._period_options),
                        prompt="Any time",
                        id="ch-period",
                        compact=True,
                    )
                with Horizontal(id="ch-dates", classes="filters dates"):
                    yield Static("Raised from", classes="dates-label", markup=False)
                    yield DateInput(id="ch-from", compact=True)
                    yield Static("to", classes="dates-label", markup=False)
                    yield DateInput(id="ch-to", compact=True)
                yield Static("", id="ch-filter-error", classes="filter-error", markup=False)
                yield Static("", id="ch-summary", classes="summary", markup=False)
                yield DataTable(id="ch-list", cursor_type="row", zebra_stripes=True)
                yield Static("", id="ch-empty", classes="empty", markup=False)
            with TabPane("Figures", id="tab-figures"):
                with Horizontal(id="fig-filters", classes="filters"):
                    yield Static("Period", classes="dates-label", markup=False)
                    yield Select(
                        choices(self._period_options),
                        value="this_year",
                        allow_blank=False,
                        id="fig-period",
                        compact=True,
                    )
                    yield Static("from", classes="dates-label fig-dates", markup=False)
                    yield DateInput(id="fig-from", compact=True, classes="fig-dates")
                    yield Static("to", classes="dates-label fig-dates", markup=False)
                    yield DateInput(id="fig-to", compact=True, classes="fig-dates")
                yield Static("", id="fig-error", classes="filter-error", markup=False)
                with Vertical(id="fig-body"):
                    yield Static("", id="fig-title", classes="fig-title", markup=False)
                    yield DataTable(id="fig-level", cursor_type="row", zebra_stripes=True)
                    yield DataTable(id="fig-category", cursor_type="row", zebra_stripes=True)
                    yield Static(
                        "A challenge counts once, at the level it was first raised, however "
                        "often it is escalated; each escalation counts apart, at the level it "
                        "raised. Open, escalated further and resolved: each level as it stood "
                        "at the end of the period (today, while it runs). Avg days: calendar "
                        "days from when the concern was first raised, through any escalations, "
                        "to its resolution.",
                        id="fig-note",
                        classes="note",
                        markup=False,
                    )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#ch-list", DataTable)
        for heading, width in COLUMNS:
            table.add_column(heading, width=width)
        for table_id, first in (("fig-level", "Level"), ("fig-category", "Category")):
            figures = self.query_one(f"#{table_id}", DataTable)
            figures.add_column(first, width=37)
            for heading, width in FIGURE_COLUMNS:
                figures.add_column(heading, width=width)
        self.query_one("#ch-dates").display = False
        for widget in self.query(".fig-dates"):
            widget.display = False
        self.query_one("#ch-filter-error").display = False
        self.query_one("#fig-error").display = False
        self.query_one("#ch-empty").display = False
        table.focus()
        self.reload()
        self.load_choices()

    def on_screen_resume(self) -> None:
        """Back from a challenge or a form: show what changed (the first visit loads itself)."""
        if self._generation:
            self.reload(keep=True)
            self.refresh_figures()

    @work(thread=True, exclusive=True, group="challenge-choices", exit_on_error=False)
    def load_choices(self) -> None:
        """The IRO and team filters (inactive staff too: old challenges name them)."""
        from siu_tui.services.challenges import challenge_teams
        from siu_tui.services.people import list_staff

        desk = self.app.desk()  # type: ignore[attr-defined]
        people = [(s.name, s.id) for s in list_staff(desk, "iro", active_only=False)]
        people += [
            (f"{s.name} (manager)", s.id) for s in list_staff(desk, "manager", active_only=False)
        ]
        teams = challenge_teams(desk)
        self.app.call_from_thread(self._set_choices, people, teams)

    def _set_choices(self, people: list[tuple[str, str]], teams: list[str]) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#ch-iro", Select).set_options(
                choices([(cell(name), key) for name, key in people])
            )
            self.query_one("#ch-team", Select).set_options(choices([(cell(t), t) for t in teams]))

    # -- filters -----------------------------------------------------------------------------

    def _dates(
        self, period_id: str, from_id: str, to_id: str, error_id: str
    ) -> tuple[bool, date | None, date | None]:
        """The period chosen: (ok, start, end). Dates of one's own are read from the two
        fields; a wrong one is told beside the filters and the list is left as it was."""
        period = self.query_one(f"#{period_id}", Select).selection
        custom = period == "custom"
        error = self.query_one(f"#{error_id}", Static)
        problems: list[str] = []
        start = end = None
        if custom:
            for widget_id, name in ((from_id, "From"), (to_id, "To")):
                field = self.query_one(f"#{widget_id}", DateInput)
                problem = field.check() if field.value.strip() else None
                if problem:
                    problems.append(f"{name}: {problem}")
            start = self.query_one(f"#{from_id}", DateInput).date
            end = self.query_one(f"#{to_id}", DateInput).date
            if not problems and start and end and end < start:
                problems.append("The period ends before it starts")
        elif period is not None:
            chosen = self._periods.get(str(period))
            if chosen is not None:
                start, end = chosen.start, chosen.end
        error.update(plain("  ".join(problems)))
        error.display = bool(problems)
        return not problems, start, end

    def current_filter(self) -> ChallengeFilter | None:
        from siu_tui.services.challenges import ChallengeFilter

        ok, start, end = self._dates("ch-period", "ch-from", "ch-to", "ch-filter-error")
        if not ok:
            return None

        def chosen(select_id: str) -> str | None:
            value = self.query_one(f"#{select_id}", Select).selection
            return None if value is None else str(value)

        return ChallengeFilter(
            state=chosen("ch-state"),
            raised_by_id=chosen("ch-iro"),
            level=chosen("ch-level"),
            category=chosen("ch-category"),
            team=chosen("ch-team"),
            date_from=start,
            date_to=end,
        )

    @on(Select.Changed, "#ch-filters Select")
    def _filter_changed(self, event: Select.Changed) -> None:
        if event.select.id == "ch-period":
            custom = event.value == "custom"
            self.query_one("#ch-dates").display = custom
            if custom:
                self.query_one("#ch-from", DateInput).focus()
        self.reload()

    @on(Input.Changed, "#ch-dates DateInput")
    def _dates_changed(self) -> None:
        self.reload()

    @on(Select.Changed, "#fig-period")
    def _figure_period_changed(self, event: Select.Changed) -> None:
        custom = event.value == "custom"
        for widget in self.query(".fig-dates"):
            widget.display = custom
        if custom:
            self.query_one("#fig-from", DateInput).focus()
        self.refresh_figures()

    @on(Input.Changed, "#fig-filters DateInput")
    def _figure_dates_changed(self) -> None:
        self.refresh_figures()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.focus_next()

    def action_filters(self) -> None:
        self.query_one(TabbedContent).active = "tab-list"
        self.query_one("#ch-state", Select).focus()

    def action_clear(self) -> None:
        with self.prevent(Select.Changed, Input.Changed):
            for select in self.query("#ch-filters Select").results(Select):
                select.clear()
            for field in self.query("#ch-dates DateInput").results(DateInput):
                field.value = ""
        self.query_one("#ch-dates").display = False
        self.query_one("#ch-list").focus()
        self.reload()

    def action_toggle_figures(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "tab-figures" if tabs.active == "tab-list" else "tab-list"

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-figures":
            self.refresh_figures()
            self.query_one("#fig-level").focus()
        else:
            self.query_one("#ch-list").focus()

    def action_reload(self) -> None:
        self.reload(keep=True)
        self.load_choices()
        self.refresh_figures()

    def action_log(self) -> None:
        from siu_tui.screens.challenges.forms import LogChallengeDialog

        self.app.push_screen(LogChallengeDialog(), self._logged)

    def _logged(self, challenge_id: str | None) -> None:
        if challenge_id:
            self._keep_key = challenge_id
            self.query_one(TabbedContent).active = "tab-list"
            self.load_choices()

    def action_cursor_down(self) -> None:
        self.query_one("#ch-list", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#ch-list", DataTable).action_cursor_up()

    # -- the list ----------------------------------------------------------------------------

    def reload(self, *, keep: bool = False) -> None:
        flt = self.current_filter()
        if flt is None:
            return
        table = self.query_one("#ch-list", DataTable)
        if keep and self._keep_key is None and table.row_count:
            row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self._keep_key = row_key.value
        self._generation += 1
        self._cursor = None
        self.fetch(flt, None, self._generation, fresh=True)
        self.count(flt, self._generation)

    @on(DataTable.RowHighlighted, "#ch-list")
    def _maybe_fetch_more(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if (
            self._cursor is not None
            and not self._fetching
            and event.cursor_row >= table.row_count - 20
        ):
            flt = self.current_filter()
            if flt is not None:
                self.fetch(flt, self._cursor, self._generation, fresh=False)

    @work(thread=True, exclusive=True, group="challenge-list", exit_on_error=False)
    def fetch(self, flt: ChallengeFilter, cursor: Any, generation: int, *, fresh: bool) -> None:
        from siu_tui.services.challenges import list_challenges

        self._fetching = True
        try:
            page = list_challenges(
                self.app.desk(),  # type: ignore[attr-defined]
                flt,
                today(),
                cursor=cursor,
                limit=PAGE,
            )
        finally:
            self._fetching = False
        if get_current_worker().is_cancelled or generation != self._generation:
            return
        self.app.call_from_thread(self.show_page, page, fresh)

    @work(thread=True, exclusive=True, group="challenge-count", exit_on_error=False)
    def count(self, flt: ChallengeFilter, generation: int) -> None:
        from siu_tui.services.challenges import count_challenges

        counts = count_challenges(self.app.desk(), flt, today())  # type: ignore[attr-defined]
        if generation == self._generation:
            self.app.call_from_thread(self.show_count, counts, flt)

    def show_count(self, counts: ChallengeCounts, flt: ChallengeFilter) -> None:
        from siu_tui.services.challenges import ChallengeFilter

        what = "challenge" if counts.total == 1 else "challenges"
        narrowed = " matching" if flt != ChallengeFilter() else ""
        self.query_one("#ch-summary", Static).update(
            plain(
                f"{counts.total:,}{narrowed} {what} · {counts.open:,} open · "
                f"{counts.overdue:,} overdue · newest first · Enter opens one · n logs one"
            )
        )
        empty = self.query_one("#ch-empty", Static)
        empty.update(
            plain(
                "No challenges match: Esc clears the filters."
                if narrowed
                else "No challenges logged yet. Press n to log one, or l on a conference's "
                "record to log one about that conference."
            )
        )

    def show_page(self, page: ChallengePage, fresh: bool) -> None:
        table = self.query_one("#ch-list", DataTable)
        if fresh:
            table.clear()
        for row in page.rows:
            table.add_row(
                cell(f"{row.raised_on:%d/%m/%y}"),
                cell(row.family_name),
                cell(row.level_short),
                cell(row.category_short),
                cell(row.person_challenged or "—"),
                cell(row.team or ""),
                cell(row.raised_by),
                due_cell(row),
                status_cell(row),
                key=row.id,
            )
        self._cursor = page.cursor
        if fresh and self._keep_key is not None:
            keep, self._keep_key = self._keep_key, None
            if keep in table.rows:  # it may no longer match the filters
                table.move_cursor(row=table.get_row_index(keep))
        empty = table.row_count == 0
        table.display = not empty
        self.query_one("#ch-empty").display = empty

    @on(DataTable.RowSelected, "#ch-list")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            open_challenge(self, event.row_key.value)

    # -- figures -----------------------------------------------------------------------------

    def refresh_figures(self) -> None:
        if self.query_one(TabbedContent).active != "tab-figures":
            return
        ok, start, end = self._dates("fig-period", "fig-from", "fig-to", "fig-error")
        if not ok:
            return
        if start is None or end is None:
            self.query_one("#fig-title", Static).update(
                plain("Type both dates: the figures count challenges raised between them.")
            )
            return
        self._figures_generation += 1
        self.load_figures(start, end, self._figures_generation)

    @work(thread=True, exclusive=True, group="challenge-figures", exit_on_error=False)
    def load_figures(self, start: date, end: date, generation: int) -> None:
        from siu_tui.services.challenges import challenge_figures

        figures = challenge_figures(self.app.desk(), start, end)  # type: ignore[attr-defined]
        if generation == self._figures_generation:
            self.app.call_from_thread(self.show_figures, figures)

    def show_figures(self, figures: ChallengeFigures) -> None:
        label = next(
            (
                p.label
                for p in self._periods.values()
                if p is not None and (p.start, p.end) == (figures.start, figures.end)
            ),
            "",
        )
        named = f" ({label})" if label else ""
        total = figures.total
        self.query_one("#fig-title", Static).update(
            plain(
                f"Challenges raised {format_date(figures.start)} to {format_date(figures.end)}"
                f"{named}, as they stood on {format_date(figures.as_at)}: "
                f"{total.challenges} {'challenge' if total.challenges == 1 else 'challenges'} "
                f"and {total.escalations} "
                f"{'escalation' if total.escalations == 1 else 'escalations'} raised, "
                f"{total.open} open ({total.overdue} overdue), "
                f"{total.escalated_further} escalated further, "
                f"{total.resolved} resolved"
            )
        )
        for table_id, lines in (
            ("fig-level", figures.by_level),
            ("fig-category", figures.by_category),
        ):
            table = self.query_one(f"#{table_id}", DataTable)
            table.clear()
            for line in (*lines, total):
                table.add_row(*figure_cells(line), key=line.code)


def figure_cells(line: FigureLine) -> list[Text]:
    bold = "bold" if line.code == "total" else ""
    average = line.average_days
    return [
        cell(line.label, bold),
        cell_right(line.challenges, bold),
        cell_right(line.escalations, bold),
        cell_right(line.open, bold),
        cell_right(line.overdue, "bold red" if line.overdue else bold),
        cell_right(line.escalated_further, bold),
        cell_right(line.resolved, bold),
        cell_right("—" if average is None else f"{average:.1f}", bold),
    ]
