"""Which database a command uses: ``--db`` before or after any command, a path or a URL,
``SIU_DATABASE_URL`` the same, and a missing one made by ``import`` or explained by the rest."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
import pytest

from siu_tui.cli import cli
from siu_tui.services.context import Desk
from siu_tui.services.settings import save_setting

from .test_cli import run

EXAMPLE = Path(__file__).parents[2] / "docs" / "import-example.csv"
UNREACHABLE = "postgresql+psycopg://user:secret@127.0.0.1:1/x"
"""A PostgreSQL URL with a password and nothing listening: port 1 refuses at once."""


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    """An empty database whose initial conferences are due within 10 working days, not 15,
    so an answer shows which database a command read."""
    path = tmp_path / "unit.db"
    desk = Desk.open(f"sqlite:///{path}", "admin")
    save_setting(desk, "initial_working_days", 10)
    desk.close()
    return path


def conferences(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM conference").fetchone()[0]


# -- A: a missing database --------------------------------------------------------------------


def test_the_readmes_import_example_makes_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "try.db"
    code, out, err = run(capsys, "import", str(EXAMPLE), "--db", str(target))
    assert code == 0, err
    assert err.splitlines()[0] == f"Made a new database at {target}"
    assert err.count("Made a new database") == 1
    assert "Conferences added: 13" in out
    assert conferences(target) == 13
    code, out, err = run(capsys, "import", str(EXAMPLE), "--db", str(target))
    assert code == 0 and "Made a new database" not in err and "Conferences added: 0" in out


@pytest.mark.parametrize(
    "args",
    [
        ["challenges"],
        ["outstanding"],
        ["db", "check"],
        ["outbox", "send"],
        ["outbox", "export", "OUT"],
        ["minutes", "week"],
        ["minutes", "figures", "--from", "2026-10-01", "--to", "2026-12-31"],
        ["report", "annual", "--year", "2026", "--format", "json"],
    ],
)
def test_a_command_on_a_missing_database_says_how_to_make_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "no such folder" / "siu.db"
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    code, out, err = run(capsys, *args, "--db", str(missing))
    assert (code, out) == (1, "")
    assert err == f"siu: no database at {missing}; make one with: siu db upgrade --db '{missing}'\n"
    assert not missing.parent.exists()


# -- B: --db everywhere -----------------------------------------------------------------------


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_every_command_and_group_takes_db() -> None:
    names = {" ".join(path): command for path, command in _commands(cli)}
    assert {"challenges", "outstanding", "db upgrade", "import", "minutes week", "demo"} <= set(
        names
    )
    without = [
        name
        for name, command in names.items()
        if not any("--db" in p.opts for p in command.params if isinstance(p, click.Option))
    ]
    assert without == []


AFTER = [
    (["timescale", "initial", "2026-12-14"], "2026-12-30\n"),
    (["report-deadlines", "initial", "2026-12-29"], "parents: 2026-12-23\n"),
    (["challenges", "--year", "2026"], "Challenges and escalations raised 01/04/2026"),
    (["outstanding"], ""),
    (["db", "upgrade"], "Already up to date"),
    (["db", "check"], "ok      schema version"),
    (["outbox", "send"], "Nothing to send."),
    (["outbox", "export", "OUT"], "Wrote 0 message(s)"),
    (["minutes", "week", "2026-11-25"], "Week commencing 2026-11-23"),
    (["minutes", "figures", "--from", "2026-10-01", "--to", "2026-12-31"], "All chairs: 0 held"),
    (["report", "annual", "--year", "2026", "--format", "json"], '"period"'),
    (["import", str(EXAMPLE)], "Conferences added: 13"),
]


@pytest.mark.parametrize(
    ("args", "expected"), AFTER, ids=[" ".join(a[:2]).split("/")[0].strip() for a, _ in AFTER]
)
@pytest.mark.parametrize("where", ["after", "before", "after the group", "as a URL"])
def test_db_is_taken_before_and_after_every_command(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    unit: Path,
    args: list[str],
    expected: str,
    where: str,
) -> None:
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    db = ["--db", f"sqlite:///{unit}" if where == "as a URL" else str(unit)]
    if where == "before":
        argv = [*db, *args]
    elif where == "after the group" and args[0] in ("db", "outbox", "minutes"):
        argv = [args[0], *db, *args[1:]]
    else:
        argv = [*args, *db]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert expected in out
    if args[0] == "import":
        assert conferences(unit) == 13


def test_demo_fills_the_database_given(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for target, db in (
        (tmp_path / "a.db", str(tmp_path / "a.db")),
        (tmp_path / "b.db", f"sqlite:///{tmp_path / 'b.db'}"),
    ):
        code, _, err = run(capsys, "demo", "--conferences", "1", "--db", db)
        assert code == 0, err
        assert conferences(target) == 1


@pytest.mark.parametrize("command", ["challenges", "minutes figures"])
def test_a_period_that_ends_before_it_starts_is_a_bad_argument(
    capsys: pytest.CaptureFixture[str], unit: Path, command: str
) -> None:
    code, out, err = run(
        capsys, *command.split(), "--from", "2026-12-31", "--to", "2026-10-01", "--db", str(unit)
    )
    assert (code, out) == (2, "")
    assert err == (
        "siu: the period ends before it starts (--from 2026-12-31 is after --to 2026-10-01)\n"
    )


# -- C: a URL is a URL, and its password stays hidden -----------------------------------------


def test_an_office_url_is_never_made_into_a_sqlite_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["db", "upgrade"], ["outstanding"], ["import", str(EXAMPLE)]):
        code, out, err = run(capsys, *args, "--db", UNREACHABLE)
        assert (code, out) == (1, ""), err
        assert err.count("\n") == 1 and err.startswith("siu: ")
        assert "postgresql+psycopg://user:***@127.0.0.1:1/x" in err
        assert "secret" not in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_siu_database_url_takes_a_path_or_a_url(
    capsys: pytest.CaptureFixture[str], unit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for value in (str(unit), f"sqlite:///{unit}"):
        monkeypatch.setenv("SIU_DATABASE_URL", value)
        assert run(capsys, "timescale", "initial", "2026-12-14") == (0, "2026-12-30\n", "")
        code, out, err = run(capsys, "challenges", "--year", "2026")
        assert code == 0 and "All challenges" in out, err
    monkeypatch.setenv("SIU_DATABASE_URL", UNREACHABLE)
    code, _, err = run(capsys, "outstanding")
    assert code == 1 and "user:***@" in err and "secret" not in err


def test_demo_fills_siu_database_url(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "office.db"
    monkeypatch.setenv("SIU_DATABASE_URL", f"sqlite:///{target}")
    code, _, err = run(capsys, "demo", "--conferences", "1")
    assert code == 0, err
    assert conferences(target) == 1
    assert not list(Path(tmp_path).glob("**/siu-demo.db"))


def test_a_url_sqlalchemy_cannot_use_is_a_bad_argument(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "outstanding", "--db", "nosuchdb://user:secret@host/x")
    assert (code, out) == (2, "")
    assert err.startswith("siu: nosuchdb://user:***@host/x is not a database SIU Desk can open")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (UNREACHABLE, "postgresql+psycopg://user:***@127.0.0.1:1/x"),
        ("postgresql+psycopg://desk@db.council.example/siu?sslmode=require",
         "postgresql+psycopg://desk@db.council.example/siu?sslmode=require"),
        ("sqlite:////srv/siu/unit.db", "/srv/siu/unit.db"),
        ("postgresql://u:secret@host:notaport/x", "postgresql://…"),
    ],
)  # fmt: skip
def test_a_url_is_shown_without_its_password(url: str, shown: str) -> None:
    from siu_tui.config import shown_url

    assert shown_url(url) == shown
