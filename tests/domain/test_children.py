"""A child's birth dates: born by today, or expected no longer ago than the setting, not both."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.children import (
    birth_overdue,
    born_after_today,
    check_birth_dates,
    latest_expected,
)
from siu_tui.domain.settings import Rules

from .strategies import PROPERTY, dates

TODAY = date(2026, 11, 25)
TEN_WEEKS_AGO = date(2026, 9, 16)


@pytest.mark.parametrize(
    ("born", "expected", "errors"),
    [
        # Born: any day up to and including today.
        (TODAY, None, {}),
        (date(2026, 11, 24), None, {}),
        (date(2010, 1, 1), None, {}),
        (
            date(2026, 11, 26),
            None,
            {
                "date_of_birth": "26/11/2026 is after today: a child not yet born has an "
                "expected date of birth instead"
            },
        ),
        # Unborn: due any day from ten weeks ago on (the default setting).
        (None, TEN_WEEKS_AGO, {}),
        (None, TODAY, {}),
        (None, date(2027, 3, 1), {}),
        (
            None,
            TEN_WEEKS_AGO - timedelta(days=1),
            {
                "expected_date_of_birth": "15/09/2026 is more than 10 weeks ago: enter the "
                "date of birth instead"
            },
        ),
        # Both, or neither.
        (
            date(2026, 11, 1),
            date(2026, 11, 3),
            {
                "expected_date_of_birth": "A child who has been born has a date of birth "
                "only: clear the expected date"
            },
        ),
        (None, None, {"date_of_birth": "Enter a date of birth or an expected date of birth"}),
    ],
)
def test_birth_dates_at_each_boundary(
    born: date | None, expected: date | None, errors: dict[str, str]
) -> None:
    assert check_birth_dates(born, expected, TODAY) == errors


def test_a_birth_after_today_and_an_expected_date_are_both_reported() -> None:
    errors = check_birth_dates(date(2026, 12, 1), date(2026, 12, 5), TODAY)
    assert set(errors) == {"date_of_birth", "expected_date_of_birth"}


def test_a_birth_long_ago_with_an_old_expected_date_is_refused_for_both_not_the_age() -> None:
    # Both given: the one thing to put right is clearing the expected date.
    errors = check_birth_dates(date(2014, 6, 24), date(2014, 6, 20), TODAY)
    assert list(errors) == ["expected_date_of_birth"]
    assert "clear the expected date" in errors["expected_date_of_birth"]


@pytest.mark.parametrize(("weeks", "earliest"), [(1, date(2026, 11, 18)), (4, date(2026, 10, 28))])
def test_the_span_is_the_setting(weeks: int, earliest: date) -> None:
    rules = Rules(expected_birth_past_weeks=weeks)
    assert latest_expected(TODAY, rules) == earliest
    assert check_birth_dates(None, earliest, TODAY, rules) == {}
    refused = check_birth_dates(None, earliest - timedelta(days=1), TODAY, rules)
    unit = "week" if weeks == 1 else "weeks"
    assert refused["expected_date_of_birth"].endswith(
        f"is more than {weeks} {unit} ago: enter the date of birth instead"
    )


def test_born_after_today_allows_today() -> None:
    assert born_after_today(None, TODAY) is None
    assert born_after_today(TODAY, TODAY) is None
    assert born_after_today(TODAY + timedelta(days=1), TODAY) is not None


@pytest.mark.parametrize(
    ("born", "expected", "overdue"),
    [
        (None, date(2026, 11, 24), True),
        (None, TODAY, False),  # due today: not yet overdue
        (None, date(2026, 12, 1), False),
        (date(2026, 11, 20), None, False),
        (None, None, False),
    ],
)
def test_a_birth_is_overdue_once_the_expected_day_has_passed(
    born: date | None, expected: date | None, overdue: bool
) -> None:
    assert birth_overdue(born, expected, TODAY) is overdue


@PROPERTY
@given(born=st.none() | dates, expected=st.none() | dates, today=dates)
def test_dates_accepted_can_all_be_true(
    born: date | None, expected: date | None, today: date
) -> None:
    """Whatever is accepted is exactly one date; a birth by today, or a due date within
    the span; and anything refused names only the two fields."""
    errors = check_birth_dates(born, expected, today)
    assert set(errors) <= {"date_of_birth", "expected_date_of_birth"}
    valid = (born is None) != (expected is None) and (
        (born is not None and born <= today)
        or (expected is not None and expected >= today - timedelta(weeks=10))
    )
    assert (errors == {}) is valid
