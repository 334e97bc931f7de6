"""Re-booking a stood-down conference: its type, the deadline it keeps, its target."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from siu_tui.domain.codes import ConferenceType, Reason
from siu_tui.domain.settings import DEFAULT_RULES
from siu_tui.domain.standdown import (
    allowed_rebook_types,
    met_deadline,
    rebooking,
    totals_by_reason,
)

STRATEGY = date(2026, 11, 20)
DEADLINE = date(2026, 12, 11)
ON = date(2026, 12, 10)  # a Thursday


@pytest.mark.parametrize(
    "ctype",
    [ConferenceType.INITIAL, ConferenceType.INITIAL_PRE_BIRTH, ConferenceType.INITIAL_TRANSFER_IN],
)
def test_an_inquorate_initial_is_reconvened_within_ten_working_days(ctype: ConferenceType) -> None:
    plan = rebooking(ctype, Reason.NOT_QUORATE, ON, STRATEGY, DEADLINE)
    assert plan.conference_type is ConferenceType.INITIAL_RECONVENED
    assert (plan.trigger_date, plan.deadline) == (STRATEGY, DEADLINE)
    # 10 working days after Thursday 10 December 2026, over Christmas and Boxing Day
    # (Monday 28th is the substitute day): 11, 14, 15, 16, 17, 18, 21, 22, 23, 24.
    assert plan.target == date(2026, 12, 24)
    assert plan.late_reason is Reason.NOT_QUORATE


def test_the_target_follows_the_setting() -> None:
    rules = replace(DEFAULT_RULES, reconvene_rebook_working_days=5)
    plan = rebooking("initial", "not_quorate", ON, STRATEGY, DEADLINE, rules)
    assert plan.target == date(2026, 12, 17)


@pytest.mark.parametrize("reason", [r for r in Reason if r is not Reason.NOT_QUORATE])
def test_an_initial_stood_down_for_another_reason_stays_initial(reason: Reason) -> None:
    plan = rebooking("initial", reason, ON, STRATEGY, DEADLINE)
    assert plan.conference_type is ConferenceType.INITIAL
    assert plan.target is None
    assert plan.deadline == DEADLINE and plan.late_reason is reason


def test_a_reconvened_conference_stood_down_again_is_reconvened_again() -> None:
    plan = rebooking("initial_reconvened", "family_request", ON, STRATEGY, DEADLINE)
    assert plan.conference_type is ConferenceType.INITIAL_RECONVENED
    assert plan.target == date(2026, 12, 24)


@pytest.mark.parametrize("ctype", ["first_review", "subsequent_review"])
def test_a_review_is_rebooked_as_the_same_review_with_its_deadline(ctype: str) -> None:
    plan = rebooking(ctype, "not_quorate", date(2027, 2, 1), date(2026, 11, 25), date(2027, 2, 25))
    assert plan.conference_type == ctype
    assert (plan.deadline, plan.target) == (date(2027, 2, 25), None)


def test_allowed_types() -> None:
    assert allowed_rebook_types("initial") == {
        ConferenceType.INITIAL,
        ConferenceType.INITIAL_RECONVENED,
    }
    assert allowed_rebook_types("first_review") == {ConferenceType.FIRST_REVIEW}


def test_met_deadline_counts_the_deadline_day_as_in_time() -> None:
    assert met_deadline(None, DEADLINE) is None
    assert met_deadline(DEADLINE, DEADLINE) is True
    assert met_deadline(date(2026, 12, 14), DEADLINE) is False


def test_totals_list_every_reason_in_order_and_keep_strays() -> None:
    totals = totals_by_reason({"not_quorate": 3, "family_request": 1, "legacy_code": 2})
    assert [r for r, _ in totals] == list(Reason)
    as_dict = dict(totals)
    assert as_dict[Reason.NOT_QUORATE] == 3
    assert as_dict[Reason.FAMILY_REQUEST] == 1
    assert as_dict[Reason.OTHER] == 2
    assert sum(n for _, n in totals) == 6
    assert all(n == 0 for _, n in totals_by_reason({}))
