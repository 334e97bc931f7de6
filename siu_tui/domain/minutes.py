"""When each stage of a conference's minutes is due.

Families and agencies act on the decision straight away, so the decision letter is due first;
the full minutes follow once the chair has approved a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from siu_tui.domain.settings import DEFAULT_RULES, Rules
from siu_tui.domain.workingdays import add_working_days


@dataclass(frozen=True)
class MinutesDeadlines:
    """The last day for each stage, all counted from the conference date."""

    decision_letter: date
    draft_to_chair: date
    distribution: date


def minutes_deadlines(conference_date: date, rules: Rules = DEFAULT_RULES) -> MinutesDeadlines:
    """Each stage's deadline in working days after the conference."""
    return MinutesDeadlines(
        decision_letter=add_working_days(
            conference_date, rules.minutes_decision_letter_working_days
        ),
        draft_to_chair=add_working_days(conference_date, rules.minutes_draft_working_days),
        distribution=add_working_days(conference_date, rules.minutes_distribution_working_days),
    )
