"""Challenges at every stage on the sample database, for the challenge tests and snapshots."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from siu_tui.db.models import Family
from siu_tui.services.challenges import (
    ChallengeRequest,
    EscalationRequest,
    escalate_challenge,
    log_challenge,
    resolve_challenge,
)
from siu_tui.services.context import Desk
from siu_tui.services.people import add_staff, list_staff

from .conftest import MARKUP_FAMILIES


def families(desk: Desk) -> dict[str, str]:
    with desk.store.read() as session:
        return {f.name: f.id for f in session.exec(select(Family))}


@pytest.fixture
def challenged_url(sample_url: str) -> str:
    """The sample families with challenges at every stage:

    - Smith [/x]: a practice discussion raised 16/11/2026, its response 2 days overdue;
    - the click family: a professional discussion raised today, by a manager;
    - Quillfeather: raised 02/11, escalated 09/11 to a professional discussion, resolved 13/11.
    """
    desk = Desk.open(sample_url, "fixture")
    ada = list_staff(desk, "iro")[0].id
    mo = add_staff(desk, "Mo Manager", "manager")
    names = families(desk)
    smith, click = (names[n] for n in MARKUP_FAMILIES)

    def request(family: str, raised: date, **extra: object) -> ChallengeRequest:
        values: dict[str, object] = {
            "family_id": family,
            "raised_by_id": ada,
            "level": "practice",
            "category": "visits",
            "description": "No visit recorded [/b] since the review",
            "raised_on": raised,
            "person_challenged": "Sam [i]Worker",
            "team": "North",
        }
        values.update(extra)
        return ChallengeRequest(**values)  # type: ignore[arg-type]

    log_challenge(desk, request(smith, date(2026, 11, 16)))
    log_challenge(
        desk,
        request(
            click,
            date(2026, 11, 25),
            level="professional",
            category="report_sufficiency",
            raised_by_id=mo,
            team="South",
        ),
    )
    first = log_challenge(
        desk, request(names["Quillfeather"], date(2026, 11, 2), category="plan_delay")
    )
    later = escalate_challenge(
        desk, first, EscalationRequest(date(2026, 11, 9), "Plan still not updated")
    )
    resolve_challenge(desk, later, outcome="Plan updated", resolved_on=date(2026, 11, 13))
    desk.close()
    return sample_url
