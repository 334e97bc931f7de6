"""Invite lists: quoracy before and on the day, report receipts at every boundary, the
upcoming-risk flags and the invitation e-mail."""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.codes import Agency, ConferenceType, ReportTimeliness
from siu_tui.domain.invites import (
    NO_AGENCY_REPORT,
    NO_RISK,
    REPORTING_AGENCIES,
    ConferenceDetails,
    InviteeFacts,
    agency_report_deadline,
    describe_receipt,
    expects_agency_report,
    invitation_email,
    quoracy_outlook,
    risk_window_end,
    sw_report_overdue,
    upcoming_risk,
)
from siu_tui.domain.quoracy import NON_COUNTING_AGENCIES
from siu_tui.domain.settings import Rules
from siu_tui.domain.timescales import report_deadlines

from .strategies import PROPERTY

A = Agency
TODAY = date(2026, 11, 25)  # a Wednesday
CONF = date(2026, 12, 2)  # the Wednesday after


def coming(*agencies: Agency, reply: str = "attending") -> list[InviteeFacts]:
    return [InviteeFacts(a, True, reply) for a in agencies]


def came(*agencies: Agency) -> list[InviteeFacts]:
    return [InviteeFacts(a, True, "not_known", True) for a in agencies]


# --- Quoracy: the cases, before the day (replies) and on it (attendance) ----------


@pytest.mark.parametrize("people", [coming, came])
def test_social_care_plus_two_agencies_is_quorate(people) -> None:  # type: ignore[no-untyped-def]
    outlook = quoracy_outlook(people(A.SOCIAL_CARE, A.POLICE, A.EDUCATION))
    assert outlook.quorate
    assert outlook.counting_labels == ("Children's social care", "Police", "School / education")
    assert outlook.missing == ()


@pytest.mark.parametrize("people", [coming, came])
def test_social_care_plus_one_agency_is_not(people) -> None:  # type: ignore[no-untyped-def]
    outlook = quoracy_outlook(people(A.SOCIAL_CARE, A.POLICE))
    assert not outlook.quorate
    assert outlook.result.needed == 1


def test_three_health_visitors_are_one_agency() -> None:
    outlook = quoracy_outlook(
        came(A.SOCIAL_CARE, A.HEALTH_VISITOR, A.HEALTH_VISITOR, A.HEALTH_VISITOR)
    )
    assert not outlook.quorate
    assert outlook.result.counting == (A.HEALTH_VISITOR,)
    assert outlook.summary == "Not quorate: needs 1 more agency with direct contact"


def test_a_school_and_a_school_nurse_are_two_agencies() -> None:
    outlook = quoracy_outlook(came(A.SOCIAL_CARE, A.EDUCATION, A.SCHOOL_NURSE))
    assert outlook.quorate
    assert outlook.result.counting == (A.SCHOOL_NURSE, A.EDUCATION)


def test_parents_and_an_advocate_are_not_counted() -> None:
    outlook = quoracy_outlook(came(A.SOCIAL_CARE, A.FAMILY, A.FAMILY, A.ADVOCATE, A.GP))
    assert not outlook.quorate
    assert outlook.result.counting == (A.GP,)
    assert set(outlook.result.not_counting) == {A.FAMILY, A.ADVOCATE}
    assert A.FAMILY not in outlook.missing and A.ADVOCATE not in outlook.missing


def test_before_the_day_replies_count_and_the_verdict_says_expected() -> None:
    invited = [
        InviteeFacts(A.SOCIAL_CARE, True, "attending"),
        InviteeFacts(A.POLICE, True, "attending"),
        InviteeFacts(A.GP, True, "apologies"),
        InviteeFacts(A.EDUCATION, True, "not_known"),
    ]
    outlook = quoracy_outlook(invited)
    assert outlook.expected
    assert not outlook.quorate
    assert outlook.summary == "Expected not quorate: needs 1 more agency with direct contact"
    assert outlook.missing == (A.GP, A.EDUCATION)  # the ones to chase, in code-list order


