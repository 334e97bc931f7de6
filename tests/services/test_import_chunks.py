"""A large import written in chunks: other clerks save meanwhile, and it stays all-or-nothing
(a refused chunk, or a process killed part-way, leaves nothing of it), on both databases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from bench.bench_import import write_history
from siu_tui.db.models import AuditEvent, Conference, ImportBatch
from siu_tui.services.admin import check_database
from siu_tui.services.context import Desk
from siu_tui.services.errors import ImportRefused
from siu_tui.services.importing import import_history

from .db_locks import allow_inserts, refuse_inserts, try_to_save

ROOT = Path(__file__).parents[2]


def history_file(tmp_path: Path, rows: int) -> tuple[Path, list[str]]:
    """A synthetic history file, and its conference references in file order."""
    path = tmp_path / "history.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        write_history(out, rows)
    refs = list(dict.fromkeys(line.split(",", 1)[0] for line in path.read_text().splitlines()[1:]))
    return path, refs


def counts(desk: Desk) -> dict[str, int]:
    """Rows of every table but the import's own records (its batch and the audit trail)."""
    with desk.store.read() as session:
        conn = session.connection()
        return {
            t.name: conn.exec_driver_sql(f"SELECT count(*) FROM {t.name}").scalar_one()
            for t in SQLModel.metadata.sorted_tables
            if t.name not in ("import_batch", "audit_event")
        }


def events(desk: Desk, action: str) -> list[dict[str, int]]:
    with desk.store.read() as session:
        found = session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()
        return [json.loads(e.after or "{}") for e in found]


def conferences(desk: Desk) -> int:
    with desk.store.read() as session:
        return session.exec(select(func.count()).select_from(Conference)).one()


def test_another_clerk_saves_while_a_big_import_writes(desk: Desk, tmp_path: Path) -> None:
    """Between two chunks the write lock is free: another desk's save, which will not wait
    at all, goes through each time the import reports progress while writing."""
    path, refs = history_file(tmp_path, 20_000)
    saves: list[bool] = []

    def another_clerk_saves(stage: str, done: int, total: int) -> None:
        if stage == "Writing":
            saves.append(try_to_save(desk))

    result = import_history(desk, path, progress=another_clerk_saves, chunk_rows=1_000)

    assert result.conferences == len(refs) == conferences(desk)
    assert len(saves) >= 20 and all(saves)
    assert len(events(desk, "import")) == 1


def test_a_chunk_refused_in_the_middle_leaves_nothing_of_the_import(
    desk: Desk, tmp_path: Path
) -> None:
    path, refs = history_file(tmp_path, 6_000)
    middle = refs[len(refs) // 2]
    before = counts(desk)
    refuse_inserts(desk, "refuse_one_conference", "conference", f"NEW.reference = '{middle}'")
    written: list[int] = []

    with pytest.raises(ImportRefused) as refused:
        import_history(
            desk,
            path,
            progress=lambda stage, done, _: written.append(done) if stage == "Writing" else None,
            chunk_rows=500,
        )

    assert str(refused.value) == (
        "the database refused the import part-way through writing it (IntegrityError)"
    )
    assert written and max(written) >= 2_000  # several chunks were written, then undone
    assert counts(desk) == before
    [undone] = events(desk, "import_undone")
    assert undone["conferences"] >= 1_000
    assert events(desk, "import") == []
    with desk.store.read() as session:
        assert session.exec(select(ImportBatch.state)).all() == ["undone"]

    allow_inserts(desk, "refuse_one_conference", "conference")
    assert import_history(desk, path).conferences == len(refs)


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def _leave_a_half_written_import(desk: Desk, tmp_path: Path) -> int:
    """What a killed import leaves: a batch still "writing" by a process that is gone, and
    the families, children and conferences of its first chunks. Returns how many."""
    path, _ = history_file(tmp_path, 3_000)
    import_history(desk, path, chunk_rows=500)
    with desk.store.write() as session:
        conn = session.connection()
        # As if the last transaction had never come: the batch is still writing, and the
        # process that wrote it is gone.
        conn.execute(
            ImportBatch.__table__.update().values(state="writing", pid=_dead_pid())  # type: ignore[attr-defined]
        )
        conn.execute(AuditEvent.__table__.delete().where(AuditEvent.action == "import"))  # type: ignore[attr-defined]
    return conferences(desk)


def test_an_import_left_half_written_is_undone_by_the_next_and_said_in_one_line(
    desk: Desk, tmp_path: Path
) -> None:
    written = _leave_a_half_written_import(desk, tmp_path)
    assert written > 0

    result = import_history(desk, ROOT / "docs" / "import-example.csv")

    [line] = result.undone
    assert line.startswith("An import started ")
    assert f"so it was undone: {written:,} conference(s)" in line
    assert result.lines()[0] == line
    assert conferences(desk) == result.conferences == 13
    assert len(events(desk, "import_undone")) == 1


def test_siu_db_check_undoes_an_import_left_half_written(desk: Desk, tmp_path: Path) -> None:
    written = _leave_a_half_written_import(desk, tmp_path)

    report = check_database(desk.store.url)

    assert report.ok
    [line] = [x for x in report.lines if "did not finish" in x]
    assert f"so it was undone: {written:,} conference(s)" in line
    assert conferences(desk) == 0
    # Once undone, it is not undone again.
    assert not any("did not finish" in x for x in check_database(desk.store.url).lines)


def test_an_import_still_running_elsewhere_is_left_alone(desk: Desk, tmp_path: Path) -> None:
    """A batch still writing, whose process is alive (here: this one's parent), is not
    taken for dead."""
    path, _ = history_file(tmp_path, 1_000)
    import_history(desk, path)
    with desk.store.write() as session:
        session.connection().execute(
            ImportBatch.__table__.update().values(state="writing", pid=os.getppid())  # type: ignore[attr-defined]
        )
    assert import_history(desk, ROOT / "docs" / "import-example.csv").undone == ()
    with desk.store.read() as session:
        assert (
            session.exec(select(ImportBatch.state).order_by(col(ImportBatch.started_at))).all()[0]
            == "writing"
        )


def test_a_killed_siu_import_is_undone_by_the_next_one(desk: Desk, tmp_path: Path) -> None:
    """A real ``siu import`` killed (SIGKILL) while writing its chunks."""
    path, refs = history_file(tmp_path, 15_000)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SIU_USER": "clerk"}
    command = [sys.executable, "-m", "siu_tui.cli", "import", str(path), "--db", desk.store.url]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while conferences(desk) == 0:
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    left = conferences(desk)
    assert 0 < left < len(refs)

    again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    assert again.returncode == 0, again.stderr
    [line] = [x for x in again.stderr.splitlines() if x.startswith("An import started")]
    assert f"so it was undone: {left:,} conference(s)" in line
    assert f"Conferences added: {len(refs):,}" in again.stdout
    assert conferences(desk) == len(refs)
