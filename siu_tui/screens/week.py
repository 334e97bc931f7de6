"""The minutes week: one working week at a time, as the unit's managers review it.

The week's conferences, and every minutes task due in it or carried into it overdue (decision
letter, draft to the chair, distribution), with stage, holder, deadline and working days
over; overdue tasks in red with the word OVERDUE. `[` and `]` move a week, `t` comes back to
this one, the clerk and chair lists narrow it. A manager marks the week reviewed with a note
(`v`); `m` opens the minutes figures for any period. The minutes steps themselves work on
the highlighted row, as on the record's Minutes tab.

Everything is read in a worker a page at a time (see ``services.minutes_week``), so moving
between weeks never waits on the database, however large it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from siu_tui.clock import today
from siu_tui.domain.codes import MinutesStage
from siu_tui.screens.base import SIUModal, SIUScreen
from siu_tui.screens.record.actions import ChangeDialog
from siu_tui.screens.record.minutes import (
    MINUTES_BINDINGS,
    STATE_STYLES,
    STATE_WORDS,
    MinutesActions,
)
from siu_tui.widgets.date_input import DateInput
from siu_tui.widgets.text import cell, cell_right, choices, plain, show

if TYPE_CHECKING:
    from siu_tui.services.minutes_week import (
        ConferenceCursor,
        MinutesFigures,
        WeekConference,
        WeekFilter,
        WeekTask,
        WeekView,
    )

TASK_COLUMNS = (
    # (heading, width): they fit a 120-column terminal.
    ("State", 11),
    ("Task", 15),
    ("Due", 10),
    ("Done", 10),
    ("Family", 16),
    ("Held", 10),
    ("Stage", 14),
    ("Holder", 16),
)
CONFERENCE_COLUMNS = (
    ("When", 15),
    ("Type", 17),
    ("Family", 18),
    ("Chair", 14),
    ("Clerk", 14),
    ("Status", 10),
    ("Minutes", 14),
)


def week_title(view: WeekView) -> str:
    start = view.week.start
    end = view.week.end
    when = "this week" if view.is_current else ("to come" if start > view.today else "past")
    return (
        f"Week commencing Monday {start.day} {start:%B %Y} (to Friday {end.day} {end:%B}) · {when}"
    )


def review_line(view: WeekView) -> str:
    review = view.review
    if review is None and view.week.start > view.today:
        return "Not reviewed: the week has not started."
    if review is None:
        return "Not reviewed yet: a manager marks the week reviewed with v."
    return f"Reviewed by {review.reviewed_by} on {show(review.reviewed_at)}: {review.note}"


def recent_line(view: WeekView) -> str:
    """The weeks before, oldest first, each marked, so a week nobody reviewed stands out."""
    parts = [
        f"{monday:%d/%m} {'yes' if review else 'NO'}" for monday, review in view.recent_reviews
    ]
    return "Earlier weeks reviewed: " + " · ".join(parts)


def summary_line(view: WeekView) -> str:
    c = view.counts
    return (
        f"Minutes tasks: {c.due} due in the week, {c.carried} carried in overdue · "
        f"done on time {c.on_time} · done late {c.late} · OVERDUE {c.overdue} · "
        f"not yet due {c.not_yet_due}"
    )


def state_text(state: str, days: int) -> str:
    """The state in a word, with the working days over when late or overdue: "OVERDUE 3"."""
    word = STATE_WORDS.get(state, state)
    return f"{word} {days}" if state in ("overdue", "late") else word


def task_cells(task: WeekTask) -> list[Any]:
    style = STATE_STYLES.get(task.state, "")
    returned = task.returned_note and task.stage == MinutesStage.AWAITING_DRAFT.value
    return [
        cell(state_text(task.state, task.days_overdue), style),
        cell(task.task_label),
        cell(task.due, "bold red" if task.state == "overdue" else ""),
        cell(task.done),
        cell(task.family),
        cell(task.conference_date),
        cell("Returned" if returned else task.stage_label),
        cell(task.holder),
    ]


def conference_cells(row: WeekConference) -> list[Any]:
    return [
        cell(f"{row.date:%a %d/%m} {row.start_time:%H:%M}"),
        cell(row.type_label),
        cell(row.family),
        cell(row.chair),
        cell(row.clerk),
        cell(row.status_label),
        cell(row.minutes_stage_label or ("—" if row.status == "held" else "")),
    ]


class WeekScreen(MinutesActions, SIUScreen):
    CSS_PATH = Path(__file__).with_name("week.tcss")
    TITLE = "SIU Desk · Minutes week"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left_square_bracket",
            "previous_week",
            "Prev week",
            tooltip="The week before",
            key_display="[",
            id="week-previous",
        ),
        Binding(
            "right_square_bracket",
            "next_week",
            "Next week",
            tooltip="The week after",
            key_display="]",
            id="week-next",
        ),
        Binding("t", "this_week", "This week", tooltip="Back to this week", id="week-this"),
        *MINUTES_BINDINGS,
        Binding(
            "v",
            "review",
            "Review week",
            tooltip="A manager marks this week reviewed, with a note",
            id="week-review",
        ),
        Binding(
            "m",
            "figures",
            "Figures",
            tooltip="Minutes distributed in time, late, outstanding, by chair, for any period",
            id="week-figures",
        ),
        Binding(
            "f",
            "filters",
            "Clerk/chair",
            tooltip="Narrow the week to one clerk's or one chair's conferences",
            id="week-filters",
        ),
        Binding(
            "escape",
            "clear",
            "Clear filters",
            tooltip="Show every clerk's and chair's again",
            show=False,
            id="week-clear",
        ),
        Binding(
            "r",
            "reload",
            "Refresh",
            tooltip="Read the latest from the database",
            show=False,
            id="week-refresh",
        ),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day = today()
        self.view: WeekView | None = None
        self._generation = 0
        self._task_rows: list[WeekTask] = []
        self._conference_rows: list[WeekConference] = []
        self._conference_cursor: ConferenceCursor | None = None
        self._fetching = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="week-head"):
            yield Static("", id="week-title", markup=False)
            yield Static("", id="week-review-line", markup=False)
            yield Static("", id="week-recent", markup=False)
        with Horizontal(id="week-filter-row"):
            yield Select([], prompt="Any clerk", id="week-clerk")
            yield Select([], prompt="Any chair", id="week-chair")
            yield Static("", id="week-summary", markup=False)
        yield Static("", id="tasks-title", classes="section-title", markup=False)
        yield DataTable(id="week-tasks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="week-tasks-empty", classes="empty", markup=False)
        yield Static("", id="conferences-title", classes="section-title", markup=False)
        yield DataTable(id="week-conferences", cursor_type="row", zebra_stripes=True)
        yield Static("", id="week-conferences-empty", classes="empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        for table_id, columns in (
            ("#week-tasks", TASK_COLUMNS),
            ("#week-conferences", CONFERENCE_COLUMNS),
        ):
            table = self.query_one(table_id, DataTable)
            for heading, width in columns:
                table.add_column(heading, width=width)
        self.query_one("#week-tasks-empty").display = False
        self.query_one("#week-conferences-empty").display = False
        self.query_one("#week-tasks", DataTable).focus()
        self.query_one("#week-head").loading = True
        self.reload()
        self.load_staff()

    def on_screen_resume(self) -> None:
        """Back from a record or a dialog: show what changed meanwhile."""
        if self.view is not None:
            self.reload()

    # -- what is shown -----------------------------------------------------------------------

    def current_filter(self) -> WeekFilter:
        from siu_tui.services.minutes_week import WeekFilter

        clerk = self.query_one("#week-clerk", Select).selection
        chair = self.query_one("#week-chair", Select).selection
        return WeekFilter(
            clerk_id=str(clerk) if clerk is not None else None,
            chair_id=str(chair) if chair is not None else None,
        )

    def reload(self) -> None:
        self._generation += 1
        self.load(self.day, self.current_filter(), self._generation)

    @work(thread=True, exclusive=True, group="week", exit_on_error=False)
    def load(self, day: date, flt: WeekFilter, generation: int) -> None:
        from siu_tui.services.minutes_week import week_view

        try:
            view = week_view(self.app.desk(), day, flt)  # type: ignore[attr-defined]
        finally:
            self.app.call_from_thread(setattr, self.query_one("#week-head"), "loading", False)
        self.app.call_from_thread(self.show_week, view, generation)

    @work(thread=True, exclusive=True, group="week-staff", exit_on_error=False)
    def load_staff(self) -> None:
        """The clerk and chair lists (inactive staff too: past weeks name them)."""
        from siu_tui.services.people import list_staff

        desk = self.app.desk()  # type: ignore[attr-defined]
        clerks = [(s.name, s.id) for s in list_staff(desk, "clerk", active_only=False)]
        chairs = [(s.name, s.id) for s in list_staff(desk, "iro", active_only=False)]
        self.app.call_from_thread(self._set_staff, clerks, chairs)

    def _set_staff(self, clerks: list[tuple[str, str]], chairs: list[tuple[str, str]]) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#week-clerk", Select).set_options(choices(clerks))
            self.query_one("#week-chair", Select).set_options(choices(chairs))

    def show_week(self, view: WeekView, generation: int) -> None:
        if generation != self._generation:
            return  # the clerk has moved on to another week meanwhile
        same_week = self.view is not None and self.view.week.start == view.week.start
        tasks_table = self.query_one("#week-tasks", DataTable)
        conferences_table = self.query_one("#week-conferences", DataTable)
        # After a step on a row, stay on that row (the lists are re-read in the same order).
        keep = (tasks_table.cursor_row, conferences_table.cursor_row) if same_week else (0, 0)
        self.view = view
        self.sub_title = show(f"w/c {show(view.week.start)}")
        self.query_one("#week-title", Static).update(plain(week_title(view)))
        review = self.query_one("#week-review-line", Static)
        review.update(plain(review_line(view)))
        review.set_class(view.review is None, "-unreviewed")
        self.query_one("#week-recent", Static).update(plain(recent_line(view)))
        self.query_one("#week-summary", Static).update(plain(summary_line(view)))
        total = len(view.task_keys)
        self.query_one("#tasks-title", Static).update(
            plain(
                f"Minutes tasks due this week or overdue: {total:,}"
                + (
                    f" (the first {len(view.tasks)}; more as you scroll)"
                    if total > len(view.tasks)
                    else ""
                )
            )
        )
        self.query_one("#conferences-title", Static).update(
            plain(
                f"Conferences this week: {view.conferences_total:,}"
                + (
                    f" (the first {len(view.conferences)}; more as you scroll)"
                    if view.conferences_total > len(view.conferences)
                    else ""
                )
            )
        )
        filtered = self.current_filter()
        narrowed = filtered.clerk_id is not None or filtered.chair_id is not None
        self._task_rows = list(view.tasks)
        self._conference_rows = list(view.conferences)
        self._conference_cursor = view.conference_cursor
        self._fill_tasks(view.tasks, fresh=True)
        self._fill_conferences(view.conferences, fresh=True)
        for table, row in zip((tasks_table, conferences_table), keep, strict=True):
            if 0 < row < table.row_count:
                table.move_cursor(row=row)
        self.query_one("#week-tasks-empty", Static).update(
            plain(
                "No minutes tasks for this clerk or chair this week, and none overdue."
                if narrowed
                else "No minutes tasks due this week, and none overdue."
            )
        )
        self.query_one("#week-conferences-empty", Static).update(
            plain(
                "No conferences for this clerk or chair this week."
                if narrowed
                else "No conferences this week."
            )
        )
        self.refresh_bindings()

    def _fill_tasks(self, tasks: list[WeekTask], *, fresh: bool) -> None:
        table = self.query_one("#week-tasks", DataTable)
        if fresh:
            table.clear()
        for task in tasks:
            table.add_row(*task_cells(task))
        empty = table.row_count == 0
        table.display = not empty
        self.query_one("#week-tasks-empty").display = empty

    def _fill_conferences(self, rows: list[WeekConference], *, fresh: bool) -> None:
        table = self.query_one("#week-conferences", DataTable)
        if fresh:
            table.clear()
        for row in rows:
            table.add_row(*conference_cells(row))
        empty = table.row_count == 0
        table.display = not empty
        self.query_one("#week-conferences-empty").display = empty

    # -- paging ------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()  # the minutes steps follow the highlighted row
        view = self.view
        if view is None or self._fetching or event.cursor_row < event.data_table.row_count - 15:
            return
        if event.data_table.id == "week-tasks" and len(self._task_rows) < len(view.task_keys):
            self._fetching = True
            self.more_tasks(view, len(self._task_rows), self._generation)
        elif event.data_table.id == "week-conferences" and self._conference_cursor is not None:
            self._fetching = True
            self.more_conferences(view, self._conference_cursor, self._generation)

    @work(thread=True, group="week-more", exit_on_error=False)
    def more_tasks(self, view: WeekView, offset: int, generation: int) -> None:
        from siu_tui.services.minutes_week import week_tasks_page

        try:
            rows = week_tasks_page(self.app.desk(), view.task_keys, view.week.start, offset)  # type: ignore[attr-defined]
        finally:
            self.app.call_from_thread(setattr, self, "_fetching", False)
        self.app.call_from_thread(self._more_tasks, rows, generation)

    def _more_tasks(self, rows: list[WeekTask], generation: int) -> None:
        if generation == self._generation:
            self._task_rows += rows
            self._fill_tasks(rows, fresh=False)

    @work(thread=True, group="week-more", exit_on_error=False)
    def more_conferences(self, view: WeekView, cursor: ConferenceCursor, generation: int) -> None:
        from siu_tui.services.minutes_week import week_conferences_page

        try:
            rows, after = week_conferences_page(
                self.app.desk(),  # type: ignore[attr-defined]
                view.week.start,
                cursor,
                self.current_filter(),
            )
        finally:
            self.app.call_from_thread(setattr, self, "_fetching", False)
        self.app.call_from_thread(self._more_conferences, rows, after, generation)

    def _more_conferences(
        self, rows: list[WeekConference], after: ConferenceCursor | None, generation: int
    ) -> None:
        if generation == self._generation:
            self._conference_rows += rows
            self._conference_cursor = after
            self._fill_conferences(rows, fresh=False)

    # -- the highlighted row -----------------------------------------------------------------

    def _highlighted_row(self) -> WeekTask | WeekConference | None:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.row_count:
            rows: list[Any] = (
                self._task_rows if focused.id == "week-tasks" else self._conference_rows
            )
            if 0 <= focused.cursor_row < len(rows):
                return rows[focused.cursor_row]  # type: ignore[no-any-return]
        return None

    def minutes_target(self) -> tuple[str, str] | None:
        row = self._highlighted_row()
        if row is None:
            return None
        if hasattr(row, "task"):  # a minutes task
            return row.conference_id, row.stage  # type: ignore[union-attr]
        if row.status == "held":
            return row.id, row.minutes_stage or MinutesStage.AWAITING_DRAFT.value
        return None

    def minutes_changed(self) -> None:
        self.reload()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        rows: list[Any] = (
            self._task_rows if event.data_table.id == "week-tasks" else self._conference_rows
        )
        if 0 <= event.cursor_row < len(rows):
            row = rows[event.cursor_row]
            conference_id = getattr(row, "conference_id", None) or row.id
            self.app.open_conference(conference_id)  # type: ignore[attr-defined]

    # -- keys --------------------------------------------------------------------------------

    def action_previous_week(self) -> None:
        self.day -= timedelta(weeks=1)
        self.reload()

    def action_next_week(self) -> None:
        self.day += timedelta(weeks=1)
        self.reload()

    def action_this_week(self) -> None:
        self.day = today()
        self.reload()

    def action_filters(self) -> None:
        self.query_one("#week-clerk", Select).focus()

    def action_clear(self) -> None:
        clerk = self.query_one("#week-clerk", Select)
        chair = self.query_one("#week-chair", Select)
        if clerk.selection is None and chair.selection is None:
            self.query_one("#week-tasks", DataTable).focus()
            return
        with self.prevent(Select.Changed):
            clerk.clear()
            chair.clear()
        self.query_one("#week-tasks", DataTable).focus()
        self.reload()

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_cursor_down(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_down()

    def action_cursor_up(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_up()

    def action_review(self) -> None:
        if self.view is not None:
            self.app.push_screen(ReviewDialog(self.view), self._reviewed)

    def _reviewed(self, message: object) -> None:
        if message:
            self.notify(show(str(message), lines=True), markup=False)
            self.reload()

    def action_figures(self) -> None:
        self.app.push_screen(FiguresDialog(self.view.week.start if self.view else self.day))


# --- The manager's review ---------------------------------------------------------------------


class ReviewDialog(ChangeDialog):
    TITLE_TEXT = "Mark the week reviewed"

    def __init__(self, view: WeekView) -> None:
        super().__init__(view)  # type: ignore[arg-type]
        self.view = view

    def fields(self) -> ComposeResult:
        view = self.view
        yield Label(plain(week_title(view)), classes="hint")
        yield Label(plain(summary_line(view)), classes="hint")
        if view.review is not None:
            yield Label(
                plain(
                    f"Already reviewed by {view.review.reviewed_by} on "
                    f"{show(view.review.reviewed_at)}; saving replaces the note (the audit "
                    "trail keeps it)."
                ),
                classes="hint",
            )
        yield Label("Note: what was found, what was chased")
        yield Input(view.review.note if view.review else "", id="note")
        yield self.error_label("note")
        yield self.error_label("week")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        return {"note": self.query_one("#note", Input).value}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.minutes_week import review_week

        review = review_week(desk, self.view.week.start, values["note"])
        return f"Week commencing {show(review.week_start)} marked reviewed"


# --- Figures --------------------------------------------------------------------------------


class FiguresDialog(SIUModal[None]):
    """Minutes figures for a period: the quarter of the week shown to start with; `[` and `]`
    move a quarter, or type any dates and press Enter."""

    DEFAULT_CSS = """
    FiguresDialog { align: center middle; }
    FiguresDialog > #figures-dialog {
        width: 110; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    FiguresDialog .title { text-style: bold; color: $accent; }
    FiguresDialog #figures-period { height: auto; margin: 1 0; }
    FiguresDialog #figures-period Label { padding: 1 1 0 0; }
    FiguresDialog #figures-error { color: $error; text-style: bold; }
    FiguresDialog #figures-by-chair { height: auto; max-height: 20; }
    FiguresDialog .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the week", id="figures-close"),
        Binding(
            "left_square_bracket",
            "quarter(-1)",
            "Prev quarter",
            key_display="[",
            tooltip="The quarter before",
            id="figures-previous",
        ),
        Binding(
            "right_square_bracket",
            "quarter(1)",
            "Next quarter",
            key_display="]",
            tooltip="The quarter after",
            id="figures-next",
        ),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        from siu_tui.domain.periods import financial_year_of, quarter

        year = financial_year_of(day)
        number = next(q for q in (1, 2, 3, 4) if day in quarter(year, q))
        self.year, self.quarter_number = year, number

    def compose(self) -> ComposeResult:
        with Vertical(id="figures-dialog"):
            yield Static("Minutes figures", classes="title", markup=False)
            with Horizontal(id="figures-period"):
                yield Label("From")
                yield DateInput(id="figures-from")
                yield Label("to")
                yield DateInput(id="figures-to")
                yield Static("", id="figures-label", markup=False)
            yield Static("", id="figures-error", markup=False)
            yield Static("", id="figures-overall", markup=False)
            yield DataTable(id="figures-by-chair", cursor_type="row", zebra_stripes=True)
            yield Static(
                "Conferences held in the period; each judged as it stands today. "
                "[ and ] move a quarter; type dates and press Enter for any period. Esc closes.",
                classes="hint",
                markup=False,
            )

    def on_mount(self) -> None:
        table = self.query_one("#figures-by-chair", DataTable)
        for heading, width in (
            ("Chair", 22),
            ("Held", 6),
            ("In time", 8),
            ("Late", 6),
            ("% in time", 9),
            ("Outstanding", 11),
            ("of which overdue", 16),
            ("Avg days", 8),
        ):
            table.add_column(heading, width=width)
        self.query_one("#figures-error").display = False
        self._set_quarter()
        table.focus()

    def _set_quarter(self) -> None:
        from siu_tui.domain.periods import quarter

        period = quarter(self.year, self.quarter_number)
        self.query_one("#figures-from", DateInput).date = period.start
        self.query_one("#figures-to", DateInput).date = period.end
        self.query_one("#figures-label", Static).update(plain(period.label))
        self.load(period.start, period.end)

    def action_quarter(self, step: int) -> None:
        index = self.year * 4 + self.quarter_number - 1 + step
        self.year, self.quarter_number = divmod(index, 4)
        self.quarter_number += 1
        self._set_quarter()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _typed(self) -> None:
        start = self.query_one("#figures-from", DateInput)
        end = self.query_one("#figures-to", DateInput)
        problems = [m for m in (start.check(), end.check()) if m]
        if not problems and (start.date is None or end.date is None):
            problems.append("Enter both dates, as DD/MM/YYYY")
        error = self.query_one("#figures-error", Static)
        error.update(plain("  ".join(problems)))
        error.display = bool(problems)
        if problems or start.date is None or end.date is None:
            return
        self.query_one("#figures-label", Static).update(plain(""))
        self.load(start.date, end.date)

    @work(thread=True, exclusive=True, group="figures", exit_on_error=False)
    def load(self, start: date, end: date) -> None:
        from siu_tui.services.errors import ValidationError
        from siu_tui.services.minutes_week import minutes_figures

        try:
            figures = minutes_figures(self.app.desk(), start, end)  # type: ignore[attr-defined]
        except ValidationError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        self.app.call_from_thread(self.show_figures, figures)

    def _refused(self, message: str) -> None:
        error = self.query_one("#figures-error", Static)
        error.update(plain(message))
        error.display = True

    def show_figures(self, figures: MinutesFigures) -> None:
        self.query_one("#figures-error").display = False
        overall = figures.overall
        if not overall.conferences:
            text = (
                f"No held conferences with minutes from {show(figures.start)} to "
                f"{show(figures.end)}."
            )
        else:
            percent = (
                f" ({overall.within_percent}% of those distributed)"
                if overall.within_percent is not None
                else ""
            )
            average = (
                f"{overall.average_working_days} working days"
                if overall.average_working_days is not None
                else "none distributed yet"
            )
            text = (
                f"{show(figures.start)} to {show(figures.end)}: {overall.conferences} held "
                f"conferences' minutes. Distributed within timescale {overall.within}{percent}; "
                f"late {overall.late}; still outstanding {overall.outstanding} "
                f"({overall.outstanding_overdue} past their deadline). Average time to "
                f"distribution: {average}."
            )
        self.query_one("#figures-overall", Static).update(plain(text))
        table = self.query_one("#figures-by-chair", DataTable)
        table.clear()
        for row in figures.by_chair:
            f = row.figures
            table.add_row(
                cell(row.chair),
                cell_right(f.conferences),
                cell_right(f.within),
                cell_right(f.late, "yellow" if f.late else ""),
                cell_right("" if f.within_percent is None else f"{f.within_percent}%"),
                cell_right(f.outstanding),
                cell_right(f.outstanding_overdue, "bold red" if f.outstanding_overdue else ""),
                cell_right("" if f.average_working_days is None else f.average_working_days),
            )
        table.display = bool(figures.by_chair)
