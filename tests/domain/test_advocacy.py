"""Ages and automatic advocacy referral."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given

from siu_tui.domain.advocacy import (
    AdvocacyFigures,
    ReferralFact,
    advocacy_figures,
    age_on,
    eligible_for_advocacy,
)
from siu_tui.domain.settings import Rules

from .strategies import PROPERTY, dates

D = date


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (D(2016, 3, 15), D(2026, 3, 15), 10),  # tenth birthday
        (D(2016, 3, 15), D(2026, 3, 14), 9),  # the day before
        (D(2016, 3, 15), D(2016, 3, 15), 0),
        (D(2015, 12, 31), D(2026, 1, 1), 10),
        (D(2016, 1, 1), D(2025, 12, 31), 9),
        # 29 February: a year older on 1 March in a common year, on 29 February in a leap year.
        (D(2016, 2, 29), D(2026, 2, 28), 9),
        (D(2016, 2, 29), D(2026, 3, 1), 10),
        (D(2016, 2, 29), D(2028, 2, 28), 11),
        (D(2016, 2, 29), D(2028, 2, 29), 12),
        (D(2016, 2, 29), D(2017, 2, 28), 0),
        (D(2016, 2, 29), D(2017, 3, 1), 1),
        (D(2016, 2, 28), D(2026, 2, 28), 10),
    ],
)
def test_age_on(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_age_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(D(2026, 3, 15), D(2026, 3, 14))


@pytest.mark.parametrize(
    ("born", "conference", "eligible"),
    [
        (D(2016, 3, 15), D(2026, 3, 15), True),  # tenth birthday on the day
        (D(2016, 3, 15), D(2026, 3, 14), False),  # the day before
        (D(2016, 3, 15), D(2026, 3, 16), True),  # the day after
        (D(2016, 2, 29), D(2026, 2, 28), False),
        (D(2016, 2, 29), D(2026, 3, 1), True),
        (D(2009, 1, 1), D(2026, 3, 1), True),  # 17
        (D(2019, 1, 1), D(2026, 3, 1), False),  # a sibling aged 7
        (None, D(2026, 3, 1), False),  # unborn
        (D(2026, 6, 1), D(2026, 3, 1), False),  # expected date of birth still to come
    ],
)
def test_eligible_for_advocacy(born: date | None, conference: date, eligible: bool) -> None:
    assert eligible_for_advocacy(born, conference) is eligible


def test_advocacy_age_is_a_setting() -> None:
    born, conference = D(2019, 1, 1), D(2026, 3, 1)  # aged 7
    assert eligible_for_advocacy(born, conference, Rules(advocacy_min_age=7))
    assert not eligible_for_advocacy(born, conference, Rules(advocacy_min_age=8))
    assert eligible_for_advocacy(D(2026, 3, 1), conference, Rules(advocacy_min_age=0))


def _birthdays_passed(born: date, on: date) -> int:
    """Count birthdays one by one, with a 29 February birthday kept on 1 March in common
    years, as an independent check of the arithmetic."""
    count = 0
    for year in range(born.year + 1, on.year + 1):
        try:
            birthday = born.replace(year=year)
        except ValueError:
            birthday = D(year, 3, 1)
        count += birthday <= on
    return count


@PROPERTY
@given(dates, dates)
def test_age_on_counts_birthdays(a: date, b: date) -> None:
    born, on = sorted((a, b))
    assert age_on(born, on) == _birthdays_passed(born, on)


@PROPERTY
@given(dates, dates)
def test_eligibility_matches_age(born: date, conference: date) -> None:
    expected = born <= conference and age_on(born, conference) >= 10
    assert eligible_for_advocacy(born, conference) is expected


def test_figures_count_referrals_outcomes_and_children_supported() -> None:
    day = D(2026, 11, 25)
    facts = [
        ReferralFact("ann", D(2014, 1, 1), day, True, "accepted", True),
        ReferralFact("ann", D(2014, 1, 1), D(2026, 12, 2), True, "accepted", True),
        ReferralFact("bob", D(2018, 1, 1), day, False, "accepted", True),  # 8: younger
        ReferralFact("cat", D(2017, 1, 1), day, False, "declined", None),
        ReferralFact("dan", D(2012, 1, 1), day, True, "no_response", None),
        ReferralFact("eve", D(2013, 1, 1), day, True, "pending", None),
        ReferralFact("fay", D(2013, 1, 1), day, True, "contacted", False),
    ]
    figures = advocacy_figures(facts)
    assert figures == AdvocacyFigures(
        referrals=7,
        automatic=5,
        by_hand=2,
        pending=1,
        contacted=1,
        accepted=3,
        declined=1,
        no_response=1,
        supported=3,
        children_supported=2,
        younger_children_supported=1,
    )
    assert advocacy_figures([]) == AdvocacyFigures()
    # "Younger" follows the automatic age setting.
    assert advocacy_figures(facts, Rules(advocacy_min_age=14)).younger_children_supported == 2


def test_a_child_younger_at_one_conference_only_is_younger_once() -> None:
    facts = [
        ReferralFact("gil", D(2016, 12, 1), D(2026, 11, 25), False, "accepted", True),  # 9
        ReferralFact("gil", D(2016, 12, 1), D(2026, 12, 2), True, "accepted", True),  # 10
    ]
    figures = advocacy_figures(facts)
    assert (figures.children_supported, figures.younger_children_supported) == (1, 1)
