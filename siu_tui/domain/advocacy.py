"""Who is old enough to be referred to the advocacy service automatically.

Older children are entitled to have their views put to the conference, so everyone at or over
the set age on the conference date is referred when it is booked; younger children may still
be referred by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from siu_tui.domain.dates import format_date, years_before
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


# --- The e-mail to the advocacy service ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeDetails:
    """What the advocate needs to know about a referral (gathered by the advocacy service
    module, or by the demo generator)."""

    child_name: str
    age_label: str
    conference_reference: str
    conference_type: str
    date: date
    start_time: time
    venue: str
    chair: str
    social_worker: str
    social_worker_contact: str
    automatic: bool
    reason: str | None
    min_age: int


def age_label(date_of_birth: date | None, on: date) -> str:
    """ "11", "under 1" or "unborn", as the record screen words a child's age."""
    if date_of_birth is None or date_of_birth > on:
        return "unborn"
    years = age_on(date_of_birth, on)
    return "under 1" if years == 0 else str(years)


NOTICES = {
    "referral": (
        "Advocacy referral",
        "The Safeguarding & Improvement Unit refers this child to the advocacy service for "
        "the child protection conference below. Please offer the child an advocate and let "
        "the unit know their answer.",
    ),
    "moved": (
        "Advocacy referral update (conference moved)",
        "The conference for this child has moved. The referral stands; the new details are below.",
    ),
    "rebooked": (
        "Advocacy referral (conference re-booked)",
        "The conference for this child was stood down and has been re-booked. The referral "
        "carries over; the new details are below.",
    ),
    "withdrawn": (
        "Advocacy referral withdrawn",
        "The referral below is withdrawn, so no advocate is needed for this conference.",
    ),
}


def initials(name: str) -> str:
    """ "R.S." for "Robin Smith": a child is named in a Subject line only by initials, since
    subjects are shown in inbox lists, notifications and server logs."""
    letters = [next((ch for ch in word if ch.isalnum()), "") for word in name.split()]
    return "".join(f"{letter.upper()}." for letter in letters if letter) or "?"


def compose_notice(details: NoticeDetails, notice: str, why: str | None = None) -> tuple[str, str]:
    """The subject and plain-text body of a message to the advocacy service. The subject
    carries the child's initials and the conference's date, never the name or age."""
    title, intro = NOTICES[notice]
    when = f"{details.date:%A} {format_date(details.date)}"
    age = (
        details.age_label
        if details.age_label in ("unborn", "under 1")
        else f"aged {details.age_label}"
    )
    subject = (
        f"{title}: {initials(details.child_name)}, {details.conference_type} conference "
        f"{format_date(details.date)} [{details.conference_reference}]"
    )
    if details.automatic:
        referred = f"automatically (aged {details.min_age} or over on the conference date)"
    else:
        referred = f"by hand: {details.reason or 'no reason given'}"
    lines = [
        intro + (f" Reason: {why}." if why else ""),
        "",
        f"Child:          {details.child_name}, {age} on the conference date",
        f"Conference:     {details.conference_type} child protection conference "
        f"({details.conference_reference})",
        f"Date and time:  {when} at {details.start_time:%H:%M}",
        f"Venue:          {details.venue}",
        f"Chair:          {details.chair}",
        f"Social worker:  {details.social_worker} ({details.social_worker_contact})",
        f"Referred:       {referred}",
        "",
        "-- ",
        "Sent by SIU Desk for the Safeguarding & Improvement Unit.",
    ]
    return subject, "\n".join(lines) + "\n"


# --- Figures ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferralFact:
    """What the figures need to know about one referral (withdrawn ones are left out)."""

    child_id: str
    date_of_birth: date | None
    conference_date: date
    automatic: bool
    outcome: str
    supported: bool | None


