"""The audit trail: every write leaves who, when, which record, before and after.

Events are only ever inserted; nothing in SIU Desk updates or deletes one. Read back, each
event says which conference or family it was about and what its keys stand for, since a
clerk asked "who changed this?" thinks in conferences and people, not in record ids.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from siu_tui.clock import now
from siu_tui.db.engine import Store
from siu_tui.db.models import (
    AuditEvent,
    Challenge,
    Child,
    Conference,
    Family,
    Room,
    Staff,
)
from siu_tui.services.errors import NotFound


def snapshot(record: SQLModel) -> dict[str, Any]:
    """The record's column values as JSON-safe data."""
    out: dict[str, Any] = {}
    for column in record.__table__.columns:  # type: ignore[attr-defined]
        value = getattr(record, column.key)
        if isinstance(value, datetime | date | time):
            value = value.isoformat()
        out[column.key] = value
    return out


def _dump(data: dict[str, Any] | None) -> str | None:
    return None if data is None else json.dumps(data, sort_keys=True, default=str)


def record(
    session: Session,
    actor: str,
    action: str,
    target: SQLModel,
    *,
    before: dict[str, Any] | None = None,
    conference_id: str | None = None,
    removed: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction (so it commits, or not, with the change).

    ``removed`` (or the action "delete") records a row that is being deleted: its values go
    in ``before`` and nothing in ``after``. ``extra`` adds to ``after`` what the change was
    made with that is not a column (the reason a clash was overridden).
    """
    session.flush()
    removed = removed or action == "delete"
    if removed and before is None:
        before = snapshot(target)
    after = snapshot(target) if not removed else None
    if before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after[k] for k in sorted(changed)}
    if extra and after is not None:
        after = {**after, **extra}
    event = AuditEvent(
        at=now(),
        actor=actor,
        action=action,
        record_type=target.__tablename__,  # type: ignore[attr-defined]
        record_id=getattr(target, "id", None) or getattr(target, "key", ""),
        conference_id=conference_id,
        before=_dump(before),
        after=_dump(after),
    )
    session.add(event)
    return event


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: str
    at: datetime
    actor: str
    action: str
    record_type: str
    record_id: str
    changes: str
    about: str = ""
    """The conference (its reference and family) or the family the event concerns."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an event: what it held before and after, as a person reads it."""

    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class AuditDetail:
    id: str
    at: datetime
    actor: str
    action: str
    record_type: str
    about: str
    changes: list[FieldChange]


HIDDEN_KEYS = frozenset({"id", "created_at", "updated_at", "body", "related_id"})
"""Left out of the one-line summary: keys and times say nothing to a clerk, an e-mail's body
would swamp the line, and its link to a referral or invitation is what the subject already
says (the event keeps it all)."""


def describe_changes(
    before: str | None,
    after: str | None,
    names: Mapping[str, str] | None = None,
    *,
    hide: frozenset[str] = frozenset(),
) -> str:
    """One line a person can read: ``field: old → new`` for each change.

    Links to other records (``chair_id``) are left out, since a key means nothing to a clerk,
    unless ``names`` says what each key stands for; then they read ``chair: Iris Reed``.
    ``hide`` leaves out more fields (the conference a conference's history is about).
    """
    old = json.loads(before) if before else {}
    new = json.loads(after) if after else {}
    parts = []
    created = bool(new) and not old
    for key in new or old:
        if key in HIDDEN_KEYS or key in hide:
            continue
        value = new.get(key)
        if names is not None and created and (value is None or value is False or value == ""):
            continue  # a new record's empty fields and unset flags say nothing
        if key.endswith("_id"):
            if names is None:
                continue
            label = key.removesuffix("_id")
            if key in old and key in new:
                parts.append(f"{label}: {_named(old[key], names)} → {_named(new[key], names)}")
            else:
                parts.append(f"{label}: {_named((new or old).get(key), names)}")
        elif key in old and key in new:
            parts.append(f"{key}: {old.get(key)} → {new.get(key)}")
        else:
            parts.append(f"{key}: {(new or old).get(key)}")
    return "; ".join(parts)


def _named(value: object, names: Mapping[str, str]) -> str:
    if value is None:
        return "—"
    return names.get(str(value), str(value))


def audit_page(
    store: Store,
    *,
    before: tuple[datetime, str] | None = None,
    limit: int = 200,
    conference_id: str | None = None,
) -> list[AuditRow]:
    """Newest first, one page at a time: pass the last row's (at, id) to get the next page."""
    query = event_query(before=before, limit=limit, conference_id=conference_id)
    with store.read() as session:
        events = list(session.exec(query))
        about = _about(session, events)
        return [
            AuditRow(
                e.id,
                e.at,
                e.actor,
                e.action,
                e.record_type,
                e.record_id,
                describe_changes(e.before, e.after),
                about.get(e.id, ""),
            )
            for e in events
        ]


def audit_event(store: Store, event_id: str) -> AuditDetail:
    """One event field by field, before beside after; keys read as the names they stand for."""
    with store.read() as session:
        event = session.get(AuditEvent, event_id)
        if event is None:
            raise NotFound("That change is not on record")
        names = key_names(session, [event])
        about = _about(session, [event]).get(event.id, "")
    old = json.loads(event.before) if event.before else {}
    new = json.loads(event.after) if event.after else {}
    changes = []
    for key in dict.fromkeys([*old, *new]):
        if key in HIDDEN_KEYS - {"body"}:
            continue
        label = key.removesuffix("_id") if key.endswith("_id") else key
        changes.append(
            FieldChange(
                label.replace("_", " "),
                _shown(old, key, names),
                _shown(new, key, names),
            )
        )
    return AuditDetail(
        event.id, event.at, event.actor, event.action, event.record_type, about, changes
    )


def _shown(data: dict[str, Any], key: str, names: Mapping[str, str]) -> str:
    if key not in data:
        return ""
    value = data[key]
    if value is None:
        return "—"
    if key.endswith("_id"):
        return _named(value, names)
    return str(value)


def _about(session: Session, events: list[AuditEvent]) -> dict[str, str]:
    """Each event's conference ("CPC-… · Smith") or family ("Smith (F-12)"), read in a few
    keyed queries per page: by the event's conference, else the family it changed, its
    child's family, or the family its record names."""
    conference_of: dict[str, str] = {}
    family_of: dict[str, str] = {}
    child_of: dict[str, str] = {}
    for event in events:
        if event.conference_id:
            conference_of[event.id] = event.conference_id
        elif event.record_type == "family":
            family_of[event.id] = event.record_id
        elif event.record_type == "child":
            child_of[event.id] = event.record_id
        else:
            for text in (event.after, event.before):
                family = json.loads(text).get("family_id") if text else None
                if family:
                    family_of[event.id] = str(family)
                    break
    if child_of:
        query = select(Child.id, Child.family_id).where(col(Child.id).in_(set(child_of.values())))
        families = dict(session.exec(query).all())
        family_of.update({e: families[c] for e, c in child_of.items() if c in families})
    conferences: dict[str, str] = {}
    if conference_of:
        query = (
            select(Conference.id, Conference.reference, Family.name)
            .join(Family, col(Family.id) == Conference.family_id)
            .where(col(Conference.id).in_(set(conference_of.values())))
        )
        conferences = {key: f"{ref} · {name}" for key, ref, name in session.exec(query)}
    families_named: dict[str, str] = {}
    if family_of:
        query = select(Family.id, Family.name, Family.reference).where(
            col(Family.id).in_(set(family_of.values()))
        )
        families_named = {key: f"{name} ({ref})" for key, name, ref in session.exec(query)}
    about = {e: conferences[c] for e, c in conference_of.items() if c in conferences}
    about.update({e: families_named[f] for e, f in family_of.items() if f in families_named})
    return about


_NAMED: tuple[tuple[type, str], ...] = (
    (Staff, "name"),
    (Room, "name"),
    (Family, "reference"),
    (Conference, "reference"),
    (Challenge, "level"),  # an escalation names the level it escalated
)


def key_names(session: Session, events: list[AuditEvent]) -> dict[str, str]:
    """What the record keys in a page of events stand for: people and rooms by name, children
    by name, families and conferences by reference (a few keyed reads per page)."""
    keys: set[str] = set()
    for event in events:
        for text in (event.before, event.after):
            if text:
                keys.update(_linked_keys(text))
    if not keys:
        return {}
    names: dict[str, str] = {}
    wanted = sorted(keys)
    for model, field in _NAMED:
        query = select(model.id, getattr(model, field)).where(col(model.id).in_(wanted))
        names.update({key: value for key, value in session.exec(query)})
    query = select(Child.id, Child.first_name, Child.last_name).where(col(Child.id).in_(wanted))
    names.update({key: f"{first} {last}" for key, first, last in session.exec(query)})
    return names


def _linked_keys(text: str) -> set[str]:
    data = json.loads(text)
    return {str(v) for k, v in data.items() if k.endswith("_id") and v}


def event_query(
    *,
    before: tuple[datetime, str] | None = None,
    limit: int = 200,
    conference_id: str | None = None,
) -> Any:
    """Audit events newest first from ``before`` (the last row's (at, id)); by conference
    through its index when ``conference_id`` is given."""
    query = select(AuditEvent)
    if conference_id is not None:
        query = query.where(AuditEvent.conference_id == conference_id)
    if before is not None:
        at, event_id = before
        query = query.where(
            (col(AuditEvent.at) < at)
            | ((col(AuditEvent.at) == at) & (col(AuditEvent.id) < event_id))
        )
    return query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(limit)
