"""Standing down, re-booking and the log, on a real database.

Today is Wednesday 25 November 2026. The Smiths' initial conference runs from a strategy
discussion on Friday 20 November 2026: deadline Friday 11 December 2026.
"""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import select

from siu_tui import clock
from siu_tui.db.models import AuditEvent, Conference, StandDown
from siu_tui.services.booking import BookingRequest, book_conference, preview_booking
from siu_tui.services.changes import ChildOutcome, mark_held
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.standdown import (
    StandDownFilter,
    booked_past_deadline,
    export_stood_down,
    held_late,
    late_totals,
    rebook_offer,
    stand_down,
    stood_down_page,
    stood_down_totals,
)

from .conftest import People

STRATEGY = date(2026, 11, 20)
DEADLINE = date(2026, 12, 11)


def book(desk: Desk, people: People, **changes: object) -> str:
    request = BookingRequest(
        family_id=people.family,
        child_ids=[people.amy, people.ben],
        conference_type="initial",
        date=date(2026, 12, 3),
        start_time=time(10, 0),
        trigger_date=STRATEGY,
        chair_id=people.iro,
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return book_conference(desk, request)


def load(desk: Desk, conference_id: str) -> Conference:
    with desk.store.read() as session:
        found = session.get(Conference, conference_id)
        assert found is not None
        return found


def test_stand_down_keeps_everything_and_offers_a_reconvened_conference(
    desk: Desk, people: People
) -> None:
    first = book(desk, people)
    plan = stand_down(
        desk, first, reason="not_quorate", decided_by="chair", decided_on=date(2026, 11, 25)
    )
    assert plan.conference_type.value == "initial_reconvened"
    assert plan.deadline == DEADLINE
    assert plan.target == date(2026, 12, 17)  # 10 working days after Thursday 3 December
    stood = load(desk, first)
    assert stood.status == "stood_down"
    assert (stood.date, stood.deadline, stood.chair_id) == (date(2026, 12, 3), DEADLINE, people.iro)
    with desk.store.read() as session:
        row = session.exec(select(StandDown)).one()
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert (row.reason, row.decided_by, row.rebooked_conference_id) == (
        "not_quorate",
        "chair",
        None,
    )
    assert actions.count("stand down") == 2  # the conference and the stand-down record
    offer = rebook_offer(desk, first)
    assert set(offer.child_ids) == {people.amy, people.ben}
    assert offer.reason_label == "Not quorate (key agency absent)"
    assert offer.rebooked_as is None


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"reason": None, "decided_by": None, "decided_on": None},
            {"reason", "decided_by", "decided_on"},
        ),
        ({"reason": "other", "decided_by": "manager", "decided_on": date(2026, 11, 25)}, {"note"}),
        (
            {"reason": "family_request", "decided_by": "chair", "decided_on": date(2026, 11, 26)},
            {"decided_on"},
        ),
        (
            {"reason": "bored", "decided_by": "clerk", "decided_on": date(2026, 11, 25)},
            {"reason", "decided_by"},
        ),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_changes(
    desk: Desk, people: People, fields: dict[str, object], errors: set[str]
) -> None:
    first = book(desk, people)
    with pytest.raises(ValidationError) as refused:
        stand_down(desk, first, **fields)  # type: ignore[arg-type]
    assert set(refused.value.errors) == errors
    assert load(desk, first).status == "booked"
    with desk.store.read() as session:
        assert session.exec(select(StandDown)).first() is None


def test_only_a_booked_conference_is_stood_down(desk: Desk, people: People) -> None:
    first = book(desk, people)
    stand_down(desk, first, reason="family_request", decided_by="chair", decided_on=clock.today())
    with pytest.raises(ValidationError, match="this one is stood down"):
        stand_down(
            desk, first, reason="family_request", decided_by="chair", decided_on=clock.today()
        )


def test_rebooking_keeps_the_deadline_links_both_and_carries_the_reason(
    desk: Desk, people: People
) -> None:
    first = book(desk, people)
    stand_down(desk, first, reason="not_quorate", decided_by="chair", decided_on=clock.today())
    # The form's preview shows the original deadline whatever trigger is typed.
    preview = preview_booking(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[people.amy],
            conference_type="initial_reconvened",
            date=date(2026, 12, 14),
            rebooks_id=first,
        ),
        clock.today(),
    )
    assert (preview.trigger_date, preview.deadline) == (STRATEGY, DEADLINE)
    assert preview.needs_reason
    # Booked after the deadline with no reason typed: the stand-down's reason is the reason.
    again = book(
        desk,
        people,
        conference_type="initial_reconvened",
        date=date(2026, 12, 14),
        trigger_date=None,
        rebooks_id=first,
    )
    second = load(desk, again)
    assert (second.trigger_date, second.deadline, second.rebooks_id) == (STRATEGY, DEADLINE, first)
    assert second.late_reason == "not_quorate"
    assert rebook_offer(desk, first).rebooked_as == second.reference
    with pytest.raises(ValidationError, match="already been re-booked"):
        book(desk, people, conference_type="initial_reconvened", rebooks_id=first)


def test_a_rebooking_must_be_the_same_family_and_a_fitting_type(desk: Desk, people: People) -> None:
    first = book(desk, people)
    with pytest.raises(ValidationError, match="Only a stood-down"):
        book(desk, people, rebooks_id=first)
    stand_down(desk, first, reason="family_request", decided_by="chair", decided_on=clock.today())
    with pytest.raises(ValidationError) as refused:
        book(desk, people, conference_type="first_review", rebooks_id=first)
    assert "conference_type" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        book(
            desk,
            people,
            family_id=people.other_family,
            child_ids=[people.other_child],
            rebooks_id=first,
        )
    assert set(refused.value.errors) <= {"family", "children"}