@dataclass(frozen=True, slots=True)
class AdvocacyFigures:
    """Advocacy for a period, as the quarterly and annual reports give it."""

    referrals: int = 0
    automatic: int = 0
    by_hand: int = 0
    pending: int = 0
    contacted: int = 0
    accepted: int = 0
    declined: int = 0
    no_response: int = 0
    supported: int = 0
    """Referrals where the advocate supported the child at the conference."""
    children_supported: int = 0
    """Different children supported (a child at two conferences counts once)."""
    younger_children_supported: int = 0
    """Of those, children under the automatic referral age on the conference date."""

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}


FIGURE_LABELS: dict[str, str] = {
    "referrals": "Referrals",
    "automatic": "  automatic",
    "by_hand": "  by hand",
    "pending": "Pending",
    "contacted": "Contacted",
    "accepted": "Accepted",
    "declined": "Declined",
    "no_response": "No response",
    "supported": "Supported at conference",
    "children_supported": "Children supported",
    "younger_children_supported": "Younger children supported",
}


_OUTCOME_FIELDS = frozenset({"pending", "contacted", "accepted", "declined", "no_response"})


def advocacy_figures(
    referrals: Iterable[ReferralFact], rules: Rules = DEFAULT_RULES
) -> AdvocacyFigures:
    """Count referrals, their outcomes and the children supported (see ``tally_figures``,
    which the database feeds with the same counts already grouped)."""
    groups: dict[tuple[bool, str, bool], int] = {}
    first_supported: dict[str, tuple[date | None, date]] = {}
    for fact in referrals:
        key = (fact.automatic, fact.outcome, bool(fact.supported))
        groups[key] = groups.get(key, 0) + 1
        if fact.supported:
            known = first_supported.get(fact.child_id)
            if known is None or fact.conference_date < known[1]:
                first_supported[fact.child_id] = (fact.date_of_birth, fact.conference_date)
    return tally_figures(
        [(*key, n) for key, n in groups.items()],
        [(child, born, day) for child, (born, day) in first_supported.items()],
        rules,
    )


def tally_figures(
    groups: Iterable[tuple[bool, str, bool | None, int]],
    supported_children: Iterable[tuple[str, date | None, date]],
    rules: Rules = DEFAULT_RULES,
) -> AdvocacyFigures:
    """The figures from referrals counted by (automatic, outcome, supported), and each child
    supported with their date of birth and the first conference they were supported at.

    "Younger" is judged on the conference's date against the automatic referral age, so a
    sibling referred by hand at 9 who turns 10 before the next conference is younger only at
    the first; since children only grow older, the first conference they were supported at
    decides whether they were ever supported while younger.
    """
    children = younger = 0
    for _child, born, day in supported_children:
        children += 1
        if born is None or born > day or age_on(born, day) < rules.advocacy_min_age:
            younger += 1
    return figures_from_counts(groups, children, younger)


def figures_from_counts(
    groups: Iterable[tuple[bool, str, bool | None, int]],
    children_supported: int,
    younger_children_supported: int,
) -> AdvocacyFigures:
    """The figures from referrals counted by (automatic, outcome, supported), and the
    children supported counted already (as the database counts them, with
    ``latest_birth_at_referral_age``)."""
    counts = dict.fromkeys(AdvocacyFigures.__slots__, 0)
    for automatic, outcome, supported, n in groups:
        counts["referrals"] += n
        counts["automatic" if automatic else "by_hand"] += n
        if outcome in _OUTCOME_FIELDS:
            counts[outcome] += n
        if supported:
            counts["supported"] += n
    counts["children_supported"] = children_supported
    counts["younger_children_supported"] = younger_children_supported
    return AdvocacyFigures(**counts)


def latest_birth_at_referral_age(on: date, rules: Rules = DEFAULT_RULES) -> date:
    """The latest date of birth of a child who has reached the automatic referral age on
    ``on``: a child born after it, or not born, is younger (``age_on`` agrees for every date,
    29 February included). Lets the database judge "younger" with a date comparison."""
    return years_before(on, rules.advocacy_min_age)
