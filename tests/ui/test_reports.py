"""The reports screen driven by keys: choosing the year and the quarter, reading the figures
(the same as the service counts), and exporting them to each format.

The clock is pinned to Wednesday 25 November 2026, in the council year 2026-27 (Q3). The
sample database's only stood-down conference is on 20 November 2026.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Select, Static, TabbedContent
from textual_plotext import PlotextPlot

from siu_tui import clock
from siu_tui.app import SIUApp
from siu_tui.db.demo import generate
from siu_tui.screens.reports import (
    ExportDialog,
    ReportsScreen,
    ReportTableView,
    format_cell,
    nice_ticks,
)
from siu_tui.services import reports as report_service
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.report_export import default_name
from siu_tui.services.reports import ThematicReport, thematic_report

from .conftest import settle

SIZE = (120, 40)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small demo unit, so every table has figures in it."""
    from datetime import date

    clock.set_today(date(2026, 11, 25))
    path = tmp_path_factory.mktemp("reports-demo") / "demo.db"
    url = f"sqlite:///{path}"
    desk = Desk.open(url, "test")
    generate(desk.store, 400)
    desk.close()
    clock.set_today(None)
    yield url


def counted(url: str, year: int, quarter: int | None = None) -> ThematicReport:
    desk = Desk.open(url, "test")
    try:
        return thematic_report(desk, "quarterly" if quarter else "annual", year, quarter)
    finally:
        desk.close()


def on_screen(screen: ReportsScreen, key: str) -> list[tuple[str, ...]]:
    """One table of the report as the manager reads it: label, then each figure."""
    view = screen.query_one(f"#report-{key.replace('_', '-')}", ReportTableView)
    grid = view.query_one(DataTable)
    return [tuple(str(c) for c in grid.get_row_at(r)) for r in range(grid.row_count)]


def expected(report: ThematicReport, key: str) -> list[tuple[str, ...]]:
    table = next(t for t in report.tables() if t.key == key)
    return [(label, *(format_cell(c) for c in cells)) for label, cells in table.rows]


def chosen(screen: ReportsScreen) -> tuple[object, object]:
    return screen.query_one("#year", Select).value, screen.query_one("#period", Select).value


async def open_reports(pilot: Pilot) -> ReportsScreen:
    await settle(pilot)
    await pilot.press("q")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


