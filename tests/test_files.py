"""Every file SIU Desk writes is its owner's alone (0600, folders 0700), whatever the umask,
and a file it replaces is replaced whole or not at all."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import text

from siu_tui.crash import record_crash
from siu_tui.db.migrate import backup_sqlite
from siu_tui.services import outbox
from siu_tui.services.context import Desk
from siu_tui.services.report_export import write_report
from siu_tui.services.reports import thematic_report
from siu_tui.services.standdown import StandDownFilter, export_stood_down


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual desktop umask: without care, new files are world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_database_wal_backup_exports_eml_and_crash_log_are_private(
    tmp_path: Path, open_umask: None
) -> None:
    data = tmp_path / "new-folder" / "deeper"
    url = f"sqlite:///{data / 'siu.db'}"
    desk = Desk.open(url, "clerk")
    try:
        with desk.store.write() as session:
            outbox.queue_message(
                session, "clerk", kind="advocacy", to_address="a@example.org",
                subject="Referral", body="Hello",
            )  # fmt: skip
        with desk.store.read() as session:  # the WAL and shared memory are open now
            session.exec(text("SELECT 1"))
            db = data / "siu.db"
            files = {
                "database": db,
                "WAL": db.with_name("siu.db-wal"),
                "shared memory": db.with_name("siu.db-shm"),
                "backup": backup_sqlite(db, "0007_report_order"),
            }
            report = thematic_report(desk, "annual", 2025)
            files["report"] = write_report(report, "csv", tmp_path / "out" / "r.csv")
            files["stood-down CSV"] = tmp_path / "out" / "stood-down.csv"
            export_stood_down(desk, StandDownFilter(), files["stood-down CSV"])
            written = outbox.export_queued(desk, tmp_path / "eml").written
            assert len(written) == 1
            files[".eml"] = written[0]
            files["crash log"] = record_crash(RuntimeError("x"))
            problems = {what: oct(mode(p)) for what, p in files.items() if mode(p) != 0o600}
    finally:
        desk.close()
    assert problems == {}
    folders = [tmp_path / "new-folder", data, tmp_path / "out", tmp_path / "eml"]
    folders.append(files["crash log"].parent)
    assert {str(f): oct(mode(f)) for f in folders if mode(f) != 0o700} == {}


def test_a_full_disk_leaves_the_earlier_report_in_place(tmp_path: Path, db_url: str) -> None:
    """A real write failure from the kernel (the file-size limit, as a full disk would stop
    the write part-way): the good report from before is untouched and no scrap is left."""
    desk = Desk.open(db_url, "manager")
    try:
        report = thematic_report(desk, "annual", 2025)
    finally:
        desk.close()
    target = tmp_path / "reports" / "annual.md"
    write_report(report, "md", target)
    good = target.read_bytes()
    assert len(good) > 2048
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, hard))
    try:
        with pytest.raises(OSError):
            write_report(report, "csv", target)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert target.read_bytes() == good
    assert sorted(p.name for p in target.parent.iterdir()) == ["annual.md"]


def test_a_report_to_a_full_device_is_one_sentence_and_exit_1(tmp_path: Path, db_url: str) -> None:
    Desk.open(db_url, "manager").close()
    command = ["report", "annual", "--year", "2025", "--format", "csv", "-o", "/dev/full"]
    result = subprocess.run(
        [sys.executable, "-m", "siu_tui.cli", "--db", db_url.removeprefix("sqlite:///"), *command],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SIU_DATA_DIR": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "siu: could not write /dev/full: No space left on device"
    ]
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)  # still the device, not a file
