"""When something fails, a clerk reads a sentence, keeps what they typed, and sees no traceback."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from textual.widgets import Input
from textual.worker import WorkerFailed

from siu_tui.app import SIUApp
from siu_tui.screens.settings import EditSetting

from .conftest import settle


async def test_a_failed_save_keeps_the_dialog_and_what_was_typed(
    sample_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import siu_tui.services.settings as settings_service

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("UPDATE setting", {}, Exception("disk I/O error"))

    monkeypatch.setattr(settings_service, "save_setting", fail)
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("end", "backspace", "backspace", "2", "0", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EditSetting)
        assert app.screen.query_one(Input).value == "20"
        messages = [n.message for n in app._notifications]
        assert any("Something went wrong (OperationalError)" in m for m in messages)
        assert all("disk I/O" not in m for m in messages)


def test_a_bug_closes_the_app_with_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        from siu_tui.app import SIUApp

        class Broken(SIUApp):
            def on_ready(self) -> None:
                raise RuntimeError("Robin Example, born 01/02/2015")

        Broken("sqlite:///{tmp_path / "x.db"}", user="t").run(headless=True)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"SIU_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    output = result.stdout + result.stderr
    assert "SIU Desk hit a problem (RuntimeError) and had to close" in output
    assert "Traceback" not in output and "Robin Example" not in output
    crash_log = (tmp_path / "logs" / "crash.log").read_text()
    assert "RuntimeError" in crash_log and "on_ready" in crash_log
    assert "Robin Example" not in crash_log


async def test_another_clerks_long_save_is_a_sentence_and_the_dialog_keeps_the_value(
    sample_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock past the busy timeout (an import, say)."""
    import sqlite3

    import siu_tui.db.engine as engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        other = sqlite3.connect(sample_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("end", "backspace", "backspace", "2", "0", "enter")
            for worker in list(app.workers):
                with contextlib.suppress(WorkerFailed):
                    await worker.wait()
            await pilot.pause()
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert isinstance(app.screen, EditSetting)
        assert app.screen.query_one(Input).value == "20"
        messages = [n.message for n in app._notifications]
        assert "Another clerk is saving; try again" in messages
        assert not any("Something went wrong" in m for m in messages)