def messages(app: SIUApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_q_opens_this_council_year_with_the_services_figures(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        assert chosen(screen) == (2026, 0)
        assert "01/04/2026 to 31/03/2027" in str(screen.query_one("#report-dates").render())
        assert "Annual thematic report 2026-27" in screen.sub_title
        report = counted(sample_url, 2026)
        for table in report.tables():
            assert on_screen(screen, table.key) == expected(report, table.key), table.key
            view = screen.query_one(f"#report-{table.key.replace('_', '-')}", ReportTableView)
            assert str(view.query_one(".table-title", Static).render()) == table.title
            assert str(view.query_one(".commentary", Static).render()) == table.commentary
            assert bool(view.query(PlotextPlot)) == table.series
        # The one stood-down conference (20/11/2026), on its own tab.
        assert ("Total", "1") in on_screen(screen, "stood_down")
        await pilot.press("t", "t", "t")
        assert screen.query_one(TabbedContent).active == "tab-late"
        await pilot.press("T")
        assert screen.query_one(TabbedContent).active == "tab-timeliness"
        assert not screen.query_one("#count-bar").display


async def test_keys_choose_the_year_and_the_quarter(demo_url: str) -> None:
    app = SIUApp(demo_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert chosen(screen) == (2025, 0)
        annual = counted(demo_url, 2025)
        for table in annual.tables():
            assert on_screen(screen, table.key) == expected(annual, table.key), table.key
        assert on_screen(screen, "plans_by_category")[0][1:] != ("0", "0", "0", "0")
        assert all(chart.display for chart in screen.query(PlotextPlot))

        await pilot.press("full_stop", "full_stop")  # Q2 of 2025-26
        await settle(pilot)
        assert chosen(screen) == (2025, 2)
        assert "01/07/2025 to 30/09/2025" in str(screen.query_one("#report-dates").render())
        q2 = counted(demo_url, 2025, 2)
        for table in q2.tables():
            assert on_screen(screen, table.key) == expected(q2, table.key), table.key
        assert [row[0] for row in on_screen(screen, "plans_by_age")][-1] == "Total"
        assert len(on_screen(screen, "plans_by_age")[0]) == 2  # one quarter, one column

        await pilot.press("right_square_bracket", "comma", "comma", "comma")  # 2026-27 Q4
        await settle(pilot)
        assert chosen(screen) == (2026, 4)
        q4 = counted(demo_url, 2026, 4)
        assert on_screen(screen, "conference_activity") == expected(q4, "conference_activity")

        await pilot.press("escape")  # back to this year, whole year
        await settle(pilot)
        assert chosen(screen) == (2026, 0)
        assert on_screen(screen, "minutes") == expected(counted(demo_url, 2026), "minutes")


async def test_years_before_the_list_are_added_by_key(db_url: str) -> None:
    app = SIUApp(db_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await pilot.press(*["left_square_bracket"] * 10)
        await settle(pilot)
        assert chosen(screen) == (2016, 0)
        assert "Annual thematic report 2016-17" in screen.sub_title


async def test_an_empty_database_shows_tables_of_zeros_and_says_so(db_url: str) -> None:
    app = SIUApp(db_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        report = counted(db_url, 2026)
        for table in report.tables():
            assert on_screen(screen, table.key) == expected(report, table.key)
        # The ends of Q1 and Q2 have passed (nobody on a plan); Q3 and Q4 are still to come.
        assert ("Total", "0", "0", "not yet", "not yet") in on_screen(screen, "plans_by_category")
        view = screen.query_one("#report-plans-by-category", ReportTableView)
        assert "No children were subject to a plan" in str(
            view.query_one(".commentary", Static).render()
        )
        await pilot.press("t")  # the Plans tab: no chart of nothing
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "tab-plans"
        assert not any(chart.display for chart in screen.query(PlotextPlot))


@pytest.mark.parametrize(
    ("keys", "fmt"),
    [
        (("up", "up", "enter"), "json"),
        (("up", "enter"), "csv"),
        ((), "xlsx"),
        (("down", "enter"), "md"),
    ],
)
async def test_export_writes_the_format_chosen(
    demo_url: str, tmp_path: Path, keys: tuple[str, ...], fmt: str
) -> None:
    app = SIUApp(demo_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        report = counted(demo_url, 2025)
        field = dialog.query_one("#path", Input)
        assert field.value.endswith(default_name(report, "xlsx"))
        await pilot.press(*keys)
        await pilot.pause()
        assert dialog.fmt == fmt
        assert Path(field.value).name == default_name(report, fmt)  # the name follows
        # A name without a folder goes into the exports folder (short, so typing is quick).
        await pilot.press("tab", "ctrl+a", "ctrl+k", *f"out/r.{fmt}")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        from siu_tui.config import exports_dir

        target = exports_dir() / "out" / f"r.{fmt}"
        assert f"Annual thematic report 2025-26 written to {target}" in messages(app)

    if fmt == "json":
        assert json.loads(target.read_text()) == report.as_json()
    elif fmt == "xlsx":
        book = load_workbook(target)
        assert len(book.sheetnames) == 1 + len(report.tables())  # a cover, a sheet per table
    else:
        text = target.read_text()
        for table in report.tables():
            assert table.title in text


async def test_export_defaults_to_the_exports_folder(sample_url: str) -> None:
    from siu_tui.config import exports_dir

    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        target = exports_dir() / "siu-annual-2026-27.xlsx"
        assert target.exists()
        assert f"Annual thematic report 2026-27 written to {target}" in messages(app)


async def test_a_place_that_cannot_be_written_is_refused_beside_the_field(
    sample_url: str, tmp_path: Path
) -> None:
    from siu_tui.config import exports_dir

    place = exports_dir() / "place"
    place.mkdir(parents=True)
    blocker = place / "a-file"
    blocker.write_text("not a folder")
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"place/a-file/r.xlsx", "enter")
        await settle(pilot)
        assert app.screen is dialog
        error = dialog.query_one("#error-path", Label)
        assert error.display
        assert str(error.render()).startswith(f"Cannot write {blocker}/r.xlsx")
        assert blocker.read_text() == "not a folder"
        # A folder is not a file either.
        await pilot.press("ctrl+a", "ctrl+k", *"place", "enter")
        await settle(pilot)
        assert "That is a folder" in str(error.render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert [p.name for p in place.iterdir()] == ["a-file"]
        assert not any("written to" in m for m in messages(app))


async def test_export_waits_for_the_count(sample_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    original = report_service.thematic_report

    def slow(*args: object, **kwargs: object) -> ThematicReport:
        release.wait(10)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(report_service, "thematic_report", slow)
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.query_one("#count-bar").display
        await pilot.press("e")
        await pilot.pause()
        assert any("still being counted" in m for m in messages(app))
        assert isinstance(app.screen, ReportsScreen)
        release.set()
        await settle(pilot)
        assert not screen.query_one("#count-bar").display
        assert ("Total", "1") in on_screen(screen, "stood_down")


async def test_a_refused_period_is_shown_beside_the_lists(
    sample_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> ThematicReport:
        raise ValidationError.single("year", "1066 is not a year the council could report on")

    monkeypatch.setattr(report_service, "thematic_report", refuse)
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        error = screen.query_one("#report-error", Static)
        assert error.display
        assert str(error.render()) == (
            "Council year: 1066 is not a year the council could report on"
        )
        assert not screen.query_one("#count-bar").display
        await pilot.press("e")
        assert any("No report has been counted" in m for m in messages(app))


async def test_help_and_the_palette_name_the_reports(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = [tuple(str(c) for c in table.get_row_at(r)) for r in range(table.row_count)]
        assert ("g q / q", "Go to Quarterly and annual reports") in [row[:2] for row in rows]
        await pilot.press("q")  # a section key also works from the help
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)

        from siu_tui.commands import SIUCommands

        provider = SIUCommands(app.screen)
        names = [name for name, *_rest in provider._commands()]
        assert "Go to Quarterly and annual reports" in names
        assert {"Export", "Prev year", "Next period", "Count again"} <= set(names)


def test_chart_ticks_are_whole_numbers() -> None:
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(166) == [0, 50, 100, 150, 200]
    assert nice_ticks(460) == [0, 100, 200, 300, 400, 500]
    for highest in range(1, 3000, 7):
        ticks = nice_ticks(highest)
        assert ticks[0] == 0 and ticks[-1] >= highest and 2 <= len(ticks) <= 11


def test_cells_read_as_a_manager_writes_them() -> None:
    from siu_tui.domain.reports import NOT_YET

    assert [format_cell(v) for v in (NOT_YET, None, 0, 1234, 36.6, 40.0)] == [
        "not yet",
        "–",
        "0",
        "1,234",
        "36.6",
        "40.0",
    ]


async def test_quarter_ends_still_to_come_say_not_yet_and_are_not_charted(demo_url: str) -> None:
    """On Wednesday 2 December 2026 the ends of Q3 (31/12/2026) and Q4 (31/03/2027) of
    2026-27 have not come: the Plans tab says "not yet" for them, charts only Q1 and Q2,
    and its commentary speaks of Q2, the last quarter-end that has passed."""
    from datetime import date

    clock.set_today(date(2026, 12, 2))
    app = SIUApp(demo_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        assert chosen(screen) == (2026, 0)
        await pilot.press("t")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "tab-plans"
        report = counted(demo_url, 2026)
        for key in ("plans_by_category", "plans_by_ethnicity", "plans_by_age"):
            rows = on_screen(screen, key)
            assert rows == expected(report, key)
            assert all(row[3:] == ("not yet", "not yet") for row in rows), key
            assert all(cell.replace(",", "").isdigit() for row in rows for cell in row[1:3])
            view = screen.query_one(f"#report-{key.replace('_', '-')}", ReportTableView)
            commentary = str(view.query_one(".commentary", Static).render())
            assert commentary.startswith("At the end of Q2, "), commentary
            assert "end of Q4" not in commentary and "end of Q3" not in commentary
            assert commentary.endswith(
                "The ends of Q3 and Q4 have not come yet: no figures for them."
            )
            chart = view.query_one(PlotextPlot)
            assert chart.display
            drawn = str(chart.render())
            assert "End of Q1" in drawn and "End of Q2" in drawn
            assert "End of Q3" not in drawn and "End of Q4" not in drawn
            assert "Not yet: the end of Q3 and Q4" in drawn

        # Q3 alone: nothing to chart, and the commentary says why.
        await pilot.press("full_stop", "full_stop", "full_stop")
        await settle(pilot)
        assert chosen(screen) == (2026, 3)
        assert on_screen(screen, "plans_by_category")[-1] == ("Total", "not yet")
        view = screen.query_one("#report-plans-by-category", ReportTableView)
        assert str(view.query_one(".commentary", Static).render()) == (
            "The end of Q3 has not come yet: no figures for it."
        )
        assert not view.query_one(PlotextPlot).display