def test_once_anyone_is_ticked_attendance_decides_not_replies() -> None:
    invited = [
        InviteeFacts(A.SOCIAL_CARE, True, "attending", True),
        InviteeFacts(A.POLICE, True, "attending", None),  # said yes, not ticked: not here
        InviteeFacts(A.GP, True, "apologies", True),  # sent apologies but came after all
        InviteeFacts(A.EDUCATION, True, "not_known", True),
    ]
    outlook = quoracy_outlook(invited)
    assert not outlook.expected
    assert outlook.quorate
    assert outlook.summary == "Quorate: social care + GP, School / education"
    assert outlook.missing == (A.POLICE,)


def test_social_care_missing_is_named_first() -> None:
    outlook = quoracy_outlook(came(A.POLICE, A.GP))
    assert outlook.missing[0] is A.SOCIAL_CARE
    assert outlook.summary == "Not quorate: social care missing"


def test_an_agency_without_direct_contact_is_neither_counting_nor_missing() -> None:
    outlook = quoracy_outlook(
        [*came(A.SOCIAL_CARE, A.GP), InviteeFacts(A.HOUSING, False, "attending", True)]
    )
    assert not outlook.quorate
    assert A.HOUSING not in outlook.missing


def test_an_empty_list_is_expected_inquorate() -> None:
    outlook = quoracy_outlook([])
    assert outlook.expected and not outlook.quorate
    assert outlook.missing == (A.SOCIAL_CARE,)


def test_the_setting_is_used() -> None:
    people = came(A.SOCIAL_CARE, A.GP)
    assert not quoracy_outlook(people).quorate
    assert quoracy_outlook(people, Rules(quoracy_other_agencies=1)).quorate


facts = st.lists(
    st.builds(
        InviteeFacts,
        st.sampled_from(list(Agency)),
        st.booleans(),
        st.sampled_from(["attending", "apologies", "not_known"]),
        st.sampled_from([None, True, False]),
    ),
    max_size=10,
)


@PROPERTY
@given(facts)
def test_missing_and_counting_never_overlap_and_order_does_not_matter(
    invited: list[InviteeFacts],
) -> None:
    outlook = quoracy_outlook(invited)
    assert not set(outlook.missing) & set(outlook.result.counting)
    assert outlook == quoracy_outlook(list(reversed(invited)) + invited)
    assert outlook.expected == all(f.attended is None for f in invited)
    for agency in outlook.missing:
        assert agency is A.SOCIAL_CARE or agency not in NON_COUNTING_AGENCIES


# --- Who owes a report, and when ------------------------------------------------------------


def test_agency_reports_are_expected_from_professionals_only() -> None:
    assert NON_COUNTING_AGENCIES | {A.SOCIAL_CARE} == NO_AGENCY_REPORT
    assert expects_agency_report("police") and expects_agency_report(A.GP)
    for agency in (A.FAMILY, A.CHILD, A.ADVOCATE, A.INTERPRETER, A.SOCIAL_CARE):
        assert not expects_agency_report(agency)
    assert set(REPORTING_AGENCIES) == set(Agency) - NO_AGENCY_REPORT


def test_agency_reports_are_due_with_the_chairs_copy() -> None:
    for ctype in ConferenceType:
        assert agency_report_deadline(ctype, CONF) == report_deadlines(ctype, CONF).chair
    rules = Rules(report_chair_initial_working_days=4)
    assert agency_report_deadline("initial", CONF, rules) == date(2026, 11, 26)


# --- Receipt classed at each boundary (initial and review) ---------------------------------

# Wednesday 2 December 2026. Initial: parents 2 working days before (Mon 30/11), chair 1
# (Tue 1/12). Review: both 3 working days before (Fri 27/11).


def test_the_deadlines_used_below() -> None:
    initial = report_deadlines("initial", CONF)
    review = report_deadlines("subsequent_review", CONF)
    assert (initial.parents, initial.chair) == (date(2026, 11, 30), date(2026, 12, 1))
    assert (review.parents, review.chair) == (date(2026, 11, 27), date(2026, 11, 27))


