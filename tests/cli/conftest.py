"""The command line on either database: a SQLite file by ``--db``, PostgreSQL by
``SIU_DATABASE_URL`` (as an office desk names it), and plain SQL to look at what it wrote."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from siu_tui.cli import cli
from siu_tui.db.engine import Store


def siu_on(url: str, *args: str) -> tuple[int, str, str]:
    """``siu ARGS`` on the database at ``url`` (none: as given): status, stdout, stderr."""
    env: dict[str, str | None] = {}
    if url.startswith("sqlite:///"):
        args = (*args, "--db", url.removeprefix("sqlite:///"))
    elif url:
        env["SIU_DATABASE_URL"] = url
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def sql(url: str, statement: str) -> list[tuple[Any, ...]]:
    """The rows of a plain SQL query; dates and times come back as ISO text on both."""
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            return [
                tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row)
                for row in conn.execute(text(statement))
            ]
    finally:
        store.dispose()


@pytest.fixture
def db_args(db_url: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The arguments that name ``db_url`` to ``siu``: ``--db PATH`` for a SQLite file;
    none for PostgreSQL, named by ``SIU_DATABASE_URL`` instead."""
    if db_url.startswith("sqlite:///"):
        return ["--db", db_url.removeprefix("sqlite:///")]
    monkeypatch.setenv("SIU_DATABASE_URL", db_url)
    return []
