"""`siu import FILE.csv` as an administrator runs it, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from siu_tui.domain.importing import COLUMNS
from siu_tui.services.context import Desk

from .conftest import siu_on, sql

EXAMPLE = Path(__file__).parents[2] / "docs" / "import-example.csv"
TABLES = ("family", "child", "conference", "conference_child", "cp_plan", "sw_report",
          "stand_down", "audit_event")  # fmt: skip


@pytest.fixture
def db(db_url: str) -> str:
    Desk.open(db_url, "test").close()
    return db_url


def siu(*args: str) -> tuple[int, str, str]:
    """``siu ARGS``; a closing ``--db URL`` names the database, of either kind."""
    if len(args) >= 2 and args[-2] == "--db" and "://" in args[-1]:
        return siu_on(args[-1], *args[:-2])
    return siu_on("", *args)


def counts(db: str) -> dict[str, int]:
    return {t: sql(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def row(ref: str, child: str, day: str, **kw: str) -> dict[str, str]:
    base = {
        "conference_ref": ref,
        "conference_type": "initial",
        "conference_date": day,
        "status": "held",
        "trigger_date": "2014-01-02",
        "family_ref": f"F{child}",
        "child_ref": child,
        "child_name": f"Test Child-{child}",
        "date_of_birth": "2009-01-01",
        "gender": "male",
        "decision": "plan",
        "categories": "neglect",
    }
    return {**base, **kw}


def test_the_example_imports_and_the_second_time_adds_nothing(db: str) -> None:
    code, out, err = siu("import", str(EXAMPLE), "--db", db)
    assert code == 0, err
    assert "Conferences added: 13" in out and "Plans added: 5" in out
    first = counts(db)
    code, out, _ = siu("import", str(EXAMPLE), "--db", db)
    assert code == 0
    assert "Conferences added: 0" in out
    assert "Conferences already imported (skipped): 13" in out
    second = counts(db)
    assert second.pop("audit_event") == first.pop("audit_event") + 1
    assert second == first


def test_a_bad_file_is_refused_whole_with_every_bad_line(db: str, tmp_path: Path) -> None:
    siu("import", str(EXAMPLE), "--db", db)
    before = counts(db)
    path = write(
        tmp_path / "bad.csv",
        [
            row("B1", "G1", "2014-02-10"),
            row("B2", "G2", "2014-02-30"),
            row("B3", "G3", "2014-02-10", conference_type="case_conference"),
            row("B4", "G4", "2014-02-10", categories=""),
            row("B5", "G5", "2014-05-10", conference_type="first_review", trigger_date="",
                decision="continue"),
        ],
    )  # fmt: skip
    code, out, err = siu("import", str(path), "--db", db)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[:5] == [
        "line 3: conference_date: 2014-02-30 is not a real date",
        "line 4: conference_type: 'case_conference' is not a conference type (use initial, "
        "initial_pre_birth, initial_transfer_in, initial_reconvened, first_review or "
        "subsequent_review)",
        "line 5: categories: missing: 'plan' needs at least one category of abuse (neglect, "
        "physical, emotional or sexual, separated by ;)",
        "line 6: conference_type: a review needs an earlier held conference for G5, and there "
        "is none in the file or on record",
        "line 6: decision: continue, but G5 has no open plan (a plan starts with a 'plan' "
        "decision)",
    ]
    assert "nothing was imported: 5 problem(s) on 4 line(s)" in lines[-1]
    assert "Traceback" not in err
    assert counts(db) == before


def test_a_baby_born_after_a_pre_birth_conference(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path / "baby.csv",
        [
            row("P1", "BABY1", "2014-05-06", conference_type="initial_pre_birth",
                trigger_date="2014-04-22", date_of_birth="", gender="unknown",
                expected_date_of_birth="2014-06-20", child_name="Baby Child-One"),
            row("P2", "BABY1", "2014-07-08", conference_type="first_review", trigger_date="",
                decision="continue", date_of_birth="2014-06-24", gender="female",
                child_name="Test Child-One"),
        ],
    )  # fmt: skip
    assert siu("import", str(path), "--db", db)[0] == 0
    (child,) = sql(db, "SELECT first_name, last_name, date_of_birth, sex FROM child")
    ((deadline,),) = sql(db, "SELECT deadline FROM conference WHERE reference = 'P2'")
    assert child == ("Test", "Child-One", "2014-06-24", "F")
    assert deadline == "2014-07-08"  # 10 working days after the birth


def test_a_hundred_rows_round_trip(db: str, tmp_path: Path) -> None:
    from bench.bench_import import write_history

    path = tmp_path / "hundred.csv"
    with path.open("w", newline="") as out:
        assert write_history(out, 100) == 100
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    code, out, err = siu("import", str(path), "--db", db)
    assert code == 0, err
    refs = {r["conference_ref"] for r in rows}
    assert f"Conferences added: {len(refs)}" in out
    stored = {
        ref: (ctype, day, status)
        for ref, ctype, day, status in sql(
            db, "SELECT reference, type, date, status FROM conference"
        )
    }
    links = {
        (ref, child): (decision or "", ";".join(
            c for c, flag in zip(("neglect", "physical", "emotional", "sexual"), flags,
                                 strict=True) if flag))
        for ref, child, decision, *flags in sql(db,
            "SELECT c.reference, ch.case_reference, cc.decision, cc.neglect, cc.physical, "
            "cc.emotional, cc.sexual FROM conference_child cc "
            "JOIN conference c ON c.id = cc.conference_id "
            "JOIN child ch ON ch.id = cc.child_id"
        )
    }  # fmt: skip
    plans = sql(
        db,
        "SELECT ch.case_reference, p.start_date, p.end_date FROM cp_plan p "
        "JOIN child ch ON ch.id = p.child_id",
    )
    assert len(links) == 100
    for r in rows:
        ref = r["conference_ref"]
        assert stored[ref] == (r["conference_type"], r["conference_date"], r["status"])
        cats = ";".join(sorted(r["categories"].split(";"), key=["neglect", "physical",
                        "emotional", "sexual"].index)) if r["categories"] else ""  # fmt: skip
        assert links[(ref, r["child_ref"])] == (r["decision"], cats)
    starts = {(r["child_ref"], r["conference_date"]) for r in rows if r["decision"] == "plan"}
    ends = {(r["child_ref"], r["conference_date"]) for r in rows if r["decision"] == "end"}
    assert {(c, s) for c, s, _ in plans} == starts
    assert {(c, e) for c, _, e in plans if e is not None} == ends


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "there is no file at"),
        ("", "the file is empty"),
        ("name,age\nx,1\n", "line 1: the header has no conference_ref"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_line(
    db: str, tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "file.csv"
    if content is not None:
        path.write_text(content)
    before = counts(db)
    code, out, err = siu("import", str(path), "--db", db)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert "nothing was imported" in err
    assert counts(db) == before


def test_no_database_yet_is_made_and_said_so(tmp_path: Path) -> None:
    code, out, err = siu("import", str(EXAMPLE), "--db", str(tmp_path / "new.db"))
    assert code == 0 and f"Made a new database at {tmp_path / 'new.db'}" in err
    assert (
        "Conferences added: 13" in out
        and counts(f"sqlite:///{tmp_path / 'new.db'}")["conference"] == 13
    )


def test_the_command_is_in_the_help() -> None:
    code, out, _ = siu("--help")
    assert code == 0 and "import" in out
    code, out, _ = siu("import", "--help")
    assert code == 0 and "FILE.csv" in out
