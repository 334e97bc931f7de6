"""A child's dates of birth that can be true, checked once for every way a child is recorded.

A child is either born (a date of birth, never after today) or not yet born (an expected date
of birth), as the DfE census records them: never both, never neither. A baby is rarely born
more than a few weeks after the due date, so an expected date long past means the birth has
not been recorded; the unborn child would otherwise stay "unborn" in every report for ever.
The booking form, the child's edit and the import all ask this module, so the three refuse
the same dates with the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from siu_tui.domain.dates import format_date
from siu_tui.domain.settings import DEFAULT_RULES, Rules

DATE_OF_BIRTH = "date_of_birth"
EXPECTED = "expected_date_of_birth"


Show = Callable[[date], str]
"""How a date is written in a message: DD/MM/YYYY in forms, ISO in an import's report."""


def born_after_today(
    date_of_birth: date | None, today: date, show: Show = format_date
) -> str | None:
    """Why a date of birth cannot be true, or None: today itself is allowed."""
    if date_of_birth is not None and date_of_birth > today:
        return (
            f"{show(date_of_birth)} is after today: a child not yet born has an "
            "expected date of birth instead"
        )
    return None


def latest_expected(today: date, rules: Rules = DEFAULT_RULES) -> date:
    """The earliest expected date of birth an unborn child may still have today."""
    return today - timedelta(weeks=rules.expected_birth_past_weeks)


def check_birth_dates(
    date_of_birth: date | None,
    expected_date_of_birth: date | None,
    today: date,
    rules: Rules = DEFAULT_RULES,
    show: Show = format_date,
) -> dict[str, str]:
    """Every problem with a child's two birth dates, keyed by the field to show it beside;
    empty when they can be true."""
    errors: dict[str, str] = {}
    if date_of_birth is None and expected_date_of_birth is None:
        errors[DATE_OF_BIRTH] = "Enter a date of birth or an expected date of birth"
    if problem := born_after_today(date_of_birth, today, show):
        errors[DATE_OF_BIRTH] = problem
    if date_of_birth is not None and expected_date_of_birth is not None:
        errors[EXPECTED] = (
            "A child who has been born has a date of birth only: clear the expected date"
        )
    elif expected_date_of_birth is not None and expected_date_of_birth < latest_expected(
        today, rules
    ):
        weeks = rules.expected_birth_past_weeks
        errors[EXPECTED] = (
            f"{show(expected_date_of_birth)} is more than {weeks} week"
            f"{'' if weeks == 1 else 's'} ago: enter the date of birth instead"
        )
    return errors


def birth_overdue(
    date_of_birth: date | None, expected_date_of_birth: date | None, today: date
) -> bool:
    """An unborn child whose expected date has passed: the birth needs recording."""
    return (
        date_of_birth is None
        and expected_date_of_birth is not None
        and expected_date_of_birth < birth_overdue_before(today)
    )


def birth_overdue_before(today: date) -> date:
    """The first expected date that is not yet overdue: an unborn child expected before it
    has a birth to record. The home screen's query compares against this, so the database
    and :func:`birth_overdue` apply one rule."""
    return today
