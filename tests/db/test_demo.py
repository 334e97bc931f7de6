"""The demo generator: exact size, repeatable, and consistent with the unit's own rules.

The demo database is what people see first and what benchmarks measure, so its records must
obey the same rules the app enforces (deadlines, referrals, minutes, plans) and the schema's
constraints, or screens and reports would show nonsense on it.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from siu_tui import clock
from siu_tui.db.demo import DemoSummary, generate
from siu_tui.db.engine import Store
from siu_tui.db.migrate import ensure_current
from siu_tui.db.models import (
    AdvocacyReferral,
    AuditEvent,
    Challenge,
    Child,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    Family,
    Invitee,
    LocalityTeam,
    Minutes,
    OutboxMessage,
    Staff,
    StandDown,
)
from siu_tui.domain.advocacy import eligible_for_advocacy
from siu_tui.domain.challenges import default_response_due, escalated_outcome
from siu_tui.domain.codes import ChallengeLevel, ConferenceType
from siu_tui.domain.periods import week_of
from siu_tui.domain.references import normalise_case_reference
from siu_tui.domain.timescales import birth_since, conference_deadline
from siu_tui.domain.workingdays import is_working_day, working_days_between

TODAY = date(2026, 11, 25)  # a Wednesday
N = 300


def _store(path: Path) -> Store:
    store = Store(f"sqlite:///{path}")
    ensure_current(store)
    return store


@pytest.fixture(scope="module")
def pinned() -> Iterator[date]:
    clock.set_today(TODAY)
    try:
        yield TODAY
    finally:
        clock.set_today(None)


@pytest.fixture(scope="module")
def demo(pinned: date, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One generated database shared by the read-only checks (generation is the slow part)."""
    store = _store(tmp_path_factory.mktemp("demo") / "d.db")
    calls: list[tuple[int, int]] = []
    summary = generate(store, N, progress=lambda done, total: calls.append((done, total)))
    store.summary = summary  # type: ignore[attr-defined]
    store.progress_calls = calls  # type: ignore[attr-defined]
    try:
        yield store
    finally:
        store.dispose()


def _all(store: Store, model: type) -> list:  # type: ignore[type-arg]
    with store.read() as session:
        return list(session.exec(select(model)))


def test_exactly_the_requested_number_of_conferences(demo: Store) -> None:
    assert len(_all(demo, Conference)) == N
    summary: DemoSummary = demo.summary  # type: ignore[attr-defined]
    assert summary.conferences == N
    assert summary.invitees == len(_all(demo, Invitee))
    assert any(line.startswith("conferences") for line in summary.as_lines())


def test_progress_reaches_the_total(demo: Store) -> None:
    calls = demo.progress_calls  # type: ignore[attr-defined]
    assert calls and calls[-1] == (N, N)
    assert all(total == N for _, total in calls)


def _projection(store: Store) -> list[tuple]:  # type: ignore[type-arg]
    with store.read() as session:
        rows = session.exec(
            select(
                Conference.reference,
                Conference.date,
                Conference.start_time,
                Conference.type,
                Conference.status,
                Conference.trigger_date,
                Conference.deadline,
            )
        ).all()
    return sorted(tuple(row) for row in rows)


def test_same_seed_same_data(pinned: date, tmp_path: Path) -> None:
    first, second, other = (_store(tmp_path / f"{n}.db") for n in ("a", "b", "c"))
    generate(first, 120, seed=7)
    generate(second, 120, seed=7)
    generate(other, 120, seed=8)
    assert _projection(first) == _projection(second)
    assert _projection(first) != _projection(other)
    for store in (first, second, other):
        store.dispose()


def test_refuses_a_database_that_has_conferences(demo: Store) -> None:
    with pytest.raises(ValueError, match="already holds conferences"):
        generate(demo, 10)
    assert len(_all(demo, Conference)) == N


def test_statuses_follow_the_calendar(demo: Store) -> None:
    for conf in _all(demo, Conference):
        assert is_working_day(conf.date)
        if conf.date >= TODAY:
            assert conf.status == "booked"
        else:
            assert conf.status in {"held", "stood_down", "cancelled"}
        if conf.date > conf.deadline:
            assert conf.late_reason, conf.reference
        assert conf.created_at.tzinfo is not None


