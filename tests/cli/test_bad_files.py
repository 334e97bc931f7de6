"""Bad and failing files: each is one sentence naming the file and the problem, exit 1 (2 for a
bad argument), and a file that is not a database is never written over."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from siu_tui.services.context import Desk

from .test_cli import run

EXAMPLE = Path(__file__).parents[2] / "docs" / "import-example.csv"
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the README's example history (13 conferences)."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    from siu_tui.services.importing import import_history

    desk = Desk.open(f"sqlite:///{path}", "fixture")
    import_history(desk, str(EXAMPLE))
    desk.close()
    return path


def make_bad(kind: str, folder: Path, sample_db: Path) -> Path:
    path = folder / f"{kind.replace(' ', '-')}.db"
    if kind == "text":
        path.write_text("Minutes of the conference held on 2 November 2026\n")
    elif kind == "one byte":
        path.write_bytes(b"x")
    elif kind == "empty":
        path.touch()
    elif kind == "folder":
        path.mkdir()
    else:
        shutil.copy(sample_db, path)
        with path.open("r+b") as fh:
            if kind == "truncated":
                fh.truncate(path.stat().st_size // 2)
            elif kind == "overwritten":  # the first page (the list of tables) written over
                fh.seek(100)
                fh.write(bytes(4096 - 100))
            elif kind == "index damaged":  # a few bytes of one child's row changed behind
                fh.seek(4096 * _root_page(sample_db, "child") - 30)  # its indexes
                fh.write(b"ZZZZ")
    return path


def _root_page(path: Path, table: str) -> int:
    """The page holding a small table's rows (all of them: 13 conferences' children fit)."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    finally:
        connection.close()
    return int(page)


def contents(path: Path) -> bytes | None:
    return None if path.is_dir() else path.read_bytes()


SENTENCES = {
    "text": "{} is not a SQLite database; SIU Desk will not write over it",
    "one byte": "{} is not a SQLite database; SIU Desk will not write over it",
    "empty": "{} is an empty file, not a database; SIU Desk will not write over it",
    "folder": "{} is a folder, not a database file",
    "truncated": "{} is damaged: it is ",
    "overwritten": "{} is damaged; `siu db check` says what is wrong",
}

COMMANDS = [
    ["outstanding"],
    ["challenges"],
    ["db", "upgrade"],
    ["import", str(EXAMPLE)],
    ["timescale", "initial", "2026-12-14"],
    ["minutes", "week"],
    ["report", "annual", "--year", "2026", "--format", "json"],
    ["outbox", "send"],
]


@pytest.mark.parametrize("kind", list(SENTENCES))
@pytest.mark.parametrize(
    "args", COMMANDS, ids=[a[0] if a[0] != "db" else "db upgrade" for a in COMMANDS]
)
def test_a_bad_file_is_one_sentence_and_left_as_it_was(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample_db: Path, kind: str, args: list[str]
) -> None:
    bad = make_bad(kind, tmp_path, sample_db)
    before = contents(bad)
    code, out, err = run(capsys, *args, "--db", str(bad))
    assert (code, out) == (1, ""), err
    assert err.count("\n") == 1 and err.startswith("siu: " + SENTENCES[kind].format(bad)), err
    assert "Traceback" not in err and "something went wrong" not in err
    assert contents(bad) == before


@pytest.mark.parametrize("kind", ["text", "one byte", "empty", "folder"])
def test_db_check_refuses_what_is_not_a_database_and_never_writes_to_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample_db: Path, kind: str
) -> None:
    bad = make_bad(kind, tmp_path, sample_db)
    before = contents(bad)
    code, out, err = run(capsys, "db", "check", "--db", str(bad))
    assert (code, out) == (1, "")
    assert err == "siu: " + SENTENCES[kind].format(bad) + (
        " (remove it first to make a new database there)\n" if kind == "empty" else "\n"
    )
    assert contents(bad) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [bad.name]


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("truncated", "PROBLEM file integrity: "),
        ("overwritten", "PROBLEM file integrity: 1 problem(s): "),
        ("index damaged", "missing from index ix_child_"),
    ],
)
def test_db_check_names_the_integrity_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample_db: Path, kind: str, problem: str
) -> None:
    bad = make_bad(kind, tmp_path, sample_db)
    code, out, err = run(capsys, "db", "check", "--db", str(bad))
    assert code == 1 and err == ""
    assert problem in out
    if kind == "truncated":
        assert out.startswith(f"PROBLEM {bad} is damaged: it is ")


