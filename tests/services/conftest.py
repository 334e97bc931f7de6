"""A desk on a real SQLite file with the people a booking needs.

The clock is pinned to 25 November 2026 by the autouse fixture in tests/conftest.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from siu_tui.db.models import (
    AuditEvent,
    Child,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    Family,
    LocalityTeam,
    Room,
    Setting,
    Staff,
)
from siu_tui.services.context import Desk
from siu_tui.services.people import add_child, add_staff, create_family

ACTOR = "clerk.anna"

COUNTED: dict[str, type[SQLModel]] = {
    "staff": Staff,
    "family": Family,
    "child": Child,
    "conference": Conference,
    "conference_child": ConferenceChild,
    "cp_plan": ChildProtectionPlan,
    "room": Room,
    "locality_team": LocalityTeam,
    "setting": Setting,
    "audit_event": AuditEvent,
}


@pytest.fixture
def desk(db_url: str) -> Iterator[Desk]:
    opened = Desk.open(db_url, ACTOR)
    yield opened
    opened.close()


@dataclass(frozen=True)
class People:
    iro: str
    clerk: str
    family: str
    amy: str
    ben: str
    other_family: str
    other_child: str


@pytest.fixture
def people(desk: Desk) -> People:
    """An IRO, a clerk, the Smiths (Amy 11, Ben 7) and the Joneses (Cara 4)."""
    iro = add_staff(desk, "Iris Reed", "iro", "iris.reed@example.org")
    clerk = add_staff(desk, "Colin Clark", "clerk", "colin.clark@example.org")
    family = create_family(desk, "FAM-0001", "Smith", social_worker="Sam Worker")
    amy = add_child(desk, family, "CR1001", "Amy", "Smith", date_of_birth=date(2015, 3, 1), sex="F")
    ben = add_child(desk, family, "CR1002", "Ben", "Smith", date_of_birth=date(2019, 6, 1), sex="M")
    other_family = create_family(desk, "FAM-0002", "Jones")
    other_child = add_child(
        desk, other_family, "CR2001", "Cara", "Jones", date_of_birth=date(2022, 1, 9), sex="F"
    )
    return People(iro, clerk, family, amy, ben, other_family, other_child)


Counts = dict[str, int]


@pytest.fixture
def count_rows(desk: Desk) -> Callable[[], Counts]:
    """Row counts of the tables a use case writes to, to show a refusal wrote nothing."""

    def count() -> Counts:
        with desk.store.read() as session:
            return {
                name: session.exec(select(func.count()).select_from(model)).one()
                for name, model in COUNTED.items()
            }

    return count


@dataclass(frozen=True)
class Event:
    actor: str
    action: str
    record_type: str
    record_id: str
    conference_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@pytest.fixture
def audit_events(desk: Desk) -> Callable[..., list[Event]]:
    """The audit trail in the order it was written, with its JSON decoded."""

    def events(record_type: str | None = None, record_id: str | None = None) -> list[Event]:
        query = select(AuditEvent).order_by(col(AuditEvent.at), col(AuditEvent.id))
        if record_type is not None:
            query = query.where(AuditEvent.record_type == record_type)
        if record_id is not None:
            query = query.where(AuditEvent.record_id == record_id)
        with desk.store.read() as session:
            return [
                Event(
                    e.actor,
                    e.action,
                    e.record_type,
                    e.record_id,
                    e.conference_id,
                    json.loads(e.before) if e.before else None,
                    json.loads(e.after) if e.after else None,
                )
                for e in session.exec(query)
            ]

    return events
