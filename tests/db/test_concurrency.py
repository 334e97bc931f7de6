"""Several clerks on one database: nobody is told "database is locked", nothing is lost.

Every test runs on a SQLite file and on PostgreSQL (the office database), but the one showing
why SQLite needs BEGIN IMMEDIATE. The races inside single service calls are in
tests/services/test_races.py.

The multi-process tests run real processes (``booking_worker.py``), each with its own Desk and
Store on the same file, as two clerks' copies of SIU Desk would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import col, select

from siu_tui.clock import today
from siu_tui.db.engine import BUSY_TIMEOUT_MS, Store
from siu_tui.db.migrate import ensure_current
from siu_tui.db.models import AuditEvent, Conference, ConferenceChild, Room
from siu_tui.errors import DatabaseBusy
from siu_tui.services.admin import check_database
from siu_tui.services.context import Desk
from siu_tui.services.people import add_child, add_staff, create_family

WORKER = Path(__file__).with_name("booking_worker.py")
BOOKINGS_EACH = 40


@dataclass(frozen=True)
class Setup:
    url: str
    iro: str
    family: str
    child: str


@pytest.fixture
def setup(db_url: str) -> Iterator[Setup]:
    """The records a booking needs, made through the services as a clerk would."""
    desk = Desk.open(db_url, "clerk.setup")
    try:
        iro = add_staff(desk, "Iris Reed", "iro")
        family = create_family(desk, "FAM-0001", "Smith")
        child = add_child(
            desk, family, "CR1001", "Amy", "Smith", date_of_birth=today().replace(2015)
        )
    finally:
        desk.close()
    yield Setup(db_url, iro, family, child)


Spawn = Callable[..., subprocess.Popen[str]]


@pytest.fixture
def spawn(setup: Setup, tmp_path: Path) -> Iterator[Spawn]:
    """Starts booking workers; any still running when the test ends (it failed) is killed."""
    started: list[subprocess.Popen[str]] = []

    def start(name: str, count: int, **extra: str) -> subprocess.Popen[str]:
        proc = start_worker(setup, tmp_path, name, count, **extra)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def start_worker(
    setup: Setup, tmp_path: Path, name: str, count: int, **extra: str
) -> subprocess.Popen[str]:
    job = {
        "url": setup.url,
        "actor": name,
        "family_id": setup.family,
        "child_id": setup.child,
        "count": count,
        "ids_file": str(tmp_path / f"{name}.ids"),
        **extra,
    }
    env = {**os.environ, "SIU_TODAY": today().isoformat()}  # the pinned day, in the worker too
    return subprocess.Popen(
        [sys.executable, str(WORKER), json.dumps(job)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def committed_ids(path: Path) -> list[str]:
    """Ids the worker wrote out in full (a line cut short by a kill is not counted)."""
    if not path.exists():
        return []
    data = path.read_text(encoding="utf-8")
    return [line for line in data.split("\n")[:-1] if line]


def wait_for(
    condition: Callable[[], bool], procs: list[subprocess.Popen[str]], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for proc in procs:
            if proc.poll() is not None:
                _, err = proc.communicate()
                pytest.fail(f"worker exited early ({proc.returncode}): {err}")
        if time.monotonic() > deadline:
            for proc in procs:
                proc.kill()
            pytest.fail("workers took too long")
        time.sleep(0.01)


def test_two_processes_booking_at_once_both_succeed(
    setup: Setup, tmp_path: Path, spawn: Spawn
) -> None:
    go = tmp_path / "go"
    names = ["clerk.anna", "clerk.bob"]
    procs = [
        spawn(
            name,
            BOOKINGS_EACH,
            ready_file=str(tmp_path / f"{name}.ready"),
            go_file=str(go),
        )
        for name in names
    ]
    wait_for(lambda: all((tmp_path / f"{n}.ready").exists() for n in names), procs, timeout=20)
    go.touch()
    results = [proc.communicate(timeout=60) for proc in procs]

    for proc, (_, err) in zip(procs, results, strict=True):
        assert "database is locked" not in err
        assert proc.returncode == 0, err

    ids = {name: committed_ids(tmp_path / f"{name}.ids") for name in names}
    assert [len(v) for v in ids.values()] == [BOOKINGS_EACH, BOOKINGS_EACH]
    store = Store(setup.url)
    try:
        with store.read() as session:
            conferences = session.exec(select(Conference.id, Conference.reference)).all()
            books = session.exec(
                select(AuditEvent.actor, AuditEvent.record_id).where(AuditEvent.action == "book")
            ).all()
            links = session.exec(select(func.count()).select_from(ConferenceChild)).one()
    finally:
        store.dispose()
    total = 2 * BOOKINGS_EACH
    assert len(conferences) == total
    assert len({reference for _, reference in conferences}) == total
    assert {cid for cid, _ in conferences} == set(ids["clerk.anna"]) | set(ids["clerk.bob"])
    assert links == total
    assert len(books) == total
    for name in names:
        assert {rid for actor, rid in books if actor == name} == set(ids[name])


def test_two_processes_booking_one_chair_at_the_same_time_only_one_succeeds(
    setup: Setup, tmp_path: Path, spawn: Spawn
) -> None:
    """Both clerks' previews showed the chair free; both press Save at once. The clash is
    checked again inside the write transaction, so the second is refused, naming the first."""
    go = tmp_path / "go"
    names = ["clerk.anna", "clerk.bob"]
    procs = [
        spawn(
            name,
            1,
            chair_id=setup.iro,
            ready_file=str(tmp_path / f"{name}.ready"),
            go_file=str(go),
        )
        for name in names
    ]
    wait_for(lambda: all((tmp_path / f"{n}.ready").exists() for n in names), procs, timeout=20)
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "database is locked" not in err

    results = [committed_ids(tmp_path / f"{name}.ids")[0] for name in names]
    booked = [r for r in results if not r.startswith("refused: ")]
    refused = [r for r in results if r.startswith("refused: ")]
    assert (len(booked), len(refused)) == (1, 1)
    store = Store(setup.url)
    try:
        with store.read() as session:
            stored = session.exec(select(Conference.id, Conference.reference)).all()
    finally:
        store.dispose()
    assert [cid for cid, _ in stored] == booked
    assert f"Iris Reed already chairs {stored[0][1]} (Smith) at 10:00–11:30" in refused[0]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_process_leaves_every_committed_booking_intact(
    setup: Setup, tmp_path: Path, spawn: Spawn
) -> None:
    ids_file = tmp_path / "clerk.anna.ids"
    proc = spawn("clerk.anna", 1_000_000)
    wait_for(lambda: len(committed_ids(ids_file)) >= 30, [proc], timeout=25)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    ids = committed_ids(ids_file)
    assert len(ids) >= 30
    store = Store(setup.url)
    try:
        with store.read() as session:
            stored = set(session.exec(select(Conference.id)).all())
            linked = session.exec(
                select(ConferenceChild.conference_id, ConferenceChild.child_id)
            ).all()
            booked = session.exec(
                select(AuditEvent.record_id).where(AuditEvent.action == "book")
            ).all()
            added = session.exec(
                select(AuditEvent.conference_id).where(AuditEvent.action == "add child")
            ).all()
            orphans = session.exec(
                select(func.count())
                .select_from(ConferenceChild)
                .where(col(ConferenceChild.conference_id).not_in(select(Conference.id)))
            ).one()
        integrity = [("ok",)]
        if store.path is not None:
            with store.engine.connect() as conn:
                integrity = conn.execute(text("PRAGMA integrity_check")).fetchall()
    finally:
        store.dispose()

    # Every booking the clerk was told had been saved is there, whole.
    assert set(ids) <= stored
    assert {cid for cid, child in linked if child == setup.child} >= set(ids)
    assert set(ids) <= set(booked)
    assert set(ids) <= set(added)
    # And no booking is there in part: the one cut off by the kill is all there or not at all.
    assert len(stored) - len(ids) in (0, 1)
    assert sorted(cid for cid, _ in linked) == sorted(stored)
    assert sorted(booked) == sorted(stored)
    assert sorted(added) == sorted(stored)
    assert orphans == 0
    assert integrity == [("ok",)]
    report = check_database(setup.url)
    assert report.ok, report.lines


# --- Why store.write() begins with BEGIN IMMEDIATE or the advisory lock (one process) --------


@pytest.fixture
def two_stores(db_url: str) -> Iterator[tuple[Store, Store]]:
    mine, theirs = Store(db_url), Store(db_url)
    ensure_current(mine)
    yield mine, theirs
    mine.dispose()
    theirs.dispose()


def room_names(store: Store) -> list[str]:
    with store.read() as session:
        return sorted(session.exec(select(Room.name)).all())


@pytest.mark.sqlite_only("what SQLite's BEGIN IMMEDIATE prevents")
def test_a_deferred_read_then_write_fails_at_once_when_another_clerk_wrote(
    two_stores: tuple[Store, Store],
) -> None:
    """What BEGIN IMMEDIATE prevents: a plain BEGIN that has read, then tries to write after
    someone else committed, gets "database is locked" at once (shown as "another clerk is
    saving"); the busy timeout cannot help."""
    mine, theirs = two_stores
    started = time.monotonic()
    with pytest.raises(DatabaseBusy), mine.read() as session:
        session.exec(select(func.count()).select_from(Room)).one()
        with theirs.write() as other:
            other.add(Room(name="Room 1"))
        session.add(Room(name="Room 2"))
        session.flush()
    assert time.monotonic() - started < BUSY_TIMEOUT_MS / 1000 / 3
    assert room_names(mine) == ["Room 1"]


def test_store_write_waits_its_turn_and_reads_the_other_clerks_commit(
    two_stores: tuple[Store, Store],
) -> None:
    mine, theirs = two_stores
    holding = threading.Event()
    errors: list[BaseException] = []

    def other_clerk() -> None:
        try:
            with theirs.write() as other:
                other.add(Room(name="Room 1"))
                other.flush()
                holding.set()
                time.sleep(0.5)
        except BaseException as exc:  # reported below
            errors.append(exc)
            holding.set()

    thread = threading.Thread(target=other_clerk)
    thread.start()
    assert holding.wait(10)
    started = time.monotonic()
    with mine.write() as session:
        # The transaction began only once the other clerk committed, so it sees Room 1.
        seen = session.exec(select(func.count()).select_from(Room)).one()
        session.add(Room(name=f"Room {seen + 1}"))
    waited = time.monotonic() - started
    thread.join(10)

    assert errors == []
    assert seen == 1
    assert waited >= 0.2
    assert room_names(mine) == ["Room 1", "Room 2"]