def test_the_current_week_is_busy_with_a_late_booking(demo: Store) -> None:
    confs = _all(demo, Conference)
    by_day: dict[date, int] = defaultdict(int)
    for conf in confs:
        by_day[conf.date] += 1
    week = week_of(TODAY)
    day = week.start
    while day <= week.end:
        if is_working_day(day):
            assert by_day[day] >= 3, day
        day += timedelta(days=1)
    assert by_day[TODAY] >= 4
    assert any(c.status == "booked" and c.deadline < TODAY for c in confs)


def test_deadlines_are_the_rules_own(demo: Store) -> None:
    confs = _all(demo, Conference)
    children = {c.id: c for c in _all(demo, Child)}
    present: dict[str, list[Child]] = defaultdict(list)
    for link in _all(demo, ConferenceChild):
        present[link.conference_id].append(children[link.child_id])
    held_by_family: dict[str, list[Conference]] = defaultdict(list)
    for conf in confs:
        if conf.status == "held":
            held_by_family[conf.family_id].append(conf)
    reviews = 0
    for conf in confs:
        kind = ConferenceType(conf.type)
        if kind.is_initial:
            assert conf.deadline == conference_deadline(kind, conf.trigger_date), conf.reference
            assert conf.trigger_date <= TODAY
            continue
        reviews += 1
        earlier = [h for h in held_by_family[conf.family_id] if h.date < conf.date]
        previous = max(earlier, key=lambda h: (h.date, h.start_time))
        birth = birth_since(previous.date, [c.date_of_birth for c in present[conf.id]])
        assert conf.trigger_date == previous.date, conf.reference
        expected = conference_deadline(
            kind, previous.date, previous_type=previous.type, birth_date=birth
        )
        assert conf.deadline == expected, conf.reference
    assert reviews > 0


def test_stood_down_conferences_are_logged_and_rebooked(demo: Store) -> None:
    confs = {c.id: c for c in _all(demo, Conference)}
    logs = {s.conference_id: s for s in _all(demo, StandDown)}
    stood_down = [c for c in confs.values() if c.status == "stood_down"]
    assert stood_down
    assert set(logs) == {c.id for c in stood_down}
    for log in logs.values():
        assert log.decided_by in {"chair", "manager"} and log.note
        if log.rebooked_conference_id is None:
            continue
        original, rebooked = confs[log.conference_id], confs[log.rebooked_conference_id]
        assert rebooked.rebooks_id == original.id
        assert rebooked.date > original.date
        expected = "initial_reconvened" if original.type.startswith("initial") else original.type
        assert rebooked.type == expected
    for conf in confs.values():
        if conf.status == "cancelled":
            assert conf.cancel_reason


def test_every_held_conference_has_minutes(demo: Store) -> None:
    minutes = {m.conference_id: m for m in _all(demo, Minutes)}
    held = [c for c in _all(demo, Conference) if c.status == "held"]
    assert held and {c.id for c in held} == set(minutes)
    for conf in held:
        m = minutes[conf.id]
        assert m.distribution_due > conf.date
        if m.stage == "distributed":
            assert m.distributed_at is not None and conf.date < m.distributed_at <= TODAY


def test_older_children_are_referred_for_advocacy(demo: Store) -> None:
    children = {c.id: c for c in _all(demo, Child)}
    confs = {c.id: c for c in _all(demo, Conference)}
    referrals = {(r.child_id, r.conference_id): r for r in _all(demo, AdvocacyReferral)}
    outbox = {m.related_id: m for m in _all(demo, OutboxMessage)}
    checked = 0
    for link in _all(demo, ConferenceChild):
        conf = confs[link.conference_id]
        child = children[link.child_id]
        if conf.status in {"booked", "held"} and eligible_for_advocacy(
            child.date_of_birth, conf.date
        ):
            referral = referrals[(child.id, conf.id)]
            assert referral.automatic
            checked += 1
    assert checked > 0
    for referral in referrals.values():
        assert referral.automatic or referral.reason
        message = outbox[referral.id]
        assert message.kind == "advocacy"
        assert confs[referral.conference_id].reference in message.subject
        expected = "sent" if confs[referral.conference_id].date < TODAY else "queued"
        assert message.state == expected