@pytest.mark.parametrize(
    "args",
    [
        ["timescale", "subsequent_review", "9999-12-31"],
        ["timescale", "initial", "9999-12-31"],
        ["report-deadlines", "initial", "0001-01-01"],
    ],
)
def test_a_date_whose_deadline_leaves_the_calendar_is_a_bad_argument(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err == (
        f"siu: no deadline can be worked out from {args[2]}: it would fall outside the calendar "
        "(years 1 to 9999)\n"
    )


def test_a_read_only_database_is_one_sentence(tmp_path: Path, sample_db: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    db = folder / "siu.db"
    shutil.copy(sample_db, db)
    db.chmod(0o444)
    folder.chmod(0o555)
    # Root ignores permission bits; without CAP_DAC_OVERRIDE it obeys them like anyone else.
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    try:
        result = subprocess.run(
            [*drop, sys.executable, "-m", "siu_tui.cli", "import", str(EXAMPLE), "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT), "SIU_DATA_DIR": str(tmp_path / "data")},
            check=False,
        )
    finally:
        folder.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        f"siu: {db} is read-only: SIU Desk needs to write to the file and to its folder\n"
    )


def make_database(db: Path, revision: str) -> None:
    """A database at ``revision`` ("head" or an older one, holding one staff record)."""
    if revision == "head":
        Desk.open(f"sqlite:///{db}", "fixture").close()
        return
    from siu_tui.db.engine import Store
    from siu_tui.db.migrate import upgrade

    store = Store(f"sqlite:///{db}")
    upgrade(store, revision)
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO staff (id, name, role, active) VALUES ('s1', 'Ada Chair', 'iro', 1)"
        )
    store.dispose()


@pytest.fixture
def full_disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A database on a disk with almost no room left: a 2 MiB tmpfs, filled but for 48 KiB.

    Where mounting is not allowed, SQLite's own cap on the file's pages (``max_page_count``,
    set on every connection to the size the file has) gives the same SQLITE_FULL.
    """
    revision = getattr(request, "param", "head")
    disk = tmp_path / "disk"
    disk.mkdir()
    try:
        mounted = (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(disk)],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
    except OSError:  # no mount command
        mounted = False
    if not mounted:
        yield from _capped(disk / "siu.db", revision)
        return
    try:
        db = disk / "siu.db"
        make_database(db, revision)
        filler = disk / "filler"
        with filler.open("wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(bytes(4096))
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        with filler.open("r+b") as fh:
            fh.truncate(max(0, filler.stat().st_size - 48 * 1024))
        yield db
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, check=False)


def _capped(db: Path, revision: str) -> Iterator[Path]:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    make_database(db, revision)

    def cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(Engine, "connect", cap)
    try:
        yield db
    finally:
        event.remove(Engine, "connect", cap)


def test_a_full_disk_is_one_sentence_and_nothing_is_half_saved(
    capsys: pytest.CaptureFixture[str], full_disk: Path
) -> None:
    code, _, err = run(capsys, "demo", "--conferences", "50", "--db", str(full_disk))
    assert code == 1 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f"siu: the disk holding {full_disk} is full: what was being saved was not saved; "
        "free some space and try again"
    )
    import sqlite3

    with sqlite3.connect(full_disk) as conn:
        assert conn.execute("SELECT count(*) FROM conference").fetchone() == (0,)


@pytest.mark.parametrize("full_disk", ["0001_initial"], indirect=True)
def test_an_upgrade_on_a_full_disk_leaves_the_database_and_no_half_copy(
    capsys: pytest.CaptureFixture[str], full_disk: Path
) -> None:
    code, out, err = run(capsys, "db", "upgrade", "--db", str(full_disk))
    assert (code, out) == (1, "")
    assert err == (
        f"siu: the disk holding {full_disk} is full: what was being saved was not saved; "
        "free some space and try again\n"
    )
    import sqlite3

    for path in [full_disk, *full_disk.parent.glob("siu.db.before-*.bak")]:
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
                "0001_initial",
            )
            assert conn.execute("SELECT name FROM staff").fetchall() == [("Ada Chair",)]
