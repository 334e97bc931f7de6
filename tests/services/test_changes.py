"""Moving, re-chairing, cancelling and holding conferences: audited, and all-or-nothing.

Today is Wednesday 25 November 2026 unless a test moves the clock on. Deadlines were worked
out by hand: a strategy discussion on Tuesday 10 November 2026 gives an initial deadline of
Tuesday 1 December (15 working days); three months after Tuesday 24 November 2026 is
Wednesday 24 February 2027; six months after Wednesday 25 November 2026 is Tuesday 25 May
2027 (the spring bank holiday is the 31st).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest
from sqlmodel import col, select

from siu_tui import clock
from siu_tui.db.models import (
    AdvocacyReferral,
    Child,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
)
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.changes import (
    ChildOutcome,
    HeldResult,
    add_child_to_conference,
    cancel_conference,
    change_chair,
    mark_held,
    move_conference,
    preview_move,
    remove_child_from_conference,
)
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.people import add_child, add_staff
from siu_tui.services.reference import add_room, set_staff_active

from .conftest import ACTOR, Counts, Event, People

TODAY = date(2026, 11, 25)
STRATEGY = date(2026, 12, 14)
DEADLINE = date(2027, 1, 7)


def book(people: People, desk: Desk, **changes: object) -> str:
    request = BookingRequest(
        family_id=people.family,
        child_ids=[people.amy, people.ben],
        conference_type="initial",
        date=date(2027, 1, 6),
        start_time=time(13, 30),
        trigger_date=STRATEGY,
        venue="Civic Centre",
        chair_id=people.iro,
        clerk_id=people.clerk,
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return book_conference(desk, request)


def load(desk: Desk, conference_id: str) -> Conference:
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        return conference


# --- Moving ---------------------------------------------------------------------------------


def test_a_move_keeps_the_deadline_and_the_old_date_in_the_audit(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    conference_id = book(people, desk)
    move_conference(desk, conference_id, date=date(2027, 1, 5), start_time=time(10, 0))

    conference = load(desk, conference_id)
    assert (conference.date, conference.start_time) == (date(2027, 1, 5), time(10, 0))
    assert conference.deadline == DEADLINE
    assert conference.trigger_date == STRATEGY
    assert conference.venue == "Civic Centre"  # not given, so kept
    (event,) = [e for e in audit_events("conference", conference_id) if e.action == "move"]
    assert event.actor == ACTOR
    assert event.conference_id == conference_id
    assert event.before is not None and event.after is not None
    assert event.before["date"] == "2027-01-06"
    assert event.after["date"] == "2027-01-05"
    assert event.before["start_time"].startswith("13:30")


def test_a_move_past_the_deadline_needs_a_reason(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    conference_id = book(people, desk)
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        move_conference(desk, conference_id, date=date(2027, 1, 8), start_time=time(10, 0))
    assert set(caught.value.errors) == {"late_reason"}
    assert "07/01/2027" in caught.value.errors["late_reason"]
    assert count_rows() == before
    assert load(desk, conference_id).date == date(2027, 1, 6)

    with pytest.raises(ValidationError) as caught:
        move_conference(
            desk, conference_id, date=date(2027, 1, 8), start_time=time(10, 0), late_reason="busy"
        )
    assert set(caught.value.errors) == {"late_reason"}

    move_conference(
        desk,
        conference_id,
        date=date(2027, 1, 8),
        start_time=time(10, 0),
        late_reason="resource_unavailable",
        late_note="No IRO free",
    )
    conference = load(desk, conference_id)
    assert (conference.late_reason, conference.late_note) == ("resource_unavailable", "No IRO free")
    assert conference.deadline == DEADLINE

    # Back in time: the reason no longer applies.
    move_conference(desk, conference_id, date=date(2027, 1, 7), start_time=time(10, 0))
    conference = load(desk, conference_id)
    assert (conference.late_reason, conference.late_note) == (None, None)


def test_a_move_can_change_or_clear_the_room_and_venue(desk: Desk, people: People) -> None:
    room = add_room(desk, "Conference Room 2")
    conference_id = book(people, desk, room_id=room)
    move_conference(desk, conference_id, date=date(2027, 1, 6), start_time=time(9, 0))
    assert load(desk, conference_id).room_id == room
    move_conference(
        desk,
        conference_id,
        date=date(2027, 1, 6),
        start_time=time(9, 0),
        room_id=None,
        venue="  Family home  ",
        duration_minutes=120,
    )
    conference = load(desk, conference_id)
    assert (conference.room_id, conference.venue, conference.duration_minutes) == (
        None,
        "Family home",
        120,
    )


def test_a_move_that_changes_nothing_records_nothing(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    conference_id = book(people, desk)
    before = count_rows()
    move_conference(desk, conference_id, date=date(2027, 1, 6), start_time=time(13, 30))
    assert count_rows() == before


def test_only_booked_conferences_move(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    conference_id = book(people, desk)
    cancel_conference(desk, conference_id, "Family moved out of area")
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        move_conference(desk, conference_id, date=date(2027, 1, 5), start_time=time(10, 0))
    assert caught.value.errors == {
        "status": "Only a booked conference can be moved; this one is cancelled"
    }
    with pytest.raises(NotFound):
        move_conference(desk, "f" * 32, date=date(2027, 1, 5), start_time=time(10, 0))
    assert count_rows() == before


def test_preview_move_warns_like_a_booking_and_ignores_itself(desk: Desk, people: People) -> None:
    conference_id = book(people, desk)
    preview = preview_move(
        desk, conference_id, date=date(2027, 1, 6), start_time=time(13, 30), today=TODAY
    )
    assert preview.warnings == []  # the conference does not clash with itself
    assert preview.deadline == DEADLINE
    preview = preview_move(
        desk, conference_id, date=date(2027, 1, 8), start_time=time(10, 0), today=TODAY
    )
    assert preview.needs_reason
    preview = preview_move(
        desk, conference_id, date=date(2027, 1, 1), start_time=time(10, 0), today=TODAY
    )
    assert [w.message for w in preview.warnings] == [
        "Friday 1 January 2027 is a bank holiday (New Year's Day)"
    ]


# --- Chair and cancelling -------------------------------------------------------------------


def test_change_chair_needs_an_active_iro(
    desk: Desk,
    people: People,
    count_rows: Callable[[], Counts],
    audit_events: Callable[..., list[Event]],
) -> None:
    conference_id = book(people, desk)
    ivy = add_staff(desk, "Ivy Ross", "iro")
    gone = add_staff(desk, "Gus Old", "iro")
    set_staff_active(desk, gone, False)
    before = count_rows()
    for chair in (people.clerk, gone, "f" * 32):
        with pytest.raises(ValidationError) as caught:
            change_chair(desk, conference_id, chair)
        assert caught.value.errors == {"chair": "The chair must be an active IRO"}
    assert count_rows() == before

    change_chair(desk, conference_id, ivy)
    assert load(desk, conference_id).chair_id == ivy
    (event,) = [e for e in audit_events("conference", conference_id) if e.action == "change chair"]
    assert event.before is not None and event.before["chair_id"] == people.iro
    assert event.after is not None and event.after["chair_id"] == ivy
    assert event.conference_id == conference_id


def test_cancel_needs_a_reason_and_deletes_nothing(
    desk: Desk,
    people: People,
    count_rows: Callable[[], Counts],
    audit_events: Callable[..., list[Event]],
) -> None:
    conference_id = book(people, desk)
    before = count_rows()
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as caught:
            cancel_conference(desk, conference_id, reason)
        assert set(caught.value.errors) == {"reason"}
    assert count_rows() == before

    cancel_conference(desk, conference_id, "  Family moved out of area ")
    conference = load(desk, conference_id)
    assert conference.status == "cancelled"
    assert conference.cancel_reason == "Family moved out of area"
    after = count_rows()
    assert after["conference"] == before["conference"]
    assert after["conference_child"] == before["conference_child"]
    # The cancellation, and Amy's advocacy referral withdrawn with its unsent e-mail stopped.
    assert after["audit_event"] == before["audit_event"] + 3
    (event,) = [e for e in audit_events("conference", conference_id) if e.action == "cancel"]
    assert event.before is not None and event.before["status"] == "booked"
    with pytest.raises(ValidationError):
        cancel_conference(desk, conference_id, "again")


# --- Children on a booked conference -------------------------------------------------------


def test_add_and_remove_a_child(
    desk: Desk,
    people: People,
    count_rows: Callable[[], Counts],
    audit_events: Callable[..., list[Event]],
) -> None:
    conference_id = book(people, desk, child_ids=[people.amy])
    add_child_to_conference(desk, conference_id, people.ben)
    with desk.store.write() as session:
        session.add(AdvocacyReferral(child_id=people.ben, conference_id=conference_id))
    before = count_rows()
    with pytest.raises(ValidationError):
        add_child_to_conference(desk, conference_id, people.ben)  # already there
    with pytest.raises(ValidationError):
        add_child_to_conference(desk, conference_id, people.other_child)  # another family
    assert count_rows() == before

    remove_child_from_conference(desk, conference_id, people.ben)
    with desk.store.read() as session:
        links = session.exec(
            select(ConferenceChild.child_id).where(ConferenceChild.conference_id == conference_id)
        ).all()
        referral = session.exec(
            select(AdvocacyReferral).where(AdvocacyReferral.child_id == people.ben)
        ).one()
    assert links == [people.amy]
    assert referral.withdrawn_at is not None  # withdrawn, not deleted
    removed = [e for e in audit_events("conference_child") if e.action == "remove child"]
    assert len(removed) == 1
    assert removed[0].before is not None and removed[0].before["child_id"] == people.ben
    assert removed[0].after is None
    assert removed[0].conference_id == conference_id

    with pytest.raises(ValidationError) as caught:
        remove_child_from_conference(desk, conference_id, people.amy)
    assert "cancel it instead" in caught.value.errors["children"]


# --- Held -----------------------------------------------------------------------------------


def book_past(desk: Desk, people: People, **changes: object) -> str:
    """An initial conference on Tuesday 24 November 2026 (yesterday), deadline 1 December."""
    fields: dict[str, object] = {
        "date": date(2026, 11, 24),
        "trigger_date": date(2026, 11, 10),
        **changes,
    }
    return book(people, desk, **fields)


def plans(desk: Desk) -> list[ChildProtectionPlan]:
    with desk.store.read() as session:
        return list(
            session.exec(select(ChildProtectionPlan).order_by(col(ChildProtectionPlan.start_date)))
        )


def link(desk: Desk, conference_id: str, child_id: str) -> ConferenceChild:
    with desk.store.read() as session:
        return session.exec(
            select(ConferenceChild).where(
                ConferenceChild.conference_id == conference_id,
                ConferenceChild.child_id == child_id,
            )
        ).one()


def test_initial_starts_a_plan_and_offers_the_first_review(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    conference_id = book_past(desk, people)
    assert load(desk, conference_id).deadline == date(2026, 12, 1)

    result = mark_held(
        desk,
        conference_id,
        {
            people.amy: ChildOutcome("plan", ("emotional", "neglect", "neglect")),
            people.ben: ChildOutcome("no_plan"),
        },
    )

    assert result == HeldResult(
        "first_review",
        date(2026, 11, 24),
        date(2027, 2, 24),
        "1st review",
        None,
        next_child_ids=(people.amy,),
    )
    conference = load(desk, conference_id)
    assert conference.status == "held"
    amy = link(desk, conference_id, people.amy)
    assert amy.decision == "plan"
    assert (amy.neglect, amy.physical, amy.emotional, amy.sexual) == (True, False, True, False)
    ben = link(desk, conference_id, people.ben)
    assert ben.decision == "no_plan"
    assert not (ben.neglect or ben.physical or ben.emotional or ben.sexual)
    (plan,) = plans(desk)
    assert plan.child_id == people.amy
    assert plan.start_conference_id == conference_id
    assert plan.start_date == date(2026, 11, 24)
    assert plan.initial_categories == plan.latest_categories == "neglect;emotional"
    assert plan.end_date is None
    actions = [e.action for e in audit_events() if e.conference_id == conference_id]
    assert actions[-1] == "start minutes"  # in the same transaction (tests/services/test_minutes)
    assert actions[-5:-1] == ["record outcome", "start plan", "record outcome", "held"] or actions[
        -5:-1
    ] == ["record outcome", "record outcome", "start plan", "held"]
    assert all(e.actor == ACTOR for e in audit_events() if e.conference_id == conference_id)


def test_a_review_continues_one_plan_and_ends_another(desk: Desk, people: People) -> None:
    initial = book_past(desk, people)
    mark_held(
        desk,
        initial,
        {
            people.amy: ChildOutcome("plan", ("neglect",)),
            people.ben: ChildOutcome("plan", ("physical",)),
        },
    )
    review = book(people, desk, conference_type="first_review", trigger_date=None, date=TODAY)
    assert load(desk, review).trigger_date == date(2026, 11, 24)

    result = mark_held(
        desk,
        review,
        {
            people.amy: ChildOutcome("continue", ("neglect", "emotional")),
            people.ben: ChildOutcome("end"),
        },
    )

    # Only Amy, whose plan continues, is the next review's subject.
    assert result == HeldResult(
        "subsequent_review",
        TODAY,
        date(2027, 5, 25),
        "Subsequent review",
        None,
        next_child_ids=(people.amy,),
    )
    amy_plan, ben_plan = sorted(plans(desk), key=lambda p: p.child_id != people.amy)
    assert amy_plan.initial_categories == "neglect"
    assert amy_plan.latest_categories == "neglect;emotional"
    assert amy_plan.end_date is None
    assert ben_plan.end_date == TODAY
    assert ben_plan.end_conference_id == review
    assert link(desk, review, people.ben).decision == "end"


def test_a_review_that_ends_every_plan_offers_no_review(desk: Desk, people: People) -> None:
    initial = book_past(desk, people, child_ids=[people.amy])
    mark_held(desk, initial, {people.amy: ChildOutcome("plan", ("sexual",))})
    review = book(
        people,
        desk,
        conference_type="first_review",
        trigger_date=None,
        date=TODAY,
        child_ids=[people.amy],
    )
    assert mark_held(desk, review, {people.amy: ChildOutcome("end")}) == HeldResult(
        None, None, None
    )


def test_an_initial_with_no_plans_offers_no_review(desk: Desk, people: People) -> None:
    conference_id = book_past(desk, people)
    result = mark_held(
        desk,
        conference_id,
        {people.amy: ChildOutcome("no_plan"), people.ben: ChildOutcome("no_plan")},
    )
    assert result == HeldResult(None, None, None)
    assert plans(desk) == []


def test_a_child_new_to_a_review_may_be_given_a_plan(desk: Desk, people: People) -> None:
    """Amy is on a plan; Ben joins at the review with none, and the review gives him one."""
    initial = book_past(desk, people, child_ids=[people.amy])
    mark_held(desk, initial, {people.amy: ChildOutcome("plan", ("neglect",))})
    review = book(people, desk, conference_type="first_review", trigger_date=None, date=TODAY)
    result = mark_held(
        desk,
        review,
        {
            people.amy: ChildOutcome("continue", ("neglect",)),
            people.ben: ChildOutcome("plan", ("neglect",)),
        },
    )
    assert result.next_type == "subsequent_review"
    assert [p.child_id for p in plans(desk)] == [people.amy, people.ben]


def test_after_a_pre_birth_conference_the_review_is_capped_by_the_birth(
    desk: Desk, people: People
) -> None:
    """A pre-birth conference on Monday 2 November 2026; three months on is Tuesday 2 February
    2027. Once the baby's birth on Friday 20 November is recorded, the first review is due
    10 working days after it: Friday 4 December 2026."""
    baby = add_child(
        desk, people.family, "CR1003", "Baby", "Smith", expected_date_of_birth=date(2027, 1, 20)
    )
    conference_id = book(
        people,
        desk,
        conference_type="initial_pre_birth",
        child_ids=[baby],
        date=date(2026, 11, 2),
        trigger_date=date(2026, 10, 20),
    )
    outcome = {baby: ChildOutcome("plan", ("neglect",))}

    clock.set_today(date(2026, 11, 3))  # recorded the next day: the baby is not born yet
    unborn = mark_held(desk, conference_id, outcome)
    assert unborn.next_type == "first_review"
    assert unborn.next_deadline == date(2027, 2, 2)
    assert unborn.note == "Also no later than 10 working days after the birth"


def test_the_birth_cap_applies_once_the_birth_is_recorded(desk: Desk, people: People) -> None:
    baby = add_child(
        desk, people.family, "CR1003", "Baby", "Smith", expected_date_of_birth=date(2027, 1, 20)
    )
    conference_id = book(
        people,
        desk,
        conference_type="initial_pre_birth",
        child_ids=[baby, people.amy],
        date=date(2026, 11, 2),
        trigger_date=date(2026, 10, 20),
    )
    with desk.store.write() as session:
        child = session.get(Child, baby)
        assert child is not None
        child.date_of_birth = date(2026, 11, 20)
        child.sex = "F"
        session.add(child)
    result = mark_held(
        desk,
        conference_id,
        {baby: ChildOutcome("plan", ("neglect",)), people.amy: ChildOutcome("no_plan")},
    )
    assert result == HeldResult(
        "first_review",
        date(2026, 11, 2),
        date(2026, 12, 4),
        "1st review",
        None,
        next_child_ids=(baby,),
    )


def test_held_after_the_deadline_needs_a_reason(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    """A conference whose deadline (here corrected to Friday 20 November) passed before it was
    held, with no late reason on record, is refused until one is given; it is then kept."""
    conference_id = book_past(desk, people, date=date(2026, 11, 24))
    with desk.store.write() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        conference.deadline = date(2026, 11, 20)  # as if the trigger had been earlier
        session.add(conference)
    outcomes = {people.amy: ChildOutcome("no_plan"), people.ben: ChildOutcome("no_plan")}
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        mark_held(desk, conference_id, outcomes)
    assert set(caught.value.errors) == {"late_reason"}
    assert count_rows() == before
    mark_held(desk, conference_id, outcomes, late_reason="family_request", late_note="Asked")
    conference = load(desk, conference_id)
    assert (conference.status, conference.late_reason, conference.late_note) == (
        "held",
        "family_request",
        "Asked",
    )


REFUSED: list[tuple[str, dict[str, tuple[str, tuple[str, ...]]], str]] = [
    ("a child without an outcome", {"amy": ("no_plan", ())}, "outcome.ben"),
    ("a plan without categories", {"amy": ("plan", ()), "ben": ("no_plan", ())}, "outcome.amy"),
    (
        "categories with no plan",
        {"amy": ("no_plan", ("neglect",)), "ben": ("no_plan", ())},
        "outcome.amy",
    ),
    (
        "a plan continuing at an initial conference",
        {"amy": ("continue", ("neglect",)), "ben": ("no_plan", ())},
        "outcome.amy",
    ),
    (
        "a plan ending with no plan",
        {"amy": ("end", ()), "ben": ("no_plan", ())},
        "outcome.amy",
    ),
    (
        "an unknown category",
        {"amy": ("plan", ("bullying",)), "ben": ("no_plan", ())},
        "outcome.amy",
    ),
    ("an unknown decision", {"amy": ("maybe", ()), "ben": ("no_plan", ())}, "outcome.amy"),
    (
        "a child from another family",
        {"amy": ("no_plan", ()), "ben": ("no_plan", ()), "other_child": ("no_plan", ())},
        "outcomes",
    ),
]


@pytest.mark.parametrize(
    ("given", "field"), [(g, f) for _, g, f in REFUSED], ids=[n for n, _, _ in REFUSED]
)
def test_bad_outcomes_are_refused_and_nothing_is_written(
    desk: Desk,
    people: People,
    count_rows: Callable[[], Counts],
    given: dict[str, tuple[str, tuple[str, ...]]],
    field: str,
) -> None:
    conference_id = book_past(desk, people)
    outcomes = {
        getattr(people, name): ChildOutcome(decision, categories)
        for name, (decision, categories) in given.items()
    }
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        mark_held(desk, conference_id, outcomes)
    key = field
    for name in ("amy", "ben"):
        key = key.replace(name, getattr(people, name))
    assert key in caught.value.errors, caught.value.errors
    assert count_rows() == before
    assert load(desk, conference_id).status == "booked"


def test_review_decisions_must_fit_the_plan(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    initial = book_past(desk, people, child_ids=[people.amy])
    mark_held(desk, initial, {people.amy: ChildOutcome("plan", ("neglect",))})
    review = book(people, desk, conference_type="first_review", trigger_date=None, date=TODAY)
    before = count_rows()
    for amy, ben in (
        (ChildOutcome("plan", ("neglect",)), ChildOutcome("no_plan")),  # already on a plan
        (ChildOutcome("no_plan"), ChildOutcome("no_plan")),  # a plan ends, it is not "no plan"
        (ChildOutcome("continue", ("neglect",)), ChildOutcome("continue", ("neglect",))),
        (ChildOutcome("continue", ()), ChildOutcome("no_plan")),
    ):
        with pytest.raises(ValidationError):
            mark_held(desk, review, {people.amy: amy, people.ben: ben})
    assert count_rows() == before


def test_only_a_booked_conference_whose_day_has_come_is_held(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    future = book(people, desk)
    outcomes = {people.amy: ChildOutcome("no_plan"), people.ben: ChildOutcome("no_plan")}
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        mark_held(desk, future, outcomes)
    assert set(caught.value.errors) == {"date"}
    assert count_rows() == before

    past = book_past(desk, people)
    mark_held(desk, past, outcomes)
    with pytest.raises(ValidationError) as caught:
        mark_held(desk, past, outcomes)
    assert set(caught.value.errors) == {"status"}


def test_a_late_reason_given_at_booking_counts_when_held(desk: Desk, people: People) -> None:
    """Strategy discussion Friday 30 October 2026: the deadline was Friday 20 November."""
    conference_id = book_past(
        desk, people, trigger_date=date(2026, 10, 30), late_reason="report_unavailable"
    )
    assert load(desk, conference_id).deadline == date(2026, 11, 20)
    mark_held(
        desk,
        conference_id,
        {people.amy: ChildOutcome("no_plan"), people.ben: ChildOutcome("no_plan")},
    )
    assert load(desk, conference_id).late_reason == "report_unavailable"
