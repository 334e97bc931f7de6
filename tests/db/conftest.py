"""Fixtures for the store's tests (the pinned clock and ``db_url`` come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from siu_tui.config import sqlite_path
from siu_tui.db.engine import Store


@pytest.fixture
def db_path(db_url: str) -> Path:
    path = sqlite_path(db_url)
    assert path is not None
    return path


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A Store on a file that does not exist yet (no schema until a test migrates it)."""
    opened = Store(db_url)
    yield opened
    opened.dispose()
