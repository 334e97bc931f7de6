"""Automatic advocacy referral: at booking, on adding a child, across a move over a birthday,
never twice; withdrawn on cancelling or removing; carried over on re-booking; by hand with a
reason; the answers a clerk records; the figures for a period."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import col, select

from siu_tui import clock
from siu_tui.db.models import AdvocacyReferral, Conference, OutboxMessage, StandDown
from siu_tui.services.advocacy import (
    advocacy_figures,
    carry_over_referrals,
    conference_referrals,
    refer_by_hand,
    referable_children,
    referral_counts,
    referral_page,
    update_referral,
)
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.changes import (
    add_child_to_conference,
    cancel_conference,
    change_chair,
    move_conference,
    remove_child_from_conference,
)
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.people import add_child, add_staff, create_family
from siu_tui.services.settings import save_setting

from .conftest import People

D = date


def book(
    desk: Desk,
    family: str,
    children: list[str],
    day: date,
    *,
    trigger: date | None = None,
    chair: str | None = None,
) -> str:
    return book_conference(
        desk,
        BookingRequest(
            family_id=family,
            child_ids=children,
            conference_type="initial",
            date=day,
            start_time=time(10, 0),
            trigger_date=trigger or day,
            chair_id=chair,
            venue="Conference Room 1",
        ),
    )


def referrals(desk: Desk, conference_id: str | None = None) -> list[AdvocacyReferral]:
    query = select(AdvocacyReferral).order_by(col(AdvocacyReferral.referred_at))
    if conference_id is not None:
        query = query.where(AdvocacyReferral.conference_id == conference_id)
    with desk.store.read() as session:
        return list(session.exec(query))


def mail(desk: Desk) -> list[OutboxMessage]:
    with desk.store.read() as session:
        return list(
            session.exec(
                select(OutboxMessage).order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
            )
        )


def mark_all_sent(desk: Desk) -> None:
    """As if the outbox had sent everything (the sending itself is tested in test_outbox)."""
    with desk.store.write() as session:
        for message in session.exec(select(OutboxMessage).where(OutboxMessage.state == "queued")):
            message.state = "sent"
            message.sent_at = clock.now()
            session.add(message)


@pytest.fixture
def family(desk: Desk) -> str:
    return create_family(
        desk,
        "FAM-0100",
        "Quillfeather",
        social_worker="Sam Worker",
        social_worker_email="sam.worker@example.org",
    )


def child(desk: Desk, family: str, ref: str, born: date | None, name: str = "Robin") -> str:
    return add_child(
        desk,
        family,
        ref,
        name,
        "Quillfeather",
        date_of_birth=born,
        expected_date_of_birth=None if born else D(2027, 3, 1),
        sex="F" if born else "U",
    )


# --- The age boundary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "conference", "referred"),
    [
        (D(2017, 1, 6), D(2027, 1, 6), True),  # tenth birthday on the conference date
        (D(2017, 1, 6), D(2027, 1, 5), False),  # the day before
        (D(2017, 1, 5), D(2027, 1, 6), True),  # the day after the birthday
        # Born 29 February: ten on 1 March in a common year, so not on 28 February.
        (D(2016, 2, 29), D(2026, 2, 28), False),
        (D(2016, 2, 29), D(2026, 3, 1), True),
        (None, D(2027, 1, 6), False),  # unborn
    ],
)
def test_referred_at_booking_from_the_tenth_birthday(
    desk: Desk, family: str, born: date | None, conference: date, referred: bool
) -> None:
    kid = child(desk, family, "CR9001", born)
    conference_id = book(desk, family, [kid], conference)
    got = referrals(desk, conference_id)
    assert bool(got) is referred
    assert len(mail(desk)) == int(referred)
    if referred:
        assert got[0].automatic and got[0].outcome == "pending" and got[0].reason is None


def test_a_29_february_birthday_in_a_leap_year_is_on_the_day(desk: Desk, family: str) -> None:
    save_setting(desk, "advocacy_min_age", "12")  # the age is a setting
    kid = child(desk, family, "CR9002", D(2016, 2, 29))
    assert not referrals(desk, book(desk, family, [kid], D(2028, 2, 28)))
    assert referrals(desk, book(desk, family, [kid], D(2028, 2, 29)))


# --- Moving, adding, removing, cancelling ----------------------------------------------------


def test_moving_across_a_birthday_refers_once_and_never_twice(desk: Desk, family: str) -> None:
    save_setting(desk, "advocacy_email", "referrals@advocacy.example.org")
    kid = child(desk, family, "CR9003", D(2017, 1, 6))  # ten on 6 January 2027
    conference_id = book(desk, family, [kid], D(2027, 1, 5), trigger=D(2026, 12, 21))
    assert referrals(desk) == []

    move_conference(desk, conference_id, date=D(2027, 1, 7), start_time=time(10, 0))
    (referral,) = referrals(desk)
    (message,) = mail(desk)
    assert "Thursday 07/01/2027 at 10:00" in message.body

    # Moved again while the e-mail still waits: the same e-mail now gives the new date.
    move_conference(desk, conference_id, date=D(2027, 1, 8), start_time=time(14, 0))
    assert [r.id for r in referrals(desk)] == [referral.id]
    (message,) = mail(desk)
    assert "Friday 08/01/2027 at 14:00" in message.body and "07/01/2027" not in message.body

    # Once it has gone, a move is followed by an update, and still only one referral.
    mark_all_sent(desk)
    move_conference(desk, conference_id, date=D(2027, 1, 11), start_time=time(10, 0))
    assert [r.id for r in referrals(desk)] == [referral.id]
    _first, update = mail(desk)
    assert update.state == "queued" and update.related_id == referral.id
    assert update.subject.startswith("Advocacy referral update (conference moved)")
    assert "Monday 11/01/2027" in update.body
    assert update.to_address == "referrals@advocacy.example.org"

    # Moved back before the birthday: the automatic referral no longer applies. It is
    # withdrawn (kept, with the reason), the waiting update is not sent, and the service,
    # which heard of the referral, is told.
    move_conference(desk, conference_id, date=D(2027, 1, 5), start_time=time(10, 0))
    (withdrawn,) = referrals(desk)
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.reason == "Under 10 on the conference date after it moved to 05/01/2027"
    _first, update, notice = mail(desk)
    assert update.state == "stopped"
    assert notice.state == "queued" and notice.related_id == referral.id
    assert notice.subject.startswith("Advocacy referral withdrawn")


def test_a_new_chair_is_written_into_a_waiting_e_mail(
    desk: Desk, family: str, people: People
) -> None:
    kid = child(desk, family, "CR9004", D(2012, 5, 1))
    conference_id = book(desk, family, [kid], D(2027, 1, 6), chair=people.iro)
    ivy = add_staff(desk, "Ivy Ross", "iro")
    change_chair(desk, conference_id, ivy)
    (message,) = mail(desk)
    assert "Chair:          Ivy Ross" in message.body


def test_adding_and_removing_children(desk: Desk, family: str) -> None:
    older = child(desk, family, "CR9005", D(2013, 4, 1), "Older")
    younger = child(desk, family, "CR9006", D(2019, 4, 1), "Younger")
    later = child(desk, family, "CR9007", D(2014, 4, 1), "Later")
    conference_id = book(desk, family, [older], D(2027, 1, 6))
    add_child_to_conference(desk, conference_id, younger)  # 7: not automatic
    add_child_to_conference(desk, conference_id, later)  # 12: referred
    assert {r.child_id for r in referrals(desk)} == {older, later}
    assert len(mail(desk)) == 2

    # Removed while its e-mail waits: withdrawn (kept) and the e-mail is not sent.
    remove_child_from_conference(desk, conference_id, later)
    withdrawn = next(r for r in referrals(desk) if r.child_id == later)
    assert withdrawn.withdrawn_at is not None
    stopped = next(m for m in mail(desk) if m.related_id == withdrawn.id)
    assert stopped.state == "stopped"

    # Added back: the same referral, live again, with a new e-mail; never a second row.
    add_child_to_conference(desk, conference_id, later)
    again = [r for r in referrals(desk) if r.child_id == later]
    assert [r.id for r in again] == [withdrawn.id] and again[0].withdrawn_at is None
    assert [m.state for m in mail(desk) if m.related_id == withdrawn.id] == ["stopped", "queued"]


def test_cancelling_withdraws_and_tells_the_service_only_what_it_knew(
    desk: Desk, family: str
) -> None:
    a = child(desk, family, "CR9008", D(2013, 4, 1), "Ada")
    b = child(desk, family, "CR9009", D(2014, 4, 1), "Bea")
    conference_id = book(desk, family, [a], D(2027, 1, 6))
    mark_all_sent(desk)  # Ada's referral has gone to the service
    add_child_to_conference(desk, conference_id, b)  # Bea's still waits
    cancel_conference(desk, conference_id, "Family moved out of the area")
    got = referrals(desk, conference_id)
    assert len(got) == 2 and all(r.withdrawn_at is not None for r in got)
    assert all(r.reason == "Conference cancelled" for r in got)
    states = [(m.subject.split(":")[0], m.state) for m in mail(desk)]
    assert states == [
        ("Advocacy referral", "sent"),  # Ada
        ("Advocacy referral", "stopped"),  # Bea: never sent, now not needed
        ("Advocacy referral withdrawn", "queued"),  # Ada: the service is told
    ]
    assert referral_counts(desk)["withdrawn"] == 2
    assert {r.child_name for r in referral_page(desk, "withdrawn")} == {
        "Ada Quillfeather",
        "Bea Quillfeather",
    }


# --- Re-booking a stood-down conference ----------------------------------------------------


def stand_down(desk: Desk, conference_id: str) -> None:
    with desk.store.write() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        conference.status = "stood_down"
        session.add(conference)
        session.add(
            StandDown(
                conference_id=conference_id,
                reason="not_quorate",
                decided_by="chair",
                decided_at=clock.now(),
            )
        )


@pytest.mark.parametrize("sent_first", [True, False])
def test_re_booking_carries_referrals_over(desk: Desk, family: str, sent_first: bool) -> None:
    older = child(desk, family, "CR9010", D(2013, 4, 1), "Older")
    sibling = child(desk, family, "CR9011", D(2018, 4, 1), "Sibling")
    old_id = book(desk, family, [older, sibling], D(2026, 11, 20), trigger=D(2026, 11, 9))
    refer_by_hand(desk, old_id, sibling, "Asked to come with her sister")
    (automatic,) = [r for r in referrals(desk, old_id) if r.automatic]
    update_referral(desk, automatic.id, outcome="accepted")
    if sent_first:
        mark_all_sent(desk)
    stand_down(desk, old_id)

    # The lead's re-booking books the new conference (referring the older child again
    # automatically) and carries the referrals over in the same transaction.
    new_id = book(desk, family, [older, sibling], D(2026, 12, 4), trigger=D(2026, 11, 20))
    with desk.store.write() as session:
        carried = carry_over_referrals(session, old_id, new_id, actor="clerk.anna")
    assert len(carried) == 2
    new = {r.child_id: r for r in referrals(desk, new_id)}
    assert new[older].outcome == "accepted"  # the child's answer carries over
    assert new[older].automatic
    assert not new[sibling].automatic
    assert new[sibling].reason == "Asked to come with her sister"
    old = referrals(desk, old_id)
    assert all(r.withdrawn_at is not None for r in old)
    assert all((r.reason or "").startswith("Carried over to CPC-") or not r.automatic for r in old)

    # One live referral per child: the figures count each child once.
    figures = advocacy_figures(desk, D(2026, 11, 1), D(2026, 12, 31))
    assert (figures.referrals, figures.automatic, figures.by_hand) == (2, 1, 1)

    waiting = [m for m in mail(desk) if m.state == "queued"]
    assert {m.related_id for m in waiting} == {new[older].id, new[sibling].id}
    expected = "Advocacy referral (conference re-booked)" if sent_first else "Advocacy referral:"
    assert all(m.subject.startswith(expected) for m in waiting)
    assert all("Friday 04/12/2026" in m.body for m in waiting)

    # Calling it again changes nothing.
    before = (len(referrals(desk)), len(mail(desk)))
    with desk.store.write() as session:
        carry_over_referrals(session, old_id, new_id)
    assert (len(referrals(desk)), len(mail(desk))) == before


# --- By hand, and what the clerk records ----------------------------------------------------


def test_refer_a_younger_child_by_hand_with_a_reason(desk: Desk, family: str) -> None:
    older = child(desk, family, "CR9012", D(2013, 4, 1), "Older")
    younger = child(desk, family, "CR9013", D(2018, 9, 1), "Younger")
    unborn = child(desk, family, "CR9014", None, "Unborn")
    conference_id = book(desk, family, [older, younger, unborn], D(2027, 1, 6))
    assert [c.name for c in referable_children(desk, conference_id)] == ["Younger Quillfeather"]

    cases = [
        (younger, "  ", "reason", "Say why"),
        (unborn, "Asked", "child", "not born yet"),
        (older, "Asked", "child", "already referred"),
        ("f" * 32, "Asked", "child", "at this conference"),
    ]
    for kid, reason, field, message in cases:
        with pytest.raises(ValidationError) as caught:
            refer_by_hand(desk, conference_id, kid, reason)
        assert message in caught.value.errors[field]
    assert len(referrals(desk)) == 1

    referral_id = refer_by_hand(desk, conference_id, younger, "Wants to speak for her brother")
    (row,) = [r for r in conference_referrals(desk, conference_id) if r.id == referral_id]
    assert (row.how, row.age_label) == ("By hand", "8")
    assert row.reason == "Wants to speak for her brother"
    message = mail(desk)[-1]
    assert "by hand: Wants to speak for her brother" in message.body
    with pytest.raises(ValidationError):
        refer_by_hand(desk, conference_id, younger, "Again")


def test_recording_contact_answer_and_support(desk: Desk, family: str) -> None:
    kid = child(desk, family, "CR9015", D(2013, 4, 1))
    upcoming = book(desk, family, [kid], D(2027, 1, 6))
    (referral,) = referrals(desk, upcoming)
    update_referral(desk, referral.id, outcome="contacted")
    assert referrals(desk, upcoming)[0].outcome == "contacted"
    with pytest.raises(ValidationError) as caught:
        update_referral(desk, referral.id, outcome="accepted", supported=True)
    assert "record support after it" in caught.value.errors["supported"]
    with pytest.raises(ValidationError) as caught:
        update_referral(desk, referral.id, outcome="declined", supported=True)
    assert "accepted" in caught.value.errors["supported"]
    with pytest.raises(ValidationError) as caught:
        update_referral(desk, referral.id, outcome="maybe")
    assert "outcome" in caught.value.errors

    held = book(desk, family, [kid], D(2026, 11, 25))  # today
    (today,) = referrals(desk, held)
    update_referral(desk, today.id, outcome="accepted", supported=True)
    assert referrals(desk, held)[0].supported is True


def test_lists_by_state_page_and_count(desk: Desk, family: str) -> None:
    kids = [child(desk, family, f"CR92{n:02d}", D(2012, 1, n + 1), f"K{n}") for n in range(5)]
    for n, kid in enumerate(kids):
        book(desk, family, [kid], D(2027, 1, 4 + n))
    counts = referral_counts(desk)
    assert counts["pending"] == 5 and counts["accepted"] == 0
    first = referral_page(desk, "pending", limit=2)
    assert [r.conference_date for r in first] == [D(2027, 1, 4), D(2027, 1, 5)]
    rest = referral_page(desk, "pending", after=(first[-1].conference_date, first[-1].id))
    assert [r.conference_date.day for r in rest] == [6, 7, 8]
    assert first[0].days_until == 40 and first[0].mail_state == "queued"
    with pytest.raises(ValidationError):
        referral_page(desk, "lost")


def test_figures_for_a_period(desk: Desk, family: str) -> None:
    older = child(desk, family, "CR9301", D(2013, 4, 1), "Older")
    younger = child(desk, family, "CR9302", D(2018, 4, 1), "Younger")
    first = book(desk, family, [older, younger], D(2026, 11, 23), trigger=D(2026, 11, 9))
    refer_by_hand(desk, first, younger, "Sibling")
    for r in referrals(desk, first):
        update_referral(desk, r.id, outcome="accepted", supported=True)
    second = book(desk, family, [older], D(2026, 11, 24), trigger=D(2026, 11, 9))
    (again,) = referrals(desk, second)
    update_referral(desk, again.id, outcome="accepted", supported=True)
    other = book(desk, family, [older], D(2027, 1, 6))  # outside the period
    update_referral(desk, referrals(desk, other)[0].id, outcome="declined")

    figures = advocacy_figures(desk, D(2026, 11, 1), D(2026, 11, 30))
    assert figures.referrals == 3
    assert (figures.automatic, figures.by_hand) == (2, 1)
    assert (figures.accepted, figures.declined) == (3, 0)
    assert figures.supported == 3
    assert figures.children_supported == 2  # the older child counted once
    assert figures.younger_children_supported == 1
    assert advocacy_figures(desk, D(2027, 1, 1), D(2027, 1, 31)).declined == 1
    with pytest.raises(ValidationError):
        advocacy_figures(desk, D(2027, 1, 31), D(2027, 1, 1))
