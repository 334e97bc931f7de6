"""The minutes of a held conference, step by step: started when it is held, sent to the chair,
returned with a note, sent again, approved, distributed to the invite list with covering
e-mails queued; the decision letter recorded. Every step audited; every refusal writes nothing.

Today is Wednesday 25 November 2026 unless a test moves the clock. Deadlines by hand: a
conference on Friday 28 August 2026 (Monday 31 August is the summer bank holiday) has its
decision letter due Tuesday 1 September, the draft Monday 7 September and distribution Monday
21 September; one on Wednesday 23 December 2026 (Christmas Friday, Boxing Day's substitute
Monday 28th, New Year Friday 1 January) Thursday 24 December, Monday 4 January and Monday 18
January 2027.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, time

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from siu_tui import clock
from siu_tui.db.models import (
    AuditEvent,
    Conference,
    Invitee,
    Minutes,
    MinutesRecipient,
    OutboxMessage,
)
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.changes import ChildOutcome, mark_held
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.minutes import (
    approve_minutes,
    distribute_minutes,
    minutes_for_conference,
    record_decision_letter,
    return_minutes,
    send_to_chair,
)

from .conftest import ACTOR, Event, People
from .helpers import history_conference

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def back_to_today() -> Iterator[None]:
    yield
    clock.set_today(TODAY)


def held(desk: Desk, people: People, day: date, trigger: date) -> str:
    """A conference booked and held on ``day`` (the clock is moved to that day to book it)."""
    clock.set_today(trigger)
    conference_id = book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[people.amy],
            conference_type="initial",
            date=day,
            start_time=time(10, 0),
            trigger_date=trigger,
            venue="Civic Centre",
            chair_id=people.iro,
            clerk_id=people.clerk,
        ),
    )
    clock.set_today(day)
    mark_held(desk, conference_id, {people.amy: ChildOutcome("no_plan")})
    return conference_id


def minutes_row(desk: Desk, conference_id: str) -> Minutes:
    with desk.store.read() as session:
        return session.exec(select(Minutes).where(Minutes.conference_id == conference_id)).one()


COUNTED: tuple[type[SQLModel], ...] = (
    Minutes,
    MinutesRecipient,
    OutboxMessage,
    AuditEvent,
    Conference,
)


@pytest.fixture
def counts(desk: Desk) -> Callable[[], dict[str, int]]:
    def count() -> dict[str, int]:
        with desk.store.read() as session:
            return {
                m.__tablename__: session.exec(select(func.count()).select_from(m)).one()  # type: ignore[attr-defined]
                for m in COUNTED
            }

    return count


# --- Started when held ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "trigger", "letter", "draft", "distribution"),
    [
        # The summer bank holiday, Monday 31 August 2026.
        (
            date(2026, 8, 28),
            date(2026, 8, 20),
            date(2026, 9, 1),
            date(2026, 9, 7),
            date(2026, 9, 21),
        ),
        # Christmas Day (Friday), Boxing Day's substitute (Monday 28th) and New Year's Day.
        (
            date(2026, 12, 23),
            date(2026, 12, 10),
            date(2026, 12, 24),
            date(2027, 1, 4),
            date(2027, 1, 18),
        ),
    ],
)
def test_marking_held_starts_the_minutes_with_deadlines_across_bank_holidays(
    desk: Desk,
    people: People,
    audit_events: Callable[..., list[Event]],
    day: date,
    trigger: date,
    letter: date,
    draft: date,
    distribution: date,
) -> None:
    conference_id = held(desk, people, day, trigger)

    minutes = minutes_row(desk, conference_id)
    assert minutes.stage == "awaiting_draft"
    assert minutes.holder_id == people.clerk
    assert (minutes.decision_letter_due, minutes.draft_due, minutes.distribution_due) == (
        letter,
        draft,
        distribution,
    )
    (event,) = audit_events("minutes")
    assert (event.action, event.conference_id, event.actor) == (
        "start minutes",
        conference_id,
        ACTOR,
    )
    # The same transaction as "held": no other event comes between them.
    actions = [e.action for e in audit_events() if e.conference_id == conference_id]
    assert actions[-2:] == ["held", "start minutes"]


def test_a_refused_held_starts_no_minutes(
    desk: Desk, people: People, counts: Callable[[], dict[str, int]]
) -> None:
    clock.set_today(date(2026, 11, 10))
    conference_id = book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[people.amy],
            conference_type="initial",
            date=date(2026, 11, 20),
            trigger_date=date(2026, 11, 10),
            venue="Civic Centre",
            clerk_id=people.clerk,
        ),
    )
    clock.set_today(TODAY)
    before = counts()
    with pytest.raises(ValidationError):
        mark_held(desk, conference_id, {people.amy: ChildOutcome("continue")})
    assert counts() == before
    assert minutes_for_conference(desk, conference_id) is None  # not held: no minutes


# --- Every stage, with a return -------------------------------------------------------------


def add_invitees(desk: Desk, conference_id: str) -> dict[str, str]:
    """A mother with e-mail who came, a father with no e-mail who did not, a school that sent
    apologies (with e-mail), and a police officer who came (with e-mail)."""
    people = {
        "mother": Invitee(
            conference_id=conference_id,
            name="Mary Smith",
            role="Mother",
            agency="family",
            direct_contact=False,
            email="mary.smith@example.org",
            attended=True,
        ),
        "father": Invitee(
            conference_id=conference_id,
            name="Fred Smith",
            role="Father",
            agency="family",
            direct_contact=False,
            attended=False,
        ),
        "school": Invitee(
            conference_id=conference_id,
            name="Sally School",
            role="Designated safeguarding lead",
            agency="education",
            email="dsl@example.org",
            response="apologies",
            attended=False,
        ),
        "police": Invitee(
            conference_id=conference_id,
            name="DC Pat Police",
            role="Public protection",
            agency="police",
            email="pat.police@example.org",
            attended=True,
        ),
    }
    with desk.store.write() as session:
        for invitee in people.values():
            session.add(invitee)
        session.flush()
        return {key: invitee.id for key, invitee in people.items()}


def test_minutes_move_through_every_stage_with_a_return_by_the_chair(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    conference_id = held(desk, people, date(2026, 11, 2), date(2026, 10, 22))
    invitees = add_invitees(desk, conference_id)
    clock.set_today(TODAY)

    record_decision_letter(desk, conference_id, date(2026, 11, 3))
    send_to_chair(desk, conference_id, date(2026, 11, 6))
    m = minutes_row(desk, conference_id)
    assert (m.stage, m.holder_id, m.draft_to_chair_at) == (
        "with_chair",
        people.iro,
        date(2026, 11, 6),
    )

    return_minutes(desk, conference_id, "  The outline plan needs dates for each action.  ")
    m = minutes_row(desk, conference_id)
    assert (m.stage, m.holder_id) == ("awaiting_draft", people.clerk)
    assert m.returned_note == "The outline plan needs dates for each action."
    view = minutes_for_conference(desk, conference_id)
    assert view is not None and view.returned
    assert view.actions == ("letter", "to_chair")

    send_to_chair(desk, conference_id, date(2026, 11, 12))
    m = minutes_row(desk, conference_id)
    # The first draft's day is what the timescale judges.
    assert (m.stage, m.holder_id, m.draft_to_chair_at) == (
        "with_chair",
        people.iro,
        date(2026, 11, 6),
    )
    approve_minutes(desk, conference_id, date(2026, 11, 16))
    m = minutes_row(desk, conference_id)
    assert (m.stage, m.holder_id, m.approved_at) == ("approved", people.clerk, date(2026, 11, 16))

    result = distribute_minutes(desk, conference_id, date(2026, 11, 20), send_emails=True)
    assert (result.recipients, result.emails, result.without_email) == (4, 3, 1)
    m = minutes_row(desk, conference_id)
    assert (m.stage, m.distributed_at) == ("distributed", date(2026, 11, 20))
    assert m.decision_letter_at == date(2026, 11, 3)

    view = minutes_for_conference(desk, conference_id)
    assert view is not None and view.recipients_recorded and not view.returned
    assert view.actions == ("letter",)
    by_name = {r.name: r for r in view.recipients}
    assert [r.name for r in view.recipients][:2] == ["Fred Smith", "Mary Smith"]  # parents first
    assert by_name["Fred Smith"].why == "parent / carer" and not by_name["Fred Smith"].emailed
    assert by_name["Sally School"].why == "did not attend" and by_name["Sally School"].emailed
    assert by_name["DC Pat Police"].why == "attended"
    assert {r.invitee_id for r in view.recipients} == set(invitees.values())
    states = {s.task: (s.state, s.days_overdue) for s in view.steps}
    # Letter due Tue 3 Nov, draft Mon 9 Nov, distribution Mon 23 Nov: all met.
    assert states == {
        "decision_letter": ("on_time", 0),
        "draft": ("on_time", 0),
        "distribution": ("on_time", 0),
    }

    with desk.store.read() as session:
        outbox = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "minutes")
            .order_by(OutboxMessage.to_address)
        ).all()
    assert [o.to_address for o in outbox] == [
        "dsl@example.org",
        "mary.smith@example.org",
        "pat.police@example.org",
    ]
    assert {(o.kind, o.state, o.related_id) for o in outbox} == {("minutes", "queued", m.id)}
    assert all("Smith" not in o.subject and "CPC-" in o.subject for o in outbox)

    events = [e for e in audit_events() if e.conference_id == conference_id]
    minutes_actions = [e.action for e in events if e.record_type == "minutes"]
    assert minutes_actions == [
        "start minutes",
        "decision letter",
        "send to chair",
        "return minutes",
        "send to chair again",
        "approve minutes",
        "distribute minutes",
    ]
    returned = next(e for e in events if e.action == "return minutes")
    assert returned.before == {
        "holder_id": people.iro,
        "returned_note": None,
        "stage": "with_chair",
    }
    assert returned.after is not None
    assert returned.after["returned_note"] == "The outline plan needs dates for each action."
    assert sum(e.action == "minutes recipient" for e in events) == 4
    covering = [e for e in events if e.action == "queue e-mail" and e.record_type == "outbox"]
    # The booking's advocacy notice for Amy (11) is queued too; three are the covering e-mails.
    assert sum((e.after or {}).get("kind") == "minutes" for e in covering) == 3
    assert all(e.actor == ACTOR for e in events)


def test_distribution_to_some_of_the_list_without_e_mails(desk: Desk, people: People) -> None:
    conference_id = held(desk, people, date(2026, 11, 2), date(2026, 10, 22))
    invitees = add_invitees(desk, conference_id)
    clock.set_today(TODAY)
    send_to_chair(desk, conference_id, date(2026, 11, 9))
    approve_minutes(desk, conference_id, date(2026, 11, 10))
    result = distribute_minutes(
        desk, conference_id, TODAY, invitee_ids=[invitees["mother"], invitees["police"]]
    )
    assert (result.recipients, result.emails) == (2, 0)
    view = minutes_for_conference(desk, conference_id)
    assert view is not None
    assert sorted(r.name for r in view.recipients) == ["DC Pat Police", "Mary Smith"]
    # Distributed Wed 25 Nov, due Mon 23 Nov: two working days late.
    distribution = view.steps[2]
    assert (distribution.state, distribution.days_overdue) == ("late", 2)
    with desk.store.read() as session:
        assert (
            session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == "minutes")
            ).one()
            == 0
        )


def test_an_empty_invite_list_is_said_and_allowed(desk: Desk, people: People) -> None:
    conference_id = held(desk, people, date(2026, 11, 2), date(2026, 10, 22))
    clock.set_today(TODAY)
    view = minutes_for_conference(desk, conference_id)
    assert view is not None and view.recipients == () and not view.recipients_recorded
    send_to_chair(desk, conference_id, date(2026, 11, 9))
    approve_minutes(desk, conference_id, date(2026, 11, 10))
    result = distribute_minutes(desk, conference_id, TODAY, send_emails=True)
    assert (result.recipients, result.emails) == (0, 0)
    assert minutes_row(desk, conference_id).stage == "distributed"


# --- Refusals -------------------------------------------------------------------------------


def test_steps_out_of_order_or_on_impossible_days_are_refused(
    desk: Desk, people: People, counts: Callable[[], dict[str, int]]
) -> None:
    conference_id = held(desk, people, date(2026, 11, 2), date(2026, 10, 22))
    invitees = add_invitees(desk, conference_id)
    clock.set_today(TODAY)
    before = counts()

    def refused(field: str, call: Callable[[], object]) -> str:
        with pytest.raises(ValidationError) as caught:
            call()
        assert set(caught.value.errors) == {field}
        assert counts() == before
        return caught.value.errors[field]

    assert "only minutes with chair can be approved" in refused(
        "stage", lambda: approve_minutes(desk, conference_id, TODAY)
    )
    assert "returned" in refused("stage", lambda: return_minutes(desk, conference_id, "x"))
    assert "distributed" in refused("stage", lambda: distribute_minutes(desk, conference_id, TODAY))
    assert (
        refused("on", lambda: send_to_chair(desk, conference_id, date(2026, 11, 26)))
        == "26/11/2026 has not happened yet"
    )
    assert "before the conference (02/11/2026)" in refused(
        "on", lambda: record_decision_letter(desk, conference_id, date(2026, 10, 30))
    )
    send_to_chair(desk, conference_id, date(2026, 11, 10))
    before = counts()
    assert "Say what needs changing" in refused(
        "note", lambda: return_minutes(desk, conference_id, "   ")
    )
    assert "before the draft went to the chair (10/11/2026)" in refused(
        "on", lambda: approve_minutes(desk, conference_id, date(2026, 11, 9))
    )
    approve_minutes(desk, conference_id, date(2026, 11, 12))
    before = counts()
    assert "before the chair approved them (12/11/2026)" in refused(
        "on", lambda: distribute_minutes(desk, conference_id, date(2026, 11, 11))
    )
    assert "Choose who the minutes went to" in refused(
        "recipients", lambda: distribute_minutes(desk, conference_id, TODAY, invitee_ids=[])
    )
    assert "not on this conference's invite list" in refused(
        "recipients",
        lambda: distribute_minutes(
            desk, conference_id, TODAY, invitee_ids=[invitees["mother"], "f" * 32]
        ),
    )


def test_minutes_are_kept_only_for_held_conferences(desk: Desk, people: People) -> None:
    booked = history_conference(desk, people.family, [people.amy], TODAY, status="booked")
    with pytest.raises(ValidationError) as caught:
        send_to_chair(desk, booked, TODAY)
    assert caught.value.errors == {
        "stage": "Minutes are kept for held conferences; this one is booked"
    }
    with pytest.raises(NotFound):
        minutes_for_conference(desk, "0" * 32)


def test_a_held_conference_from_history_starts_its_minutes_at_the_first_step(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    """Held conferences brought in without minutes show what they would be; the first step
    starts them, in the same transaction."""
    conference_id = history_conference(desk, people.family, [people.amy], date(2026, 11, 2))
    view = minutes_for_conference(desk, conference_id)
    assert view is not None and view.id is None
    assert [s.due for s in view.steps] == [date(2026, 11, 3), date(2026, 11, 9), date(2026, 11, 23)]
    assert view.steps[2].state == "overdue" and view.steps[2].days_overdue == 2
    record_decision_letter(desk, conference_id, date(2026, 11, 3))
    assert [e.action for e in audit_events("minutes")] == ["start minutes", "decision letter"]
    assert minutes_row(desk, conference_id).decision_letter_at == date(2026, 11, 3)
