"""The crash recorder runs when something has already gone wrong, often a full disk: it must
never fail in turn, or the original message (case data) reaches the terminal in a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from siu_tui.crash import record_crash

ROOT = Path(__file__).parents[2]


def failure() -> RuntimeError:
    try:
        raise RuntimeError("Robin Example, born 01/02/2015")
    except RuntimeError as exc:
        return exc


def crash_log_on_a_full_disk(data: Path) -> None:
    """The crash log is /dev/full, where every write fails with ENOSPC, as on a full disk."""
    (data / "logs").mkdir(parents=True)
    (data / "logs" / "crash.log").symlink_to("/dev/full")


def test_the_recorder_on_a_full_disk_returns_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_log_on_a_full_disk(tmp_path)
    monkeypatch.setenv("SIU_DATA_DIR", str(tmp_path))
    assert record_crash(failure()) is None


@pytest.mark.parametrize("where", ["data folder is a file", "crash log is a folder"])
def test_the_recorder_with_nowhere_to_write_returns_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    if where == "data folder is a file":
        data = tmp_path / "data"
        data.write_text("not a folder")
    else:
        data = tmp_path
        (data / "logs" / "crash.log").mkdir(parents=True)
    monkeypatch.setenv("SIU_DATA_DIR", str(data))
    assert record_crash(failure()) is None


def test_the_recorder_writes_a_private_note_without_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIU_DATA_DIR", str(tmp_path))
    where = record_crash(failure())
    assert where == tmp_path / "logs" / "crash.log"
    note = where.read_text()
    assert "RuntimeError" in note and "Robin Example" not in note
    assert where.stat().st_mode & 0o777 == 0o600


def test_a_bug_with_the_crash_log_on_a_full_disk_is_still_one_line(tmp_path: Path) -> None:
    crash_log_on_a_full_disk(tmp_path)
    script = textwrap.dedent(
        """
        from siu_tui import cli

        @cli.cli.command()
        def boom() -> None:
            raise RuntimeError("Robin Example, born 01/02/2015")

        cli.main(["boom"])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), "SIU_DATA_DIR": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "siu: something went wrong (RuntimeError); the details could not be saved "
        "(the disk may be full or not writable)\n"
    )
