"""The quarterly and annual thematic report: its periods, its groupings and how its tables read.

The figures themselves are counted by the database (``services.reports``); what is decided
here is everything a manager would argue about: which days a report covers, which DfE codes
make up each ethnic group, where the age bands fall on a quarter-end, what "multiple" means,
how a percentage is rounded, and the headings and commentary of the printed tables. Keeping
it pure means the screen, the command line and every export format agree by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any, Literal

from siu_tui.domain.advocacy import FIGURE_LABELS as ADVOCACY_LABELS
from siu_tui.domain.codes import (
    MULTIPLE,
    AbuseCategory,
    ChallengeCategory,
    ChallengeLevel,
    ConferenceType,
    Reason,
)
from siu_tui.domain.dates import years_before
from siu_tui.domain.periods import Period, financial_year, quarter

KINDS = ("annual", "quarterly")

QUARTER_KEYS = ("Q1", "Q2", "Q3", "Q4")

CATEGORY_KEYS: tuple[str, ...] = (*(c.value for c in AbuseCategory), MULTIPLE)
"""A plan's reporting category: its one category, or "multiple" for two or more."""

ETHNIC_GROUPS: dict[str, tuple[str, ...]] = {
    "white": ("WBRI", "WIRI", "WOTH", "WIRT", "WROM"),
    "mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "asian": ("AIND", "APKN", "ABAN", "AOTH"),
    "black": ("BCRB", "BAFR", "BOTH"),
    "other": ("CHNE", "OOTH"),
}
"""DfE ethnicity codes by the groups the report counts; DfE's statistics put CHNE under
"other". Anything else (REFU, NOBT, no code at all) is "undetermined"."""

ETHNIC_GROUP_KEYS: tuple[str, ...] = (*ETHNIC_GROUPS, "undetermined")

AGE_KEYS = ("unborn", "under_1", "1_4", "5_9", "10_15", "16_plus")
_AGE_STEPS = (1, 5, 10, 16)
"""The birthdays that move a child into the next band: 1st, 5th, 10th and 16th."""

TIMELINESS_KEYS = ("on_time", "late", "on_the_day", "not_received")

NOT_RECORDED = "not_recorded"
"""A late conference with no reason recorded: shown, not hidden, in the reasons."""

REASON_KEYS: tuple[str, ...] = tuple(r.value for r in Reason)


# --- Periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """What a report covers: the whole council year or one quarter of it."""

    kind: str
    year: int
    quarter: int | None
    period: Period

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end

    @property
    def quarters(self) -> tuple[int, ...]:
        """The quarters whose end-of-quarter snapshots the report shows."""
        return (self.quarter,) if self.quarter else (1, 2, 3, 4)

    @property
    def title(self) -> str:
        name = "Quarterly" if self.quarter else "Annual"
        return f"{name} thematic report {self.period.label}"

    def previous_quarter(self) -> tuple[int, int]:
        """(year, quarter) before the first quarter shown: the "change on the last quarter"
        of a quarterly report, or of an annual report's Q1, compares with it."""
        first = self.quarters[0]
        return (self.year, first - 1) if first > 1 else (self.year - 1, 4)


class PeriodError(ValueError):
    """A report period that makes no sense, naming the choice at fault ("kind", "year" or
    "quarter") so a form can show the message beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def report_period(kind: str, year: int, quarter_number: int | None = None) -> ReportPeriod:
    """The period a report asks for, refusing combinations that make no sense (an annual
    report for one quarter, a quarterly report with no quarter)."""
    if kind not in KINDS:
        raise PeriodError("kind", f"A report is annual or quarterly, not {kind!r}")
    if not 1900 <= year <= 2999:
        raise PeriodError("year", f"{year} is not a year the council could report on")
    if kind == "annual":
        if quarter_number is not None:
            raise PeriodError(
                "quarter", "An annual report covers the whole year: leave out the quarter"
            )
        return ReportPeriod(kind, year, None, financial_year(year))
    if quarter_number is None:
        raise PeriodError("quarter", "A quarterly report needs a quarter (1 to 4)")
    return ReportPeriod(kind, year, quarter_number, quarter(year, quarter_number))


# --- Groupings -----------------------------------------------------------------------------


def ethnic_group(code: str | None) -> str:
    """The report's ethnic group for a DfE code (no code at all is undetermined)."""
    for group, codes in ETHNIC_GROUPS.items():
        if code in codes:
            return group
    return "undetermined"


