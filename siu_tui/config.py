"""Where SIU Desk keeps its data and who is using it.

Paths come from platformdirs and folders are made only when something is written there, so
``siu --help`` leaves no trace on a machine.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "siu-desk"
APP_AUTHOR = "SIU"
ENV_DATABASE_URL = "SIU_DATABASE_URL"
ENV_DATA_DIR = "SIU_DATA_DIR"
ENV_USER = "SIU_USER"


def data_dir() -> Path:
    """The user data folder (``SIU_DATA_DIR`` overrides it, for tests and portable installs)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR)


def exports_dir() -> Path:
    """Where the app writes exports a clerk asked for (made when the first one is written)."""
    return data_dir() / "exports"


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def database_url(value: str | Path) -> str:
    """The URL for what a person typed after ``--db`` or put in ``SIU_DATABASE_URL``.

    The one place that decides: text holding ``://`` is a SQLAlchemy URL (``sqlite:///…``,
    ``postgresql+psycopg://…``), anything else a file path. Before this, an office URL given
    as ``--db`` quietly became a SQLite file in a folder called ``postgresql+psycopg:``.
    """
    text = str(value)
    return text if "://" in text else sqlite_url(text)


def default_database_url() -> str:
    chosen = os.environ.get(ENV_DATABASE_URL)
    return database_url(chosen) if chosen else sqlite_url(data_dir() / "siu.db")


def demo_database_url() -> str:
    return sqlite_url(data_dir() / "siu-demo.db")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database or an in-memory one."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix) :].split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def shown_url(url: str) -> str:
    """A database as a person may see it: a SQLite file's path, or the URL without its password.

    Every message and screen that names a database goes through here, so a password in
    ``SIU_DATABASE_URL`` never reaches a terminal, a screenshot or a support e-mail.
    """
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # Not a URL SQLAlchemy can read: show its kind only, since the rest may hold a secret.
        return url.split("://", 1)[0] + "://…"


def current_user(explicit: str | None = None) -> str:
    """Who the audit trail names: ``--user``, then ``SIU_USER``, then the login name."""
    if explicit:
        return explicit
    env = os.environ.get(ENV_USER)
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@dataclass(frozen=True, slots=True)
class StartOptions:
    """What the command line decided before the app opens."""

    database_url: str
    user: str
    demo: bool = False
