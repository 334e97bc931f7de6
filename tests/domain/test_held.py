"""A conference is marked held on its day or later, never before."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given

from siu_tui.domain.held import not_yet_held

from .strategies import PROPERTY, dates

TODAY = date(2026, 11, 25)


def test_the_day_itself_and_before_are_allowed() -> None:
    assert not_yet_held(TODAY, TODAY) is None
    assert not_yet_held(TODAY - timedelta(days=1), TODAY) is None


def test_tomorrow_is_refused_with_the_date() -> None:
    assert not_yet_held(date(2026, 11, 26), TODAY) == (
        "The conference is on 26/11/2026: it has not happened yet"
    )


@PROPERTY
@given(conference=dates, today=dates)
def test_refused_exactly_when_the_day_is_still_to_come(conference: date, today: date) -> None:
    assert (not_yet_held(conference, today) is not None) is (conference > today)
