"""`siu minutes week` and `siu minutes figures`: the week's tasks and a period's figures from
the command line, for a manager's script or the annual report."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest

from siu_tui.services import booking, minutes, people
from siu_tui.services.changes import ChildOutcome, mark_held
from siu_tui.services.context import Desk
from siu_tui.services.minutes_week import review_week

from .test_cli import run


@pytest.fixture
def unit_db(db_url: str) -> str:
    """One conference held on Monday 2 November 2026 (distribution due Monday 23rd), its letter
    and draft done, distribution still outstanding; last week reviewed."""
    desk = Desk.open(db_url, "clerk.cal")
    chair = people.add_staff(desk, "Ada Chair", "iro")
    family = people.create_family(desk, "FAM-1", "Smith")
    child = people.add_child(desk, family, "CR1", "Amy", "Smith", date_of_birth=date(2015, 3, 1))
    conference = booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=family,
            child_ids=[child],
            conference_type="initial",
            date=date(2026, 11, 2),
            start_time=time(10, 0),
            trigger_date=date(2026, 10, 26),
            venue="Civic Centre",
            chair_id=chair,
        ),
    )
    mark_held(desk, conference, {child: ChildOutcome("no_plan")})
    minutes.record_decision_letter(desk, conference, date(2026, 11, 3))
    minutes.send_to_chair(desk, conference, date(2026, 11, 6))
    review_week(desk, date(2026, 11, 16), "All in hand.")
    desk.close()
    return db_url


def test_minutes_week_prints_the_review_the_summary_and_each_task(
    capsys: pytest.CaptureFixture[str], unit_db: str, db_args: list[str]
) -> None:
    code, out, err = run(capsys, "minutes", "week", "2026-11-25", *db_args)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Week commencing 2026-11-23 to 2026-11-27"
    assert lines[1] == "Not reviewed"
    assert lines[2].startswith("Tasks: 1 due in the week, 0 carried in overdue")
    assert lines[3].split("\t")[:3] == ["OVERDUE 2", "Distribution", "due 2026-11-23"]
    code, out, _ = run(capsys, "minutes", "week", "18/11/2026", *db_args)
    assert out.splitlines()[1] == "Reviewed by clerk.cal on 2026-11-25: All in hand."


def test_minutes_figures_as_text_and_json(
    capsys: pytest.CaptureFixture[str], unit_db: str, db_args: list[str]
) -> None:
    args = ("minutes", "figures", "--from", "2026-10-01", "--to", "2026-12-31")
    code, out, _ = run(capsys, *args, *db_args)
    assert code == 0
    assert out.splitlines()[0] == (
        "All chairs: 1 held; within 0 (-); late 0; outstanding 1 (1 overdue); "
        "average - working days"
    )
    code, out, _ = run(capsys, *args, "--json", *db_args)
    data = json.loads(out)
    assert data["period"] == {"start": "2026-10-01", "end": "2026-12-31"}
    assert data["minutes"]["outstanding_overdue"] == 1
    assert data["by_chair"][0]["chair"] == "Ada Chair"


def test_minutes_commands_refuse_a_missing_database_and_bad_dates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, unit_db: str, db_args: list[str]
) -> None:
    code, _, err = run(capsys, "minutes", "week", "--db", str(tmp_path / "nowhere.db"))
    assert code == 1 and err.startswith("siu: no database at")
    assert not (tmp_path / "nowhere.db").exists()
    code, _, err = run(
        capsys, "minutes", "figures", "--from", "2026-12-31", "--to", "2026-10-01",
        *db_args,
    )  # fmt: skip
    assert code == 2 and err.startswith("siu: the period ends before it starts")
    code, _, err = run(capsys, "minutes", "figures", "--from", "31/02/2026", "--to", "x")
    assert code == 2 and "31/02/2026 is not a real date" in err
