"""Invitations, replies, attendance and reports: what a clerk tracks before and on the day.

Everything here works on plain facts (codes, dates, flags) so the invite tab, the reports
outstanding list, the home screen's warnings and the demo data all judge a conference the
same way. Quoracy itself is ``domain.quoracy``; report deadlines are ``domain.timescales``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache

from siu_tui.domain.codes import Agency, ConferenceType, InviteResponse, ReportTimeliness
from siu_tui.domain.dates import format_date
from siu_tui.domain.quoracy import (
    AGENCY_RANK,
    NON_COUNTING_AGENCIES,
    Participant,
    QuoracyResult,
    assess_quoracy,
)
from siu_tui.domain.settings import DEFAULT_RULES, Rules
from siu_tui.domain.timescales import classify_receipt, report_deadlines
from siu_tui.domain.workingdays import add_working_days, working_days_between

NO_AGENCY_REPORT: frozenset[Agency] = NON_COUNTING_AGENCIES | {Agency.SOCIAL_CARE}
"""Invitees from whom no agency report is expected: the family and the people who support
them bring none, and children's social care reports through the social worker's report,
which is tracked on its own."""

REPORTING_AGENCIES: tuple[Agency, ...] = tuple(a for a in Agency if a not in NO_AGENCY_REPORT)
"""Agencies asked for a report, in the code list's order."""


_BY_CODE: dict[str, Agency] = {a.value: a for a in Agency}


def _agency(value: Agency | str) -> Agency:
    # A dictionary look-up first: lists judge every invitee of every conference they show.
    if isinstance(value, Agency):
        return value
    found = _BY_CODE.get(value)
    if found is not None:
        return found
    parsed = Agency.parse(value)  # tidies spaces, or names the choices
    assert isinstance(parsed, Agency)
    return parsed


_report_deadlines = lru_cache(maxsize=4096)(report_deadlines)
"""The same few dates recur across a list, and each answer walks the calendar."""


def expects_agency_report(agency: Agency | str) -> bool:
    """Whether the clerk should chase this invitee's agency for a report."""
    return _agency(agency) not in NO_AGENCY_REPORT


def agency_report_deadline(
    conference_type: ConferenceType | str, conference_date: date, rules: Rules = DEFAULT_RULES
) -> date:
    """When an agency's report is due: agencies write for the chair, so their reports are due
    when the social worker's report is due to the chair (the same setting moves both)."""
    return _report_deadlines(conference_type, conference_date, rules).chair


# --- Quoracy before and on the day ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InviteeFacts:
    """What quoracy needs to know about one invitee."""

    agency: Agency | str
    direct_contact: bool = True
    response: str = InviteResponse.NOT_KNOWN.value
    attended: bool | None = None


def attendance_taken(invitees: Iterable[InviteeFacts]) -> bool:
    """Attendance counts once anyone has been ticked either way; until then replies do."""
    return any(i.attended is not None for i in invitees)


@dataclass(frozen=True, slots=True)
class QuoracyOutlook:
    """Quoracy as the clerk sees it: from attendance once taken, from replies before that."""

    expected: bool
    """True while attendance has not been taken, so the verdict is a forecast from replies."""
    result: QuoracyResult
    missing: tuple[Agency, ...]
    """Who would make the difference: social care when absent, then invited agencies with
    direct contact that are not (or not expected to be) there, in the code list's order."""

    @property
    def quorate(self) -> bool:
        return self.result.quorate

    @property
    def summary(self) -> str:
        """One line: "Quorate: social care + Police, GP" or, before the day, "Expected not
        quorate: needs 1 more agency with direct contact"."""
        text = self.result.summary
        if self.expected:
            return "Expected " + text[0].lower() + text[1:]
        return text

    @property
    def counting_labels(self) -> tuple[str, ...]:
        present = ("Children's social care",) if self.result.social_care_present else ()
        return present + tuple(a.label for a in self.result.counting)

    @property
    def missing_labels(self) -> tuple[str, ...]:
        return tuple(a.label for a in self.missing)


def quoracy_outlook(
    invitees: Iterable[InviteeFacts], rules: Rules = DEFAULT_RULES
) -> QuoracyOutlook:
    """Judge the invite list: those ticked as attended once attendance is taken, otherwise
    those who replied that they are attending ("expected quorate")."""
    # Duplicates change nothing (quoracy counts agencies, not people), so the verdict is one
    # of the set of facts; lists judging hundreds of conferences meet the same sets again.
    return _outlook(frozenset(invitees), rules)


