"""The invite list as a service: people, invitations, replies, reports, attendance, quoracy,
the chair's decision and invitation e-mails. Every change is audited against the conference,
and a refusal writes nothing.

Today is Wednesday 25 November 2026. The conference booked here is an initial conference on
Wednesday 2 December 2026 (strategy discussion Monday 16 November): the social worker's
report is due to the parents on Monday 30 November and to the chair (with the agencies'
reports) on Tuesday 1 December.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from siu_tui import clock
from siu_tui.db.models import Conference, Invitee, OutboxMessage, SocialWorkerReport
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.changes import cancel_conference
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.invites import (
    InviteeInput,
    add_invitee,
    copy_previous_list,
    invite_sheet,
    mark_invited,
    queue_invitations,
    record_agency_report,
    record_inquorate_decision,
    record_sw_report,
    remove_invitee,
    set_attendance,
    set_response,
    update_invitee,
)

from .conftest import ACTOR, Event, People
from .helpers import history_conference

TODAY = date(2026, 11, 25)
DAY = date(2026, 12, 2)


def book(people: People, desk: Desk, day: date = DAY) -> str:
    return book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[people.amy],
            conference_type="initial",
            date=day,
            start_time=time(10, 0),
            trigger_date=date(2026, 11, 16),
            venue="Civic Centre",
            chair_id=people.iro,
            clerk_id=people.clerk,
        ),
    )


@pytest.fixture
def conference(desk: Desk, people: People) -> str:
    return book(people, desk)


def person(name: str, agency: str, **extra: object) -> InviteeInput:
    return InviteeInput(name=name, agency=agency, **extra)  # type: ignore[arg-type]


def invitees(desk: Desk, conference_id: str) -> list[Invitee]:
    with desk.store.read() as session:
        return list(session.exec(select(Invitee).where(Invitee.conference_id == conference_id)))


def outbox(desk: Desk) -> list[OutboxMessage]:
    """The invitations in the outbox (a booking queues its advocacy notices there too)."""
    with desk.store.read() as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "invitation")
                .order_by(col(OutboxMessage.to_address))
            )
        )


def stored(desk: Desk, conference_id: str) -> Conference:
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        return conference


def on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set_today(DAY)


# --- Building the list ----------------------------------------------------------------------


def test_people_are_added_audited_and_listed_family_first(
    desk: Desk, conference: str, audit_events: Callable[..., list[Event]]
) -> None:
    police = add_invitee(
        desk,
        conference,
        person("DC Example", "police", role="Public protection", email="dc@example.org"),
    )
    add_invitee(desk, conference, person("  Mo   Smith ", "family", direct_contact=False))
    add_invitee(desk, conference, person("Sam Worker", "social_care", phone="01632 960000"))
    sheet = invite_sheet(desk, conference)
    assert [r.name for r in sheet.rows] == ["Mo Smith", "Sam Worker", "DC Example"]
    row = sheet.rows[2]
    assert (row.agency_label, row.role, row.contact) == (
        "Police",
        "Public protection",
        "dc@example.org",
    )
    assert row.expects_report and row.report_label == "Due 01/12"
    assert not sheet.rows[0].expects_report and sheet.rows[0].report_label == ""
    assert sheet.quoracy.expected and not sheet.quoracy.quorate
    events = audit_events("invitee", police)
    assert [(e.actor, e.action, e.conference_id) for e in events] == [(ACTOR, "invite", conference)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (person(" ", "police"), "name", "Enter the person's name"),
        (person("A", "teacher"), "agency", "'teacher' is not one of"),
        (person("A", "police", email="a.example.org"), "email", "exactly one @"),
        (person("A", "police", phone="ring me"), "phone", "digits, spaces"),
        (person("A", "police", invited_via="email"), "invited_at", "Say when"),
        (person("A", "police", invited_at=TODAY), "invited_via", "Say how"),
        (
            person("A", "police", invited_via="post", invited_at=date(2026, 11, 26)),
            "invited_at",
            "cannot be later than today (25/11/2026)",
        ),
        (person("A", "police", response="maybe"), "response", "'maybe' is not one of"),
        (person("A", "police", attended=True), "attended", "the conference is on 02/12/2026"),
        (person("A", "police", report_format="lscb"), "report_received_at", "Say when"),
        (person("A", "police", report_received_at=TODAY), "report_format", "Choose the report"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(
    desk: Desk, conference: str, data: InviteeInput, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        add_invitee(desk, conference, data)
    assert message in refused.value.errors[field]
    assert invitees(desk, conference) == []


def test_an_edit_changes_everything_and_records_before_and_after(
    desk: Desk, conference: str, audit_events: Callable[..., list[Event]]
) -> None:
    invitee = add_invitee(desk, conference, person("Dr Example", "gp"))
    changed = person(
        "Dr Example",
        "gp",
        role="GP",
        email="gp@example.org",
        invited_via="post",
        invited_at=date(2026, 11, 20),
        response="apologies",
        report_format="other",
        report_received_at=TODAY,
    )
    update_invitee(desk, invitee, changed)
    update_invitee(desk, invitee, changed)  # the same again changes nothing
    row = invite_sheet(desk, conference).rows[0]
    assert (row.invited_label, row.response_label) == ("20/11 Post", "Apologies")
    assert row.report is not None and row.report.text.startswith("On time")
    edits = [e for e in audit_events("invitee", invitee) if e.action == "change invitee"]
    assert len(edits) == 1
    assert edits[0].before == {
        "email": None,
        "invited_at": None,
        "invited_via": None,
        "report_format": "none",
        "report_received_at": None,
        "response": "not_known",
        "role": None,
    }


def test_removing_someone_withdraws_their_waiting_invitation(desk: Desk, conference: str) -> None:
    invitee = add_invitee(
        desk, conference, person("Ann Nurse", "school_nurse", email="a@example.org")
    )
    queue_invitations(desk, conference)
    assert len(outbox(desk)) == 1
    assert remove_invitee(desk, invitee) == "Ann Nurse"
    assert invitees(desk, conference) == []
    assert outbox(desk) == []
    with pytest.raises(NotFound):
        remove_invitee(desk, invitee)


def test_the_list_is_copied_from_the_familys_previous_conference(
    desk: Desk, people: People, conference: str
) -> None:
    older = history_conference(desk, people.family, [people.amy], date(2026, 3, 4))
    newer = history_conference(desk, people.family, [people.amy], date(2026, 6, 3))
    empty = history_conference(desk, people.family, [people.amy], date(2026, 9, 2))
    add_invitee(desk, older, person("Old Contact", "housing"))
    for data in (
        person("Mo Smith", "family", direct_contact=False, phone="01632 960001"),
        person(
            "Ann Nurse",
            "school_nurse",
            email="a@example.org",
            invited_via="email",
            invited_at=date(2026, 5, 20),
            response="attending",
            report_format="lscb",
            report_received_at=date(2026, 5, 29),
        ),
    ):
        add_invitee(desk, newer, data)
    add_invitee(desk, conference, person("mo smith", "family"))  # already there
    del empty  # an earlier conference with no list is skipped over
    result = copy_previous_list(desk, conference)
    assert (result.copied, result.already, result.source_date) == (1, 1, date(2026, 6, 3))
    rows = invite_sheet(desk, conference).rows
    assert [r.name for r in rows] == ["mo smith", "Ann Nurse"]
    nurse = rows[1]
    # The person and their details come across; this conference's invitation, reply and
    # report start afresh.
    assert (nurse.email, nurse.direct_contact) == ("a@example.org", True)
    assert (nurse.invited_at, nurse.response, nurse.report_received_at) == (None, "not_known", None)


def test_copying_needs_an_earlier_list(desk: Desk, people: People, conference: str) -> None:
    later = history_conference(desk, people.family, [people.amy], date(2027, 1, 6), status="booked")
    add_invitee(desk, later, person("Future Person", "police"))
    with pytest.raises(ValidationError, match="No earlier conference"):
        copy_previous_list(desk, conference)


# --- Invitations, replies -------------------------------------------------------------------


def test_several_invitations_are_marked_sent_at_once(desk: Desk, conference: str) -> None:
    ids = [add_invitee(desk, conference, person(f"P{n}", "police")) for n in range(3)]
    assert mark_invited(desk, conference, ids[:2], "post", date(2026, 11, 24)) == 2
    assert mark_invited(desk, conference, ids[:2], "post", date(2026, 11, 24)) == 0
    sent = {i.name: (i.invited_via, i.invited_at) for i in invitees(desk, conference)}
    assert sent == {
        "P0": ("post", date(2026, 11, 24)),
        "P1": ("post", date(2026, 11, 24)),
        "P2": (None, None),
    }
    with pytest.raises(ValidationError) as refused:
        mark_invited(desk, conference, ids, "pigeon", TODAY)
    assert "invited_via" in refused.value.errors
    with pytest.raises(ValidationError, match="at least one"):
        mark_invited(desk, conference, [], "post", TODAY)


def test_replies_are_recorded_for_several_people(desk: Desk, conference: str) -> None:
    ids = [add_invitee(desk, conference, person(f"P{n}", "gp")) for n in range(2)]
    assert set_response(desk, conference, ids, "attending") == 2
    assert {i.response for i in invitees(desk, conference)} == {"attending"}
    with pytest.raises(ValidationError):
        set_response(desk, conference, ids, "perhaps")


def test_people_from_another_conference_cannot_be_changed_here(
    desk: Desk, people: People, conference: str
) -> None:
    other = book(people, desk, date(2026, 12, 3))
    stranger = add_invitee(desk, other, person("Elsewhere", "police"))
    with pytest.raises(NotFound):
        set_response(desk, conference, [stranger], "attending")


# --- Reports --------------------------------------------------------------------------------


def test_an_agency_report_is_recorded_and_classed(desk: Desk, conference: str) -> None:
    invitee = add_invitee(desk, conference, person("DC Example", "police"))
    record_agency_report(desk, invitee, "verbal", TODAY)
    row = invite_sheet(desk, conference).rows[0]
    assert row.report_label == "Verbal only 25/11"
    assert row.report is not None and row.report.timeliness.value == "on_time"
    record_agency_report(desk, invitee, "none", None)
    assert invite_sheet(desk, conference).rows[0].report_label == "Due 01/12"
    with pytest.raises(ValidationError) as refused:
        record_agency_report(desk, invitee, "lscb", None)
    assert "report_received_at" in refused.value.errors


def test_the_social_workers_report_is_classed_against_each_deadline(
    desk: Desk, conference: str, audit_events: Callable[..., list[Event]]
) -> None:
    sheet = invite_sheet(desk, conference)
    assert (sheet.to_parents.deadline, sheet.to_chair.deadline) == (
        date(2026, 11, 30),
        date(2026, 12, 1),
    )
    assert sheet.to_parents.text == "Not received · due in 3 working days"
    record_sw_report(desk, conference, TODAY, None)
    clock.set_today(date(2026, 12, 1))
    record_sw_report(desk, conference, TODAY, date(2026, 12, 1))
    clock.set_today(DAY)
    sheet = invite_sheet(desk, conference)
    assert sheet.to_parents.text == "On time (received 25/11/2026)"
    assert sheet.to_chair.text == "On time (received 01/12/2026)"
    record_sw_report(desk, conference, DAY, DAY)
    sheet = invite_sheet(desk, conference)
    assert sheet.to_parents.timeliness.value == sheet.to_chair.timeliness.value == "on_the_day"
    with desk.store.read() as session:
        assert session.exec(select(func.count()).select_from(SocialWorkerReport)).one() == 1
    actions = [e.action for e in audit_events("sw_report")]
    assert actions == ["social worker's report"] * 3
    with pytest.raises(ValidationError) as refused:
        record_sw_report(desk, conference, date(2026, 12, 3), None)
    assert "to_parents" in refused.value.errors


# --- On the day -----------------------------------------------------------------------------


def test_attendance_waits_for_the_day(desk: Desk, conference: str) -> None:
    invitee = add_invitee(desk, conference, person("Sam Worker", "social_care"))
    with pytest.raises(ValidationError, match="taken on the day"):
        set_attendance(desk, conference, [invitee], True)
    assert stored(desk, conference).quorate is None


@pytest.mark.parametrize(
    ("agencies", "quorate"),
    [
        (("social_care", "police", "education"), True),  # social care plus two agencies
        (("social_care", "police"), False),  # plus one
        (("social_care", "health_visitor", "health_visitor", "health_visitor"), False),
        (("social_care", "education", "school_nurse"), True),  # two agencies
        (("social_care", "family", "family", "advocate", "police"), False),  # not counted
    ],
)
def test_quoracy_from_attendance_is_stored_on_the_conference(
    desk: Desk, conference: str, agencies: tuple[str, ...], quorate: bool
) -> None:
    ids = [add_invitee(desk, conference, person(f"P{n} {a}", a)) for n, a in enumerate(agencies)]
    clock.set_today(DAY)
    outlook = set_attendance(desk, conference, ids, True)
    assert outlook.quorate is quorate and not outlook.expected
    assert stored(desk, conference).quorate is quorate
    set_attendance(desk, conference, ids, None)
    assert stored(desk, conference).quorate is None  # attendance cleared: not taken


def test_the_chairs_decision_when_not_quorate(
    desk: Desk, conference: str, audit_events: Callable[..., list[Event]]
) -> None:
    worker = add_invitee(desk, conference, person("Sam Worker", "social_care"))
    police = add_invitee(desk, conference, person("DC Example", "police"))
    clock.set_today(DAY)
    with pytest.raises(ValidationError, match="Take attendance first"):
        record_inquorate_decision(desk, conference, "proceed", "Urgent")
    set_attendance(desk, conference, [worker, police], True)
    with pytest.raises(ValidationError) as refused:
        record_inquorate_decision(desk, conference, "proceed", " ")
    assert "Say why" in refused.value.errors["note"]
    assert stored(desk, conference).inquorate_decision is None
    assert record_inquorate_decision(desk, conference, "stand_down", None) == "stand_down"
    assert record_inquorate_decision(desk, conference, "proceed", "Baby due this week") == "proceed"
    saved = stored(desk, conference)
    assert (saved.inquorate_decision, saved.inquorate_note) == ("proceed", "Baby due this week")
    assert invite_sheet(desk, conference).decision_label == "Proceed"
    actions = [e.action for e in audit_events("conference", conference)]
    assert actions.count("inquorate decision") == 2
    gp = add_invitee(desk, conference, person("Dr Example", "gp", attended=True))
    assert gp and stored(desk, conference).quorate is True
    with pytest.raises(ValidationError, match="quorate: there is no decision"):
        record_inquorate_decision(desk, conference, "proceed", "x")


# --- Invitation e-mails ---------------------------------------------------------------------


def test_invitations_are_queued_in_the_outbox_with_the_conferences_details(
    desk: Desk, conference: str, audit_events: Callable[..., list[Event]]
) -> None:
    nurse = add_invitee(
        desk, conference, person("Ann Nurse", "school_nurse", email="a@example.org")
    )
    mother = add_invitee(desk, conference, person("Mo Smith", "family", email="mo@example.org"))
    add_invitee(desk, conference, person("No Email", "gp"))
    posted = add_invitee(
        desk,
        conference,
        person("Posted", "police", email="p@example.org", invited_via="post", invited_at=TODAY),
    )
    result = queue_invitations(desk, conference)
    assert (result.queued, result.no_email, result.already) == (2, ("No Email",), 0)
    messages = outbox(desk)
    assert [(m.to_address, m.kind, m.state, m.related_id) for m in messages] == [
        ("a@example.org", "invitation", "queued", nurse),
        ("mo@example.org", "invitation", "queued", mother),
    ]
    body = messages[0].body
    assert "Dear Ann Nurse," in body and "Smith" in body and "Wednesday 02/12/2026" in body
    assert "reach the chair by 01/12/2026" in body and "Iris Reed" in body
    assert "reach the chair" not in messages[1].body  # parents are not asked for a report
    # Queued counts as invited by e-mail today.
    sent = {i.name: (i.invited_via, i.invited_at) for i in invitees(desk, conference)}
    assert sent["Ann Nurse"] == ("email", TODAY) and sent["No Email"] == (None, None)
    # Chosen people: one already waiting, one invited by post now e-mailed as well.
    again = queue_invitations(desk, conference, [nurse, posted])
    assert (again.queued, again.already) == (1, 1)
    assert sent["Posted"] == ("post", TODAY)
    invitations = [e for e in audit_events("outbox") if (e.after or {}).get("kind") == "invitation"]
    assert [e.action for e in invitations] == ["queue e-mail"] * 3
    assert all(e.conference_id == conference for e in invitations)


def test_invitations_only_for_a_booked_conference_still_to_come(
    desk: Desk, people: People, conference: str
) -> None:
    add_invitee(desk, conference, person("Ann", "gp", email="a@example.org"))
    cancel_conference(desk, conference, "No further action")
    with pytest.raises(ValidationError, match="cancelled"):
        queue_invitations(desk, conference)
    with pytest.raises(ValidationError, match="cancelled"):
        add_invitee(desk, conference, person("Late", "gp"))
    held = history_conference(desk, people.family, [people.amy], date(2026, 11, 2))
    add_invitee(desk, held, person("Ann", "gp", email="a@example.org"))
    with pytest.raises(ValidationError, match="still to come"):
        queue_invitations(desk, held)
    assert outbox(desk) == []


def test_nothing_left_to_invite(desk: Desk, conference: str) -> None:
    add_invitee(desk, conference, person("Ann", "gp", invited_via="phone", invited_at=TODAY))
    with pytest.raises(ValidationError, match="already invited"):
        queue_invitations(desk, conference)
