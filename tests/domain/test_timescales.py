"""Conference deadlines, report deadlines and how a report's arrival is classed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.codes import ConferenceType, ReportTimeliness
from siu_tui.domain.settings import Rules
from siu_tui.domain.timescales import (
    ReportDeadlines,
    classify_receipt,
    conference_deadline,
    is_late,
    pre_birth_gestation_warning,
    rebook_target,
    report_deadlines,
)
from siu_tui.domain.workingdays import add_working_days, is_working_day, working_day_on_or_before

from .strategies import PROPERTY, dates

D = date
CT = ConferenceType
INITIAL_TYPES = [t for t in CT if t.is_initial]
REVIEW_TYPES = [t for t in CT if t.is_review]


@pytest.mark.parametrize("kind", INITIAL_TYPES)
@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        (D(2025, 12, 15), D(2026, 1, 8)),  # over Christmas and New Year 2025
        (D(2026, 12, 14), D(2027, 1, 7)),  # Christmas Friday, Boxing Day observed Monday
        (D(2026, 3, 27), D(2026, 4, 21)),  # over Easter 2026
        (D(2022, 9, 5), D(2022, 9, 27)),  # over the state funeral
        (D(2023, 4, 28), D(2023, 5, 23)),  # over May Day and the coronation
        (D(2025, 1, 31), D(2025, 2, 21)),  # across a month end
        (D(2025, 6, 7), D(2025, 6, 27)),  # strategy discussion on a Saturday
    ],
)
def test_initial_types_are_15_working_days(kind: CT, trigger: date, expected: date) -> None:
    assert conference_deadline(kind, trigger) == expected
    assert conference_deadline(kind.value, trigger) == expected


@pytest.mark.parametrize(
    ("kind", "trigger", "expected"),
    [
        ("first_review", D(2025, 8, 31), D(2025, 11, 28)),  # 30 Nov 2025 is a Sunday
        ("first_review", D(2027, 11, 30), D(2028, 2, 29)),  # clamps to a leap day, Tuesday
        ("first_review", D(2024, 2, 29), D(2024, 5, 29)),
        ("first_review", D(2026, 5, 31), D(2026, 8, 28)),  # 31 Aug 2026 is a bank holiday
        ("first_review", D(2026, 1, 6), D(2026, 4, 2)),  # Easter Monday, Good Friday
        ("first_review", D(2026, 1, 12), D(2026, 4, 10)),  # 12 Apr 2026 is a Sunday
        ("subsequent_review", D(2025, 8, 31), D(2026, 2, 27)),  # clamps to a Saturday
        ("subsequent_review", D(2026, 6, 28), D(2026, 12, 24)),  # Boxing Day observed
        ("subsequent_review", D(2023, 11, 8), D(2024, 5, 8)),  # Wednesday stays put
        ("subsequent_review", D(2021, 11, 8), D(2022, 5, 6)),  # Sunday 8 May 2022
        ("subsequent_review", D(2022, 11, 8), D(2023, 5, 5)),  # the coronation Monday
    ],
)
def test_review_deadlines_are_calendar_months(kind: str, trigger: date, expected: date) -> None:
    assert conference_deadline(kind, trigger) == expected


PRE_BIRTH_HELD = D(2026, 1, 12)  # three months on is Sunday 12 April, so Friday 10 April


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (D(2026, 3, 2), D(2026, 3, 16)),  # cap: 10 working days after a Monday birth
        (D(2026, 3, 24), D(2026, 4, 9)),  # cap, over Easter, one day before 3 months
        (D(2026, 3, 25), D(2026, 4, 10)),  # cap and 3 months agree
        (D(2026, 3, 26), D(2026, 4, 10)),  # cap (13 Apr) is later: 3 months wins
        (D(2026, 4, 1), D(2026, 4, 10)),
    ],
)
def test_first_review_after_pre_birth_is_capped_after_the_birth(
    birth: date, expected: date
) -> None:
    for previous in (CT.INITIAL_PRE_BIRTH, "initial_pre_birth"):
        got = conference_deadline(
            CT.FIRST_REVIEW, PRE_BIRTH_HELD, previous_type=previous, birth_date=birth
        )
        assert got == expected


def test_birth_cap_applies_only_after_a_pre_birth_conference_with_a_birth_date() -> None:
    plain = D(2026, 4, 10)
    birth = D(2026, 3, 2)
    assert conference_deadline(CT.FIRST_REVIEW, PRE_BIRTH_HELD) == plain
    assert (
        conference_deadline(CT.FIRST_REVIEW, PRE_BIRTH_HELD, previous_type=CT.INITIAL_PRE_BIRTH)
        == plain
    )
    assert (
        conference_deadline(
            CT.FIRST_REVIEW, PRE_BIRTH_HELD, previous_type=CT.INITIAL, birth_date=birth
        )
        == plain
    )
    # A subsequent review is never capped by the birth.
    assert conference_deadline(
        CT.SUBSEQUENT_REVIEW,
        PRE_BIRTH_HELD,
        previous_type=CT.INITIAL_PRE_BIRTH,
        birth_date=birth,
    ) == working_day_on_or_before(D(2026, 7, 12))


def test_custom_rules_change_the_deadlines() -> None:
    rules = Rules(
        initial_working_days=10,
        first_review_months=2,
        subsequent_review_months=4,
        first_review_after_birth_working_days=5,
    )
    assert conference_deadline(CT.INITIAL, D(2025, 12, 15), rules) == D(2025, 12, 31)
    assert conference_deadline(CT.FIRST_REVIEW, D(2026, 1, 12), rules) == D(2026, 3, 12)
    assert conference_deadline(CT.SUBSEQUENT_REVIEW, D(2026, 1, 12), rules) == D(2026, 5, 12)
    capped = conference_deadline(
        CT.FIRST_REVIEW,
        D(2026, 1, 12),
        rules,
        previous_type=CT.INITIAL_PRE_BIRTH,
        birth_date=D(2026, 3, 2),
    )
    assert capped == D(2026, 3, 9)


def test_unknown_type_names_the_choices() -> None:
    with pytest.raises(ValueError, match="'review' is not one of: initial, initial_pre_birth"):
        conference_deadline("review", D(2026, 1, 5))


@pytest.mark.parametrize(
    ("adjourned", "expected"),
    [
        (D(2026, 3, 27), D(2026, 4, 14)),  # over Easter
        (D(2025, 12, 18), D(2026, 1, 6)),  # over Christmas and New Year
        (D(2026, 1, 5), D(2026, 1, 19)),
    ],
)
def test_rebook_target_is_10_working_days_after_adjournment(
    adjourned: date, expected: date
) -> None:
    assert rebook_target(adjourned) == expected
    assert rebook_target(adjourned, Rules(reconvene_rebook_working_days=1)) == add_working_days(
        adjourned, 1
    )


@pytest.mark.parametrize(
    ("conference", "edd", "warn"),
    [
        (D(2026, 3, 5), D(2026, 5, 28), False),  # exactly 28 weeks: still in time
        (D(2026, 3, 6), D(2026, 5, 28), True),  # 28 weeks and a day
        (D(2026, 3, 4), D(2026, 5, 28), False),
        (D(2026, 1, 5), D(2026, 8, 1), False),  # early in pregnancy
        (D(2026, 6, 1), D(2026, 5, 28), True),  # after the due date
    ],
)
def test_pre_birth_gestation_warning(conference: date, edd: date, warn: bool) -> None:
    assert pre_birth_gestation_warning(conference, edd) is warn


def test_pre_birth_warning_follows_the_setting() -> None:
    rules = Rules(pre_birth_warn_weeks_before_edd=10)
    assert not pre_birth_gestation_warning(D(2026, 3, 6), D(2026, 5, 28), rules)
    assert pre_birth_gestation_warning(D(2026, 3, 20), D(2026, 5, 28), rules)


@pytest.mark.parametrize(
    ("kind", "conference", "parents", "chair"),
    [
        # Monday 16 March 2026: Friday is 1 before, Thursday 2, Wednesday 3.
        (CT.INITIAL, D(2026, 3, 16), D(2026, 3, 12), D(2026, 3, 13)),
        (CT.INITIAL_PRE_BIRTH, D(2026, 3, 16), D(2026, 3, 12), D(2026, 3, 13)),
        (CT.INITIAL_TRANSFER_IN, D(2026, 3, 16), D(2026, 3, 12), D(2026, 3, 13)),
        (CT.INITIAL_RECONVENED, D(2026, 3, 16), D(2026, 3, 12), D(2026, 3, 13)),
        (CT.FIRST_REVIEW, D(2026, 3, 16), D(2026, 3, 11), D(2026, 3, 11)),
        (CT.SUBSEQUENT_REVIEW, D(2026, 3, 16), D(2026, 3, 11), D(2026, 3, 11)),
        # Tuesday after Easter Monday 2026 (Good Friday closed too).
        (CT.INITIAL, D(2026, 4, 7), D(2026, 4, 1), D(2026, 4, 2)),
        (CT.FIRST_REVIEW, D(2026, 4, 7), D(2026, 3, 31), D(2026, 3, 31)),
        # Tuesday after the spring bank holiday, Monday 26 May 2025.
        (CT.INITIAL, D(2025, 5, 27), D(2025, 5, 22), D(2025, 5, 23)),
        (CT.SUBSEQUENT_REVIEW, D(2025, 5, 27), D(2025, 5, 21), D(2025, 5, 21)),
        # Monday 5 January 2026, over New Year's Day.
        (CT.INITIAL, D(2026, 1, 5), D(2025, 12, 31), D(2026, 1, 2)),
        (CT.SUBSEQUENT_REVIEW, D(2026, 1, 5), D(2025, 12, 30), D(2025, 12, 30)),
    ],
)
def test_report_deadlines(kind: CT, conference: date, parents: date, chair: date) -> None:
    assert report_deadlines(kind, conference) == ReportDeadlines(parents=parents, chair=chair)
    assert report_deadlines(kind.value, conference) == ReportDeadlines(parents, chair)


def test_report_deadlines_follow_the_settings() -> None:
    rules = Rules(
        report_parents_initial_working_days=5,
        report_chair_initial_working_days=0,
        report_parents_review_working_days=1,
        report_chair_review_working_days=10,
    )
    monday = D(2026, 3, 16)
    assert report_deadlines(CT.INITIAL, monday, rules) == ReportDeadlines(D(2026, 3, 9), monday)
    assert report_deadlines(CT.FIRST_REVIEW, monday, rules) == ReportDeadlines(
        D(2026, 3, 13), D(2026, 3, 2)
    )


CONF = D(2026, 3, 16)
DEADLINE = D(2026, 3, 12)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (None, ReportTimeliness.NOT_RECEIVED),
        (D(2026, 2, 1), ReportTimeliness.ON_TIME),  # well ahead
        (DEADLINE, ReportTimeliness.ON_TIME),  # on the deadline itself
        (D(2026, 3, 13), ReportTimeliness.LATE),  # the day after the deadline
        (D(2026, 3, 15), ReportTimeliness.LATE),  # a weekend day before the conference
        (CONF, ReportTimeliness.ON_THE_DAY),
        (D(2026, 3, 17), ReportTimeliness.NOT_RECEIVED),  # after the conference
    ],
)
def test_classify_receipt(received: date | None, expected: ReportTimeliness) -> None:
    assert classify_receipt(received, DEADLINE, CONF) is expected


def test_classify_receipt_when_due_on_the_day_counts_the_day_as_on_time() -> None:
    assert classify_receipt(CONF, CONF, CONF) is ReportTimeliness.ON_TIME


@pytest.mark.parametrize(
    ("held", "deadline", "late"),
    [
        (D(2026, 1, 7), D(2026, 1, 8), False),
        (D(2026, 1, 8), D(2026, 1, 8), False),
        (D(2026, 1, 9), D(2026, 1, 8), True),
    ],
)
def test_is_late(held: date, deadline: date, late: bool) -> None:
    assert is_late(held, deadline) is late


# Properties -------------------------------------------------------------------------------

kinds = st.sampled_from(list(CT))


@PROPERTY
@given(kinds, dates)
def test_a_deadline_is_a_working_day_after_its_trigger(kind: CT, trigger: date) -> None:
    deadline = conference_deadline(kind, trigger)
    assert is_working_day(deadline)
    assert deadline > trigger


@PROPERTY
@given(kinds, dates, dates)
def test_a_later_trigger_never_gives_an_earlier_deadline(kind: CT, a: date, b: date) -> None:
    early, late = sorted((a, b))
    assert conference_deadline(kind, early) <= conference_deadline(kind, late)


@PROPERTY
@given(dates, st.integers(min_value=0, max_value=300))
def test_birth_cap_never_extends_the_first_review(held: date, days_to_birth: int) -> None:
    birth = held + timedelta(days=days_to_birth)
    plain = conference_deadline(CT.FIRST_REVIEW, held)
    capped = conference_deadline(
        CT.FIRST_REVIEW, held, previous_type=CT.INITIAL_PRE_BIRTH, birth_date=birth
    )
    assert held < capped <= plain
    assert is_working_day(capped)
    assert capped in (plain, add_working_days(birth, 10))


@PROPERTY
@given(kinds, dates)
def test_report_deadlines_are_working_days_before_the_conference(kind: CT, day: date) -> None:
    due = report_deadlines(kind, day)
    assert is_working_day(due.parents) and is_working_day(due.chair)
    assert due.parents <= due.chair < day


@PROPERTY
@given(st.one_of(st.none(), dates), dates, st.integers(min_value=0, max_value=10))
def test_every_receipt_gets_exactly_the_matching_class(
    received: date | None, conference: date, lead_days: int
) -> None:
    deadline = conference - timedelta(days=lead_days)
    got = classify_receipt(received, deadline, conference)
    if received is None or received > conference:
        assert got is ReportTimeliness.NOT_RECEIVED
    elif received <= deadline:
        assert got is ReportTimeliness.ON_TIME
    elif received == conference:
        assert got is ReportTimeliness.ON_THE_DAY
    else:
        assert got is ReportTimeliness.LATE
