"""The thematic report against a history built by hand, whose every figure is known.

The history runs through the real services (booking, holding with decisions, standing down
and re-booking, the social worker's report, a challenge), with the clock moved to each day as
a clerk would live it, for the council year 2025-26 (1 April 2025 to 31 March 2026):

- The Smiths: Amy (born 1 March 2015, WBRI) and Ben (1 June 2019, MWBC). Initial on Tue 6 May
  2025: Amy a plan for neglect, Ben for neglect and emotional (multiple). 1st review Tue 5
  August: Amy's plan continues, now for physical; Ben's ends (at his first review).
  Subsequent review Tue 3 February 2026: Amy's continues for physical and sexual (multiple).
- The Joneses: Cara (9 January 2022, BAFR). Initial booked for Tue 8 July 2025 (strategy
  discussion Fri 20 June, deadline Fri 11 July) is stood down as not quorate, re-convened
  and held late on Tue 22 July: a plan for emotional. 1st review Tue 14 October: it ends.
- The Browns: a baby expected 1 December 2025 (no ethnicity). Pre-birth initial Tue 16
  September: a plan for neglect. Born 20 November (the date of birth is written as the import
  writes it). 1st review due by Thu 4 December (10 working days after the birth), held late
  on Mon 8 December for a miscalculated date: the plan continues, neglect.
- The Greens: Dan (1 May 2009, WBRI). Initial Tue 1 October 2024 (sexual); 1st review Tue 31
  December 2024 continues; subsequent review, due by Mon 30 June 2025, held late on Tue 1
  July (no room) ends the plan (not at a first review).
- The Taylors, at the quarter-ends' edges: Eve (1 March 2014, WIRI) and Fred (2 February
  2017, AIND). Initial on Mon 30 June 2025, the last day of Q1 (strategy discussion Fri 13
  June, deadline Fri 4 July): Eve a plan for physical, Fred for neglect, so both count at
  the end of Q1. 1st review on Tue 30 September, the last day of Q2 and its deadline (in
  time): both plans end, so neither counts at the end of Q2. Eve is referred for advocacy
  automatically each time (accepted and supported at the initial, declined at the review);
  Fred, aged 8, by hand at the initial (accepted, not supported). The initial's minutes go
  out on Mon 14 July (10 working days: within timescale), the review's on Tue 28 October
  (20 working days: late), an average of 15.0 working days. A challenge about plan delay,
  raised on Tue 1 July as a practice discussion, is escalated on 8 July and again on 15 July
  (to the team manager) and resolved on Tue 29 July, 28 days after it was first raised:
  one challenge and two escalations.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, time
from pathlib import Path

import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import select

from siu_tui import clock
from siu_tui.db.migrate import alembic_config, upgrade
from siu_tui.db.models import Child
from siu_tui.db.periods import copy_child_details
from siu_tui.domain.reports import NOT_YET
from siu_tui.services.advocacy import conference_referrals, refer_by_hand, update_referral
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.challenges import (
    ChallengeRequest,
    EscalationRequest,
    escalate_challenge,
    log_challenge,
    resolve_challenge,
)
from siu_tui.services.changes import ChildOutcome, mark_held
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.invites import record_sw_report
from siu_tui.services.minutes import approve_minutes, distribute_minutes, send_to_chair
from siu_tui.services.people import add_child, add_staff, create_family
from siu_tui.services.report_export import (
    FORMATS,
    as_csv,
    as_markdown,
    render,
    with_extension,
    write_report,
)
from siu_tui.services.reports import plans_at, thematic_report
from siu_tui.services.standdown import stand_down

TODAY = date(2026, 11, 25)
ZERO_TIMELINESS = {"on_time": 0, "late": 0, "on_the_day": 0, "not_received": 0}


class History:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.iro = add_staff(desk, "Iris Reed", "iro", "iris.reed@example.org")
        self.clerk = add_staff(desk, "Colin Clark", "clerk", "colin.clark@example.org")

    def on(self, day: date) -> None:
        clock.set_today(day)

    def book(
        self,
        family: str,
        children: list[str],
        ctype: str,
        day: date,
        trigger: date | None = None,
        **extra: object,
    ) -> str:
        self.on(day)
        return book_conference(
            self.desk,
            BookingRequest(
                family_id=family,
                child_ids=children,
                conference_type=ctype,
                date=day,
                start_time=time(10, 0),
                trigger_date=trigger,
                venue="Civic Centre",
                chair_id=self.iro,
                clerk_id=self.clerk,
                **extra,  # type: ignore[arg-type]
            ),
        )

    def hold(
        self, conference: str, day: date, outcomes: dict[str, ChildOutcome], **kw: str
    ) -> None:
        self.on(day)
        mark_held(self.desk, conference, outcomes, **kw)


@pytest.fixture
def history(desk: Desk) -> Desk:
    h = History(desk)
    smith = create_family(desk, "FAM-0001", "Smith")
    amy = add_child(desk, smith, "CR1001", "Amy", "Smith", date_of_birth=date(2015, 3, 1),
                    sex="F", ethnicity="WBRI")  # fmt: skip
    ben = add_child(desk, smith, "CR1002", "Ben", "Smith", date_of_birth=date(2019, 6, 1),
                    sex="M", ethnicity="MWBC")  # fmt: skip
    jones = create_family(desk, "FAM-0002", "Jones")
    cara = add_child(desk, jones, "CR2001", "Cara", "Jones", date_of_birth=date(2022, 1, 9),
                     sex="F", ethnicity="BAFR")  # fmt: skip
    brown = create_family(desk, "FAM-0003", "Brown")
    h.on(date(2025, 9, 1))  # recorded while still expected (a due date long past is refused)
    baby = add_child(desk, brown, "CR3001", "Baby", "Brown",
                     expected_date_of_birth=date(2025, 12, 1))  # fmt: skip
    green = create_family(desk, "FAM-0004", "Green")
    dan = add_child(desk, green, "CR4001", "Dan", "Green", date_of_birth=date(2009, 5, 1),
                    sex="M", ethnicity="WBRI")  # fmt: skip
    taylor = create_family(desk, "FAM-0005", "Taylor")
    eve = add_child(desk, taylor, "CR5001", "Eve", "Taylor", date_of_birth=date(2014, 3, 1),
                    sex="F", ethnicity="WIRI")  # fmt: skip
    fred = add_child(desk, taylor, "CR5002", "Fred", "Taylor", date_of_birth=date(2017, 2, 2),
                     sex="M", ethnicity="AIND")  # fmt: skip

    # The Greens, from the year before.
    g1 = h.book(green, [dan], "initial", date(2024, 10, 1), trigger=date(2024, 9, 20))
    h.hold(g1, date(2024, 10, 1), {dan: ChildOutcome("plan", ("sexual",))})
    g2 = h.book(green, [dan], "first_review", date(2024, 12, 31))
    h.hold(g2, date(2024, 12, 31), {dan: ChildOutcome("continue", ("sexual",))})
    g3 = h.book(
        green, [dan], "subsequent_review", date(2025, 7, 1), late_reason="resource_unavailable"
    )
    h.hold(g3, date(2025, 7, 1), {dan: ChildOutcome("end")})

    # The Smiths.
    s1 = h.book(smith, [amy, ben], "initial", date(2025, 5, 6), trigger=date(2025, 4, 22))
    h.hold(
        s1,
        date(2025, 5, 6),
        {
            amy: ChildOutcome("plan", ("neglect",)),
            ben: ChildOutcome("plan", ("neglect", "emotional")),
        },
    )
    h.on(date(2025, 5, 6))
    record_sw_report(desk, s1, date(2025, 5, 1), date(2025, 5, 6))  # on time; on the day
    s2 = h.book(smith, [amy, ben], "first_review", date(2025, 8, 5))
    h.on(date(2025, 8, 5))
    record_sw_report(desk, s2, date(2025, 8, 1), None)  # late (due by 31 July); not received
    h.hold(
        s2,
        date(2025, 8, 5),
        {amy: ChildOutcome("continue", ("physical",)), ben: ChildOutcome("end")},
    )
    s3 = h.book(smith, [amy], "subsequent_review", date(2026, 2, 3))
    h.hold(s3, date(2026, 2, 3), {amy: ChildOutcome("continue", ("physical", "sexual"))})

    # The Joneses: stood down, re-convened late.
    j1 = h.book(jones, [cara], "initial", date(2025, 7, 8), trigger=date(2025, 6, 20))
    h.on(date(2025, 7, 8))
    stand_down(desk, j1, reason="not_quorate", decided_by="chair", decided_on=date(2025, 7, 8))
    j2 = h.book(jones, [cara], "initial_reconvened", date(2025, 7, 22), trigger=date(2025, 6, 20),
                rebooks_id=j1, late_reason="not_quorate")  # fmt: skip
    h.hold(j2, date(2025, 7, 22), {cara: ChildOutcome("plan", ("emotional",))})
    j3 = h.book(jones, [cara], "first_review", date(2025, 10, 14))
    h.hold(j3, date(2025, 10, 14), {cara: ChildOutcome("end")})

    # The Browns: a baby born after the pre-birth conference.
    b1 = h.book(brown, [baby], "initial_pre_birth", date(2025, 9, 16), trigger=date(2025, 9, 5))
    h.hold(b1, date(2025, 9, 16), {baby: ChildOutcome("plan", ("neglect",))})
    with desk.store.write() as session:
        child = session.exec(select(Child).where(Child.id == baby)).one()
        child.date_of_birth = date(2025, 11, 20)
        session.add(child)
        session.flush()
        copy_child_details(session.connection(), [baby])
    b2 = h.book(brown, [baby], "first_review", date(2025, 12, 8), late_reason="date_miscalculated")
    h.hold(b2, date(2025, 12, 8), {baby: ChildOutcome("continue", ("neglect",))})

    # The Taylors: a plan made on the last day of Q1 and ended on the last day of Q2.
    t1 = h.book(taylor, [eve, fred], "initial", date(2025, 6, 30), trigger=date(2025, 6, 13))
    fred_referral = refer_by_hand(desk, t1, fred, "Eve's brother, who wants his own say")
    h.hold(
        t1,
        date(2025, 6, 30),
        {eve: ChildOutcome("plan", ("physical",)), fred: ChildOutcome("plan", ("neglect",))},
    )
    eve_referral = next(r.id for r in conference_referrals(desk, t1) if r.child_id == eve)
    update_referral(desk, eve_referral, outcome="accepted", supported=True)
    update_referral(desk, fred_referral, outcome="accepted", supported=False)
    h.on(date(2025, 7, 1))
    chain = log_challenge(
        desk,
        ChallengeRequest(
            family_id=taylor,
            raised_by_id=h.iro,
            level="practice",
            category="plan_delay",
            description="Plan objectives not started",
            raised_on=date(2025, 7, 1),
        ),
    )
    for day in (date(2025, 7, 8), date(2025, 7, 15)):
        h.on(day)
        chain = escalate_challenge(desk, chain, EscalationRequest(day, "Still not started"))
    h.on(date(2025, 7, 14))
    send_to_chair(desk, t1, date(2025, 7, 7))
    approve_minutes(desk, t1, date(2025, 7, 10))
    distribute_minutes(desk, t1, date(2025, 7, 14))
    h.on(date(2025, 7, 29))
    resolve_challenge(desk, chain, outcome="Work started", resolved_on=date(2025, 7, 29))
    t2 = h.book(taylor, [eve, fred], "first_review", date(2025, 9, 30))
    h.hold(t2, date(2025, 9, 30), {eve: ChildOutcome("end"), fred: ChildOutcome("end")})
    eve_again = next(r.id for r in conference_referrals(desk, t2) if r.child_id == eve)
    update_referral(desk, eve_again, outcome="declined")
    h.on(date(2025, 10, 28))
    send_to_chair(desk, t2, date(2025, 10, 20))
    approve_minutes(desk, t2, date(2025, 10, 27))
    distribute_minutes(desk, t2, date(2025, 10, 28))

    h.on(date(2025, 10, 1))
    log_challenge(
        desk,
        ChallengeRequest(
            family_id=jones,
            raised_by_id=h.iro,
            level="practice",
            category="visits",
            description="No visit for six weeks",
            raised_on=date(2025, 10, 1),
        ),
    )
    clock.set_today(TODAY)
    return desk


def test_every_figure_of_the_annual_report(history: Desk) -> None:
    figures = thematic_report(history, "annual", 2025).as_json()

    assert list(figures) == [
        "period",
        "conference_activity",
        "plans_by_category",
        "plans_by_ethnicity",
        "plans_by_age",
        "plans_ended",
        "report_to_parents",
        "report_to_chair",
        "held_after_deadline",
        "stood_down",
        "advocacy",
        "challenges",
        "minutes",
    ]
    assert figures["period"] == {"start": "2025-04-01", "end": "2026-03-31"}
    assert figures["conference_activity"] == {
        "initial": 2,
        "initial_pre_birth": 1,
        "initial_transfer_in": 0,
        "initial_reconvened": 1,
        "first_review": 4,
        "subsequent_review": 2,
        "total": 10,
    }
    # Q1: Amy neglect, Ben multiple, Dan sexual (his plan ends on 1 July, after the quarter),
    # and the Taylors' plans made on 30 June itself: Eve physical, Fred neglect.
    # Q2: Amy physical (changed on 5 August), Cara emotional, the baby neglect; the Taylors'
    # plans ended on 30 September itself, so they are not counted.
    # Q3: Amy physical, the baby neglect (Cara's plan ended on 14 October).
    # Q4: Amy multiple (physical and sexual from 3 February), the baby neglect.
    assert figures["plans_by_category"] == {
        "Q1": {"neglect": 2, "physical": 1, "emotional": 0, "sexual": 1, "multiple": 1, "total": 5},
        "Q2": {"neglect": 1, "physical": 1, "emotional": 1, "sexual": 0, "multiple": 0, "total": 3},
        "Q3": {"neglect": 1, "physical": 1, "emotional": 0, "sexual": 0, "multiple": 0, "total": 2},
        "Q4": {"neglect": 1, "physical": 0, "emotional": 0, "sexual": 0, "multiple": 1, "total": 2},
    }
    none = {"white": 0, "mixed": 0, "asian": 0, "black": 0, "other": 0, "undetermined": 0}
    assert figures["plans_by_ethnicity"] == {
        "Q1": {**none, "white": 3, "mixed": 1, "asian": 1},
        "Q2": {**none, "white": 1, "black": 1, "undetermined": 1},
        "Q3": {**none, "white": 1, "undetermined": 1},
        "Q4": {**none, "white": 1, "undetermined": 1},
    }
    ages = {"unborn": 0, "under_1": 0, "1_4": 0, "5_9": 0, "10_15": 0, "16_plus": 0}
    assert figures["plans_by_age"] == {
        # Amy is 10, Eve 11, Ben 6, Fred 8, Dan 16 on 30 June 2025.
        "Q1": {**ages, "10_15": 2, "5_9": 2, "16_plus": 1},
        # The baby, born 20 November, was unborn on 30 September; Cara is 3.
        "Q2": {**ages, "10_15": 1, "1_4": 1, "unborn": 1},
        "Q3": {**ages, "10_15": 1, "under_1": 1},
        "Q4": {**ages, "10_15": 1, "under_1": 1},
    }
    # Dan's (at a subsequent review), Ben's, Cara's, Eve's and Fred's (at their first).
    assert figures["plans_ended"] == {
        "total": 5,
        "at_first_review": 4,
        "at_first_review_percent": 80.0,
    }
    # Initial types held: the Smiths', the Taylors', the Joneses' re-convened, the Browns'
    # pre-birth.
    assert figures["report_to_parents"] == {
        "initial": {**ZERO_TIMELINESS, "on_time": 1, "not_received": 3},
        "review": {**ZERO_TIMELINESS, "late": 1, "not_received": 5},
    }
    assert figures["report_to_chair"] == {
        "initial": {**ZERO_TIMELINESS, "on_the_day": 1, "not_received": 3},
        "review": {**ZERO_TIMELINESS, "not_received": 6},
    }
    reasons = dict.fromkeys(
        [
            "not_quorate",
            "s47_date_error",
            "resource_unavailable",
            "date_miscalculated",
            "invite_list_error",
            "report_unavailable",
            "family_request",
            "other",
        ],
        0,
    )
    assert figures["held_after_deadline"] == {
        "initial": 1,
        "review": 2,
        "by_reason": {
            **reasons,
            "not_quorate": 1,
            "date_miscalculated": 1,
            "resource_unavailable": 1,
            "not_recorded": 0,
        },
    }
    assert figures["stood_down"] == {"total": 1, "by_reason": {**reasons, "not_quorate": 1}}
    # Amy (10 and over) at each of the Smiths' three, Dan at the Greens' July review, Eve at
    # both of the Taylors' (accepted and supported; declined), Fred by hand (accepted); the
    # stood-down Jones initial had no one old enough.
    assert figures["advocacy"] == {
        "referrals": 7,
        "automatic": 6,
        "by_hand": 1,
        "pending": 4,
        "contacted": 0,
        "accepted": 2,
        "declined": 1,
        "no_response": 0,
        "supported": 1,
        "children_supported": 1,
        "younger_children_supported": 0,
    }
    # The Joneses' practice discussion (open, its response overdue at the end of the year)
    # and the Taylors' challenge: one challenge however far it went, and two escalations.
    nothing = {
        "challenges": 0,
        "escalations": 0,
        "open": 0,
        "overdue": 0,
        "escalated_further": 0,
        "resolved": 0,
        "average_days_to_resolution": None,
    }
    assert figures["challenges"]["by_level"] == {
        "practice": {**nothing, "challenges": 2, "open": 1, "overdue": 1, "escalated_further": 1},
        "professional": {**nothing, "escalations": 1, "escalated_further": 1},
        "team_manager": {
            **nothing,
            "escalations": 1,
            "resolved": 1,
            "average_days_to_resolution": 28.0,
        },
        "service_manager": nothing,
        "assistant_director": nothing,
    }
    assert figures["challenges"]["by_category"]["visits"] == {
        **nothing,
        "challenges": 1,
        "open": 1,
        "overdue": 1,
    }
    assert figures["challenges"]["by_category"]["plan_delay"] == {
        **nothing,
        "challenges": 1,
        "escalations": 2,
        "escalated_further": 2,
        "resolved": 1,
        "average_days_to_resolution": 28.0,
    }
    assert figures["challenges"]["total"] == {
        "challenges": 2,
        "escalations": 2,
        "open": 1,
        "overdue": 1,
        "escalated_further": 2,
        "resolved": 1,
        "average_days_to_resolution": 28.0,
    }
    # The Taylors' minutes: 10 working days (within) and 20 (late); the rest not yet out.
    assert figures["minutes"] == {
        "conferences": 10,
        "within": 1,
        "late": 1,
        "outstanding": 8,
        "outstanding_overdue": 8,
        "within_percent": 50.0,
        "average_working_days": 15.0,
    }


def test_a_quarterly_report_has_its_one_quarter(history: Desk) -> None:
    figures = thematic_report(history, "quarterly", 2025, 3).as_json()

    assert figures["period"] == {"start": "2025-10-01", "end": "2025-12-31"}
    assert figures["conference_activity"]["first_review"] == 2
    assert figures["conference_activity"]["total"] == 2
    assert figures["plans_by_category"] == {
        "Q3": {"neglect": 1, "physical": 1, "emotional": 0, "sexual": 0, "multiple": 0, "total": 2}
    }
    assert list(figures["plans_by_age"]) == ["Q3"]
    assert figures["plans_ended"] == {
        "total": 1,
        "at_first_review": 1,
        "at_first_review_percent": 100.0,
    }
    assert figures["held_after_deadline"]["review"] == 1
    assert figures["stood_down"]["total"] == 0


def test_the_commentary_compares_with_the_quarter_before(history: Desk) -> None:
    report = thematic_report(history, "quarterly", 2025, 3)
    tables = {t.key: t for t in report.tables()}

    # 3 children at the end of Q2, 2 at the end of Q3.
    assert "1 fewer than at the previous quarter-end (3)" in tables["plans_by_category"].commentary
    assert "neglect" in tables["plans_by_category"].commentary or "physical" in (
        tables["plans_by_category"].commentary
    )


def test_an_empty_year_is_all_zeros_with_words_to_say_so(desk: Desk) -> None:
    report = thematic_report(desk, "annual", 2020)
    figures = report.as_json()

    assert figures["conference_activity"]["total"] == 0
    assert figures["plans_by_category"]["Q4"]["total"] == 0
    assert figures["plans_ended"]["at_first_review_percent"] == 0.0
    text = as_markdown(report)
    assert "No children were subject to a plan at the end of Q4." in text
    assert "No conferences were held in this period." in text


@pytest.mark.parametrize(
    ("kind", "year", "quarter", "field"),
    [
        ("quarterly", 2025, None, "quarter"),
        ("quarterly", 2025, 5, "quarter"),
        ("annual", 2025, 2, "quarter"),
        ("annual", 99, None, "year"),
    ],
)
def test_a_period_that_makes_no_sense_is_refused(
    desk: Desk, kind: str, year: int, quarter: int | None, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        thematic_report(desk, kind, year, quarter)
    assert field in refused.value.errors


def test_csv_xlsx_and_markdown_hold_the_same_tables(history: Desk, tmp_path: Path) -> None:
    report = thematic_report(history, "annual", 2025)
    titles = [t.title for t in report.tables()]

    rows = list(csv.reader(io.StringIO(as_csv(report))))
    assert rows[0] == ["Annual thematic report 2025-26"]
    for title in titles:
        assert [title] in rows
    category = rows.index(["Children subject to a plan at each quarter-end, by category of abuse"])
    assert rows[category + 1] == ["Category", "Q1", "Q2", "Q3", "Q4"]
    assert rows[category + 2] == ["Neglect", "2", "1", "1", "1"]
    assert rows[category + 7] == ["Total", "5", "3", "2", "2"]

    book = load_workbook(write_report(report, "xlsx", tmp_path / "r.xlsx"))
    assert book.sheetnames[0] == "Report"
    assert len(book.sheetnames) == len(titles) + 1
    activity = book[book.sheetnames[1]]
    assert activity["A1"].value == "Conference activity (held conferences)"
    assert [c.value for c in activity[9]] == ["Total", 10]

    text = as_markdown(report)
    for title in titles:
        assert f"## {title}" in text
    assert "| Total | 5 | 3 | 2 | 2 |" in text
    assert "80.0% of the plans that ended did so at their first review." in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_written_whole(history: Desk, tmp_path: Path, fmt: str) -> None:
    report = thematic_report(history, "annual", 2025)
    path = write_report(report, fmt, tmp_path / "out" / f"report.{fmt}")

    assert path.read_bytes() == render(report, fmt) or fmt == "xlsx"
    assert [p.name for p in path.parent.iterdir()] == [f"report.{fmt}"]
    if fmt == "json":
        assert json.loads(path.read_text()) == report.as_json()


def _periods(desk: Desk) -> list[tuple[object, ...]]:
    with desk.store.read() as session:
        return sorted(
            session.connection()
            .execute(
                text(
                    "SELECT plan_id, child_id, start_date, end_date, neglect, physical, "
                    "emotional, sexual, child_date_of_birth, child_ethnicity FROM cp_plan_period"
                )
            )
            .all(),
            key=lambda row: tuple(str(value) for value in row),
        )


def test_upgrading_a_database_fills_in_the_plan_periods_its_conferences_made(
    history: Desk,
) -> None:
    """A unit upgrading to 0006 and 0007 gets the same plan periods, each with its child's
    date of birth and ethnicity, and the same quarter-end figures as one that recorded its
    conferences with this version."""
    made_by_the_services = _periods(history)
    assert len(made_by_the_services) == 11  # Dan 2, Amy 3, Ben 1, Cara 1, the baby 2, Taylors 2
    before = thematic_report(history, "annual", 2025).as_json()

    config = alembic_config(history.store)
    with history.store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005_minutes_review")
    upgrade(history.store)

    assert _periods(history) == made_by_the_services
    assert thematic_report(history, "annual", 2025).as_json() == before


def test_a_birth_recorded_during_a_plan_period_counts_from_the_birth(history: Desk) -> None:
    """The baby's plan period began before the birth was recorded (16 September to 8
    December); the birth on 20 November reaches it, so on 30 November the baby is under 1,
    and on 19 November still unborn."""
    _categories, ethnicity, ages = plans_at(history, date(2025, 11, 30))
    assert ages["under_1"] == 1 and ages["unborn"] == 0
    assert ethnicity["undetermined"] == 1
    _categories, _ethnicity, ages = plans_at(history, date(2025, 11, 19))
    assert ages["unborn"] == 1 and ages["under_1"] == 0


def test_a_plan_counts_from_the_day_it_starts_until_the_day_before_it_ends(
    history: Desk,
) -> None:
    """The Taylors' plans run from 30 June (the end of Q1) to 30 September (the end of Q2):
    on a plan at the end of 30 June, no longer at the end of 30 September."""
    totals = {
        day: plans_at(history, day)[0]["total"]
        for day in (date(2025, 6, 29), date(2025, 6, 30), date(2025, 9, 29), date(2025, 9, 30))
    }
    assert totals == {
        date(2025, 6, 29): 3,
        date(2025, 6, 30): 5,
        date(2025, 9, 29): 5,
        date(2025, 9, 30): 3,
    }


def test_challenges_and_escalations_are_counted_apart(history: Desk) -> None:
    """Q2 2025-26 holds the Taylors' challenge, raised on 1 July and escalated twice: one
    challenge and two escalations, never three challenges; the Joneses' (1 October) is Q3's."""
    report = thematic_report(history, "quarterly", 2025, 2)
    total = report.as_json()["challenges"]["total"]
    assert (total["challenges"], total["escalations"]) == (1, 2)
    assert (total["escalated_further"], total["resolved"], total["open"]) == (2, 1, 0)
    tables = {t.key: t for t in report.tables()}
    by_level = tables["challenges_by_level"]
    assert by_level.columns == (
        "Level",
        "Challenges",
        "Escalations",
        "Open",
        "Overdue",
        "Escalated further",
        "Resolved",
        "Average days to resolve",
    )
    rows = dict(by_level.rows)
    assert rows["Practice discussion"] == (1, 0, 0, 0, 1, 0, None)
    assert rows["Professional discussion"] == (0, 1, 0, 0, 1, 0, None)
    assert rows["Escalation to team manager"] == (0, 1, 0, 0, 0, 1, 28.0)
    assert rows["Total"] == (1, 2, 0, 0, 2, 1, 28.0)
    assert by_level.commentary.startswith(
        "1 challenge raised and 2 escalations made in this period (a challenge counts once, "
        "whatever levels it goes through; each escalation to the next level is counted apart)."
    )
    assert dict(tables["challenges_by_category"].rows)["Delay in completing plan objectives"][
        :2
    ] == (1, 2)
    text = as_markdown(report)
    assert "| Level | Challenges | Escalations | Open | Overdue | Escalated further |" in text
    assert "| Total | 1 | 2 | 0 | 0 | 2 | 1 | 28.0 |" in text


def test_quarter_ends_still_to_come_have_no_figures(history: Desk, tmp_path: Path) -> None:
    """On Wednesday 2 December 2026 the ends of Q1 and Q2 of 2026-27 have passed (Amy's and
    the baby's plans go on), those of Q3 (31/12/2026) and Q4 (31/03/2027) have not: no
    figures for them in any format, and the commentary speaks only of Q2."""
    clock.set_today(date(2026, 12, 2))
    report = thematic_report(history, "annual", 2026)
    figures = json.loads(render(report, "json"))
    for key in ("plans_by_category", "plans_by_ethnicity", "plans_by_age"):
        assert figures[key]["Q3"] is None and figures[key]["Q4"] is None, key
        assert figures[key]["Q2"] is not None
    assert figures["plans_by_category"]["Q2"]["total"] == 2

    tables = {t.key: t for t in report.tables()}
    category = tables["plans_by_category"]
    assert dict(category.rows)["Total"] == (2, 2, NOT_YET, NOT_YET)
    for key in ("plans_by_category", "plans_by_ethnicity", "plans_by_age"):
        commentary = tables[key].commentary
        assert commentary.startswith("At the end of Q2, "), commentary
        assert "Q4," not in commentary and "end of Q3" not in commentary
        assert commentary.endswith("The ends of Q3 and Q4 have not come yet: no figures for them.")
    assert "The same number as at the end of Q1." in category.commentary

    text = as_markdown(report)
    assert "| Neglect | 1 | 1 | not yet | not yet |" in text
    assert "| Total | 2 | 2 | not yet | not yet |" in text
    assert "At the end of Q4" not in text and "At the end of Q3" not in text
    rows = list(csv.reader(io.StringIO(as_csv(report))))
    at = rows.index(["Children subject to a plan at each quarter-end, by category of abuse"])
    assert rows[at + 2] == ["Neglect", "1", "1", "", ""]
    assert rows[at + 7] == ["Total", "2", "2", "", ""]
    book = load_workbook(write_report(report, "xlsx", tmp_path / "r.xlsx"))
    sheet = book["Plans by category"]
    assert [c.value for c in sheet[3]] == ["Neglect", 1, 1, None, None]
    assert [c.value for c in sheet[8]] == ["Total", 2, 2, None, None]

    # A quarterly report for a quarter still running: nothing to say but that.
    q3 = thematic_report(history, "quarterly", 2026, 3)
    assert q3.as_json()["plans_by_age"] == {"Q3": None}
    q3_tables = {t.key: t for t in q3.tables()}
    assert q3_tables["plans_by_age"].commentary == (
        "The end of Q3 has not come yet: no figures for it."
    )
    assert dict(q3_tables["plans_by_age"].rows)["Total"] == (NOT_YET,)

    # On the quarter-end itself its figures are counted; the next is still to come.
    clock.set_today(date(2026, 12, 31))
    figures = thematic_report(history, "annual", 2026).as_json()
    assert figures["plans_by_category"]["Q3"]["total"] == 2
    assert figures["plans_by_category"]["Q4"] is None


@pytest.mark.parametrize(
    ("typed", "fmt", "written"),
    [
        ("q3", "xlsx", "q3.xlsx"),
        ("q3.xlsx", "xlsx", "q3.xlsx"),
        ("Q3.XLSX", "xlsx", "Q3.XLSX"),
        ("q3.csv", "xlsx", "q3.xlsx"),
        ("q3.final", "md", "q3.final.md"),
        ("out/q3", "json", "out/q3.json"),
    ],
)
def test_a_report_file_ends_in_its_formats_extension(typed: str, fmt: str, written: str) -> None:
    assert with_extension(Path(typed), fmt) == Path(written)
