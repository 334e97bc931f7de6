"""The minutes of a held conference: when each step is due, where they go next, and how a
week's or a period's work is judged.

Families and agencies act on the decision straight away, so the decision letter is due first;
the full minutes follow once the chair has approved a draft. The unit's managers review the
workflow a week at a time, so the rules for what a week shows and how its tasks are counted
live here, once, for the week view, the figures and the annual report alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from siu_tui.domain.codes import Coded, MinutesStage
from siu_tui.domain.settings import DEFAULT_RULES, Rules
from siu_tui.domain.workingdays import add_working_days, working_days_between


@dataclass(frozen=True)
class MinutesDeadlines:
    """The last day for each stage, all counted from the conference date."""

    decision_letter: date
    draft_to_chair: date
    distribution: date


def minutes_deadlines(conference_date: date, rules: Rules = DEFAULT_RULES) -> MinutesDeadlines:
    """Each stage's deadline in working days after the conference ("within N working days":
    the first working day after the conference is day 1), so bank holidays push them on."""
    return MinutesDeadlines(
        decision_letter=add_working_days(
            conference_date, rules.minutes_decision_letter_working_days
        ),
        draft_to_chair=add_working_days(conference_date, rules.minutes_draft_working_days),
        distribution=add_working_days(conference_date, rules.minutes_distribution_working_days),
    )


# --- Moving the minutes on --------------------------------------------------------------------


class MinutesAction(Coded):
    """What can be done to the minutes; which of these fit depends on the stage."""

    LETTER = "letter", "Decision letter sent"
    TO_CHAIR = "to_chair", "Send the draft to the chair"
    APPROVE = "approve", "Approve (chair)"
    RETURN = "return", "Return to the clerk (chair)"
    DISTRIBUTE = "distribute", "Distribute"


_BY_STAGE: dict[str, tuple[MinutesAction, ...]] = {
    MinutesStage.AWAITING_DRAFT.value: (MinutesAction.TO_CHAIR,),
    MinutesStage.WITH_CHAIR.value: (MinutesAction.APPROVE, MinutesAction.RETURN),
    MinutesStage.APPROVED.value: (MinutesAction.DISTRIBUTE,),
    MinutesStage.DISTRIBUTED.value: (),
}

STAGE_AFTER: dict[MinutesAction, MinutesStage] = {
    MinutesAction.TO_CHAIR: MinutesStage.WITH_CHAIR,
    MinutesAction.APPROVE: MinutesStage.APPROVED,
    MinutesAction.RETURN: MinutesStage.AWAITING_DRAFT,
    MinutesAction.DISTRIBUTE: MinutesStage.DISTRIBUTED,
}
"""The stage each step leads to: a return sends the draft back to the clerk to redo."""

STAGE_BEFORE: dict[MinutesAction, MinutesStage] = {
    MinutesAction.TO_CHAIR: MinutesStage.AWAITING_DRAFT,
    MinutesAction.APPROVE: MinutesStage.WITH_CHAIR,
    MinutesAction.RETURN: MinutesStage.WITH_CHAIR,
    MinutesAction.DISTRIBUTE: MinutesStage.APPROVED,
}


def available_actions(stage: str) -> tuple[MinutesAction, ...]:
    """The steps that fit the stage, decision letter first. The letter goes out whatever the
    stage (and a wrong date can be put right), so it is always offered."""
    return (MinutesAction.LETTER, *_BY_STAGE.get(stage, ()))


def holder_role(stage: str) -> str:
    """Who holds the minutes at a stage: the chair while they read the draft, the clerk
    otherwise (typing, sending out, keeping the file)."""
    return "chair" if stage == MinutesStage.WITH_CHAIR.value else "clerk"


# --- Tasks and their state ------------------------------------------------------------------


class MinutesTask(Coded):
    """The three steps with a deadline, in the order they fall due."""

    DECISION_LETTER = "decision_letter", "Decision letter"
    DRAFT = "draft", "Draft to chair"
    DISTRIBUTION = "distribution", "Distribution"


TASK_ORDER: dict[str, int] = {task.value: n for n, task in enumerate(MinutesTask)}


class TaskState(Coded):
    ON_TIME = "on_time", "Done on time"
    LATE = "late", "Done late"
    OVERDUE = "overdue", "Overdue"
    DUE = "due", "Not yet due"


def task_state(due: date, done: date | None, today: date) -> TaskState:
    """On time when done by the deadline (the deadline day counts); overdue once a deadline
    has passed undone; until then it is simply due."""
    if done is not None:
        return TaskState.ON_TIME if done <= due else TaskState.LATE
    return TaskState.OVERDUE if today > due else TaskState.DUE


def days_overdue(due: date, done: date | None, today: date) -> int:
    """Working days past the deadline: until it was done, or until today if it is not; 0 when
    in time. A task due on Friday and done on Monday is 1 working day late."""
    end = done if done is not None else today
    return working_days_between(due, end) if end > due else 0


def in_week(due: date, done: date | None, start: date, end: date, today: date) -> bool:
    """Whether a task belongs on the week view of ``start``-``end`` (Monday to Friday).

    A task shows in the week it falls due, and in every later week it is carried into still
    undone: overdue at the start of the week (done during or after it, or not yet). A week
    still to come shows only what is overdue already, not everything due before it.
    """
    if start <= due <= end:
        return True
    return due < min(start, today) and (done is None or done >= start)


@dataclass(frozen=True, slots=True)
class WeekCounts:
    """The week view's summary line."""

    due: int = 0
    """Tasks whose deadline falls in the week."""
    carried: int = 0
    """Tasks due before the week and still undone when it began."""
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    not_yet_due: int = 0

    @property
    def total(self) -> int:
        return self.due + self.carried


