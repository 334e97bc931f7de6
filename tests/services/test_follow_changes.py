"""Changing a conference keeps what it has sent out, and what waits to go, true.

Today is Wednesday 25 November 2026. The conference is an initial conference on Monday 21
December 2026 at 09:30 (strategy discussion Friday 11 December: the deadline, 15 working days
on past Christmas and New Year, is Wednesday 6 January 2027). The agencies' reports must reach
the chair one working day before: Friday 18 December for the 21st, Wednesday 23 December for
Thursday 24 December.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import col, select

from siu_tui import clock
from siu_tui.db.models import AdvocacyReferral, Conference, OutboxMessage
from siu_tui.services.advocacy import refer_by_hand
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.changes import (
    ChildOutcome,
    cancel_conference,
    change_chair,
    mark_held,
    move_conference,
)
from siu_tui.services.context import Desk
from siu_tui.services.invites import InviteeInput, add_invitee, queue_invitations
from siu_tui.services.outbox import export_queued, send_queued
from siu_tui.services.people import add_child, add_staff
from siu_tui.services.reference import add_room
from siu_tui.services.settings import save_setting
from siu_tui.services.standdown import stand_down

from .conftest import Event, People
from .smtp import MailServer

DAY = date(2026, 12, 21)
STRATEGY = date(2026, 12, 11)
INVITATION_KINDS = (
    "invitation",
    "conference moved",
    "conference cancelled",
    "conference stood down",
)


def book(desk: Desk, people: People, child_ids: list[str] | None = None) -> str:
    return book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=child_ids or [people.amy],
            conference_type="initial",
            date=DAY,
            start_time=time(9, 30),
            trigger_date=STRATEGY,
            venue="Civic Centre",
            chair_id=people.iro,
        ),
    )


def invite_two(desk: Desk, conference_id: str) -> tuple[str, str]:
    nurse = add_invitee(
        desk,
        conference_id,
        InviteeInput(name="Ann Nurse", agency="school_nurse", email="ann@example.org"),
    )
    mother = add_invitee(
        desk, conference_id, InviteeInput(name="Mo Smith", agency="family", email="mo@example.org")
    )
    return nurse, mother


def mail(desk: Desk, *kinds: str) -> list[OutboxMessage]:
    with desk.store.read() as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.kind).in_(kinds or INVITATION_KINDS))
                .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
            )
        )


def by_state(desk: Desk, state: str) -> list[tuple[str, str, str]]:
    return [(m.kind, m.to_address, m.subject) for m in mail(desk) if m.state == state]


def send_all(desk: Desk) -> list[str]:
    """Send what is queued through a real SMTP server; returns the subjects it received."""
    with MailServer() as server:
        save_setting(desk, "smtp_host", "127.0.0.1")
        save_setting(desk, "smtp_port", str(server.port))
        save_setting(desk, "smtp_security", "none")
        save_setting(desk, "smtp_sender", "siu-desk@council.example.org")
        result = send_queued(desk)
        assert result.error is None
    return [r.message["Subject"] for r in server.received]


# --- 1. Invitations follow a move ------------------------------------------------------------


def test_a_move_rewrites_every_waiting_invitation_with_the_new_date_time_and_report_date(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    conference_id = book(desk, people)
    nurse, mother = invite_two(desk, conference_id)
    queue_invitations(desk, conference_id)
    (_to_mother, to_nurse) = mail(desk)  # the family first
    assert "on 21/12/2026 at 09:30" in to_nurse.subject
    assert "reach the chair by 18/12/2026" in to_nurse.body

    move_conference(desk, conference_id, date=date(2026, 12, 24), start_time=time(14, 0))

    messages = mail(desk)
    assert [(m.kind, m.state, m.related_id) for m in messages] == [
        ("invitation", "queued", mother),
        ("invitation", "queued", nurse),
    ]  # rewritten in place: nothing added, each still linked to its invitee
    mother_mail, nurse_mail = messages
    assert nurse_mail.subject == (
        f"Invitation: child protection conference on 24/12/2026 at 14:00 "
        f"({load(desk, conference_id).reference})"
    )
    for text in ("Thursday 24/12/2026", "14:00 (90 minutes)", "reach the chair by 23/12/2026"):
        assert text in nurse_mail.body
    for stale in ("21/12/2026", "09:30", "18/12/2026"):
        assert stale not in nurse_mail.body and stale not in nurse_mail.subject
    assert "Dear Mo Smith," in mother_mail.body and "24/12/2026" in mother_mail.body
    ours = {nurse_mail.id, mother_mail.id}
    updates = [
        e for e in audit_events("outbox") if e.action == "update e-mail" and e.record_id in ours
    ]
    assert {e.record_id for e in updates} == ours
    assert all(e.conference_id == conference_id for e in updates)


def test_a_new_room_venue_or_chair_is_written_into_waiting_invitations(
    desk: Desk, people: People
) -> None:
    conference_id = book(desk, people)
    invite_two(desk, conference_id)
    queue_invitations(desk, conference_id)
    room = add_room(desk, "Conference Room 2")
    move_conference(desk, conference_id, date=DAY, start_time=time(9, 30), room_id=room, venue="")
    assert all("Venue:       Conference Room 2" in m.body for m in mail(desk))
    other = add_staff(desk, "Olu Other", "iro")
    change_chair(desk, conference_id, other)
    assert all("Chair:       Olu Other" in m.body for m in mail(desk))
    assert by_state(desk, "queued") and len(mail(desk)) == 2


def test_a_sent_invitation_is_followed_by_a_moved_message_once(desk: Desk, people: People) -> None:
    conference_id = book(desk, people)
    invite_two(desk, conference_id)
    queue_invitations(desk, conference_id)
    assert len(send_all(desk)) == 2

    move_conference(desk, conference_id, date=date(2026, 12, 24), start_time=time(14, 0))
    waiting = [m for m in mail(desk) if m.state == "queued"]
    assert sorted((m.kind, m.to_address) for m in waiting) == [
        ("conference moved", "ann@example.org"),
        ("conference moved", "mo@example.org"),
    ]
    nurse_note = next(m for m in waiting if m.to_address == "ann@example.org")
    assert nurse_note.subject.startswith("Conference moved: child protection conference now on ")
    assert "24/12/2026 at 14:00" in nurse_note.subject
    assert "has moved" in nurse_note.body and "reach the chair by 23/12/2026" in nurse_note.body
    # Moved again before it went: the waiting message is brought up to date, not doubled.
    move_conference(desk, conference_id, date=date(2026, 12, 22), start_time=time(11, 0))
    waiting = [m for m in mail(desk) if m.state == "queued"]
    assert len(waiting) == 2
    assert all("22/12/2026 at 11:00" in m.subject for m in waiting)
    assert all("24/12/2026" not in m.body for m in waiting)
    # A change that is not a move (a new chair) tells nobody who already knows the time.
    send_all(desk)
    change_chair(desk, conference_id, add_staff(desk, "Olu Other", "iro"))
    assert by_state(desk, "queued") == []


def test_cancelling_withdraws_waiting_invitations_and_tells_those_already_invited(
    desk: Desk, people: People, tmp_path: Path
) -> None:
    conference_id = book(desk, people)
    nurse, mother = invite_two(desk, conference_id)
    queue_invitations(desk, conference_id, [nurse])
    send_all(desk)
    queue_invitations(desk, conference_id, [mother])

    cancel_conference(desk, conference_id, "Family moved out of area")

    stopped = [m for m in mail(desk) if m.state == "stopped"]
    assert [(m.kind, m.related_id) for m in stopped] == [("invitation", mother)]
    assert stopped[0].last_error == "Not sent: the conference was cancelled"
    (notice,) = [m for m in mail(desk) if m.state == "queued"]
    assert (notice.kind, notice.to_address, notice.related_id) == (
        "conference cancelled",
        "ann@example.org",
        nurse,
    )
    assert notice.subject.startswith("Conference cancelled: ")
    assert "will not take place" in notice.body and "reach the chair" not in notice.body
    assert "moved out of area" not in notice.body  # the family's reasons stay in the unit
    written = export_queued(desk, tmp_path).written
    assert len(written) == 1
    assert b"Conference cancelled" in written[0].read_bytes()


def test_holding_or_standing_down_withdraws_waiting_invitations_and_export_skips_them(
    desk: Desk, people: People, tmp_path: Path
) -> None:
    held = book(desk, people)
    invite_two(desk, held)
    queue_invitations(desk, held)
    clock.set_today(DAY)
    mark_held(desk, held, {people.amy: ChildOutcome("no_plan")})
    stood_down = book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[people.ben],
            conference_type="initial",
            date=date(2026, 12, 23),
            trigger_date=STRATEGY,
        ),
    )
    invite_two(desk, stood_down)
    queue_invitations(desk, stood_down)
    stand_down(
        desk, stood_down, reason="family_request", decided_by="chair", decided_on=DAY, note=None
    )

    assert by_state(desk, "queued") == []
    reasons = sorted({m.last_error or "" for m in mail(desk)})
    assert reasons == [
        "Not sent: the conference was held",
        "Not sent: the conference was stood down",
    ]
    assert export_queued(desk, tmp_path).written == []


def test_standing_down_tells_those_already_invited_and_the_rebooking_invites_them_afresh(
    desk: Desk, people: People
) -> None:
    conference_id = book(desk, people)
    nurse, mother = invite_two(desk, conference_id)
    queue_invitations(desk, conference_id, [nurse])
    assert len(send_all(desk)) == 1
    queue_invitations(desk, conference_id, [mother])

    stand_down(
        desk, conference_id, reason="family_request", decided_by="chair", decided_on=clock.today()
    )

    (withdrawn,) = [m for m in mail(desk) if m.state == "stopped"]
    assert (withdrawn.kind, withdrawn.related_id) == ("invitation", mother)
    assert withdrawn.last_error == "Not sent: the conference was stood down"
    (notice,) = [m for m in mail(desk) if m.state == "queued"]
    assert (notice.kind, notice.to_address, notice.related_id) == (
        "conference stood down",
        "ann@example.org",
        nurse,
    )
    reference = load(desk, conference_id).reference
    assert notice.subject == (
        f"Conference stood down: child protection conference on 21/12/2026 at 09:30 ({reference})"
    )
    assert "has been stood down" in notice.body
    assert "It will be re-booked, and you will be invited again" in notice.body
    assert "reach the chair" not in notice.body and "Please reply" not in notice.body
    assert "Family request" not in notice.body  # the reason stays in the unit
    assert send_all(desk) == [notice.subject]

    rebooked = book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[people.amy],
            conference_type="initial",
            date=date(2026, 12, 23),
            start_time=time(10, 0),
            trigger_date=STRATEGY,
            chair_id=people.iro,
            rebooks_id=conference_id,
        ),
    )
    assert queue_invitations(desk, rebooked).queued == 2  # both carried over, invited afresh
    fresh = [m for m in mail(desk) if m.state == "queued"]
    assert sorted((m.kind, m.to_address) for m in fresh) == [
        ("invitation", "ann@example.org"),
        ("invitation", "mo@example.org"),
    ]
    assert all("23/12/2026 at 10:00" in m.subject for m in fresh)


def load(desk: Desk, conference_id: str) -> Conference:
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        return conference


# --- 2. Advocacy follows a move both ways ----------------------------------------------------


@pytest.fixture
def dan(desk: Desk, people: People) -> str:
    """Dan Smith, born 20 December 2016: 9 on the 18th, 10 from the 20th."""
    return add_child(
        desk, people.family, "CR1009", "Dan", "Smith", date_of_birth=date(2016, 12, 20), sex="M"
    )


def referral(desk: Desk, child_id: str) -> AdvocacyReferral:
    with desk.store.read() as session:
        return session.exec(
            select(AdvocacyReferral).where(AdvocacyReferral.child_id == child_id)
        ).one()


def advocacy_mail(desk: Desk, referral_id: str) -> list[OutboxMessage]:
    return [m for m in mail(desk, "advocacy") if m.related_id == referral_id]


def test_an_automatic_referral_that_no_longer_applies_after_a_move_is_withdrawn(
    desk: Desk, people: People, dan: str
) -> None:
    conference_id = book(desk, people, [dan])  # 21/12: Dan is 10
    move_conference(desk, conference_id, date=date(2026, 12, 25), start_time=time(9, 30))
    made = referral(desk, dan)
    assert made.automatic and made.withdrawn_at is None

    move_conference(desk, conference_id, date=date(2026, 12, 18), start_time=time(9, 30))

    withdrawn = referral(desk, dan)
    assert withdrawn.withdrawn_at is not None  # kept, marked withdrawn
    assert withdrawn.reason == ("Under 10 on the conference date after it moved to 18/12/2026")
    (message,) = advocacy_mail(desk, withdrawn.id)
    assert message.state == "stopped"
    queued = [m for m in mail(desk, "advocacy") if m.state == "queued"]
    assert not any("aged 9" in m.body and "aged 10 or over" in m.body for m in queued)
    assert queued == []

    # Forward again past the birthday: the same referral is made again, not a second one.
    move_conference(desk, conference_id, date=date(2026, 12, 21), start_time=time(9, 30))
    again = referral(desk, dan)
    assert (again.id, again.withdrawn_at, again.reason) == (withdrawn.id, None, None)
    (waiting,) = [m for m in advocacy_mail(desk, again.id) if m.state == "queued"]
    assert "aged 10" in waiting.body and "aged 9" not in waiting.body
    assert waiting.subject.startswith("Advocacy referral: D.S.,")  # initials only


def test_a_sent_referral_withdrawn_by_a_move_is_followed_by_a_correction(
    desk: Desk, people: People, dan: str
) -> None:
    save_setting(desk, "advocacy_email", "referrals@advocacy.example.org")
    conference_id = book(desk, people, [dan])
    sent = [" ".join(s.split()) for s in send_all(desk)]  # a long Subject is folded
    assert any(s.startswith("Advocacy referral: D.S., Initial conference") for s in sent), sent

    move_conference(desk, conference_id, date=date(2026, 12, 18), start_time=time(9, 30))

    (correction,) = [m for m in mail(desk, "advocacy") if m.state == "queued"]
    assert correction.subject.startswith("Advocacy referral withdrawn: D.S.,")
    assert "Under 10 on the conference date after it moved to 18/12/2026" in correction.body


def test_a_referral_made_by_hand_is_never_withdrawn_by_a_move(
    desk: Desk, people: People, dan: str
) -> None:
    conference_id = book(desk, people, [dan])
    move_conference(desk, conference_id, date=date(2026, 12, 18), start_time=time(9, 30))
    assert referral(desk, dan).withdrawn_at is not None
    refer_by_hand(desk, conference_id, dan, "Asked to have his say")
    move_conference(desk, conference_id, date=date(2026, 12, 17), start_time=time(9, 30))
    kept = referral(desk, dan)
    assert (kept.automatic, kept.withdrawn_at, kept.reason) == (
        False,
        None,
        "Asked to have his say",
    )
    (waiting,) = [m for m in advocacy_mail(desk, kept.id) if m.state == "queued"]
    assert "17/12/2026" in waiting.subject and "by hand: Asked to have his say" in waiting.body


# --- Invitations left queued by an older SIU Desk are never sent ------------------------------


def hold_as_an_older_desk_did(desk: Desk, conference_id: str, status: str) -> None:
    """The conference's status changed with its invitations left queued, as before this
    version (nothing withdrawn)."""
    with desk.store.write() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        conference.status = status
        session.add(conference)


def test_an_invitation_left_queued_for_a_held_conference_is_not_sent_but_marked_not_needed(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    held = book(desk, people)
    invite_two(desk, held)
    queue_invitations(desk, held)
    hold_as_an_older_desk_did(desk, held, "held")
    still_booked = book_conference(
        desk,
        BookingRequest(
            family_id=people.other_family,
            child_ids=[people.other_child],
            conference_type="initial",
            date=date(2026, 12, 22),
            trigger_date=STRATEGY,
        ),
    )
    add_invitee(
        desk,
        still_booked,
        InviteeInput(name="Hal Visitor", agency="health_visitor", email="hal@example.org"),
    )
    queue_invitations(desk, still_booked)

    received = send_all(desk)

    assert len(received) == 1 and "22/12/2026" in received[0]  # the booked one still goes
    stale = [m for m in mail(desk) if m.to_address != "hal@example.org"]
    assert [(m.state, m.last_error, m.attempts) for m in stale] == [
        ("stopped", "Not sent: the conference was held", 0),
        ("stopped", "Not sent: the conference was held", 0),
    ]
    stops = [e for e in audit_events("outbox") if e.action == "stop e-mail"]
    assert sorted(e.record_id for e in stops) == sorted(m.id for m in stale)
    assert all(e.conference_id == held for e in stops)


def test_export_skips_an_invitation_left_queued_for_a_cancelled_conference(
    desk: Desk, people: People, tmp_path: Path
) -> None:
    cancelled = book(desk, people)
    invite_two(desk, cancelled)
    queue_invitations(desk, cancelled)
    hold_as_an_older_desk_did(desk, cancelled, "cancelled")

    assert export_queued(desk, tmp_path, mark_sent=True).written == []
    assert by_state(desk, "queued") == [] and by_state(desk, "sent") == []
    assert {m.last_error for m in mail(desk)} == {"Not sent: the conference was cancelled"}
