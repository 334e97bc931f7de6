"""Shared fixtures: a pinned clock, a private data folder, and databases to test on.

``db_url`` is a real SQLite file, and, for the store's, the services' and the command line's
tests, also a database of its own on a PostgreSQL server started for the run (tests/pg_cluster.py):
the office runs PostgreSQL, so every such test runs on both. The screens' tests run on SQLite
only (the screens reach the database only through the services, and running them twice would
not fit CI's time). A test that only makes sense on SQLite (PRAGMAs, the file backup) says so:
``@pytest.mark.sqlite_only("why")``; one about PostgreSQL alone, ``postgresql_only("why")``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pg_cluster import (
    ENV_OWN_SERVER,
    ENV_STARTED,
    Cluster,
    NoPostgreSQL,
    create_database,
    create_migrated_template,
    drop_database,
)
from sqlalchemy.engine import make_url

from siu_tui import clock

TODAY = date(2026, 11, 25)
"""Every test runs on Wednesday 25 November 2026, whatever the calendar says."""

ENV_PG_ERROR = "SIU_TEST_POSTGRESQL_ERROR"
ENV_TEMPLATE = "SIU_TEST_POSTGRESQL_TEMPLATE"
EMPTY_DATABASE_FOLDERS = ("db",)
"""The store's tests start from an empty database (they test the migrations); the others
start from a copy of one at the newest schema, as SQLite's start from a file made on open."""
BACKENDS = ("sqlite", "postgresql")
SQLITE_ONLY_FOLDERS = ("ui", "domain")

_cluster: Cluster | None = None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test only makes sense on SQLite (says why)"
    )
    config.addinivalue_line(
        "markers", "postgresql_only(reason): the test is about PostgreSQL alone (says why)"
    )
    global _cluster
    if hasattr(config, "workerinput") or os.environ.get(ENV_STARTED):
        return  # an xdist worker: the controller started the server and said where it is
    try:
        server = os.environ.get(ENV_OWN_SERVER)
        if not server:
            _cluster = Cluster()
            server = _cluster.start()
        os.environ[ENV_TEMPLATE] = create_migrated_template(server)
        os.environ[ENV_STARTED] = server
    except NoPostgreSQL as exc:
        os.environ[ENV_PG_ERROR] = str(exc)  # every PostgreSQL test fails with this sentence
        if _cluster is not None:
            _cluster.stop()
        _cluster = None
    except Exception as exc:  # a server of one's own that cannot be reached, say
        os.environ[ENV_PG_ERROR] = f"The test PostgreSQL server cannot be used: {exc}"
        if _cluster is not None:
            _cluster.stop()
        _cluster = None


def pytest_unconfigure(config: pytest.Config) -> None:
    global _cluster
    template = os.environ.get(ENV_TEMPLATE)
    if template and not hasattr(config, "workerinput") and os.environ.get(ENV_STARTED):
        server = os.environ[ENV_STARTED]
        drop_database(server, make_url(server).set(database=template).render_as_string(False))
        os.environ.pop(ENV_TEMPLATE, None)
    if _cluster is not None:
        _cluster.stop()
        os.environ.pop(ENV_STARTED, None)
        _cluster = None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url" not in metafunc.fixturenames:
        return
    if Path(metafunc.definition.path).parent.name in SQLITE_ONLY_FOLDERS:
        return  # db_url is SQLite's, and the test's name (and snapshot's) stays as it was
    backends: tuple[str, ...] = BACKENDS
    for backend in BACKENDS:
        marker = metafunc.definition.get_closest_marker(f"{backend}_only")
        if marker is None:
            continue
        if not (marker.args or marker.kwargs.get("reason")):
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: {marker.name} needs a reason")
        backends = (backend,)
    metafunc.parametrize("db_url", backends, indirect=True)


def postgresql_server() -> str:
    """The superuser URL of the run's PostgreSQL server; fails the test when there is none."""
    url = os.environ.get(ENV_STARTED)
    if not url:
        pytest.fail(os.environ.get(ENV_PG_ERROR, "The test PostgreSQL server was not started."))
    return url


@pytest.fixture(autouse=True)
def pinned_today(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[date]:
    monkeypatch.setenv("SIU_DATA_DIR", str(tmp_path_factory.mktemp("siu-data")))
    monkeypatch.delenv("SIU_DATABASE_URL", raising=False)
    monkeypatch.delenv("SIU_TODAY", raising=False)
    for name in [n for n in os.environ if n.startswith("SIU_SMTP_")]:
        monkeypatch.delenv(name)  # a developer's own mail server must never be used by a test
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLite file not made yet, or a new PostgreSQL database (empty for the store's tests,
    at the newest schema for the others)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path / 'siu.db'}"
        return
    server = postgresql_server()
    empty = Path(request.node.path).parent.name in EMPTY_DATABASE_FOLDERS
    url = create_database(server, "template0" if empty else os.environ[ENV_TEMPLATE])
    yield url
    drop_database(server, url)
