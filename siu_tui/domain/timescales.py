"""When a conference is due, when its social worker's report is due, and whether it was late.

The deadline depends on the conference type and on the date it runs from (the "trigger"):
working days for initial conferences, calendar months for reviews. These are the statutory
measures the census and the quarterly report are judged on, so they live here and nowhere
else.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from siu_tui.domain.codes import ConferenceType, ReportTimeliness
from siu_tui.domain.settings import DEFAULT_RULES, Rules
from siu_tui.domain.workingdays import add_working_days, months_deadline, nth_working_day_before


def _conference_type(value: ConferenceType | str) -> ConferenceType:
    # Stored rows, imports and the command line hand over plain codes; parse() names the
    # choices when a code is wrong, which is the message a clerk needs.
    if isinstance(value, ConferenceType):
        return value
    parsed = ConferenceType.parse(value)
    assert isinstance(parsed, ConferenceType)
    return parsed


def conference_deadline(
    conference_type: ConferenceType | str,
    trigger: date,
    rules: Rules = DEFAULT_RULES,
    *,
    previous_type: ConferenceType | str | None = None,
    birth_date: date | None = None,
) -> date:
    """The last day a conference of this type may be held in time.

    A re-convened initial conference is still measured from the original strategy
    discussion, because the child's wait started then. A first review after a pre-birth
    conference is also capped at a few working days after the birth, since the plan was
    made before the baby's circumstances were known.
    """
    kind = _conference_type(conference_type)
    if kind.is_initial:
        return add_working_days(trigger, rules.initial_working_days)
    if kind is ConferenceType.FIRST_REVIEW:
        deadline = months_deadline(trigger, rules.first_review_months)
        if (
            previous_type is not None
            and birth_date is not None
            and _conference_type(previous_type) is ConferenceType.INITIAL_PRE_BIRTH
        ):
            after_birth = add_working_days(birth_date, rules.first_review_after_birth_working_days)
            deadline = min(deadline, after_birth)
        return deadline
    return months_deadline(trigger, rules.subsequent_review_months)


def birth_since(conference_date: date, birth_dates: Iterable[date | None]) -> date | None:
    """The birth that caps a first review after a pre-birth conference: the earliest date of
    birth on or after that conference. Older siblings at the same conference were born before
    it, so they do not count; None while the baby is still unborn (no cap yet)."""
    return min((d for d in birth_dates if d is not None and d >= conference_date), default=None)


def rebook_target(adjourned_on: date, rules: Rules = DEFAULT_RULES) -> date:
    """When an adjourned initial conference should be re-convened by; a booking target for
    the clerk, separate from the timeliness deadline, which still runs from the s47 start."""
    return add_working_days(adjourned_on, rules.reconvene_rebook_working_days)


def pre_birth_gestation_warning(
    conference_date: date, expected_date_of_birth: date, rules: Rules = DEFAULT_RULES
) -> bool:
    """Whether a pre-birth conference falls after 28 weeks' gestation (by default), leaving
    too little time to plan before the birth; the boundary day itself is still in time."""
    latest = expected_date_of_birth - timedelta(weeks=rules.pre_birth_warn_weeks_before_edd)
    return conference_date > latest


@dataclass(frozen=True)
class ReportDeadlines:
    """The last days the social worker's report may reach the parents and the chair."""

    parents: date
    chair: date


def report_deadlines(
    conference_type: ConferenceType | str, conference_date: date, rules: Rules = DEFAULT_RULES
) -> ReportDeadlines:
    """Parents and chair need time to read the report before the conference; reviews allow
    more because they are booked months ahead."""
    if _conference_type(conference_type).is_initial:
        parents_days = rules.report_parents_initial_working_days
        chair_days = rules.report_chair_initial_working_days
    else:
        parents_days = rules.report_parents_review_working_days
        chair_days = rules.report_chair_review_working_days
    return ReportDeadlines(
        parents=nth_working_day_before(conference_date, parents_days),
        chair=nth_working_day_before(conference_date, chair_days),
    )


@dataclass(frozen=True)
class ReceiptCase:
    """One line of the rule that classes a report's arrival: a report received ``compare``
    the ``against`` day ("deadline" or "conference") is ``timeliness``.

    ``compare`` is a plain comparison from ``operator``, so the same line can be applied to
    two dates here and to two date columns in the report's SQL, which is made from this
    table rather than written out again."""

    compare: Callable[[Any, Any], Any]
    against: str
    timeliness: ReportTimeliness


RECEIPT_CASES: tuple[ReceiptCase, ...] = (
    ReceiptCase(operator.le, "deadline", ReportTimeliness.ON_TIME),
    ReceiptCase(operator.eq, "conference", ReportTimeliness.ON_THE_DAY),
    ReceiptCase(operator.lt, "conference", ReportTimeliness.LATE),
)
"""The cases in the order they are tried, once a report has been received at all; the first
that holds gives the class."""

RECEIPT_MISSING = ReportTimeliness.NOT_RECEIVED
"""A report with no day received."""

RECEIPT_OTHERWISE = ReportTimeliness.NOT_RECEIVED
"""A report that matches no case arrived after the conference: it did not serve the
conference, so it counts as not received rather than late."""


def classify_receipt(
    received: date | None, deadline: date, conference_date: date
) -> ReportTimeliness:
    """How a report's arrival is counted in the timeliness figures (``RECEIPT_CASES``)."""
    if received is None:
        return RECEIPT_MISSING
    days = {"deadline": deadline, "conference": conference_date}
    for case in RECEIPT_CASES:
        if case.compare(received, days[case.against]):
            return case.timeliness
    return RECEIPT_OTHERWISE


def is_late(held_on: date, deadline: date) -> bool:
    """Held after its deadline: the deadline day itself is in time."""
    return held_on > deadline
