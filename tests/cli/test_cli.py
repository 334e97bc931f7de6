"""The `siu` command as a clerk or administrator uses it: answers, one-line errors, exit codes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from siu_tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("conference_type", "trigger", "deadline"),
    [
        # 15 working days over Christmas: 25 Dec (Fri), 28 Dec (substitute Boxing Day), 1 Jan.
        ("initial", "2026-12-14", "2027-01-07"),
        # Across Easter 2026 (Good Friday 3 April, Easter Monday 6 April).
        ("initial_pre_birth", "2026-03-20", "2026-04-14"),
        # Across the State Funeral bank holiday, 19 September 2022.
        ("initial_transfer_in", "2022-09-09", "2022-10-03"),
        # Across the early May bank holiday and the Coronation, 1 and 8 May 2023.
        ("initial_reconvened", "2023-04-28", "2023-05-23"),
        # Across a month end.
        ("initial", "2026-01-26", "2026-02-16"),
        # DD/MM/YYYY is accepted too.
        ("initial", "14/12/2026", "2027-01-07"),
        # 3 months lands on Sunday 28 February 2027: the last working day before.
        ("first_review", "2026-11-30", "2027-02-26"),
        # 3 months lands on the summer bank holiday, Monday 31 August 2026.
        ("first_review", "2026-05-31", "2026-08-28"),
        # 31 August + 6 months is clamped to 28 February 2027 (a Sunday).
        ("subsequent_review", "2026-08-31", "2027-02-26"),
        # 6 months lands on Christmas Day 2025 (a Thursday).
        ("subsequent_review", "2025-06-25", "2025-12-24"),
    ],
)
def test_timescale_prints_the_deadline(
    capsys: pytest.CaptureFixture[str], conference_type: str, trigger: str, deadline: str
) -> None:
    assert run(capsys, "timescale", conference_type, trigger) == (0, deadline + "\n", "")


def test_timescale_after_a_pre_birth_conference_caps_at_ten_working_days_after_birth(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 3 months from 2 March 2026 is 2 June; born Monday 4 May, 10 working days later is 18 May.
    code, out, _ = run(
        capsys, "timescale", "first_review", "2026-03-02", "--birth-date", "2026-05-04"
    )
    assert (code, out) == (0, "2026-05-18\n")


@pytest.mark.parametrize(
    ("conference_type", "held", "parents", "chair"),
    [
        ("initial", "2026-12-29", "2026-12-23", "2026-12-24"),
        ("first_review", "2026-12-29", "2026-12-22", "2026-12-22"),
        ("initial_pre_birth", "2026-04-07", "2026-04-01", "2026-04-02"),
        ("subsequent_review", "2026-11-30", "2026-11-25", "2026-11-25"),
    ],
)
def test_report_deadlines(
    capsys: pytest.CaptureFixture[str], conference_type: str, held: str, parents: str, chair: str
) -> None:
    code, out, err = run(capsys, "report-deadlines", conference_type, held)
    assert (code, err) == (0, "")
    assert out == f"parents: {parents}\nchair: {chair}\n"


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["timescale", "initial", "2026-02-30"], "2026-02-30 is not a real date"),
        (["timescale", "initial", "soon"], "'soon' is not a date"),
        (["timescale", "annual", "2026-02-03"], "unknown conference type 'annual'"),
        (["timescale", "initial"], "Missing argument"),
        (["report-deadlines", "first_review", "31/04/2026"], "31/04/2026 is not a real date"),
        (["report-deadlines", "review", "2026-01-01"], "unknown conference type 'review'"),
        (["demo", "--conferences", "none"], "'none' is not a valid integer"),
        (["no-such-command"], "No such command"),
        (["--demo", "--db", "x.db"], "cannot be used together"),
    ],
)
def test_bad_arguments_get_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], args: list[str], complaint: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("siu: ")
    assert complaint in err
    assert "Traceback" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("siu, version ")


def test_timescale_uses_the_databases_own_settings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from siu_tui.services.context import Desk
    from siu_tui.services.settings import save_setting

    db = tmp_path / "unit.db"
    desk = Desk.open(f"sqlite:///{db}", "admin")
    save_setting(desk, "initial_working_days", 10)
    desk.close()
    # 10 working days from Monday 14 December 2026 (25 and 28 December are bank holidays).
    assert run(capsys, "--db", str(db), "timescale", "initial", "2026-12-14") == (
        0,
        "2026-12-30\n",
        "",
    )


def test_db_upgrade_and_check(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from siu_tui.db.engine import Store
    from siu_tui.db.migrate import HEAD_REVISION, upgrade

    db = tmp_path / "old.db"
    store = Store(f"sqlite:///{db}")
    upgrade(store, "0001_initial")
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO staff (id, name, role, active) VALUES ('s1', 'Ada Chair', 'iro', 1)"
        )
    store.dispose()

    code, out, _ = run(capsys, "db", "check", "--db", str(db))
    assert code == 1 and "PROBLEM schema version 0001_initial" in out

    code, out, _ = run(capsys, "db", "upgrade", "--db", str(db))
    assert code == 0 and f"Upgraded from 0001_initial to {HEAD_REVISION}" in out
    assert "previous copy is kept at" in out
    assert list(tmp_path.glob("old.db.before-0001_initial-*.bak"))

    code, out, _ = run(capsys, "db", "upgrade", "--db", str(db))
    assert code == 0 and "Already up to date" in out

    code, out, _ = run(capsys, "db", "check", "--db", str(db))
    assert code == 0 and "PROBLEM" not in out and "file integrity: ok" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM staff").fetchall() == [("Ada Chair",)]


def test_db_check_on_a_missing_file_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "db", "check", "--db", str(tmp_path / "nowhere.db"))
    assert code == 1 and err.startswith("siu: no database at") and err.count("\n") == 1


def test_the_installed_command_runs_in_its_own_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "siu_tui.cli", "timescale", "subsequent_review", "2026-02-30"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "siu: Invalid value for 'DATE': 2026-02-30 is not a real date\n"


def test_challenge_figures_for_a_quarter(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from datetime import date

    from siu_tui.services.challenges import (
        ChallengeRequest,
        EscalationRequest,
        escalate_challenge,
        log_challenge,
    )
    from siu_tui.services.context import Desk
    from siu_tui.services.people import add_staff, create_family

    path = tmp_path / "c.db"
    desk = Desk.open(f"sqlite:///{path}", "fixture")
    iro = add_staff(desk, "Iris Reed", "iro")
    family = create_family(desk, "FAM-1", "Smith")
    first, _second = [
        log_challenge(desk, ChallengeRequest(family, iro, "practice", category, "Concern", raised))
        for raised, category in ((date(2026, 10, 5), "visits"), (date(2026, 11, 2), "other"))
    ]
    escalate_challenge(desk, first, EscalationRequest(date(2026, 10, 12), "No answer"))
    desk.close()
    code, out, err = run(
        capsys, "--db", str(path), "challenges", "--year", "2026", "--quarter", "3"
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        "Challenges and escalations raised 01/10/2026 to 31/12/2026 (2026-27 Q3), "
        "as they stood on 25/11/2026"
    )
    assert lines[2].split()[1:3] == ["Challenges", "Escalations"]
    # Challenges, escalations, open, overdue, escalated further, resolved, average days:
    # the challenge escalated once is one challenge and one escalation, not two challenges.
    practice = next(line for line in lines if line.startswith("Practice discussion"))
    assert practice.split()[-7:] == ["2", "0", "1", "1", "1", "0", "-"]
    professional = next(line for line in lines if line.startswith("Professional discussion"))
    assert professional.split()[-7:] == ["0", "1", "1", "1", "0", "0", "-"]
    total = next(line for line in lines if line.startswith("All challenges"))
    assert total.split()[-7:] == ["2", "1", "2", "2", "1", "0", "-"]
    code, out, _ = run(capsys, "--db", str(path), "challenges", "--year", "2025")
    assert "All challenges" in out and out.count(" 0 ") > 5
    assert run(capsys, "--db", str(tmp_path / "none.db"), "challenges")[0] == 1
    code, _, err = run(capsys, "--db", str(path), "challenges", "--from", "2026-10-01")
    assert (code, err) == (2, "siu: give both --from and --to, or neither\n")


def test_outstanding_reports_soonest_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from datetime import date, time

    from siu_tui.services.booking import BookingRequest, book_conference
    from siu_tui.services.context import Desk
    from siu_tui.services.invites import InviteeInput, add_invitee
    from siu_tui.services.people import add_child, add_staff, create_family

    db = tmp_path / "siu.db"
    desk = Desk.open(f"sqlite:///{db}", "test")
    clerk = add_staff(desk, "Colin Clark", "clerk")
    add_staff(desk, "Cara Clerkson", "clerk")
    family = create_family(
        desk, "FAM-1", "Smith", social_worker="Sam Worker", social_worker_email="sam@example.org"
    )
    child = add_child(desk, family, "CR1", "Amy", "Smith", date_of_birth=date(2015, 3, 1))
    conference = book_conference(
        desk,
        BookingRequest(
            family_id=family,
            child_ids=[child],
            conference_type="initial",
            date=date(2026, 12, 2),
            start_time=time(10, 0),
            trigger_date=date(2026, 11, 16),
            clerk_id=clerk,
        ),
    )
    add_invitee(desk, conference, InviteeInput(name="DC Example", agency="police"))
    desk.close()

    code, out, _ = run(capsys, "outstanding", "--db", str(db))
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert [(d, left, what) for d, left, what, *_ in lines] == [
        ("2026-11-30", "3", "Social worker's report to parents"),
        ("2026-12-01", "4", "Social worker's report to chair"),
        ("2026-12-01", "4", "Police report"),
    ]
    assert lines[0][3:] == [
        "2026-12-02 10:00",
        lines[0][4],
        "Smith",
        "Sam Worker",
        "sam@example.org",
    ]

    code, out, _ = run(capsys, "outstanding", "--db", str(db), "--clerk", "colin", "--limit", "1")
    assert code == 0 and len(out.splitlines()) == 1
    code, out, err = run(capsys, "outstanding", "--db", str(db), "--week", "2026-11-25")
    assert code == 0 and out == "" and "No reports are outstanding" in err
    code, _, err = run(capsys, "outstanding", "--db", str(db), "--clerk", "c")
    assert code == 1 and "should name one clerk (matches: Cara Clerkson, Colin Clark)" in err
    code, _, err = run(capsys, "outstanding", "--db", str(tmp_path / "none.db"))
    assert code == 1 and err.startswith("siu: no database at")


def test_tabs_and_line_breaks_in_names_never_break_outstanding_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Stored before names were checked (or written by another tool): still one line each."""
    import csv
    import io
    from datetime import date, time

    from siu_tui.services.booking import BookingRequest, book_conference
    from siu_tui.services.context import Desk
    from siu_tui.services.people import add_child, create_family

    db = tmp_path / "siu.db"
    desk = Desk.open(f"sqlite:///{db}", "test")
    family = create_family(desk, "FAM-1", "Smith", social_worker="Sam Worker")
    child = add_child(desk, family, "CR1", "Amy", "Smith", date_of_birth=date(2015, 3, 1))
    book_conference(
        desk,
        BookingRequest(
            family_id=family,
            child_ids=[child],
            conference_type="initial",
            date=date(2026, 12, 2),
            start_time=time(10, 0),
            trigger_date=date(2026, 11, 16),
        ),
    )
    desk.close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE family SET name = ?, social_worker = ?", ("Smith\tJones\nX", "=1+1"))

    code, out, _ = run(capsys, "outstanding", "--db", str(db))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert all(len(line.split("\t")) == 8 for line in lines)
    assert lines[0].split("\t")[5:7] == ["Smith\\tJones\\nX", "=1+1"]

    code, out, _ = run(capsys, "outstanding", "--db", str(db), "--csv")
    table = list(csv.reader(io.StringIO(out)))
    assert code == 0 and len(table) == 3 and table[0][0] == "deadline"
    assert table[1][5:7] == ["Smith\tJones\nX", "'=1+1"]