def age_thresholds(on: date) -> tuple[date, date, date, date]:
    """The latest dates of birth for a child aged 1, 5, 10 and 16 on ``on``; a child born
    after the first is under 1, and so on. Lets the database band ages with plain date
    comparisons, which every SQL dialect does the same way."""
    one, five, ten, sixteen = (years_before(on, n) for n in _AGE_STEPS)
    return one, five, ten, sixteen


def age_key(date_of_birth: date | None, on: date) -> str:
    """The report's age band on a day; no date of birth, or one still to come, is unborn."""
    if date_of_birth is None or date_of_birth > on:
        return "unborn"
    for band, threshold in zip(AGE_KEYS[1:], age_thresholds(on), strict=False):
        if date_of_birth > threshold:
            return band
    return AGE_KEYS[-1]


def category_key(neglect: bool, physical: bool, emotional: bool, sexual: bool) -> str | None:
    """The plan's reporting category; None when no category is set (which a plan should
    never be, so the caller can count it apart rather than guess)."""
    chosen = [
        key
        for key, on in zip(CATEGORY_KEYS, (neglect, physical, emotional, sexual), strict=False)
        if on
    ]
    if not chosen:
        return None
    return chosen[0] if len(chosen) == 1 else MULTIPLE


def percent(part: int, whole: int) -> float:
    """A share to one decimal place, halves rounded up as a manager would by hand (not to
    the even digit); nothing out of nothing is 0.0."""
    if whole <= 0:
        return 0.0
    value = Decimal(part) * 100 / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def has_happened(day: date, today: date) -> bool:
    """Whether a quarter-end's snapshot can be counted: from its own day on. A quarter-end
    after today has no figures, only "not yet"; counting it would state as fact the plans
    that happen to be open today."""
    return day <= today


# --- Tables --------------------------------------------------------------------------------


class Pending(Enum):
    """A cell with no figure because what it counts has not happened yet."""

    NOT_YET = "not yet"


NOT_YET = Pending.NOT_YET
"""A quarter-end after the day the report was counted: the screen and Markdown say "not
yet", CSV and XLSX leave the cell empty (and JSON has ``null`` for the whole quarter)."""

Cell = int | float | Literal[Pending.NOT_YET] | None


@dataclass(frozen=True)
class ReportTable:
    """One table of the report as a manager prints it: a heading, column headings, and rows
    of a label and figures. ``series`` tables have one column per quarter and get a chart."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]
    commentary: str = ""
    series: bool = False

    @property
    def short_title(self) -> str:
        """A name that fits a spreadsheet tab (31 characters) or a chart's heading."""
        return SHORT_TITLES.get(self.key, self.title[:31])


SHORT_TITLES = {
    "conference_activity": "Conference activity",
    "plans_by_category": "Plans by category",
    "plans_by_ethnicity": "Plans by ethnic group",
    "plans_by_age": "Plans by age",
    "plans_ended": "Plans ended",
    "report_to_parents": "Report to parents",
    "report_to_chair": "Report to chair",
    "held_after_deadline": "Held after deadline",
    "stood_down": "Stood down",
    "advocacy": "Advocacy",
    "challenges_by_level": "Challenges by level",
    "challenges_by_category": "Challenges by category",
    "minutes": "Minutes",
}


