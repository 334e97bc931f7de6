"""Two clerks doing the same thing at the same moment: the same outcome on SQLite and PostgreSQL.

Each clerk is a thread with a desk (and a connection pool) of its own. Both start the same
service call together; inside it, the moment a write transaction has begun, each waits at a
barrier for the other, for up to a second. Were two write transactions able to run at once,
both would pass the barrier together and each would read the record before the other wrote
(on PostgreSQL without the write lock: the challenge escalated twice, two open plans, an
IntegrityError). Since writes are serialised (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory
lock), the second clerk's transaction only begins once the first has committed: the first
waits out the barrier alone, and the second reads what the first wrote.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import date, time
from typing import Any, TypeVar

import pytest
from sqlalchemy import event, func
from sqlalchemy.orm import Session
from sqlmodel import col, select

from siu_tui.db.models import (
    AuditEvent,
    Challenge,
    ChildProtectionPlan,
    Conference,
    MinutesWeekReview,
)
from siu_tui.services.challenges import (
    ChallengeRequest,
    EscalationRequest,
    escalate_challenge,
    log_challenge,
)
from siu_tui.services.changes import ChildOutcome, mark_held
from siu_tui.services.context import Desk
from siu_tui.services.errors import ServiceError, ValidationError
from siu_tui.services.minutes_week import review_week
from siu_tui.services.standdown import stand_down

from .conftest import People
from .helpers import history_conference

T = TypeVar("T")
BARRIER_WAIT = 1.0
"""How long a clerk inside a write waits for the other: long enough for both to meet, were
both let in at once."""

_racing = threading.local()


@pytest.fixture(autouse=True)
def meet_inside_writes() -> Iterator[None]:
    """While a race runs, each racing thread waits at its barrier as its write begins."""

    def after_begin(session: Session, transaction: Any, connection: Any) -> None:
        barrier: threading.Barrier | None = getattr(_racing, "barrier", None)
        if barrier is None or not connection.get_execution_options().get("siu_write"):
            return
        _racing.barrier = None  # once per call: the service's first write transaction
        # Broken: the other clerk is queued behind this write, so go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(BARRIER_WAIT)

    event.listen(Session, "after_begin", after_begin)
    yield
    event.remove(Session, "after_begin", after_begin)


def race(db_url: str, call: Callable[[Desk], T]) -> list[T | Exception]:
    """Two clerks make the same call at once; what each got back, or the error it raised."""
    barrier = threading.Barrier(2)
    start = threading.Barrier(2)
    results: list[T | Exception] = [RuntimeError("did not run")] * 2
    desks = [Desk.open(db_url, f"clerk.{n}") for n in ("anna", "bob")]
    for desk in desks:
        _ = desk.rules  # each desk's rules loaded before the race

    def clerk(n: int) -> None:
        _racing.barrier = barrier
        start.wait(10)
        try:
            results[n] = call(desks[n])
        except Exception as exc:  # the test looks at what each clerk was told
            results[n] = exc

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not any(thread.is_alive() for thread in threads), "a clerk is still waiting"
    finally:
        for desk in desks:
            desk.close()
    return results


def refusals(results: list[Any]) -> list[Exception]:
    errors = [r for r in results if isinstance(r, Exception)]
    for error in errors:
        # A sentence for the clerk, never "Something went wrong".
        assert isinstance(error, ServiceError), repr(error)
    return errors


def count(desk: Desk, model: Any, *where: Any) -> int:
    with desk.store.read() as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_the_same_challenge_escalated_twice_at_once(
    desk: Desk, people: People, db_url: str
) -> None:
    first = log_challenge(
        desk,
        ChallengeRequest(
            family_id=people.family,
            raised_by_id=people.iro,
            level="practice",
            category="visits",
            description="No visit recorded since the last review",
            raised_on=date(2026, 11, 16),
        ),
    )

    results = race(
        db_url,
        lambda d: escalate_challenge(
            d, first, EscalationRequest(raised_on=date(2026, 11, 25), description="Not answered")
        ),
    )

    refused = refusals(results)
    assert len(refused) == 1
    assert isinstance(refused[0], ValidationError)
    assert "already escalated" in str(refused[0])
    assert count(desk, Challenge, col(Challenge.escalated_from_id) == first) == 1
    assert count(desk, Challenge) == 2


def test_one_child_held_with_a_plan_at_two_conferences_at_once(
    desk: Desk, people: People, db_url: str
) -> None:
    conferences = [
        history_conference(
            desk, people.family, [people.amy], date(2026, 11, 24), status="booked", start=start
        )
        for start in (time(10), time(14))
    ]
    slots = iter(conferences)
    lock = threading.Lock()

    def hold(d: Desk) -> object:
        with lock:
            conference = next(slots)
        return mark_held(d, conference, {people.amy: ChildOutcome("plan", ("neglect",))})

    results = race(db_url, hold)

    refused = refusals(results)
    assert len(refused) == 1
    assert "already on a plan" in str(refused[0])
    open_plans = count(
        desk,
        ChildProtectionPlan,
        ChildProtectionPlan.child_id == people.amy,
        col(ChildProtectionPlan.end_date).is_(None),
    )
    assert open_plans == 1
    assert count(desk, Conference, Conference.status == "held") == 1


def test_one_conference_stood_down_twice_at_once(desk: Desk, people: People, db_url: str) -> None:
    conference = history_conference(
        desk, people.family, [people.amy], date(2026, 12, 2), status="booked"
    )

    results = race(
        db_url,
        lambda d: stand_down(
            d,
            conference,
            reason="family_request",
            decided_by="chair",
            decided_on=date(2026, 11, 25),
        ),
    )

    refused = refusals(results)
    assert len(refused) == 1
    assert "Only a booked conference can be stood down" in str(refused[0])
    assert count(desk, AuditEvent, AuditEvent.action == "stand down") == 2  # the one, twice
    with desk.store.read() as session:
        assert session.get_one(Conference, conference).status == "stood_down"


def test_one_week_reviewed_twice_at_once(desk: Desk, people: People, db_url: str) -> None:
    results = race(db_url, lambda d: review_week(d, date(2026, 11, 16), f"Checked by {d.actor}"))

    assert refusals(results) == []
    assert count(desk, MinutesWeekReview) == 1
    actions = sorted(
        a
        for (a,) in _audit_actions(desk)
        if a.startswith("review week")  # the first marks it, the second replaces the note
    )
    assert actions == ["review week", "review week again"]


def _audit_actions(desk: Desk) -> list[tuple[str]]:
    with desk.store.read() as session:
        return [(a,) for a in session.exec(select(AuditEvent.action))]
