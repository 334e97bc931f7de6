"""Logging, escalating and resolving challenges on a real database: audited, all-or-nothing,
and listed a page at a time.

Today is Wednesday 25 November 2026: a challenge raised today is due Wednesday 2 December
(5 working days); one raised Monday 16 November was due Monday 23 November.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from siu_tui.db.models import AuditEvent, Challenge
from siu_tui.services.challenges import (
    ChallengeFilter,
    ChallengeRequest,
    EscalationRequest,
    challenge_detail,
    challenge_figures,
    challenge_teams,
    count_challenges,
    escalate_challenge,
    family_challenges,
    list_challenges,
    log_challenge,
    resolve_challenge,
)
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.people import add_staff
from siu_tui.services.record import conference_history
from siu_tui.services.settings import save_setting

from .conftest import ACTOR, Event, People
from .helpers import history_conference

TODAY = date(2026, 11, 25)


def request(people: People, **changes: object) -> ChallengeRequest:
    values: dict[str, object] = {
        "family_id": people.family,
        "raised_by_id": people.iro,
        "level": "practice",
        "category": "visits",
        "description": "No visit recorded since the last review",
        "raised_on": TODAY,
        "person_challenged": "Sam Worker",
        "team": "North",
    }
    values.update(changes)
    return ChallengeRequest(**values)  # type: ignore[arg-type]


def challenges_and_events(desk: Desk) -> tuple[int, int]:
    with desk.store.read() as session:
        return (
            session.exec(select(func.count()).select_from(Challenge)).one(),
            session.exec(select(func.count()).select_from(AuditEvent)).one(),
        )


def test_log_a_challenge_with_the_default_response_date(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    conference = history_conference(desk, people.family, [people.amy], date(2026, 11, 20))
    challenge_id = log_challenge(desk, request(people, conference_id=conference))
    row = challenge_detail(desk, challenge_id).challenge
    assert (row.level_label, row.category_label) == (
        "Practice discussion",
        "Lack of social work visits",
    )
    assert row.response_due == date(2026, 12, 2)
    assert row.state == "open" and not row.overdue and row.response == "5 working days left"
    assert (row.family_name, row.raised_by, row.conference_id) == ("Smith", "Iris Reed", conference)
    [event] = audit_events("challenge")
    assert (event.actor, event.action, event.conference_id) == (ACTOR, "log challenge", conference)
    assert event.after is not None and event.after["level"] == "practice"
    # The conference's own history shows it.
    assert [h.action for h in conference_history(desk, conference)] == ["log challenge"]


def test_the_response_date_follows_the_setting_and_can_be_typed(desk: Desk, people: People) -> None:
    save_setting(desk, "challenge_response_working_days", 2)
    first = log_challenge(desk, request(people))
    assert challenge_detail(desk, first).challenge.response_due == date(2026, 11, 27)
    typed = log_challenge(desk, request(people, response_due=date(2026, 12, 18)))
    assert challenge_detail(desk, typed).challenge.response_due == date(2026, 12, 18)


def test_a_refused_challenge_writes_nothing_and_names_every_field(
    desk: Desk, people: People
) -> None:
    manager_gone = add_staff(desk, "Old Clerk", "clerk")
    before = challenges_and_events(desk)
    other_conference = history_conference(
        desk, people.other_family, [people.other_child], date(2026, 11, 2)
    )
    before = challenges_and_events(desk)
    with pytest.raises(ValidationError) as refused:
        log_challenge(
            desk,
            request(
                people,
                raised_by_id=manager_gone,
                level="shouting",
                category="",
                description="  ",
                raised_on=date(2026, 11, 26),
                conference_id=other_conference,
                person_challenged="x" * 121,
            ),
        )
    errors = refused.value.errors
    assert set(errors) == {
        "raised_by",
        "level",
        "category",
        "description",
        "raised_on",
        "conference",
        "person_challenged",
    }
    assert "has not come yet" in errors["raised_on"]
    assert errors["conference"] == "The conference must be one of this family's"
    assert errors["raised_by"] == "Choose an active IRO or SIU manager"
    assert challenges_and_events(desk) == before

    with pytest.raises(ValidationError) as early:
        log_challenge(desk, request(people, response_due=date(2026, 11, 24)))
    assert early.value.errors == {
        "response_due": "The response cannot be due before the challenge was raised"
    }
    with pytest.raises(ValidationError) as nobody:
        log_challenge(desk, request(people, family_id="", raised_by_id=""))
    assert set(nobody.value.errors) == {"family", "raised_by"}
    assert challenges_and_events(desk) == before


def test_escalate_through_every_level_then_resolve(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    conference = history_conference(desk, people.family, [people.amy], date(2026, 10, 1))
    manager = add_staff(desk, "Mo Manager", "manager")
    current = log_challenge(
        desk, request(people, raised_on=date(2026, 10, 5), conference_id=conference)
    )
    first = current
    days = [date(2026, 10, 12), date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 2)]
    for n, day in enumerate(days):
        current = escalate_challenge(
            desk,
            current,
            EscalationRequest(
                raised_on=day,
                description=f"Response not accepted ({n + 1})",
                raised_by_id=manager if n == 3 else None,
                person_challenged="Tina Manager" if n == 1 else None,
            ),
        )
    detail = challenge_detail(desk, first)
    assert [r.level for r in detail.chain] == [
        "practice",
        "professional",
        "team_manager",
        "service_manager",
        "assistant_director",
    ]
    assert [r.state for r in detail.chain] == ["escalated"] * 4 + ["open"]
    assert detail.chain[0].resolved_on == date(2026, 10, 12)
    assert detail.chain[0].outcome == "Escalated to the next level: professional discussion"
    assert detail.chain[0].escalated_to_id == detail.chain[1].id
    assert detail.chain[1].escalated_from_id == first
    # Defaults carried from the level before; the person changes when the IRO says so.
    assert [r.person_challenged for r in detail.chain] == [
        "Sam Worker",
        "Sam Worker",
        "Tina Manager",
        "Tina Manager",
        "Tina Manager",
    ]
    assert detail.chain[-1].raised_by == "Mo Manager"
    assert {r.category for r in detail.chain} == {"visits"}
    assert {r.conference_id for r in detail.chain} == {conference}
    # The same chain whichever level is opened.
    assert [r.id for r in challenge_detail(desk, current).chain] == [r.id for r in detail.chain]
    assert detail.latest.response_due == date(2026, 11, 9)
    assert detail.latest.overdue_days == 12

    with pytest.raises(ValidationError, match="the last level: resolve it"):
        escalate_challenge(desk, current, EscalationRequest(TODAY, "Once more"))
    with pytest.raises(ValidationError, match="already escalated: only an open one"):
        resolve_challenge(desk, first, outcome="Sorted", resolved_on=TODAY)

    resolve_challenge(desk, current, outcome="Visits now weekly", resolved_on=date(2026, 11, 20))
    latest = challenge_detail(desk, current).latest
    assert (latest.state, latest.outcome, latest.overdue_days) == (
        "resolved",
        "Visits now weekly",
        0,
    )
    with pytest.raises(ValidationError, match="already resolved"):
        resolve_challenge(desk, current, outcome="Again", resolved_on=TODAY)
    actions = [e.action for e in audit_events("challenge")]
    assert actions == [
        "log challenge",
        *["escalate challenge", "log escalation"] * 4,
        "resolve challenge",
    ]
    assert {e.conference_id for e in audit_events("challenge")} == {conference}
    # The conference's history names the level an escalation came from, not its key.
    changes = [h.changes for h in conference_history(desk, conference)]
    assert any("escalated_from: practice; family: FAM-0001" in c for c in changes)


def test_escalation_and_resolution_refuse_bad_dates_and_write_nothing(
    desk: Desk, people: People
) -> None:
    challenge_id = log_challenge(desk, request(people, raised_on=date(2026, 11, 16)))
    before = challenges_and_events(desk)
    with pytest.raises(ValidationError) as refused:
        escalate_challenge(desk, challenge_id, EscalationRequest(date(2026, 11, 13), " "))
    assert set(refused.value.errors) == {"raised_on", "description"}
    assert "raised on 16/11/2026: escalate on or after it" in refused.value.errors["raised_on"]
    with pytest.raises(ValidationError) as future:
        resolve_challenge(desk, challenge_id, outcome="", resolved_on=date(2026, 11, 26))
    assert set(future.value.errors) == {"outcome", "resolved_on"}
    with pytest.raises(ValidationError, match="cannot be resolved before then"):
        resolve_challenge(desk, challenge_id, outcome="Done", resolved_on=date(2026, 11, 13))
    assert challenges_and_events(desk) == before
    with pytest.raises(NotFound):
        resolve_challenge(desk, "nope", outcome="Done", resolved_on=TODAY)
    with pytest.raises(NotFound):
        challenge_detail(desk, "nope")


def test_list_filters_and_pages(desk: Desk, people: People) -> None:
    second_iro = add_staff(desk, "Ivy Second", "iro")
    ids = []
    for n in range(12):
        day = date(2026, 11, 2 + n)
        ids.append(
            log_challenge(
                desk,
                request(
                    people,
                    raised_on=day,
                    raised_by_id=second_iro if n % 3 == 0 else people.iro,
                    category="plan_delay" if n % 2 else "visits",
                    team="South" if n % 4 == 0 else "North",
                    family_id=people.other_family if n == 11 else people.family,
                ),
            )
        )
    escalation = escalate_challenge(
        desk, ids[0], EscalationRequest(date(2026, 11, 9), "Not put right")
    )
    resolve_challenge(desk, ids[1], outcome="Agreed", resolved_on=date(2026, 11, 10))

    everything = ChallengeFilter()
    first = list_challenges(desk, everything, TODAY, limit=5)
    assert len(first.rows) == 5 and first.cursor is not None
    seen = [r.id for r in first.rows]
    cursor = first.cursor
    while cursor is not None:
        page = list_challenges(desk, everything, TODAY, cursor=cursor, limit=5)
        seen += [r.id for r in page.rows]
        cursor = page.cursor
    assert len(seen) == len(set(seen)) == 13
    days = [r for r in list_challenges(desk, everything, TODAY, limit=100).rows]
    assert [r.raised_on for r in days] == sorted((r.raised_on for r in days), reverse=True)

    def ids_for(**flt: object) -> set[str]:
        rows = list_challenges(desk, ChallengeFilter(**flt), TODAY, limit=100).rows  # type: ignore[arg-type]
        return {r.id for r in rows}

    assert ids_for(state="escalated") == {ids[0]}
    assert ids_for(state="resolved") == {ids[1]}
    assert ids_for(state="closed") == {ids[0], ids[1]}
    assert len(ids_for(state="open")) == 11
    # Due before today: raised on or before Tuesday 17 November (due the 24th).
    overdue = ids_for(state="overdue")
    assert ids[0] not in overdue and ids[1] not in overdue
    overdue_rows = list_challenges(desk, ChallengeFilter(state="overdue"), TODAY).rows
    assert {r.raised_on for r in overdue_rows} <= {date(2026, 11, d) for d in range(2, 18)}
    assert all(r.overdue and r.response.startswith("overdue by") for r in overdue_rows)
    # The escalation is raised by the same IRO and keeps the team.
    assert ids_for(raised_by_id=second_iro) == {ids[0], ids[3], ids[6], ids[9], escalation}
    assert ids_for(category="plan_delay") == set(ids[1::2])
    assert ids_for(level="professional") == {escalation}
    assert ids_for(team="south") == {ids[0], ids[4], ids[8], escalation}
    assert ids_for(date_from=date(2026, 11, 12), date_to=date(2026, 11, 13)) == {
        ids[10],
        ids[11],
    }
    assert ids_for(family_id=people.other_family) == {ids[11]}
    counts = count_challenges(desk, everything, TODAY)
    assert (counts.total, counts.open) == (13, 11)
    assert counts.overdue == len(overdue)
    assert [r.id for r in family_challenges(desk, people.other_family)] == [ids[11]]
    assert challenge_teams(desk) == ["North", "South"]


def test_figures_for_a_period(desk: Desk, people: People) -> None:
    first = log_challenge(desk, request(people, raised_on=date(2026, 10, 1)))
    later = escalate_challenge(desk, first, EscalationRequest(date(2026, 10, 8), "Not enough"))
    resolve_challenge(desk, later, outcome="Plan updated", resolved_on=date(2026, 10, 21))
    log_challenge(desk, request(people, raised_on=date(2026, 11, 2), category="legal_advice"))
    log_challenge(desk, request(people, raised_on=date(2026, 9, 30)))  # the quarter before

    figures = challenge_figures(desk, date(2026, 10, 1), date(2026, 12, 31))
    assert figures.as_at == TODAY
    total = figures.total
    # One challenge escalated once is one challenge and one escalation, not two challenges.
    assert (total.challenges, total.escalations) == (2, 1)
    assert (total.open, total.overdue, total.escalated_further, total.resolved) == (1, 1, 1, 1)
    assert total.average_days == 20  # 1 October to 21 October, across the escalation
    by_level = {x.code: x for x in figures.by_level}
    assert (by_level["practice"].challenges, by_level["practice"].escalations) == (2, 0)
    assert (by_level["professional"].challenges, by_level["professional"].escalations) == (0, 1)
    assert by_level["professional"].resolved == 1
    by_category = {x.code: x for x in figures.by_category}
    assert (by_category["visits"].challenges, by_category["visits"].escalations) == (1, 1)
    assert by_category["legal_advice"].open == 1
    with pytest.raises(ValidationError):
        challenge_figures(desk, date(2026, 12, 31), date(2026, 10, 1))