def _quarter_columns(block: Mapping[str, Mapping[str, int] | None]) -> tuple[str, ...]:
    return tuple(q for q in QUARTER_KEYS if q in block)


def _series_table(
    key: str,
    title: str,
    first_column: str,
    block: Mapping[str, Mapping[str, int] | None],
    labels: Sequence[tuple[str, str]],
    previous: Mapping[str, int] | None,
    *,
    total: bool,
) -> ReportTable:
    """A quarter-end table; a quarter whose end has not come (``None`` in the figures) has
    "not yet" in every cell."""
    quarters = _quarter_columns(block)

    def cells(figure: Callable[[Mapping[str, int]], int]) -> tuple[Cell, ...]:
        return tuple(NOT_YET if (counts := block[q]) is None else figure(counts) for q in quarters)

    rows = [(label, cells(lambda counts, k=k: counts.get(k, 0))) for k, label in labels]
    if total:
        rows.append(("Total", cells(lambda counts: sum(counts.get(k, 0) for k, _ in labels))))
    return ReportTable(
        key,
        title,
        (first_column, *quarters),
        tuple(rows),
        _series_commentary(block, labels, previous, quarters),
        series=True,
    )


def _series_commentary(
    block: Mapping[str, Mapping[str, int] | None],
    labels: Sequence[tuple[str, str]],
    previous: Mapping[str, int] | None,
    quarters: tuple[str, ...],
) -> str:
    """Largest group at the last quarter-end shown that has passed, and the change in
    children on a plan since the quarter-end before it; quarter-ends still to come are named
    as such, never described."""
    passed = [q for q in quarters if block[q] is not None]
    to_come = [q for q in quarters if block[q] is None]
    still = _to_come(to_come)
    if not passed:
        return still
    last = passed[-1]
    counts = {k: block[last].get(k, 0) for k, _ in labels}  # type: ignore[union-attr]
    total = sum(counts.values())
    if not total:
        line = f"No children were subject to a plan at the end of {last}."
    else:
        key, largest = max(counts.items(), key=lambda item: item[1])
        label = dict(labels)[key]
        line = (
            f"At the end of {last}, {label.lower()} was the largest group: {largest} of "
            f"{total} children ({percent(largest, total)}%)."
        )
        if len(passed) > 1:
            before = sum(block[passed[-2]].get(k, 0) for k, _ in labels)  # type: ignore[union-attr]
            line += " " + _change(total, before, f"the end of {passed[-2]}")
        elif previous is not None and len(quarters) == 1:
            before = sum(previous.get(k, 0) for k, _ in labels)
            line += " " + _change(total, before, "the previous quarter-end")
    return f"{line} {still}" if still else line


def _to_come(quarters: Sequence[str]) -> str:
    if not quarters:
        return ""
    if len(quarters) == 1:
        return f"The end of {quarters[0]} has not come yet: no figures for it."
    names = ", ".join(quarters[:-1]) + f" and {quarters[-1]}"
    return f"The ends of {names} have not come yet: no figures for them."


def _change(now: int, before: int, when: str) -> str:
    if now == before:
        return f"The same number as at {when}."
    direction = "more" if now > before else "fewer"
    return f"{abs(now - before)} {direction} than at {when} ({before})."


def _largest_commentary(rows: Sequence[tuple[str, int]], noun: str) -> str:
    total = sum(n for _, n in rows)
    if not total:
        return f"No {noun} in this period."
    label, largest = max(rows, key=lambda item: item[1])
    return (
        f"{label} accounts for the most {noun}: {largest} of {total} ({percent(largest, total)}%)."
    )


