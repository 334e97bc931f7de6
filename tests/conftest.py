"""Shared fixtures: a pinned clock, a private data folder, and databases on real SQLite files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from siu_tui import clock

TODAY = date(2026, 11, 25)
"""Every test runs on Wednesday 25 November 2026, whatever the calendar says."""


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
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'siu.db'}"