def test_plans_follow_the_decisions(demo: Store) -> None:
    confs = {c.id: c for c in _all(demo, Conference)}
    decisions = {(d.conference_id, d.child_id): d for d in _all(demo, ConferenceChild)}
    plans = _all(demo, ChildProtectionPlan)
    assert plans
    for plan in plans:
        start = decisions[(plan.start_conference_id, plan.child_id)]
        assert start.decision == "plan"
        assert confs[plan.start_conference_id].date == plan.start_date
        assert plan.initial_categories and plan.latest_categories
        if plan.end_conference_id is not None:
            assert confs[plan.end_conference_id].date == plan.end_date
            assert plan.end_date is not None and plan.end_date > plan.start_date
    for link in decisions.values():
        if link.decision in {"plan", "continue"}:
            assert link.neglect or link.physical or link.emotional or link.sexual
        if link.decision is None:
            assert confs[link.conference_id].status != "held"


def test_references_and_addresses_are_synthetic(demo: Store) -> None:
    allowed = set(string.ascii_uppercase + string.digits)
    for child in _all(demo, Child):
        assert len(child.case_reference) <= 20 and set(child.case_reference) <= allowed
        assert normalise_case_reference(child.case_reference) == child.case_reference
        assert child.case_reference.startswith("DEMO")
        if child.date_of_birth is None:
            assert child.sex == "U" and child.expected_date_of_birth is not None
    addresses = [s.email for s in _all(demo, Staff)]
    teams = {t.name for t in _all(demo, LocalityTeam)}
    for family in _all(demo, Family):
        assert family.reference.startswith("DEMO-F")
        assert family.locality_team in teams
        addresses += [family.social_worker_email, family.team_manager_email]
    addresses += [i.email for i in _all(demo, Invitee)]
    addresses += [m.to_address for m in _all(demo, OutboxMessage)]
    assert all(a is None or a.endswith("@example.org") for a in addresses)


def test_database_constraints_hold(demo: Store) -> None:
    with demo.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_the_run_is_audited(demo: Store) -> None:
    events = [e for e in _all(demo, AuditEvent) if e.action == "demo data"]
    assert len(events) == 1
    assert events[0].actor == "demo" and events[0].record_type == "database"


def test_at_least_one_conference(tmp_path: Path) -> None:
    store = _store(tmp_path / "z.db")
    with pytest.raises(ValueError):
        generate(store, 0)
    store.dispose()


def test_four_to_nine_invitees_with_quorate_held_conferences(demo: Store) -> None:
    per_conference: dict[str, list[Invitee]] = defaultdict(list)
    for invitee in _all(demo, Invitee):
        per_conference[invitee.conference_id].append(invitee)
    confs = _all(demo, Conference)
    assert {c.id for c in confs} == set(per_conference)
    for conf in confs:
        invitees = per_conference[conf.id]
        assert 4 <= len(invitees) <= 9
        assert any(i.agency == "social_care" for i in invitees)
        if conf.status == "held":
            assert conf.quorate is True
        for invitee in invitees:
            if invitee.invited_at is not None:
                assert conf.trigger_date < invitee.invited_at <= min(conf.date, TODAY)
            if invitee.report_received_at is not None:
                assert invitee.report_received_at <= TODAY
            # A format is recorded only with the day the report arrived.
            assert (invitee.report_format == "none") == (invitee.report_received_at is None)


def test_challenges_are_chains_the_app_could_have_made(demo: Store) -> None:
    """Due dates by the rule, escalations closed on the day the next level was raised with the
    app's own outcome, nothing open for long, and teams from the locality team list."""
    challenges = {c.id: c for c in _all(demo, Challenge)}
    assert challenges
    staff = {s.id: s for s in _all(demo, Staff)}
    conferences = {c.id: c for c in _all(demo, Conference)}
    teams = {t.name for t in _all(demo, LocalityTeam)}
    later = {c.escalated_from_id: c for c in challenges.values() if c.escalated_from_id}
    for c in challenges.values():
        assert staff[c.raised_by_id].role == "iro"
        assert c.response_due == default_response_due(c.raised_on)
        assert c.raised_on <= TODAY
        assert c.team in teams
        if c.conference_id is not None:
            assert conferences[c.conference_id].family_id == c.family_id
        following = later.get(c.id)
        if following is not None:
            assert following.level == ChallengeLevel(c.level).next
            assert (c.resolved_on, c.outcome) == (
                following.raised_on,
                escalated_outcome(ChallengeLevel(following.level)),
            )
            assert (following.family_id, following.category) == (c.family_id, c.category)
        elif c.resolved_on is None and c.response_due < TODAY:
            assert working_days_between(c.response_due, TODAY) <= 30
        elif c.resolved_on is not None:
            assert c.outcome and c.raised_on < c.resolved_on <= TODAY


