"""`siu report` as a manager runs it: the example history imported into a SQLite file or a
PostgreSQL database, then the report for 2014-15 in each format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from siu_tui.services.context import Desk
from siu_tui.services.importing import import_history
from siu_tui.services.reports import thematic_report

from .conftest import siu_on

EXAMPLE = Path(__file__).parents[2] / "docs" / "import-example.csv"


@pytest.fixture
def db(db_url: str) -> str:
    desk = Desk.open(db_url, "test")
    import_history(desk, EXAMPLE)
    desk.close()
    return db_url


def siu(*args: str) -> tuple[int, str, str]:
    """``siu ARGS``; a closing ``--db URL`` names the database, of either kind."""
    assert args[-2] == "--db"
    return siu_on(args[-1], *args[:-2])


def test_json_to_the_screen_is_the_counted_report(db: str) -> None:
    status, out, _ = siu("report", "annual", "--year", "2014", "--format", "json", "--db", db)

    assert status == 0
    figures = json.loads(out)
    desk = Desk.open(db, "test")
    try:
        assert figures == thematic_report(desk, "annual", 2014).as_json()
    finally:
        desk.close()
    assert figures["period"] == {"start": "2014-04-01", "end": "2015-03-31"}
    assert figures["conference_activity"]["total"] > 0
    assert figures["plans_by_category"]["Q1"]["total"] > 0


def test_a_quarterly_report_in_markdown_to_a_file(db: str, tmp_path: Path) -> None:
    out_file = tmp_path / "q1.md"
    status, _, err = siu(
        "report", "quarterly", "--year", "2014", "--quarter", "1", "--format", "md",
        "-o", str(out_file), "--db", db,
    )  # fmt: skip

    assert status == 0
    assert "written to" in err
    text = out_file.read_text()
    assert text.startswith("# Quarterly thematic report 2014-15 Q1")
    assert "| Category | Q1 |" in text


def test_xlsx_has_a_sheet_per_table(db: str, tmp_path: Path) -> None:
    out_file = tmp_path / "year.xlsx"
    status, _, _ = siu(
        "report", "annual", "--year", "2014", "--format", "xlsx", "-o", str(out_file),
        "--db", db,
    )  # fmt: skip

    assert status == 0
    book = load_workbook(out_file)
    assert book.sheetnames[0] == "Report"
    assert book.sheetnames[1:] == [
        "Conference activity",
        "Plans by category",
        "Plans by ethnic group",
        "Plans by age",
        "Plans ended",
        "Report to parents",
        "Report to chair",
        "Held after deadline",
        "Stood down",
        "Advocacy",
        "Challenges by level",
        "Challenges by category",
        "Minutes",
    ]
    assert book["Plans by category"]["A2"].value == "Category"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["quarterly", "--year", "2014"], "A quarterly report needs a quarter"),
        (["annual", "--year", "2014", "--quarter", "2"], "An annual report covers the whole year"),
        (["quarterly", "--year", "2014", "--quarter", "5"], "A quarter is 1, 2, 3 or 4"),
        (["annual", "--year", "2014", "--format", "xlsx"], "an XLSX report needs a file"),
        (["annual", "--year", "2014", "--format", "pdf"], "'pdf' is not one of"),
    ],
)
def test_a_request_that_makes_no_sense_is_refused_in_one_line(
    db: str, args: list[str], message: str
) -> None:
    status, out, err = siu("report", *args, "--db", db)

    assert status == 2
    assert message in err
    assert out == ""
    assert "Traceback" not in err


def test_a_file_that_cannot_be_written_is_one_line(db: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    status, _, err = siu(
        "report", "annual", "--year", "2014", "--format", "csv",
        "-o", str(blocker / "r.csv"), "--db", db,
    )  # fmt: skip

    assert status == 1
    assert "could not write" in err
