"""Reports outstanding, and the upcoming-risk flags on the conference list and home screen.

Today is Wednesday 25 November 2026. The look-ahead for risks runs to Wednesday 9 December
(ten working days).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from siu_tui.db.demo import generate
from siu_tui.db.engine import Store
from siu_tui.db.migrate import ensure_current
from siu_tui.domain.invites import agency_report_deadline, expects_agency_report
from siu_tui.domain.timescales import report_deadlines
from siu_tui.domain.workingdays import working_days_between
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.conferences import ConferenceFilter, list_conferences
from siu_tui.services.context import Desk
from siu_tui.services.home import home_summary
from siu_tui.services.invites import (
    InviteeInput,
    add_invitee,
    record_agency_report,
    record_sw_report,
)
from siu_tui.services.outstanding import (
    OutstandingFilter,
    count_outstanding,
    outstanding_reports,
    week_choices,
)
from siu_tui.services.people import add_staff

from .conftest import People
from .helpers import history_conference

TODAY = date(2026, 11, 25)


def book(desk: Desk, people: People, day: date, ctype: str = "initial", **extra: object) -> str:
    trigger = date(2026, 11, 16) if ctype.startswith("initial") else date(2026, 6, 3)
    return book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[people.amy],
            conference_type=ctype,
            date=day,
            start_time=extra.pop("start", time(10, 0)),  # type: ignore[arg-type]
            trigger_date=trigger,
            venue="Civic Centre",
            chair_id=people.iro,
            clerk_id=extra.pop("clerk", people.clerk),  # type: ignore[arg-type]
            late_reason="resource_unavailable",  # used only when booked past the deadline
        ),
    )


def invite(desk: Desk, conference: str, name: str, agency: str, **extra: object) -> str:
    return add_invitee(desk, conference, InviteeInput(name=name, agency=agency, **extra))  # type: ignore[arg-type]


def everything(desk: Desk, flt: OutstandingFilter | None = None, limit: int = 1000) -> list:  # type: ignore[type-arg]
    rows, cursor = [], None
    while True:
        page = outstanding_reports(desk, TODAY, flt, cursor=cursor, limit=limit)
        rows += page.rows
        if page.cursor is None:
            return rows
        cursor = page.cursor


def test_every_missing_report_soonest_deadline_first(desk: Desk, people: People) -> None:
    review = book(desk, people, date(2026, 12, 2), "subsequent_review")  # both due Fri 27/11
    initial = book(desk, people, date(2026, 12, 1))  # parents Fri 27/11, chair Mon 30/11
    invite(desk, initial, "Mo Smith", "family", email="mo@example.org")  # no report expected
    police = invite(desk, initial, "DC Example", "police", email="dc@example.org")
    invite(desk, initial, "Dr Example", "gp", phone="01632 960123")
    got = invite(desk, review, "Ann Nurse", "school_nurse")
    record_agency_report(desk, got, "lscb", TODAY)  # received: not outstanding
    record_sw_report(desk, review, None, date(2026, 11, 24))  # chair's copy in
    held = history_conference(desk, people.family, [people.amy], date(2026, 11, 30), status="held")
    invite(desk, held, "Ignored", "police")  # not booked: not listed
    rows = everything(desk)
    assert [(r.deadline, r.what, r.chase) for r in rows] == [
        # Due the same day: the earlier conference first.
        (date(2026, 11, 27), "Social worker's report to parents", "Sam Worker"),
        (date(2026, 11, 27), "Social worker's report to parents", "Sam Worker"),
        (date(2026, 11, 30), "Social worker's report to chair", "Sam Worker"),
        (date(2026, 11, 30), "Police report", "DC Example"),
        (date(2026, 11, 30), "GP report", "Dr Example"),
    ]  # the same day: the conference's own order (social worker, then agencies as added)
    assert [r.conference_id for r in rows[:2]] == [initial, review]
    police_row = next(r for r in rows if r.invitee_id == police)
    assert (police_row.contact, police_row.days_left, police_row.clerk) == (
        "dc@example.org",
        3,
        "Colin Clark",
    )
    assert next(r for r in rows if r.what == "GP report").contact == "01632 960123"
    assert count_outstanding(desk, TODAY) == len(rows) == 5


def test_filters_by_clerk_and_by_week(desk: Desk, people: People) -> None:
    other_clerk = add_staff(desk, "Olive Other", "clerk")
    mine = book(desk, people, date(2026, 12, 1))
    theirs = book(desk, people, date(2026, 12, 8), clerk=other_clerk)
    invite(desk, theirs, "DC Example", "police")
    by_clerk = everything(desk, OutstandingFilter(clerk_id=other_clerk))
    assert {r.conference_id for r in by_clerk} == {theirs} and len(by_clerk) == 3
    this_week = everything(desk, OutstandingFilter(week_of=date(2026, 11, 26)))
    assert {r.conference_id for r in this_week} == set()
    next_week = everything(desk, OutstandingFilter(week_of=date(2026, 12, 3)))
    assert {r.conference_id for r in next_week} == {mine}
    assert count_outstanding(desk, TODAY, OutstandingFilter(clerk_id=other_clerk)) == 3
    assert count_outstanding(desk, TODAY, OutstandingFilter(week_of=date(2026, 12, 7))) == 3
    weeks = week_choices(TODAY, 3)
    assert [monday for _label, monday in weeks] == [
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 12, 7),
    ]
    assert weeks[0][0] == "This week (from Mon 23/11)"


def test_nothing_outstanding(desk: Desk) -> None:
    page = outstanding_reports(desk, TODAY)
    assert (page.rows, page.cursor) == ([], None)
    assert count_outstanding(desk, TODAY) == 0


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    from siu_tui import clock

    clock.set_today(TODAY)
    path = Path(tmp_path_factory.mktemp("outstanding")) / "demo.db"
    store = Store(f"sqlite:///{path}")
    ensure_current(store)
    generate(store, 600, seed=7)
    store.dispose()
    return Desk.open(f"sqlite:///{path}", "test")


def _expected(desk: Desk, flt: OutstandingFilter) -> list[tuple[date, str, str]]:
    """Every outstanding report worked out the slow way, from all the rows."""
    from sqlmodel import select

    from siu_tui.db.models import Conference, Invitee, SocialWorkerReport

    out = []
    with desk.store.read() as session:
        for conference in session.exec(select(Conference)):
            if conference.status != "booked" or conference.date < TODAY:
                continue
            if flt.clerk_id and conference.clerk_id != flt.clerk_id:
                continue
            week = flt.week()
            if week and not week[0] <= conference.date <= week[1]:
                continue
            due = report_deadlines(conference.type, conference.date)
            report = session.exec(
                select(SocialWorkerReport).where(SocialWorkerReport.conference_id == conference.id)
            ).first()
            if report is None or report.to_parents_at is None:
                out.append((due.parents, conference.id, "sw_parents"))
            if report is None or report.to_chair_at is None:
                out.append((due.chair, conference.id, "sw_chair"))
            for i in session.exec(select(Invitee).where(Invitee.conference_id == conference.id)):
                if expects_agency_report(i.agency) and i.report_received_at is None:
                    deadline = agency_report_deadline(conference.type, conference.date)
                    out.append((deadline, conference.id, i.id))
    return sorted(out)


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_pages_on_a_demo_database_hold_every_report_once_in_deadline_order(
    demo_desk: Desk, limit: int
) -> None:
    from siu_tui import clock

    clock.set_today(TODAY)
    rows = everything(demo_desk, limit=limit)
    assert rows, "the demo should leave reports outstanding"
    deadlines = [r.deadline for r in rows]
    assert deadlines == sorted(deadlines)
    assert [r.key for r in rows] == sorted(r.key for r in rows)
    got = sorted((r.deadline, r.conference_id, r.invitee_id or r.kind) for r in rows)
    assert got == _expected(demo_desk, OutstandingFilter())
    assert count_outstanding(demo_desk, TODAY) == len(rows)
    for r in rows[:20]:
        assert r.days_left == working_days_between(TODAY, r.deadline)
        assert r.chase and r.family


def test_demo_filters_match_the_slow_way(demo_desk: Desk) -> None:
    from siu_tui.services.people import list_staff

    clerk = list_staff(demo_desk, "clerk")[0].id
    for flt in (
        OutstandingFilter(clerk_id=clerk),
        OutstandingFilter(week_of=TODAY + timedelta(days=7)),
        OutstandingFilter(clerk_id=clerk, week_of=TODAY + timedelta(days=14)),
    ):
        rows = everything(demo_desk, flt, limit=13)
        got = sorted((r.deadline, r.conference_id, r.invitee_id or r.kind) for r in rows)
        assert got == _expected(demo_desk, flt)
        assert count_outstanding(demo_desk, TODAY, flt) == len(rows)


# --- Upcoming risk on the lists -------------------------------------------------------------


def test_the_conference_list_flags_conferences_at_risk(desk: Desk, people: People) -> None:
    ok = book(desk, people, date(2026, 12, 2), start=time(9, 0))
    for name, agency in (("Sam", "social_care"), ("DC", "police"), ("Dr", "gp")):
        invite(desk, ok, name, agency, response="attending")
    empty = book(desk, people, date(2026, 12, 2), start=time(14, 0))  # nobody coming
    overdue = book(desk, people, date(2026, 11, 26), start=time(9, 0))  # parents due 24/11
    for name, agency in (("Sam", "social_care"), ("DC", "police"), ("Dr", "gp")):
        invite(desk, overdue, name, agency, response="attending")
    later = book(desk, people, date(2026, 12, 10))  # outside the ten working days
    page = list_conferences(desk, ConferenceFilter(), TODAY)
    labels = {r.id: r.risk.label for r in page.rows}
    assert labels == {
        ok: "",
        empty: "Quorum risk",
        overdue: "SW overdue",
        later: "",
    }
    record_sw_report(desk, overdue, TODAY, TODAY)
    page = list_conferences(desk, ConferenceFilter(), TODAY)
    assert {r.id: r.risk.label for r in page.rows}[overdue] == ""

    summary = home_summary(desk, TODAY)
    flagged = [(a.kind, a.conference_id) for a in summary.attention][:1]
    assert flagged == [("Expected inquorate", empty)]
    detail = summary.attention[0].detail
    assert detail.startswith("14:00 · social care missing; needs 2 more agencies")
    assert not summary.attention_more