@lru_cache(maxsize=4096)
def _outlook(facts: frozenset[InviteeFacts], rules: Rules) -> QuoracyOutlook:
    taken = attendance_taken(facts)
    attending = InviteResponse.ATTENDING.value
    present = [
        Participant(_agency(f.agency), f.direct_contact)
        for f in facts
        if (f.attended is True if taken else f.response == attending)
    ]
    result = assess_quoracy(present, rules)
    could_count = {
        agency
        for agency in (_agency(f.agency) for f in facts if f.direct_contact)
        if agency not in NO_AGENCY_REPORT
    }
    missing = [Agency.SOCIAL_CARE] if not result.social_care_present else []
    missing += sorted(could_count.difference(result.counting), key=AGENCY_RANK.__getitem__)
    return QuoracyOutlook(not taken, result, tuple(missing))


# --- Report receipt -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Receipt:
    """One report's arrival judged against its deadline, as the clerk reads it."""

    deadline: date
    received: date | None
    timeliness: ReportTimeliness
    text: str
    """"On time (received 20/11/2026)", "Not received · due in 2 working days" ..."""
    overdue: bool
    """Not received and its deadline has passed (while the conference is still to come)."""
    closed: bool = False
    """The conference has taken place: a report not received by then never was."""


def _days(n: int) -> str:
    return f"{n} working day" + ("" if n == 1 else "s")


def describe_receipt(
    received: date | None, deadline: date, conference_date: date, today: date
) -> Receipt:
    """Classify a receipt live (``timescales.classify_receipt``) and say what it means today:
    before the conference a missing report is "due in N working days" or "N overdue". A
    receipt dated after today has not happened: it is classed as not received and says so."""
    future = received is not None and received > today
    timeliness = classify_receipt(None if future else received, deadline, conference_date)
    overdue = False
    if future:
        text = f"{format_date(received)} is after today: it cannot have arrived yet"
    elif received is not None:
        text = f"{timeliness.label} (received {format_date(received)})"
    elif today > conference_date:
        text = timeliness.label
    else:
        left = working_days_between(today, deadline)
        overdue = left < 0
        if left > 0:
            text = f"Not received · due in {_days(left)}"
        elif left == 0:
            text = "Not received · due today"
        else:
            text = f"Not received · {_days(-left)} overdue"
    return Receipt(deadline, received, timeliness, text, overdue, today > conference_date)


def sw_report_overdue(
    conference_type: ConferenceType | str,
    conference_date: date,
    to_parents: date | None,
    to_chair: date | None,
    today: date,
    rules: Rules = DEFAULT_RULES,
) -> bool:
    """The social worker's report has missed a deadline (to the parents or to the chair) and
    has still not arrived: the deadline day itself is not yet overdue."""
    due = _report_deadlines(conference_type, conference_date, rules)
    return (to_parents is None and today > due.parents) or (to_chair is None and today > due.chair)


# --- Upcoming risk --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def risk_window_end(today: date, rules: Rules = DEFAULT_RULES) -> date:
    """The last day of the look-ahead in which conferences at risk are flagged."""
    return add_working_days(today, rules.upcoming_risk_working_days)


@dataclass(frozen=True, slots=True)
class UpcomingRisk:
    """Why a conference coming up soon may not go ahead as booked."""

    expected_inquorate: bool = False
    sw_report_overdue: bool = False
    quoracy: str = ""
    """The quoracy outlook's summary when it is the reason ("Expected not quorate: ...")."""

    def __bool__(self) -> bool:
        return self.expected_inquorate or self.sw_report_overdue

    @property
    def label(self) -> str:
        """Short enough for a list's status column."""
        if self.expected_inquorate and self.sw_report_overdue:
            return "Quorum + SW"
        if self.expected_inquorate:
            return "Quorum risk"
        if self.sw_report_overdue:
            return "SW overdue"
        return ""

    @property
    def reasons(self) -> tuple[str, ...]:
        out = []
        if self.expected_inquorate:
            out.append("Expected inquorate")
        if self.sw_report_overdue:
            out.append("Social worker's report overdue")
        return tuple(out)


NO_RISK = UpcomingRisk()

RISK_LEGEND = "Quorum risk: expected inquorate · SW overdue: social worker's report overdue"


