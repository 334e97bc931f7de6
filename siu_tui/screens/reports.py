"""Quarterly and annual reports: the thematic report for a council year or one quarter,
table by table with its commentary, charts of the children on a plan, and an export.

The counting is the database's (``services.reports``) and can take seconds on a large
unit, so it runs in a worker with a progress bar and the screen stays usable; a newer choice
simply supersedes an older count. The exports come from the same counted report, so what a
manager saves is exactly what they read here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from siu_tui.clock import today
from siu_tui.domain.periods import financial_year, financial_year_of
from siu_tui.screens.base import SIUModal, SIUScreen
from siu_tui.widgets.text import cell, cell_right, choices, plain, show

if TYPE_CHECKING:
    from siu_tui.domain.reports import Cell, ReportTable
    from siu_tui.services.reports import ThematicReport

YEARS_BACK = 8
"""How many council years before this one the year list offers (`[` goes further)."""

PERIODS: tuple[tuple[str, int], ...] = (
    ("Whole year", 0),
    ("Q1 (Apr–Jun)", 1),
    ("Q2 (Jul–Sep)", 2),
    ("Q3 (Oct–Dec)", 3),
    ("Q4 (Jan–Mar)", 4),
)
"""The period choices; 0 is the whole council year (the annual report)."""

TAB_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("tab-activity", "Activity", ("conference_activity",)),
    (
        "tab-plans",
        "Plans",
        ("plans_by_category", "plans_by_ethnicity", "plans_by_age", "plans_ended"),
    ),
    ("tab-timeliness", "Timeliness", ("report_to_parents", "report_to_chair")),
    ("tab-late", "Late and stood down", ("held_after_deadline", "stood_down")),
    ("tab-advocacy", "Advocacy", ("advocacy",)),
    ("tab-challenges", "Challenges", ("challenges_by_level", "challenges_by_category")),
    ("tab-minutes", "Minutes", ("minutes",)),
)
"""Which tab each of the report's tables is shown on, in the order of the printed report."""

OTHER_TAB = "tab-other"
"""Where a table the report gains later appears until it is given a tab of its own."""

CHART_THEME_COLOURS = ("primary", "secondary", "accent", "warning", "success", "error")


def tab_of(key: str) -> str:
    for tab_id, _title, keys in TAB_GROUPS:
        if key in keys:
            return tab_id
    return OTHER_TAB


def format_cell(value: Cell) -> str:
    """A figure as the manager reads it: "not yet" for a quarter-end still to come, "–" for
    nothing to show, one decimal for a share or an average, thousands separated for a
    count."""
    from siu_tui.domain.reports import NOT_YET

    if value is NOT_YET:
        return "not yet"
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return f"{value:,}"


