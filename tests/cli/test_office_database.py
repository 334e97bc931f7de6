"""The office database from the command line: ``siu db upgrade``, ``siu import`` and ``siu
report`` on PostgreSQL, and the report equal, byte for byte, to SQLite's for the same history.

The PostgreSQL database is named by ``SIU_DATABASE_URL``, as a desk in the office names it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import postgresql_server
from pg_cluster import create_database, drop_database

from siu_tui.cli import cli
from siu_tui.db.engine import Store
from siu_tui.db.migrate import HEAD_REVISION

EXAMPLE = Path(__file__).parents[2] / "docs" / "import-example.csv"


def siu(*args: str, url: str) -> tuple[int, str, str]:
    """Run ``siu`` on the database at ``url`` (a SQLite file by --db, PostgreSQL by the
    environment)."""
    env = {}
    if url.startswith("sqlite:///"):
        args = (*args, "--db", url.removeprefix("sqlite:///"))
    else:
        env["SIU_DATABASE_URL"] = url
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def postgresql_url() -> object:
    server = postgresql_server()
    url = create_database(server)
    yield url
    drop_database(server, url)


def report_after_import(url: str) -> str:
    status, out, err = siu("db", "upgrade", url=url)
    assert status == 0, err
    assert f"Upgraded from empty to {HEAD_REVISION}." in out
    status, _, err = siu("import", str(EXAMPLE), url=url)
    assert status == 0, err
    status, out, err = siu("report", "annual", "--year", "2014", "--format", "json", url=url)
    assert status == 0, err
    return out


def test_the_annual_report_on_postgresql_equals_sqlites_byte_for_byte(
    tmp_path: Path, postgresql_url: str
) -> None:
    on_sqlite = report_after_import(f"sqlite:///{tmp_path / 'laptop.db'}")
    on_postgresql = report_after_import(postgresql_url)

    assert on_postgresql == on_sqlite
    figures = json.loads(on_postgresql)
    assert figures["plans_by_category"]["Q1"]["total"] > 0
    assert all(type(n) is int for n in figures["plans_by_category"]["Q1"].values())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_db_check_finds_a_broken_link_on_either_database(backend: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'siu.db'}" if backend == "sqlite" else None
    server = None
    if url is None:
        server = postgresql_server()
        url = create_database(server)
    try:
        report_after_import(url)
        status, out, _ = siu("db", "check", url=url)
        assert status == 0, out
        assert "ok      links between records: all sound" in out

        store = Store(url)
        try:
            with store.engine.connect() as conn:
                if backend == "sqlite":  # outside a transaction, or SQLite ignores it
                    conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
                else:  # the test server's superuser may switch the key checks off
                    conn.exec_driver_sql("SET session_replication_role = replica")
                conn.exec_driver_sql(
                    "UPDATE conference_child SET child_id = 'gone' "
                    "WHERE id = (SELECT min(id) FROM conference_child)"
                )
                conn.commit()
        finally:
            store.dispose()
        status, out, _ = siu("db", "check", url=url)
        assert status == 1
        assert "PROBLEM links between records: 1 broken in conference_child" in out
    finally:
        if server is not None:
            drop_database(server, url)