@pytest.mark.parametrize(
    ("ctype", "copy", "received", "expected"),
    [
        # initial, to parents (due Monday 30/11)
        ("initial", "parents", date(2026, 11, 30), ReportTimeliness.ON_TIME),  # deadline day
        ("initial", "parents", date(2026, 12, 1), ReportTimeliness.LATE),  # the day after
        ("initial", "parents", CONF, ReportTimeliness.ON_THE_DAY),
        ("initial", "parents", None, ReportTimeliness.NOT_RECEIVED),
        # initial, to chair (due Tuesday 1/12: the day after is the conference itself)
        ("initial", "chair", date(2026, 12, 1), ReportTimeliness.ON_TIME),
        ("initial", "chair", CONF, ReportTimeliness.ON_THE_DAY),
        ("initial", "chair", None, ReportTimeliness.NOT_RECEIVED),
        # review, both copies (due Friday 27/11)
        ("first_review", "parents", date(2026, 11, 27), ReportTimeliness.ON_TIME),
        ("first_review", "parents", date(2026, 11, 28), ReportTimeliness.LATE),  # Saturday
        ("first_review", "chair", date(2026, 11, 30), ReportTimeliness.LATE),  # next working day
        ("subsequent_review", "chair", CONF, ReportTimeliness.ON_THE_DAY),
        ("subsequent_review", "parents", None, ReportTimeliness.NOT_RECEIVED),
        # after the conference it did not serve it
        ("initial", "parents", date(2026, 12, 3), ReportTimeliness.NOT_RECEIVED),
    ],
)
def test_receipt_at_each_boundary(
    ctype: str, copy: str, received: date | None, expected: ReportTimeliness
) -> None:
    deadline = getattr(report_deadlines(ctype, CONF), copy)
    receipt = describe_receipt(received, deadline, CONF, date(2026, 12, 4))
    assert receipt.timeliness is expected
    assert receipt.deadline == deadline
    if received is not None:
        assert receipt.text == f"{expected.label} (received {received:%d/%m/%Y})"


@pytest.mark.parametrize(
    ("today", "text", "overdue"),
    [
        (date(2026, 11, 25), "Not received · due in 3 working days", False),
        (date(2026, 11, 27), "Not received · due in 1 working day", False),
        (date(2026, 11, 30), "Not received · due today", False),
        (date(2026, 12, 1), "Not received · 1 working day overdue", True),
        (CONF, "Not received · 2 working days overdue", True),
        (date(2026, 12, 3), "Not received", False),
    ],
)
def test_a_missing_report_says_how_long_is_left(today: date, text: str, overdue: bool) -> None:
    receipt = describe_receipt(None, date(2026, 11, 30), CONF, today)
    assert (receipt.text, receipt.overdue) == (text, overdue)
    assert receipt.timeliness is ReportTimeliness.NOT_RECEIVED


@pytest.mark.parametrize(
    ("received", "text", "timeliness"),
    [
        (date(2026, 11, 25), "On time (received 25/11/2026)", ReportTimeliness.ON_TIME),
        (
            date(2026, 11, 26),
            "26/11/2026 is after today: it cannot have arrived yet",
            ReportTimeliness.NOT_RECEIVED,
        ),
        (
            CONF,
            "02/12/2026 is after today: it cannot have arrived yet",
            ReportTimeliness.NOT_RECEIVED,
        ),
    ],
)
def test_a_receipt_dated_after_today_is_not_classed_on_time(
    received: date, text: str, timeliness: ReportTimeliness
) -> None:
    """Typed in the dialog before saving: tomorrow is before the deadline, but it has not
    happened, so it is not "On time"."""
    receipt = describe_receipt(received, date(2026, 11, 30), CONF, date(2026, 11, 25))
    assert (receipt.text, receipt.timeliness) == (text, timeliness)


def test_sw_report_overdue_only_after_a_deadline_day() -> None:
    # Initial on 2/12: parents due 30/11, chair due 1/12.
    assert not sw_report_overdue("initial", CONF, None, None, date(2026, 11, 30))
    assert sw_report_overdue("initial", CONF, None, None, date(2026, 12, 1))
    assert not sw_report_overdue("initial", CONF, date(2026, 11, 30), None, date(2026, 12, 1))
    assert sw_report_overdue("initial", CONF, date(2026, 11, 30), None, CONF)
    assert not sw_report_overdue("initial", CONF, date(2026, 12, 1), date(2026, 12, 1), CONF)