def upcoming_risk(
    conference_type: ConferenceType | str,
    conference_date: date,
    today: date,
    invitees: Iterable[InviteeFacts],
    to_parents: date | None,
    to_chair: date | None,
    rules: Rules = DEFAULT_RULES,
) -> UpcomingRisk:
    """The flags for a booked conference in the look-ahead window (none outside it): expected
    inquorate from replies (or not quorate, once attendance is taken), or the social worker's
    report overdue."""
    if not today <= conference_date <= risk_window_end(today, rules):
        return NO_RISK
    outlook = quoracy_outlook(invitees, rules)
    overdue = sw_report_overdue(
        conference_type, conference_date, to_parents, to_chair, today, rules
    )
    if outlook.quorate and not overdue:
        return NO_RISK
    return UpcomingRisk(
        expected_inquorate=not outlook.quorate,
        sw_report_overdue=overdue,
        quoracy="" if outlook.quorate else outlook.summary,
    )


# --- The invitation e-mail ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConferenceDetails:
    """What an invitation tells the invitee about the conference."""

    reference: str
    type_label: str
    family_name: str
    date: date
    start_time: time
    duration_minutes: int
    venue: str
    chair: str | None
    report_due: date


INVITATION_NOTICES: dict[str, tuple[str, str]] = {
    # notice: (subject, opening paragraph)
    "invitation": (
        "Invitation: child protection conference on {date} at {time} ({reference})",
        "You are invited to a child protection conference.",
    ),
    "moved": (
        "Conference moved: child protection conference now on {date} at {time} ({reference})",
        "The child protection conference you were invited to has moved. The new details are\n"
        "below; please let us know if you can no longer attend.",
    ),
    "cancelled": (
        "Conference cancelled: child protection conference on {date} at {time} ({reference})",
        "The child protection conference you were invited to, below, has been cancelled and\n"
        "will not take place. No report is needed for it.",
    ),
    "stood_down": (
        "Conference stood down: child protection conference on {date} at {time} ({reference})",
        "The child protection conference you were invited to, below, has been stood down and\n"
        "will not take place then. It will be re-booked, and you will be invited again with\n"
        "the new date and time.",
    ),
}
"""The e-mails an invitee can get: the invitation, and after it was sent, a move, a
cancellation or a stand-down (each with the conference's details as they now stand)."""
NOT_TAKING_PLACE = frozenset({"cancelled", "stood_down"})
"""Notices of a conference that will not take place as invited: no report date, no reply."""
INVITATION_SUBJECT = INVITATION_NOTICES["invitation"][0]
INVITATION_BODY = """Dear {name},

{opening}

Conference:  {type} ({reference})
Family:      {family}
Date:        {day} {date}
Time:        {time} ({minutes} minutes)
Venue:       {venue}
Chair:       {chair}
{report}{closing}
Safeguarding & Improvement Unit
"""
REPLY_LINE = (
    "Please reply to say whether you will attend. If you cannot attend, please send your\n"
    "apologies and let us know who will attend in your place.\n"
)
REPORT_LINE = (
    "\nPlease send your agency's report (LSCB format preferred) to reach the chair by {due}.\n"
)


def invitation_email(
    details: ConferenceDetails,
    invitee_name: str,
    agency: Agency | str,
    notice: str = "invitation",
) -> tuple[str, str]:
    """(subject, body) of the invitation to one person (or, with ``notice``, of the message
    saying it has moved, been cancelled or been stood down); professionals are also told when
    their report is due, worked out from the conference's date as it now stands."""
    subject_text, opening = INVITATION_NOTICES[notice]
    when = format_date(details.date)
    at = f"{details.start_time:%H:%M}"
    subject = subject_text.format(date=when, time=at, reference=details.reference)
    live = notice not in NOT_TAKING_PLACE
    report = (
        REPORT_LINE.format(due=format_date(details.report_due))
        if live and expects_agency_report(agency)
        else ""
    )
    body = INVITATION_BODY.format(
        name=invitee_name,
        opening=opening,
        type=details.type_label,
        reference=details.reference,
        family=details.family_name,
        day=f"{details.date:%A}",
        date=when,
        time=at,
        minutes=details.duration_minutes,
        venue=details.venue or "to be confirmed",
        chair=details.chair or "to be confirmed",
        report=report,
        closing="\n" + REPLY_LINE if live else "",
    )
    return subject, body
