"""IRO challenges: when a response is due, when it is overdue, and the figures for a period.

A challenge is raised at one level (a practice discussion first, usually); when the response
does not put things right the IRO escalates it, which closes it and raises the next level as
a new challenge pointing back at it. The chain of levels is the challenge's history. Only the
last challenge of a chain can be open, and it ends either escalated again or resolved.

Everything here is pure, so the screens, the service and the thematic report agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from siu_tui.domain.codes import ChallengeCategory, ChallengeLevel, ChallengeState, Coded
from siu_tui.domain.settings import DEFAULT_RULES, Rules
from siu_tui.domain.workingdays import add_working_days, working_days_between


def default_response_due(raised_on: date, rules: Rules = DEFAULT_RULES) -> date:
    """The response is due "within N working days" of the day the challenge was raised
    (N is the setting ``challenge_response_working_days``, 5 by default)."""
    return add_working_days(raised_on, rules.challenge_response_working_days)


def escalated_outcome(level: ChallengeLevel) -> str:
    """The outcome recorded on a level closed by escalating it to ``level``."""
    return f"Escalated to the next level: {level.label.lower()}"


def challenge_state(resolved_on: date | None, escalated: bool) -> ChallengeState:
    """Open until closed; closed by escalating it, or resolved."""
    if resolved_on is None:
        return ChallengeState.OPEN
    return ChallengeState.ESCALATED if escalated else ChallengeState.RESOLVED


def days_overdue(response_due: date, resolved_on: date | None, today: date) -> int:
    """Working days an open challenge's response is past its due date (0 while not overdue,
    and always 0 once it is closed). Due today is not yet overdue."""
    if resolved_on is not None or today <= response_due:
        return 0
    return max(working_days_between(response_due, today), 1)


def response_status(response_due: date, resolved_on: date | None, today: date) -> str:
    """What a clerk reads about the response: "overdue by 3 working days", "due today",
    "2 working days left"; empty once the challenge is closed."""
    if resolved_on is not None:
        return ""
    overdue = days_overdue(response_due, resolved_on, today)
    if overdue:
        return f"overdue by {overdue} working day{'s' if overdue != 1 else ''}"
    left = working_days_between(today, response_due)
    if left <= 0:
        return "due today"
    return f"{left} working day{'s' if left != 1 else ''} left"


# --- Figures ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChallengeFact:
    """What the figures need to know about one level of a challenge's chain."""

    level: str
    category: str
    raised_on: date
    response_due: date
    resolved_on: date | None
    escalated: bool
    """Closed by raising the next level (never true while open)."""
    first_raised_on: date
    """When the concern was first raised: the raised date of the chain's first level."""
    escalation: bool
    """Raised by escalating an earlier level, rather than as a new challenge."""


@dataclass(frozen=True, slots=True)
class FigureLine:
    """One row of the figures: challenges and escalations raised in the period at one level
    (or in one category), and where the levels raised stood at its end.

    A challenge is a chain of levels: one raised and escalated twice is one challenge and
    two escalations, never three challenges. Each level raised ends open, escalated further
    or resolved, so ``challenges + escalations == open + escalated_further + resolved``."""

    code: str
    label: str
    challenges: int = 0
    """New challenges raised (the first level of a chain)."""
    escalations: int = 0
    """Escalations raised: a level raised by escalating an earlier one."""
    open: int = 0
    overdue: int = 0
    """Of the open ones, those whose response was already overdue."""
    escalated_further: int = 0
    """Levels raised in the period and since closed by escalating them to the next level."""
    resolved: int = 0
    days_to_resolution: int = 0
    """Calendar days from first raised to resolved, summed over the resolved ones."""

    @property
    def levels(self) -> int:
        """Every level raised in the period: the challenges and the escalations."""
        return self.challenges + self.escalations

    @property
    def average_days(self) -> float | None:
        """Average calendar days from when the concern was first raised to its resolution;
        None when nothing was resolved."""
        return self.days_to_resolution / self.resolved if self.resolved else None

    def _add(self, fact: ChallengeFact, as_at: date) -> FigureLine:
        resolved_on = fact.resolved_on if fact.resolved_on and fact.resolved_on <= as_at else None
        state = challenge_state(resolved_on, fact.escalated)
        overdue = state is ChallengeState.OPEN and fact.response_due < as_at
        resolved = state is ChallengeState.RESOLVED
        days = (resolved_on - fact.first_raised_on).days if resolved and resolved_on else 0
        return FigureLine(
            self.code,
            self.label,
            self.challenges + (not fact.escalation),
            self.escalations + fact.escalation,
            self.open + (state is ChallengeState.OPEN),
            self.overdue + overdue,
            self.escalated_further + (state is ChallengeState.ESCALATED),
            self.resolved + resolved,
            self.days_to_resolution + days,
        )


@dataclass(frozen=True, slots=True)
class ChallengeFigures:
    """Challenges raised from ``start`` to ``end`` (both included), as they stood on
    ``as_at`` (the end of the period, or today while the period is still running)."""

    start: date
    end: date
    as_at: date
    by_level: tuple[FigureLine, ...]
    """Every level in escalation order, including those with none."""
    by_category: tuple[FigureLine, ...]
    """Every category in the code list's order, including those with none."""
    total: FigureLine


def _lines(kind: type[Coded]) -> dict[str, FigureLine]:
    return {member.value: FigureLine(member.value, member.label) for member in kind}


def summarise_challenges(
    facts: Iterable[ChallengeFact], start: date, end: date, today: date
) -> ChallengeFigures:
    """The figures for a period from the challenges raised in it.

    A challenge is counted once, at the level and in the period it was first raised; each
    escalation is counted apart, at the level it raised and in the period it was made (the
    unit reports how many professional discussions and how many escalations it held). Each
    level counts as open, escalated further or resolved as it stood at the end of the
    period, so a past quarter's figures do not change when a challenge is closed later; a
    period still running is taken as it stands today. Days to resolution run from when the
    concern was first raised, through any escalations, to the day it was resolved.
    """
    if end < start:
        raise ValueError("The period ends before it starts")
    as_at = min(end, today)
    levels = _lines(ChallengeLevel)
    categories = _lines(ChallengeCategory)
    total = FigureLine("total", "All challenges")
    for fact in facts:
        if not start <= fact.raised_on <= end:
            continue
        if fact.level in levels:
            levels[fact.level] = levels[fact.level]._add(fact, as_at)
        if fact.category in categories:
            categories[fact.category] = categories[fact.category]._add(fact, as_at)
        total = total._add(fact, as_at)
    return ChallengeFigures(
        start, end, as_at, tuple(levels.values()), tuple(categories.values()), total
    )