def _timeliness_table(key: str, title: str, block: Mapping[str, Mapping[str, int]]) -> ReportTable:
    labels = (
        ("on_time", "On time"),
        ("late", "Late"),
        ("on_the_day", "On the day"),
        ("not_received", "Not received"),
    )
    rows = [
        (label, (block["initial"][k], block["review"][k], block["initial"][k] + block["review"][k]))
        for k, label in labels
    ]
    counted = sum(r[1][2] for r in rows)
    on_time = block["initial"]["on_time"] + block["review"]["on_time"]
    on_the_day = block["initial"]["on_the_day"] + block["review"]["on_the_day"]
    commentary = (
        f"{on_time} of {counted} reports ({percent(on_time, counted)}%) arrived on time; "
        f"{on_the_day} ({percent(on_the_day, counted)}%) on the day of the conference."
        if counted
        else "No conferences were held in this period."
    )
    return ReportTable(key, title, ("Report", "Initial", "Review", "All"), tuple(rows), commentary)


def _reason_label(code: str) -> str:
    return "No reason recorded" if code == NOT_RECORDED else Reason.label_of(code)


def report_tables(
    figures: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> list[ReportTable]:
    """The report's figures (the JSON the command line writes) laid out as printed tables,
    in the order of the unit's annual report. ``previous`` holds the per-quarter snapshot
    before the first one shown, for the commentary's "change on the last quarter"."""
    previous = previous or {}
    activity = figures["conference_activity"]
    activity_rows = [(t.label, activity[t.value]) for t in ConferenceType]
    tables = [
        ReportTable(
            "conference_activity",
            "Conference activity (held conferences)",
            ("Conference type", "Held"),
            (*((label, (n,)) for label, n in activity_rows), ("Total", (activity["total"],))),
            _largest_commentary(activity_rows, "conferences held"),
        ),
        _series_table(
            "plans_by_category",
            "Children subject to a plan at each quarter-end, by category of abuse",
            "Category",
            figures["plans_by_category"],
            [(c.value, c.label) for c in AbuseCategory] + [(MULTIPLE, "Multiple")],
            previous.get("plans_by_category"),
            total=True,
        ),
        _series_table(
            "plans_by_ethnicity",
            "Children subject to a plan at each quarter-end, by ethnic group",
            "Ethnic group",
            figures["plans_by_ethnicity"],
            [(k, k.capitalize()) for k in ETHNIC_GROUP_KEYS],
            previous.get("plans_by_ethnicity"),
            total=True,
        ),
        _series_table(
            "plans_by_age",
            "Children subject to a plan at each quarter-end, by age",
            "Age",
            figures["plans_by_age"],
            list(
                zip(
                    AGE_KEYS,
                    ("Unborn", "Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"),
                    strict=True,
                )
            ),
            previous.get("plans_by_age"),
            total=True,
        ),
    ]
    ended = figures["plans_ended"]
    tables.append(
        ReportTable(
            "plans_ended",
            "Plans ended",
            ("", "Plans"),
            (
                ("Plans ended in the period", (ended["total"],)),
                ("Ended at the first review", (ended["at_first_review"],)),
                ("% ended at the first review", (ended["at_first_review_percent"],)),
            ),
            f"{ended['at_first_review_percent']}% of the plans that ended did so at their first "
            "review."
            if ended["total"]
            else "No plans ended in this period.",
        )
    )
    tables.append(
        _timeliness_table(
            "report_to_parents", "Social worker's report to parents", figures["report_to_parents"]
        )
    )
    tables.append(
        _timeliness_table(
            "report_to_chair", "Social worker's report to the chair", figures["report_to_chair"]
        )
    )
    late = figures["held_after_deadline"]
    reasons = [(_reason_label(code), n) for code, n in late["by_reason"].items()]
    tables.append(
        ReportTable(
            "held_after_deadline",
            "Conferences held after their deadline",
            ("", "Conferences"),
            (
                ("Initial conferences", (late["initial"],)),
                ("Reviews", (late["review"],)),
                *((f"Reason: {label}", (n,)) for label, n in reasons),
            ),
            _largest_commentary(reasons, "conferences held late"),
        )
    )
    stood = figures["stood_down"]
    stood_rows = [(Reason.label_of(code), n) for code, n in stood["by_reason"].items()]
    tables.append(
        ReportTable(
            "stood_down",
            "Conferences stood down",
            ("Reason", "Conferences"),
            (*((label, (n,)) for label, n in stood_rows), ("Total", (stood["total"],))),
            _largest_commentary(stood_rows, "conferences stood down"),
        )
    )
    advocacy = figures["advocacy"]
    tables.append(
        ReportTable(
            "advocacy",
            "Advocacy",
            ("", "Referrals"),
            tuple((ADVOCACY_LABELS[k].strip(), (v,)) for k, v in advocacy.items()),
            f"{advocacy['supported']} of {advocacy['referrals']} referrals "
            f"({percent(advocacy['supported'], advocacy['referrals'])}%) ended with the child "
            "supported at conference."
            if advocacy["referrals"]
            else "No advocacy referrals in this period.",
        )
    )
    tables.extend(_challenge_tables(figures["challenges"]))
    tables.append(_minutes_table(figures["minutes"]))
    return tables


_CHALLENGE_COLUMNS = (
    ("challenges", "Challenges"),
    ("escalations", "Escalations"),
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("escalated_further", "Escalated further"),
    ("resolved", "Resolved"),
    ("average_days_to_resolution", "Average days to resolve"),
)
"""A challenge is a chain of levels, counted once where it was first raised; each escalation
to the next level is counted apart, at the level it raised."""


def _challenge_commentary(block: Mapping[str, Any], rows: Sequence[tuple[str, int]]) -> str:
    challenges, escalations = block["total"]["challenges"], block["total"]["escalations"]
    if not challenges + escalations:
        return "No challenges were raised or escalated in this period."
    line = (
        f"{challenges} {'challenge' if challenges == 1 else 'challenges'} raised and "
        f"{escalations} {'escalation' if escalations == 1 else 'escalations'} made in this "
        "period (a challenge counts once, whatever levels it goes through; each escalation "
        "to the next level is counted apart)."
    )
    if challenges:
        line += " " + _largest_commentary(rows, "challenges raised")
    return line


def _challenge_tables(block: Mapping[str, Any]) -> list[ReportTable]:
    tables = []
    for key, title, kind in (
        ("by_level", "IRO challenges and escalations by level", ChallengeLevel),
        ("by_category", "IRO challenges and escalations by category", ChallengeCategory),
    ):
        rows = [
            (kind.label_of(code), tuple(line[c] for c, _ in _CHALLENGE_COLUMNS))
            for code, line in block[key].items()
        ]
        rows.append(("Total", tuple(block["total"][c] for c, _ in _CHALLENGE_COLUMNS)))
        raised = [(label, int(cells[0] or 0)) for label, cells in rows[:-1]]
        tables.append(
            ReportTable(
                f"challenges_{key}",
                title,
                ("Level" if key == "by_level" else "Category", *(h for _, h in _CHALLENGE_COLUMNS)),
                tuple(rows),
                _challenge_commentary(block, raised),
            )
        )
    return tables


def _minutes_table(block: Mapping[str, Any]) -> ReportTable:
    labels = (
        ("conferences", "Held conferences with minutes"),
        ("within", "Distributed within timescale"),
        ("late", "Distributed late"),
        ("outstanding", "Not distributed yet"),
        ("outstanding_overdue", "  of which overdue"),
        ("within_percent", "% of those distributed, within timescale"),
        ("average_working_days", "Average working days to distribution"),
    )
    return ReportTable(
        "minutes",
        "Minutes",
        ("", "Conferences"),
        tuple((label.strip(), (block[k],)) for k, label in labels),
        f"{block['within']} of {block['within'] + block['late']} minutes distributed "
        f"({percent(block['within'], block['within'] + block['late'])}%) went out within "
        "timescale."
        if block["within"] + block["late"]
        else "No minutes were distributed for this period's conferences.",
    )