# --- Upcoming risk --------------------------------------------------------------------------


def test_the_window_is_ten_working_days_by_default() -> None:
    assert risk_window_end(TODAY) == date(2026, 12, 9)
    assert risk_window_end(TODAY, Rules(upcoming_risk_working_days=2)) == date(2026, 11, 27)


def test_risk_flags_inside_the_window_only() -> None:
    quorate = coming(A.SOCIAL_CARE, A.POLICE, A.GP)
    assert not upcoming_risk("initial", CONF, TODAY, quorate, None, None)
    inquorate = coming(A.SOCIAL_CARE, A.POLICE)
    risk = upcoming_risk("initial", CONF, TODAY, inquorate, None, None)
    assert risk.expected_inquorate and not risk.sw_report_overdue
    assert risk.label == "Quorum risk"
    assert risk.quoracy == "Expected not quorate: needs 1 more agency with direct contact"
    assert upcoming_risk("initial", date(2026, 12, 10), TODAY, inquorate, None, None) is NO_RISK
    assert upcoming_risk("initial", date(2026, 11, 24), TODAY, inquorate, None, None) is NO_RISK


def test_risk_for_an_overdue_report() -> None:
    quorate = coming(A.SOCIAL_CARE, A.POLICE, A.GP)
    risk = upcoming_risk("subsequent_review", CONF, date(2026, 11, 30), quorate, None, None)
    assert risk.sw_report_overdue and not risk.expected_inquorate
    assert risk.label == "SW overdue"
    both = upcoming_risk("subsequent_review", CONF, date(2026, 11, 30), [], None, None)
    assert both.label == "Quorum + SW"
    assert both.reasons == ("Expected inquorate", "Social worker's report overdue")


# --- The invitation -------------------------------------------------------------------------

DETAILS = ConferenceDetails(
    reference="CPC-261202-T0001",
    type_label="Initial",
    family_name="Quillfeather",
    date=CONF,
    start_time=time(10, 0),
    duration_minutes=90,
    venue="Conference Room 1",
    chair="Ada Chair",
    report_due=date(2026, 12, 1),
)


def test_an_invitation_names_the_conference_and_asks_professionals_for_a_report() -> None:
    subject, body = invitation_email(DETAILS, "DC Example Officer", "police")
    assert subject == (
        "Invitation: child protection conference on 02/12/2026 at 10:00 (CPC-261202-T0001)"
    )
    assert body.startswith("Dear DC Example Officer,")
    for part in ("Initial", "Quillfeather", "Wednesday 02/12/2026", "10:00 (90 minutes)",
                 "Conference Room 1", "Ada Chair", "reach the chair by 01/12/2026"):  # fmt: skip
        assert part in body


def test_a_parent_is_not_asked_for_a_report_and_blanks_read_sensibly() -> None:
    details = dataclasses.replace(DETAILS, venue="", chair=None)
    _subject, body = invitation_email(details, "A Parent", "family")
    assert "report" not in body.split("Chair:")[1].split("Please reply")[0]
    assert "Venue:       to be confirmed" in body
    assert "Chair:       to be confirmed" in body


@pytest.mark.parametrize(
    ("notice", "subject", "live"),
    [
        ("invitation", "Invitation: child protection conference on", True),
        ("moved", "Conference moved: child protection conference now on", True),
        ("cancelled", "Conference cancelled: child protection conference on", False),
        ("stood_down", "Conference stood down: child protection conference on", False),
    ],
)
def test_each_notice_says_what_happened_and_asks_for_a_report_only_if_it_will_take_place(
    notice: str, subject: str, live: bool
) -> None:
    got_subject, body = invitation_email(DETAILS, "DC Example Officer", "police", notice)
    assert got_subject == f"{subject} 02/12/2026 at 10:00 (CPC-261202-T0001)"
    assert ("reach the chair by 01/12/2026" in body) is live
    assert ("Please reply to say whether you will attend" in body) is live
    assert ("invited again" in body) is (notice == "stood_down")