def nice_ticks(highest: int, count: int = 5) -> list[int]:
    """Whole-number steps for a chart's axis (children are not counted in fractions): 1, 2
    or 5 times a power of ten, about ``count`` of them up to ``highest``."""
    if highest <= 0:
        return [0, 1]
    rough = highest / count
    step = 1
    while step * 10 <= rough:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= rough:
            step *= factor
            break
    last = -(-highest // step) * step
    return list(range(0, last + 1, step))


def year_label(year: int) -> str:
    return financial_year(year).label


class ReportTableView(Vertical):
    """One table of the report: its title, its line of commentary, the figures, and for the
    quarter-end tables a bar chart (the Total row is left out of the chart)."""

    def __init__(self, table: ReportTable) -> None:
        super().__init__(id=f"report-{table.key.replace('_', '-')}", classes="report-table")
        self.table = table

    def compose(self) -> ComposeResult:
        yield Static("", classes="table-title", markup=False)
        yield Static("", classes="commentary", markup=False)
        table = DataTable(show_cursor=False, zebra_stripes=True, cursor_type="none")
        table.can_focus = False  # the tab scrolls as a page; the figures need no cursor
        yield table
        if self.table.series:
            from textual_plotext import PlotextPlot

            yield PlotextPlot(classes="chart")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw_chart())
        self.show(self.table)

    def show(self, table: ReportTable) -> None:
        self.table = table
        self.query_one(".table-title", Static).update(plain(table.title))
        commentary = self.query_one(".commentary", Static)
        commentary.update(plain(table.commentary))
        commentary.display = bool(table.commentary)
        grid = self.query_one(DataTable)
        grid.clear(columns=True)
        label_width = max([len(table.columns[0]), *(len(label) for label, _ in table.rows)])
        grid.add_column(cell(table.columns[0]), width=label_width, key="label")
        for n, heading in enumerate(table.columns[1:]):
            grid.add_column(cell_right(heading), width=max(len(heading), 8), key=f"c{n}")
        for label, cells in table.rows:
            grid.add_row(
                cell(label, "bold" if label == "Total" else ""),
                *(cell_right(format_cell(value)) for value in cells),
                key=label,
            )
        self._draw_chart()

    def _chart_colours(self) -> list[tuple[int, int, int]]:
        from textual.color import Color

        variables = self.app.theme_variables
        return [
            Color.parse(variables[name]).rgb for name in CHART_THEME_COLOURS if name in variables
        ] or [(0, 128, 255)]

    def _draw_chart(self) -> None:
        if not self.table.series:
            return
        from textual_plotext import PlotextPlot

        chart = self.query_one(PlotextPlot)
        plt = chart.plt
        plt.clear_data()
        from siu_tui.domain.reports import NOT_YET

        rows = [(label, cells) for label, cells in self.table.rows if label != "Total"]
        labels = [label for label, _ in rows]
        # Only quarter-ends that have passed are charted; those to come have no figures.
        shown = [
            n
            for n in range(len(self.table.columns) - 1)
            if not any(cells[n] is NOT_YET for _, cells in rows)
        ]
        quarters = [self.table.columns[1 + n] for n in shown]
        to_come = [q for n, q in enumerate(self.table.columns[1:]) if n not in shown]
        colours = self._chart_colours()
        highest = 0
        if len(quarters) == 1:
            # One quarter-end: a bar per group.
            values = [int(cells[shown[0]] or 0) for _, cells in rows]  # type: ignore[arg-type]
            plt.bar(labels, values, color=colours[0], width=0.6)
            plt.xlim(0.4, len(labels) + 0.6)
            highest = max(values, default=0)
            plt.title(f"Children subject to a plan at the end of {quarters[0]}")
        elif quarters:
            # A bar per quarter-end, made up of the groups: the height is the total.
            series = [[int(cells[n] or 0) for n in shown] for _, cells in rows]  # type: ignore[arg-type]
            plt.stacked_bar(
                [f"End of {q}" for q in quarters],
                series,
                labels=labels,
                color=[colours[n % len(colours)] for n in range(len(rows))],
                width=0.5,
            )
            highest = max((sum(column) for column in zip(*series, strict=True)), default=0)
            # Room on the left for the legend, which plotext draws in the top-left corner.
            plt.xlim(-0.4, len(quarters) + 0.6)
            plt.title("Children subject to a plan at each quarter-end")
        if to_come and quarters:
            plt.xlabel(f"Not yet: the end of {' and '.join(to_come)}")
        else:
            plt.xlabel("")
        # An empty chart says nothing the commentary does not ("No children were ...", or
        # no quarter-end has passed yet).
        chart.display = highest > 0
        ticks = nice_ticks(highest)
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks)
        chart.refresh()


class ReportsScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("reports.tcss")
    TITLE = "SIU Desk · Quarterly and annual reports"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left_square_bracket",
            "year(-1)",
            "Prev year",
            key_display="[",
            tooltip="The council year before",
            id="reports-previous-year",
        ),
        Binding(
            "right_square_bracket",
            "year(1)",
            "Next year",
            key_display="]",
            tooltip="The council year after",
            id="reports-next-year",
        ),
        Binding(
            "comma",
            "period(-1)",
            "Prev period",
            key_display=",",
            tooltip="The period before: whole year, Q1, Q2, Q3, Q4",
            id="reports-previous-period",
        ),
        Binding(
            "full_stop",
            "period(1)",
            "Next period",
            key_display=".",
            tooltip="The period after: whole year, Q1, Q2, Q3, Q4",
            id="reports-next-period",
        ),
        Binding(
            "t",
            "next_tab",
            "Next tab",
            tooltip="The next group of tables",
            id="reports-next-tab",
        ),
        Binding(
            "T",
            "previous_tab",
            "Previous tab",
            tooltip="The previous group of tables",
            id="reports-previous-tab",
            show=False,
        ),
        Binding(
            "e",
            "export",
            "Export",
            tooltip="Write this report to a JSON, CSV, XLSX or Markdown file",
            id="reports-export",
        ),
        Binding(
            "r,enter",
            "count",
            "Count again",
            key_display="r",
            tooltip="Count the report again from the database",
            id="reports-count",
        ),
        Binding(
            "f",
            "choose",
            "Choose period",
            tooltip="Go to the council year and period lists",
            id="reports-choose",
        ),
        Binding(
            "escape",
            "this_year",
            "This year",
            tooltip="Back to the current council year, whole year",
            id="reports-this-year",
        ),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: ThematicReport | None = None
        self._asked: tuple[int, int] | None = None
        self._generation = 0
        self._counting = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        current = financial_year_of(today())
        yield Header()
        with Horizontal(id="report-choice"):
            yield Label("Council year", classes="choice-label")
            yield Select(
                choices(self._year_options(current)),
                value=current,
                allow_blank=False,
                id="year",
                tooltip="The council's year, 1 April to 31 March ([ and ] move a year)",
            )
            yield Label("Period", classes="choice-label")
            yield Select(
                choices(PERIODS),
                value=0,
                allow_blank=False,
                id="period",
                tooltip="The whole year or one quarter (, and . move a period)",
            )
            yield Static("", id="report-dates", markup=False)
        yield Static("", id="report-error", markup=False)
        with Horizontal(id="count-bar"):
            yield Static("Counting…", id="count-label", markup=False)
            yield ProgressBar(id="count-progress", show_eta=False)
        with TabbedContent(id="report-tabs"):
            for tab_id, title, _keys in TAB_GROUPS:
                with TabPane(plain(title), id=tab_id):
                    yield VerticalScroll(id=f"{tab_id}-body", classes="report-body")
            with TabPane("Other", id=OTHER_TAB):
                yield VerticalScroll(id=f"{OTHER_TAB}-body", classes="report-body")
        yield Footer()

    @staticmethod
    def _year_options(*years: int) -> list[tuple[str, int]]:
        current = financial_year_of(today())
        first = min([current - YEARS_BACK, *years])
        last = max([current + 1, *years])
        return [(year_label(y), y) for y in range(last, first - 1, -1)]

    def on_mount(self) -> None:
        self.query_one("#report-error").display = False
        self.query_one("#count-bar").display = False
        self.query_one(TabbedContent).hide_tab(OTHER_TAB)
        self._body().focus()
        self.request_count()

    def _body(self) -> VerticalScroll:
        active = self.query_one(TabbedContent).active or TAB_GROUPS[0][0]
        return self.query_one(f"#{active}-body", VerticalScroll)

    # -- choosing the period -----------------------------------------------------------------

    def chosen(self) -> tuple[int, int]:
        year = self.query_one("#year", Select).value
        period = self.query_one("#period", Select).value
        return int(year), int(period)  # type: ignore[call-overload]

    @on(Select.Changed)
    def _choice_changed(self) -> None:
        self.request_count()

    def action_year(self, step: int) -> None:
        year, _period = self.chosen()
        self._set_year(year + step)

    def _set_year(self, year: int) -> None:
        select = self.query_one("#year", Select)
        known = {value for _label, value in self._year_options()}
        if year not in known:
            with self.prevent(Select.Changed):
                select.set_options(choices(self._year_options(year)))
        select.value = year

    def action_period(self, step: int) -> None:
        _year, period = self.chosen()
        self.query_one("#period", Select).value = (period + step) % len(PERIODS)

    def action_this_year(self) -> None:
        with self.prevent(Select.Changed):
            self._set_year(financial_year_of(today()))
            self.query_one("#period", Select).value = 0
        self.request_count()

    def action_choose(self) -> None:
        self.query_one("#year", Select).focus()

    def action_count(self) -> None:
        self.request_count(force=True)

    def action_next_tab(self, step: int = 1) -> None:
        tabs = self.query_one(TabbedContent)
        shown = [tab_id for tab_id, _t, _k in TAB_GROUPS]
        if self._other_tab_used():
            shown.append(OTHER_TAB)
        index = shown.index(tabs.active) if tabs.active in shown else 0
        tabs.active = shown[(index + step) % len(shown)]
        self._body().focus()

    def action_previous_tab(self) -> None:
        self.action_next_tab(-1)

    def action_scroll(self, step: int) -> None:
        body = self._body()
        if step > 0:
            body.scroll_down(animate=False)
        else:
            body.scroll_up(animate=False)

    def _other_tab_used(self) -> bool:
        return bool(self.query_one(f"#{OTHER_TAB}-body").children)

    # -- counting ----------------------------------------------------------------------------

    def request_count(self, *, force: bool = False) -> None:
        """Count the chosen period, unless that count is already shown or under way."""
        try:
            asked = self.chosen()
        except (TypeError, ValueError):
            return
        if asked == self._asked and not force:
            return
        self._asked = asked
        self._generation += 1
        self._counting = True
        year, period = asked
        dates = financial_year(year) if not period else None
        if dates is None:
            from siu_tui.domain.periods import quarter

            dates = quarter(year, period)
        self.query_one("#report-dates", Static).update(
            plain(f"{dates.start:%d/%m/%Y} to {dates.end:%d/%m/%Y}")
        )
        self.query_one("#count-label", Static).update(plain("Counting…"))
        self.query_one("#count-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#count-bar").display = True
        self.count(year, period, self._generation)

    @work(thread=True, exclusive=True, group="reports-count", exit_on_error=False)
    def count(self, year: int, period: int, generation: int) -> None:
        from siu_tui.services.errors import ValidationError
        from siu_tui.services.reports import thematic_report

        def step(done: int, total: int, label: str) -> None:
            if generation == self._generation:
                self.app.call_from_thread(self._progress, done, total, label)

        try:
            report = thematic_report(
                self.app.desk(),  # type: ignore[attr-defined]
                "quarterly" if period else "annual",
                year,
                period or None,
                progress=step,
            )
        except ValidationError as exc:
            if generation == self._generation:
                self.app.call_from_thread(self._refused, exc.errors)
            return
        except Exception:
            if generation == self._generation:
                self.app.call_from_thread(self._count_failed)
            raise
        if generation == self._generation:
            self.app.call_from_thread(self.show_report, report)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.query_one("#count-label", Static).update(plain(f"Counting: {label}…"))
        self.query_one("#count-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def _finished(self) -> None:
        self._counting = False
        self.query_one("#count-bar").display = False

    def _count_failed(self) -> None:
        self._finished()
        self._asked = None  # so that `r` or a new choice tries again
        self.report = None  # what is shown no longer matches the lists: nothing to export

    def _refused(self, errors: dict[str, str]) -> None:
        """A period the service refuses: the message under the lists, nothing else changes."""
        self._count_failed()
        error = self.query_one("#report-error", Static)
        names = {"year": "Council year", "quarter": "Period"}
        error.update(
            plain("  ".join(f"{names.get(field, field)}: {text}" for field, text in errors.items()))
        )
        error.display = True

    def show_report(self, report: ThematicReport) -> None:
        self._finished()
        self.report = report
        self.query_one("#report-error").display = False
        tables = report.tables()
        seen = set()
        for table in tables:
            seen.add(table.key)
            view_id = f"report-{table.key.replace('_', '-')}"
            found = self.query(f"#{view_id}")
            if found:
                found.first(ReportTableView).show(table)
            else:
                self.query_one(f"#{tab_of(table.key)}-body", VerticalScroll).mount(
                    ReportTableView(table)
                )
        for view in self.query(ReportTableView):
            view.display = view.table.key in seen
        tabs = self.query_one(TabbedContent)
        if any(tab_of(t.key) == OTHER_TAB for t in tables):
            tabs.show_tab(OTHER_TAB)
        self.sub_title = show(f"{report.period.title} · counted {report.counted_on:%d/%m/%Y}")

    # -- export ------------------------------------------------------------------------------

    def action_export(self) -> None:
        if self._counting:
            self.notify(
                "The report is still being counted: export it when the figures are shown.",
                severity="warning",
                markup=False,
            )
            return
        if self.report is None:
            self.notify(
                "No report has been counted for this period: choose a year and period, "
                "or press r to count again.",
                severity="warning",
                markup=False,
            )
            return
        self.app.push_screen(ExportDialog(self.report), self._exported)

    def _exported(self, path: Path | None) -> None:
        if path is not None and self.report is not None:
            self.notify(
                show(f"{self.report.period.title} written to {path}", lines=True),
                title="Exported",
                timeout=15,
                markup=False,
            )


class ExportDialog(SIUModal["Path | None"]):
    """Where and in which format to write the report; the file name follows the format
    until the manager types their own."""

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > #export-dialog {
        width: 84; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    ExportDialog .title { text-style: bold; color: $accent; margin-bottom: 1; }
    ExportDialog RadioSet { width: 100%; margin-bottom: 1; }
    ExportDialog .error { color: $error; text-style: bold; width: 100%; }
    ExportDialog .hint { color: $text-muted; width: 100%; }
    ExportDialog #export-writing { height: 1; margin-top: 1; }
    ExportDialog #export-writing Static { width: auto; margin-right: 2; }
    ExportDialog .buttons { height: auto; margin-top: 1; }
    ExportDialog .buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without writing", id="export-cancel"),
        Binding("ctrl+s", "write", "Write file", tooltip="Write the report", id="export-write"),
    ]

    FORMAT_LABELS: ClassVar[dict[str, str]] = {
        "json": "JSON: every figure, for other systems",
        "csv": "CSV: the tables, one after another",
        "xlsx": "XLSX: a workbook, one sheet per table",
        "md": "Markdown: the tables and commentary, to read or paste",
    }
    DEFAULT_FORMAT = "xlsx"

    def __init__(self, report: ThematicReport) -> None:
        super().__init__()
        self.report = report
        self.fmt = self.DEFAULT_FORMAT
        self._writing = False

    def _default_path(self, fmt: str) -> Path:
        from siu_tui.config import exports_dir
        from siu_tui.services.report_export import default_name

        return exports_dir() / default_name(self.report, fmt)

    def compose(self) -> ComposeResult:
        from siu_tui.services.report_export import FORMATS

        with Vertical(id="export-dialog"):
            yield Static(plain(f"Export: {self.report.period.title}"), classes="title")
            yield Label("Format")
            with RadioSet(id="format"):
                for fmt in FORMATS:
                    yield RadioButton(
                        plain(self.FORMAT_LABELS.get(fmt, fmt.upper())),
                        value=fmt == self.fmt,
                        id=f"format-{fmt}",
                    )
            yield Label("File")
            yield Input(str(self._default_path(self.fmt)), id="path")
            label = Label("", id="error-path", classes="error")
            label.display = False
            yield label
            with Horizontal(id="export-writing"):
                yield Static("Writing…", markup=False)
                yield ProgressBar(id="export-progress", show_eta=False, total=None)
            yield Static(
                "↑ ↓ and Enter choose the format; Ctrl+S (or Enter in the file name) writes "
                "the file; Esc closes without writing.",
                classes="hint",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("Write", variant="primary", id="write")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        from siu_tui.services.report_export import FORMATS

        self.query_one("#export-writing").display = False
        formats = self.query_one("#format", RadioSet)
        # The highlight starts on the format already chosen, not on the first in the list.
        formats._selected = FORMATS.index(self.fmt)
        formats.focus()

    @on(RadioSet.Changed, "#format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        from siu_tui.services.report_export import FORMATS, SUFFIXES

        new = FORMATS[event.index]
        old, self.fmt = self.fmt, new
        field = self.query_one("#path", Input)
        typed = Path(field.value.strip()).expanduser()
        if not field.value.strip():
            field.value = str(self._default_path(new))
        elif typed.name == self._default_path(old).name:
            field.value = str(typed.with_name(self._default_path(new).name))
        elif typed.suffix.lower() == SUFFIXES[old]:
            field.value = str(typed.with_suffix(SUFFIXES[new]))

    @on(Input.Changed, "#path")
    def _path_changed(self) -> None:
        if not self._writing:
            self.show_error(None)

    def show_error(self, message: str | None) -> None:
        label = self.query_one("#error-path", Label)
        label.update(plain(message or ""))
        label.display = bool(message)

    def target(self) -> Path | None:
        """The file to write, or None (with the reason shown under the field)."""
        from siu_tui.config import exports_dir

        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.show_error("Enter the file to write, for example " + self._default_name())
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = exports_dir() / path
        if path.is_dir():
            self.show_error(f"That is a folder: add a file name, such as {self._default_name()}")
            return None
        return path

    def _default_name(self) -> str:
        return self._default_path(self.fmt).name

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self._writing:
            self.dismiss(None)

    @on(Button.Pressed, "#write")
    @on(Input.Submitted, "#path")
    def action_write(self) -> None:
        from siu_tui.screens.replace_file import ReplaceFileDialog
        from siu_tui.services.report_export import with_extension

        if self._writing:
            return
        path = self.target()
        if path is None:
            return
        path = with_extension(path, self.fmt)
        self.show_error(None)
        if path.exists():
            fmt = self.fmt
            self.app.push_screen(
                ReplaceFileDialog(path),
                lambda replace: self._start(fmt, path) if replace else None,
            )
            return
        self._start(self.fmt, path)

    def _start(self, fmt: str, path: Path) -> None:
        self._writing = True
        self.query_one("#export-writing").display = True
        self.write(fmt, path)

    @work(thread=True, exclusive=True, group="report-export", exit_on_error=False)
    def write(self, fmt: str, path: Path) -> None:
        from siu_tui.services.report_export import write_report

        try:
            write_report(self.report, fmt, path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.app.call_from_thread(
                self._not_written, f"Cannot write {path}: {reason}. Choose another place."
            )
            return
        except Exception:
            self.app.call_from_thread(self._not_written, None)
            raise
        self.app.call_from_thread(self.dismiss, path)

    def _not_written(self, message: str | None) -> None:
        self._writing = False
        self.query_one("#export-writing").display = False
        self.show_error(message)
        self.query_one("#path", Input).focus()
