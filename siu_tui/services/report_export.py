"""The thematic report written out: JSON for other systems, CSV and XLSX for the spreadsheet a
manager prints, Markdown for reading and pasting into the annual report.

All four are made from the same counted report (``services.reports.ThematicReport``), so the
numbers cannot disagree between formats; CSV and XLSX hold the same tables, one section or
sheet per table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from siu_tui.domain.dates import format_date
from siu_tui.domain.reports import NOT_YET, Cell, ReportTable
from siu_tui.domain.text import spreadsheet_row
from siu_tui.files import write_private
from siu_tui.services.reports import ThematicReport

FORMATS = ("json", "csv", "xlsx", "md")
"""The formats a report can be written in, as the command line and the screen name them."""

SUFFIXES = {"json": ".json", "csv": ".csv", "xlsx": ".xlsx", "md": ".md"}


def with_extension(path: Path, fmt: str) -> Path:
    """The file as typed, ending in the format's extension, so it opens in the right program:
    "q3" becomes "q3.xlsx", "q3.csv" written as XLSX becomes "q3.xlsx" (another format's
    extension is replaced), and "q3.final" becomes "q3.final.xlsx"."""
    wanted = SUFFIXES[fmt]
    suffix = path.suffix.lower()
    if suffix == wanted:
        return path
    if suffix in SUFFIXES.values():
        return path.with_suffix(wanted)
    return path.with_name(path.name + wanted)


def default_name(report: ThematicReport, fmt: str) -> str:
    """A file name that says what is in it, e.g. ``siu-annual-2025-26.xlsx``."""
    period = report.period
    label = period.period.label.replace(" ", "-")
    return f"siu-{period.kind}-{label}{SUFFIXES[fmt]}"


def _cell_text(value: Cell) -> str:
    if value is NOT_YET:
        return "not yet"
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _heading_lines(report: ThematicReport) -> list[str]:
    period = report.period
    return [
        report.period.title,
        f"{format_date(period.start)} to {format_date(period.end)}",
        f"Counted on {format_date(report.counted_on)}",
    ]


def _spreadsheet_cell(value: Cell) -> int | float | None:
    """A figure for CSV and XLSX: a quarter-end still to come is an empty cell, not a 0."""
    return None if value is NOT_YET else value


def as_json(report: ThematicReport) -> str:
    return json.dumps(report.as_json(), indent=2) + "\n"


def as_csv(report: ThematicReport) -> str:
    """One section per table: its heading, its column headings, its rows, a blank line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for line in _heading_lines(report):
        writer.writerow(spreadsheet_row([line]))
    writer.writerow([])
    for table in report.tables():
        writer.writerow(spreadsheet_row([table.title]))
        writer.writerow(spreadsheet_row(table.columns))
        for label, cells in table.rows:
            writer.writerow(
                spreadsheet_row(
                    [label, *("" if (n := _spreadsheet_cell(c)) is None else n for c in cells)]
                )
            )
        writer.writerow([])
    return out.getvalue()


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def as_markdown(report: ThematicReport) -> str:
    """A readable report: a heading, then each table with a line of commentary."""
    title, dates, counted = _heading_lines(report)
    lines = [f"# {title}", "", f"{dates}. {counted}.", ""]
    for table in report.tables():
        lines += [f"## {table.title}", ""]
        if table.commentary:
            lines += [table.commentary, ""]
        lines.append(_md_row(table.columns))
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(table.columns) - 1)) + "|")
        for label, cells in table.rows:
            lines.append(_md_row([label, *(_cell_text(c) for c in cells)]))
        lines.append("")
    return "\n".join(lines)


def _sheet_name(table: ReportTable, used: set[str]) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    name = "".join(ch for ch in table.short_title if ch not in "[]:*?/\\")[:31].strip()
    base, n = name, 2
    while name in used:
        suffix = f" {n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def as_xlsx(report: ThematicReport) -> bytes:
    """A workbook: a cover sheet with the period, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    cover.title = "Report"
    for line in _heading_lines(report):
        cover.append(spreadsheet_row([line]))
    cover["A1"].font = Font(bold=True, size=14)
    row = len(_heading_lines(report)) + 2
    cover.cell(row=row, column=1, value="Tables").font = Font(bold=True)
    used = {"Report"}
    for table in report.tables():
        sheet = book.create_sheet(_sheet_name(table, used))
        row += 1
        title, commentary = spreadsheet_row([table.title, table.commentary])
        cover.cell(row=row, column=1, value=title)
        cover.cell(row=row, column=2, value=commentary)
        sheet.append(spreadsheet_row([table.title]))
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append(spreadsheet_row(table.columns))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for label, cells in table.rows:
            sheet.append(spreadsheet_row([label, *(_spreadsheet_cell(c) for c in cells)]))
        if table.commentary:
            sheet.append([])
            sheet.append(spreadsheet_row([table.commentary]))
        sheet.column_dimensions["A"].width = (
            max([len(table.columns[0]), *(len(label) for label, _ in table.rows)]) + 2
        )
        for letter in "BCDEFG"[: len(table.columns) - 1]:
            sheet.column_dimensions[letter].width = 14
    cover.column_dimensions["A"].width = 72
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(report: ThematicReport, fmt: str) -> bytes:
    """The report in ``fmt`` as bytes (text formats in UTF-8)."""
    if fmt == "json":
        return as_json(report).encode()
    if fmt == "csv":
        return as_csv(report).encode()
    if fmt == "md":
        return as_markdown(report).encode()
    if fmt == "xlsx":
        return as_xlsx(report)
    raise ValueError(f"Unknown format {fmt!r} (use one of: {', '.join(FORMATS)})")


def write_report(report: ThematicReport, fmt: str, path: Path) -> Path:
    """Write the report to ``path`` whole or not at all: a half-written file never replaces a
    good one, even if the disk fills or the laptop's lid is shut mid-write."""
    return write_private(path, render(report, fmt))