def test_referral_e_mails_say_what_the_advocate_needs(demo: Store) -> None:
    children = {c.id: c for c in _all(demo, Child)}
    confs = {c.id: c for c in _all(demo, Conference)}
    outbox = {m.related_id: m for m in _all(demo, OutboxMessage)}
    referrals = _all(demo, AdvocacyReferral)
    for referral in referrals:
        child, conf = children[referral.child_id], confs[referral.conference_id]
        body = outbox[referral.id].body
        assert f"{child.first_name} {child.last_name}, aged " in body
        assert conf.date.strftime("%d/%m/%Y") in body
        assert outbox[referral.id].to_address == "advocacy@example.org"
        if referral.withdrawn_at is not None:
            assert conf.status in {"cancelled", "stood_down"}
            assert referral.reason


def test_the_weeks_ahead_have_reports_to_chase_and_some_conferences_at_risk(demo: Store) -> None:
    from siu_tui.services.context import Desk
    from siu_tui.services.home import home_summary
    from siu_tui.services.outstanding import count_outstanding, outstanding_reports

    desk = Desk(demo, "test")
    page = outstanding_reports(desk, TODAY)
    assert page.rows and count_outstanding(desk, TODAY) >= len(page.rows)
    kinds = {row.kind for row in page.rows}
    assert {"sw_parents", "sw_chair", "agency"} <= kinds
    summary = home_summary(desk, TODAY)
    flagged = {item.kind for item in summary.attention}
    assert "Expected inquorate" in flagged and "SW report overdue" in flagged
    week = summary.week
    assert any(row.risk for row in week) and not all(row.risk for row in week if row.date >= TODAY)


def test_minutes_returns_recipients_and_weekly_reviews(demo: Store) -> None:
    """Returned drafts wait with the clerk with the chair's note; distributed minutes of the
    last quarter record their recipients (the invite list); every past week but the last is
    mostly reviewed by a manager."""
    from siu_tui.db.models import MinutesRecipient, MinutesWeekReview

    confs = {c.id: c for c in _all(demo, Conference)}
    minutes = {m.id: m for m in _all(demo, Minutes)}
    staff = {s.name: s for s in _all(demo, Staff)}
    returned = [m for m in minutes.values() if m.stage == "awaiting_draft" and m.returned_note]
    assert all(m.draft_to_chair_at is not None for m in returned)
    assert all(m.holder_id == confs[m.conference_id].clerk_id for m in returned)

    recipients = _all(demo, MinutesRecipient)
    summary: DemoSummary = demo.summary  # type: ignore[attr-defined]
    assert summary.minutes_recipients == len(recipients) > 0
    invitees = {i.id: i for i in _all(demo, Invitee)}
    for r in recipients:
        m = minutes[r.minutes_id]
        assert m.stage == "distributed"
        invitee = invitees[r.invitee_id]
        assert invitee.conference_id == m.conference_id
        assert (r.name, r.email) == (invitee.name, invitee.email)
        assert not r.emailed or r.email

    reviews = _all(demo, MinutesWeekReview)
    assert summary.week_reviews == len(reviews) > 0
    last_week = week_of(TODAY).start - timedelta(weeks=1)
    assert all(r.week_start.weekday() == 0 and r.week_start < last_week for r in reviews)
    assert all(staff[r.reviewed_by].role == "manager" for r in reviews)
    assert all(r.note.startswith("Demo:") for r in reviews)


def test_names_carry_their_folded_copies_for_search(demo: Store) -> None:
    """Written in bulk, past the session events: every name still gets its folded copy."""
    from siu_tui.domain.folding import fold

    families = _all(demo, Family)
    children = _all(demo, Child)
    assert families and children
    assert all(f.name_folded == fold(f.name) for f in families)
    assert all(
        (c.first_name_folded, c.last_name_folded) == (fold(c.first_name), fold(c.last_name))
        for c in children
    )