def test_held_late_after_a_rebooking_keeps_the_reason(desk: Desk, people: People) -> None:
    clock.set_today(date(2026, 12, 3))
    first = book(desk, people)
    stand_down(desk, first, reason="not_quorate", decided_by="chair", decided_on=clock.today())
    again = book(
        desk,
        people,
        conference_type="initial_reconvened",
        date=date(2026, 12, 14),
        rebooks_id=first,
    )
    clock.set_today(date(2026, 12, 14))
    mark_held(
        desk,
        again,
        {people.amy: ChildOutcome("plan", ("neglect",)), people.ben: ChildOutcome("no_plan")},
    )
    rows, total = held_late(desk, date(2026, 12, 1), date(2026, 12, 31))
    assert total == 1
    assert (rows[0].reference, rows[0].reason_label, rows[0].group) == (
        load(desk, again).reference,
        "Not quorate (key agency absent)",
        "Initial",
    )
    assert rows[0].rebooks_reference == load(desk, first).reference
    totals = late_totals(desk, date(2026, 12, 1), date(2026, 12, 31))
    assert (totals.initial_total, totals.review_total) == (1, 0)
    assert (
        dict(totals.initial)[next(r for r, _ in totals.initial if r and r.value == "not_quorate")]
        == 1
    )
    page, _ = stood_down_page(desk, StandDownFilter())
    assert page[0].met_deadline is False and page[0].deadline_text == "missed"


def test_booked_past_deadline_lists_what_is_not_held_yet(desk: Desk, people: People) -> None:
    book(desk, people, date=date(2026, 12, 14), late_reason="resource_unavailable")
    book(desk, people, date=date(2026, 12, 10))
    rows, total = booked_past_deadline(desk)
    assert total == 1 and rows[0].date == date(2026, 12, 14)
    assert rows[0].reason_label == "Room, clerk or IRO unavailable"


def test_log_filters_totals_pages_and_export_agree(
    desk: Desk, people: People, tmp_path: Path
) -> None:
    ids = []
    for n, (day, reason) in enumerate(
        [
            (date(2026, 12, 1), "not_quorate"),
            (date(2026, 12, 2), "family_request"),
            (date(2026, 12, 3), "not_quorate"),
            (date(2027, 1, 5), "other"),
        ]
    ):
        cid = book(
            desk,
            people,
            date=day,
            start_time=time(9 + n, 0),
            trigger_date=date(2026, 11, 30),
            late_reason="other",
            late_note="x",
        )
        stand_down(
            desk,
            cid,
            reason=reason,
            decided_by="manager",
            decided_on=clock.today(),
            note="=cmd|' /C calc'!A0" if reason == "other" else None,
        )
        ids.append(cid)
    december = StandDownFilter(date_from=date(2026, 12, 1), date_to=date(2026, 12, 31))
    totals = stood_down_totals(desk, december)
    assert totals.total == 3 and totals.rebooked == 0
    assert dict((r.value, n) for r, n in totals.by_reason)["not_quorate"] == 2
    first, cursor = stood_down_page(desk, december, limit=2)
    rest, end = stood_down_page(desk, december, cursor=cursor, limit=2)
    assert [r.date.day for r in first + rest] == [3, 2, 1] and end is None
    only = StandDownFilter(reason="not_quorate", locality_team=None)
    assert stood_down_totals(desk, only).total == 2
    assert stood_down_totals(desk, StandDownFilter(chair_id=people.clerk)).total == 0

    path = tmp_path / "out" / "log.csv"
    seen: list[tuple[int, int]] = []
    assert export_stood_down(desk, StandDownFilter(), path, lambda d, t: seen.append((d, t))) == 4
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["conference_date"] for r in rows] == [
        "2027-01-05",
        "2026-12-03",
        "2026-12-02",
        "2026-12-01",
    ]
    assert rows[0]["reason_code"] == "other"
    assert rows[0]["note"].startswith("'=")  # never a live formula in a spreadsheet
    assert rows[0]["family"] == "Smith" and rows[0]["rebooked_met_deadline"] == ""
    assert seen[-1] == (4, 4)
    assert not list(path.parent.glob("*.part"))


def test_rebooking_carries_the_invite_list_and_advocacy_referrals(
    desk: Desk, people: People
) -> None:
    from siu_tui.db.models import AdvocacyReferral, Invitee
    from siu_tui.services.invites import InviteeInput, add_invitee, set_response

    first = book(desk, people)
    for name, agency in (("Sam Worker", "social_care"), ("DC Example", "police")):
        add_invitee(desk, first, InviteeInput(name=name, agency=agency, email="x@example.org"))
    with desk.store.read() as session:
        ids = [i.id for i in session.exec(select(Invitee).where(Invitee.conference_id == first))]
    set_response(desk, first, ids, "attending")
    stand_down(desk, first, reason="family_request", decided_by="chair", decided_on=clock.today())
    again = book(desk, people, date=date(2026, 12, 9), rebooks_id=first)
    with desk.store.read() as session:
        carried = session.exec(select(Invitee).where(Invitee.conference_id == again)).all()
        referrals = session.exec(select(AdvocacyReferral)).all()
    # The same people, to be invited again for the new date: replies start afresh.
    assert sorted(i.name for i in carried) == ["DC Example", "Sam Worker"]
    assert {i.response for i in carried} == {"not_known"}
    assert all(i.invited_at is None for i in carried)
    # Amy (11) keeps her referral on the new conference; the old one is withdrawn, kept.
    live = [r for r in referrals if r.withdrawn_at is None]
    assert [(r.child_id, r.conference_id) for r in live] == [(people.amy, again)]
    assert any(r.conference_id == first and r.withdrawn_at is not None for r in referrals)