def count_week(
    tasks: Iterable[tuple[date, date | None]], start: date, end: date, today: date
) -> WeekCounts:
    """Count a week's tasks, given as (deadline, done) pairs, as ``in_week`` chose them: each
    one's state is as it stands today, so a manager looking back sees what has happened since."""
    due = carried = on_time = late = overdue = pending = 0
    for deadline, done in tasks:
        if start <= deadline <= end:
            due += 1
        else:
            carried += 1
        # ``task_state``, unrolled: a busy week has thousands of tasks and this runs on every
        # key press in the week view (tests check the two agree).
        if done is not None:
            if done <= deadline:
                on_time += 1
            else:
                late += 1
        elif today > deadline:
            overdue += 1
        else:
            pending += 1
    return WeekCounts(due, carried, on_time, late, overdue, pending)


# --- Figures for a period --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DistributionFigures:
    """How the minutes of a period's held conferences went out."""

    conferences: int = 0
    """Held conferences with minutes."""
    within: int = 0
    """Distributed by the deadline (15 working days by default)."""
    late: int = 0
    outstanding: int = 0
    """Not distributed yet."""
    outstanding_overdue: int = 0
    """Not distributed and past the deadline today (part of ``outstanding``)."""
    average_working_days: float | None = None
    """Mean working days from the conference to distribution, over those distributed."""

    @property
    def distributed(self) -> int:
        return self.within + self.late

    @property
    def within_percent(self) -> float | None:
        """Share of those distributed that went out in time, to one decimal place."""
        if not self.distributed:
            return None
        return round(100 * self.within / self.distributed, 1)


class DistributionTally:
    """Figures built up one conference at a time, so a report can keep one tally for the
    whole period and one per chair while reading each row once."""

    __slots__ = ("days", "late", "outstanding", "overdue", "today", "within")

    def __init__(self, today: date) -> None:
        self.today = today
        self.within = self.late = self.outstanding = self.overdue = self.days = 0

    def add(
        self, due: date, distributed: date | None, working_days: int | None, count: int = 1
    ) -> None:
        """One conference's minutes (or ``count`` alike, as the database groups them);
        ``working_days`` from the conference to distribution (see ``days_to_distribution``),
        None while not distributed."""
        if distributed is None:
            self.outstanding += count
            if self.today > due:
                self.overdue += count
            return
        if distributed <= due:
            self.within += count
        else:
            self.late += count
        self.days += (working_days or 0) * count

    def figures(self) -> DistributionFigures:
        done = self.within + self.late
        return DistributionFigures(
            conferences=done + self.outstanding,
            within=self.within,
            late=self.late,
            outstanding=self.outstanding,
            outstanding_overdue=self.overdue,
            average_working_days=round(self.days / done, 1) if done else None,
        )


def days_to_distribution(held: date, distributed: date | None) -> int | None:
    """Working days from the conference to distribution (the first working day after it is
    day 1); None while the minutes are not distributed."""
    return None if distributed is None else working_days_between(held, distributed)


def distribution_figures(
    rows: Iterable[tuple[date, date, date | None]], today: date
) -> DistributionFigures:
    """Figures from (conference date, distribution deadline, distributed on) triples."""
    tally = DistributionTally(today)
    for held, due, distributed in rows:
        tally.add(due, distributed, days_to_distribution(held, distributed))
    return tally.figures()
