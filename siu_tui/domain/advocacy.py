"""Who is old enough to be referred to the advocacy service automatically.

Older children are entitled to have their views put to the conference, so everyone at or over
the set age on the conference date is referred when it is booked; younger children may still
be referred by hand.
"""

from __future__ import annotations

from datetime import date

from siu_tui.domain.settings import DEFAULT_RULES, Rules


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on a day.

    Comparing (month, day) pairs gives the English convention for 29 February birthdays
    without a special case: in a common year (2, 28) is still before (2, 29), so the birthday
    is reached on 1 March; in a leap year it is reached on 29 February itself.
    """
    if on < date_of_birth:
        raise ValueError(f"{on.isoformat()} is before the date of birth {date_of_birth}")
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def eligible_for_advocacy(
    date_of_birth: date | None, conference_date: date, rules: Rules = DEFAULT_RULES
) -> bool:
    """Whether booking the conference should refer this child automatically; an unborn child
    (no date of birth, or one after the conference) never is."""
    if date_of_birth is None or date_of_birth > conference_date:
        return False
    return age_on(date_of_birth, conference_date) >= rules.advocacy_min_age
