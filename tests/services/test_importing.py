"""Importing history on a real SQLite file: what is written, what is refused, what is skipped."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from siu_tui import clock
from siu_tui.db.models import (
    AdvocacyReferral,
    AuditEvent,
    Child,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    Family,
    Invitee,
    Minutes,
    OutboxMessage,
    PlanPeriod,
    SocialWorkerReport,
    StandDown,
)
from siu_tui.domain.importing import COLUMNS
from siu_tui.domain.timescales import conference_deadline
from siu_tui.services.context import Desk
from siu_tui.services.errors import ImportRefused
from siu_tui.services.importing import ImportResult, import_history
from siu_tui.services.reports import thematic_report

from .conftest import Counts, People
from .db_locks import allow_inserts, refuse_inserts, try_to_save

EXAMPLE = Path(__file__).parents[2] / "docs" / "import-example.csv"

DEFAULTS = {
    "conference_type": "initial",
    "status": "held",
    "family_ref": "TFAM1",
    "child_name": "Test Child-One",
    "date_of_birth": "2010-05-01",
    "gender": "female",
    "ethnicity": "WBRI",
}


def csv_text(*rows: dict[str, str]) -> io.StringIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**DEFAULTS, **row})
    out.seek(0)
    return out


def initial(ref: str, child: str, day: str, decision: str = "plan", cats: str = "neglect",
            trigger: str | None = None, **kw: str) -> dict[str, str]:  # fmt: skip
    trig = trigger or (date.fromisoformat(day).replace(day=1).isoformat())
    return {"conference_ref": ref, "child_ref": child, "conference_date": day,
            "trigger_date": trig, "decision": decision, "categories": cats, **kw}  # fmt: skip


def review(ref: str, child: str, day: str, decision: str = "continue", cats: str = "neglect",
           kind: str = "first_review", **kw: str) -> dict[str, str]:  # fmt: skip
    return {"conference_ref": ref, "child_ref": child, "conference_date": day,
            "conference_type": kind, "decision": decision, "categories": cats, **kw}  # fmt: skip


def count(desk: Desk, model: type[SQLModel]) -> int:
    with desk.store.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def events(desk: Desk, action: str) -> list[AuditEvent]:
    with desk.store.read() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def one(desk: Desk, model: type[SQLModel], **where: Any) -> Any:
    with desk.store.read() as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.exec(query).one()


def test_the_example_file_imports(desk: Desk) -> None:
    result = import_history(desk, EXAMPLE)
    assert result == ImportResult(
        rows=15, conferences=13, skipped=0, families=5, children=6, children_updated=0, plans=5
    )
    with desk.store.read() as session:
        rows = session.exec(select(Conference).order_by(col(Conference.reference))).all()
        assert {c.status for c in rows} == {"held", "stood_down"}
        assert all(c.chair_id is None and c.clerk_id is None for c in rows)
        plans = session.exec(select(ChildProtectionPlan)).all()
    assert len(rows) == 13 and len(plans) == 5
    # Imported history sets nothing in motion.
    for model in (AdvocacyReferral, OutboxMessage, Invitee, Minutes):
        assert count(desk, model) == 0, model
    assert count(desk, SocialWorkerReport) == 13
    assert count(desk, StandDown) == 2


def test_importing_the_same_file_twice_adds_nothing(
    desk: Desk, count_rows: Callable[[], Counts]
) -> None:
    import_history(desk, EXAMPLE)
    before = count_rows()
    again = import_history(desk, EXAMPLE)
    assert (again.conferences, again.skipped, again.families, again.children, again.plans) == (
        0, 13, 0, 0, 0,
    )  # fmt: skip
    after = count_rows()
    assert after.pop("audit_event") == before.pop("audit_event") + 1
    assert after == before


def test_one_audit_event_with_the_counts_and_no_names(desk: Desk) -> None:
    result = import_history(desk, EXAMPLE)
    with desk.store.read() as session:
        events = session.exec(select(AuditEvent)).all()
    assert len(events) == 1
    event = events[0]
    assert (event.actor, event.action, event.record_type) == ("clerk.anna", "import", "import")
    assert json.loads(event.after or "") == result.as_dict()
    assert "Child" not in (event.after or "")


def test_a_plan_from_start_to_end(desk: Desk) -> None:
    text = csv_text(
        initial("A1", "K1", "2014-04-14", cats="neglect;physical"),
        review("A2", "K1", "2014-07-10", cats="emotional"),
        review("A3", "K1", "2015-01-08", "end", "", kind="subsequent_review"),
    )
    assert import_history(desk, text).plans == 1
    plan = one(desk, ChildProtectionPlan)
    start = one(desk, Conference, reference="A1")
    end = one(desk, Conference, reference="A3")
    assert (plan.start_date, plan.start_conference_id) == (date(2014, 4, 14), start.id)
    assert (plan.end_date, plan.end_conference_id) == (date(2015, 1, 8), end.id)
    # The same format as recording a conference held: ";"-joined in the standard order.
    assert (plan.initial_categories, plan.latest_categories) == ("neglect;physical", "emotional")
    link = one(desk, ConferenceChild, conference_id=start.id)
    assert (link.decision, link.neglect, link.physical, link.emotional) == (
        "plan", True, True, False,
    )  # fmt: skip
    # A review runs from the previous held conference, 3 then 6 months.
    review_1 = one(desk, Conference, reference="A2")
    assert (review_1.trigger_date, review_1.deadline) == (date(2014, 4, 14), date(2014, 7, 14))
    assert (end.trigger_date, end.deadline) == (date(2014, 7, 10), date(2015, 1, 9))


def test_an_initial_conference_runs_from_its_trigger(desk: Desk) -> None:
    import_history(desk, csv_text(initial("A1", "K1", "2014-04-14", trigger="2014-03-26")))
    conference = one(desk, Conference, reference="A1")
    assert conference.trigger_date == date(2014, 3, 26)
    assert conference.deadline == conference_deadline("initial", date(2014, 3, 26), desk.rules)


def test_a_baby_born_after_a_pre_birth_conference(desk: Desk) -> None:
    text = csv_text(
        initial("P1", "BABY1", "2014-05-06", conference_type="initial_pre_birth",
                child_name="Baby Child-One", date_of_birth="", gender="unknown",
                expected_date_of_birth="2014-06-20", ethnicity="", cats="physical"),
        review("P2", "BABY1", "2014-07-10", child_name="Test Child-One",
               date_of_birth="2014-06-24", gender="female", ethnicity="BAFR",
               cats="physical"),
    )  # fmt: skip
    import_history(desk, text)
    child = one(desk, Child, case_reference="BABY1")
    assert (child.first_name, child.last_name) == ("Test", "Child-One")
    assert (child.date_of_birth, child.sex, child.ethnicity) == (date(2014, 6, 24), "F", "BAFR")
    assert child.expected_date_of_birth is None  # born: the date of birth only
    # 10 working days after the birth (24 June) is 8 July, before 3 months (6 August).
    first_review = one(desk, Conference, reference="P2")
    assert first_review.deadline == date(2014, 7, 8)
    assert first_review.late_reason is None  # held late, but no reason was given


def test_details_come_from_the_latest_row_whatever_the_file_order(desk: Desk) -> None:
    text = csv_text(
        review("A2", "K1", "2014-07-10", child_name="Test Later-Name"),
        initial("A1", "K1", "2014-04-14", child_name="Test Earlier-Name"),
    )
    import_history(desk, text)
    assert one(desk, Child, case_reference="K1").last_name == "Later-Name"


def test_a_review_of_several_children_runs_from_the_earliest_previous(desk: Desk) -> None:
    text = csv_text(
        initial("A1", "K1", "2014-01-10"),
        initial("A2", "K2", "2014-02-10", child_name="Test Child-Two"),
        review("A3", "K1", "2014-04-08", kind="first_review"),
        review("A3", "K2", "2014-04-08", kind="first_review", child_name="Test Child-Two"),
    )
    import_history(desk, text)
    joint = one(desk, Conference, reference="A3")
    assert joint.trigger_date == date(2014, 1, 10)
    assert joint.deadline == date(2014, 4, 10)


def test_a_late_reason_is_kept_only_when_late(desk: Desk) -> None:
    text = csv_text(
        initial("ONTIME", "K1", "2014-04-02", trigger="2014-04-01", late_reason="other"),
        initial("LATE", "K2", "2014-06-30", trigger="2014-04-01", late_reason="family_request",
                child_name="Test Child-Two"),
    )  # fmt: skip
    import_history(desk, text)
    assert one(desk, Conference, reference="ONTIME").late_reason is None
    assert one(desk, Conference, reference="LATE").late_reason == "family_request"


def test_a_stood_down_conference_and_its_reason(desk: Desk) -> None:
    text = csv_text(
        initial("S1", "K1", "2014-04-10", "", "", status="stood_down",
                stood_down_reason="not_quorate"),
        initial("S2", "K1", "2014-04-17", conference_type="initial_reconvened"),
    )  # fmt: skip
    import_history(desk, text)
    stood = one(desk, Conference, reference="S1")
    row = one(desk, StandDown, conference_id=stood.id)
    assert (stood.status, row.reason, row.decided_by, row.note) == (
        "stood_down", "not_quorate", "manager", "Imported",
    )  # fmt: skip
    assert row.decided_at.date() == date(2014, 4, 10)
    assert one(desk, ConferenceChild, conference_id=stood.id).decision is None


def test_reports_are_recorded(desk: Desk) -> None:
    text = csv_text(
        initial("A1", "K1", "2014-04-14", report_to_parents_date="2014-04-09",
                report_to_chair_date="")
    )  # fmt: skip
    import_history(desk, text)
    report = one(desk, SocialWorkerReport)
    assert (report.to_parents_at, report.to_chair_at) == (date(2014, 4, 9), None)


def test_families_and_children_on_record_are_used_and_updated(desk: Desk, people: People) -> None:
    text = csv_text(
        initial("A1", "CR1001", "2014-04-14", family_ref="FAM-0001", child_name="Amy Smith-Jones",
                date_of_birth="2015-03-01"),
    )  # fmt: skip
    result = import_history(desk, text)
    assert (result.families, result.children, result.children_updated) == (0, 0, 1)
    amy = one(desk, Child, case_reference="CR1001")
    assert amy.id == people.amy and amy.last_name == "Smith-Jones"
    assert one(desk, Conference, reference="A1").family_id == people.family
    assert count(desk, Family) == 2


def test_a_later_file_continues_a_plan_on_record(desk: Desk) -> None:
    import_history(desk, csv_text(initial("A1", "K1", "2014-04-14")))
    later = csv_text(
        initial("A1", "K1", "2014-04-14"),  # already imported: skipped
        review("A2", "K1", "2014-07-10", cats="sexual"),
        review("A3", "K1", "2015-01-08", "end", "", kind="subsequent_review"),
    )
    result = import_history(desk, later)
    assert (result.conferences, result.skipped, result.plans) == (2, 1, 0)
    plan = one(desk, ChildProtectionPlan)
    assert (plan.latest_categories, plan.end_date) == ("sexual", date(2015, 1, 8))
    assert one(desk, Conference, reference="A2").trigger_date == date(2014, 4, 14)


def test_a_bad_file_is_refused_whole_with_every_line(
    desk: Desk, count_rows: Callable[[], Counts]
) -> None:
    before = count_rows()
    text = csv_text(
        initial("A1", "K1", "2014-04-14"),
        initial("A2", "K2", "2014-02-30", trigger="2014-02-01", child_name="Test Child-Two"),
        initial("A3", "K3", "2014-04-14", conference_type="initial_meeting"),
        initial("A4", "K4", "2014-04-14", cats=""),
        review("A5", "K5", "2014-07-10"),
        review("A6", "K1", "2014-07-10"),
    )
    with pytest.raises(ImportRefused) as refused:
        import_history(desk, text)
    problems = refused.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5", "line 6", "line 6"]
    assert problems[0] == "line 3: conference_date: 2014-02-30 is not a real date"
    assert problems[1].startswith("line 4: conference_type: 'initial_meeting' is not a conference")
    assert problems[2].startswith("line 5: categories: missing: 'plan' needs at least one")
    assert problems[3].startswith("line 6: conference_type: a review needs an earlier held")
    assert not refused.value.whole_file
    assert count_rows() == before


def test_a_database_refusing_a_row_part_way_through_the_write_leaves_nothing(
    desk: Desk,
) -> None:
    """The database itself (not the import's checks) refuses the third plan the example
    file writes: by then its families, children and conferences are written. Nothing of the
    import remains (but the record that it was undone), and the error is a sentence."""
    tables = [
        t.name
        for t in SQLModel.metadata.sorted_tables
        if t.name not in ("import_batch", "audit_event")
    ]

    def rows() -> dict[str, int]:
        with desk.store.read() as session:
            connection = session.connection()
            return {
                name: connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one()
                for name in tables
            }

    before = rows()
    refuse_inserts(desk, "refuse_the_third_plan", "cp_plan", "(SELECT count(*) FROM cp_plan) >= 2")
    with pytest.raises(ImportRefused) as refused:
        import_history(desk, EXAMPLE)

    assert rows() == before
    assert str(refused.value) == (
        "the database refused the import part-way through writing it (IntegrityError)"
    )
    assert refused.value.whole_file
    undone = events(desk, "import_undone")
    assert [json.loads(e.after) for e in undone] == [
        {"children": 0, "conferences": 0, "families": 0}
    ]
    assert events(desk, "import") == []
    # Once the database accepts the rows, the same file imports whole: nothing was left
    # behind to be skipped.
    allow_inserts(desk, "refuse_the_third_plan", "cp_plan")
    result = import_history(desk, EXAMPLE)
    assert (result.conferences, result.skipped, result.plans) == (13, 0, 5)


def test_a_conference_on_record_is_not_checked_again(desk: Desk) -> None:
    import_history(desk, csv_text(initial("A1", "K1", "2014-04-14")))
    # Re-importing the same history with its later review must not complain that K1's
    # history already has the plan the first import made.
    text = csv_text(initial("A1", "K1", "2014-04-14"), review("A2", "K1", "2014-07-10"))
    assert import_history(desk, text).conferences == 1


def test_only_later_history_joins_a_child_on_record(desk: Desk) -> None:
    import_history(desk, csv_text(initial("A1", "K1", "2014-04-14", "no_plan", "")))
    with pytest.raises(ImportRefused) as refused:
        import_history(desk, csv_text(initial("A0", "K1", "2014-01-14")))
    assert refused.value.problems == (
        "line 2: conference_date: K1 already has a conference on record on 2014-04-14: only "
        "later history can be added",
    )


def test_an_open_plan_on_record_refuses_a_new_plan(desk: Desk) -> None:
    import_history(desk, csv_text(initial("A1", "K1", "2014-04-14")))
    with pytest.raises(ImportRefused) as refused:
        import_history(desk, csv_text(review("A2", "K1", "2014-07-10", "plan")))
    assert refused.value.problems == (
        "line 2: decision: plan, but K1 is already on a plan since 2014-04-14 (on record)",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty: it needs a header row and a row per child"),
        (",".join(COLUMNS) + "\n", "the file has a header but no rows below it"),
        ("conference_ref,child_ref\nA1,K1\n",
         "line 1: the header has no conference_type, conference_date, status, trigger_date, "
         "family_ref, child_name, date_of_birth, decision, categories columns"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_history(desk: Desk, content: str, message: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_history(desk, io.StringIO(content))
    assert refused.value.whole_file
    assert refused.value.problems[0].startswith(message)


def test_a_missing_or_unreadable_file(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="there is no file at"):
        import_history(desk, tmp_path / "nothing.csv")
    with pytest.raises(ImportRefused, match="is a folder"):
        import_history(desk, tmp_path)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(",".join(COLUMNS).encode() + b"\nA1,caf\xe9\n")
    with pytest.raises(ImportRefused, match="not a UTF-8 text file"):
        import_history(desk, latin)


def test_a_file_saved_by_a_spreadsheet(desk: Desk, tmp_path: Path) -> None:
    """A byte-order mark, Windows line ends, header case and a blank last line."""
    text = csv_text(initial("A1", "K1", "2014-04-14")).getvalue()
    header, rest = text.split("\n", 1)
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + (header.upper() + "\n" + rest + "\n").replace("\n", "\r\n").encode()
    )
    assert import_history(desk, path).conferences == 1


def test_progress_is_reported_by_stage(desk: Desk) -> None:
    seen: list[tuple[str, int, int]] = []
    import_history(desk, EXAMPLE, progress=lambda *a: seen.append(a))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "Reading" and "Checking" in stages and stages[-1] == "Writing"
    assert seen[-1][1] == seen[-1][2] == 15


def test_a_large_synthetic_history_imports_whole(desk: Desk, tmp_path: Path) -> None:
    from bench.bench_import import write_history

    path = tmp_path / "big.csv"
    with path.open("w", newline="") as out:
        written = write_history(out, 3_000)
    result = import_history(desk, path)
    assert result.rows == written
    assert count(desk, ConferenceChild) == written
    assert count(desk, Conference) == result.conferences
    with desk.store.read() as session:
        open_plans = session.exec(
            select(func.count())
            .select_from(ChildProtectionPlan)
            .where(col(ChildProtectionPlan.end_date).is_(None))
        ).one()
        decided = session.exec(
            select(func.count())
            .select_from(ConferenceChild)
            .where(ConferenceChild.decision == "plan")
        ).one()
    assert result.plans == decided and open_plans <= result.plans


def periods(desk: Desk) -> list[tuple[date, date | None, bool, bool]]:
    """Each plan period's dates and its neglect and sexual flags, in date order."""
    with desk.store.read() as session:
        rows = session.exec(select(PlanPeriod)).all()
    return sorted(
        ((p.start_date, p.end_date, p.neglect, p.sexual) for p in rows), key=lambda r: r[0]
    )


def test_plan_periods_follow_the_history_across_two_files(desk: Desk) -> None:
    """The quarter-end figures read categories "as last set on or before the day" from the
    plan periods, so an import keeps them as recording each conference held would."""
    import_history(desk, csv_text(initial("A1", "K1", "2014-04-14")))
    assert periods(desk) == [(date(2014, 4, 14), None, True, False)]

    import_history(
        desk,
        csv_text(
            review("A2", "K1", "2014-07-10", cats="sexual"),
            review("A3", "K1", "2015-01-08", cats="neglect;sexual", kind="subsequent_review"),
            review("A4", "K1", "2015-07-02", "end", "", kind="subsequent_review"),
        ),
    )
    assert periods(desk) == [
        (date(2014, 4, 14), date(2014, 7, 10), True, False),
        (date(2014, 7, 10), date(2015, 1, 8), False, True),
        (date(2015, 1, 8), date(2015, 7, 2), True, True),
    ]
    figures = thematic_report(desk, "annual", 2014).as_json()["plans_by_category"]
    assert figures["Q1"]["neglect"] == 1  # 30 June 2014: neglect, as set in April
    assert figures["Q2"]["sexual"] == 1  # 30 September: sexual, from July
    assert figures["Q4"]["multiple"] == 1  # 31 March 2015: both, from January


def test_a_child_s_birth_dates_that_cannot_be_true_refuse_the_file(
    desk: Desk, count_rows: Callable[[], Counts]
) -> None:
    """Checked as the booking form and the child's edit check them, on the row each child's
    details are kept from: a baby still unborn in its latest row, due in 2014, has long been
    born; a child born and expected both; a birth after today (on any row)."""
    before = count_rows()
    text = csv_text(
        initial("P1", "BABY1", "2014-05-06", conference_type="initial_pre_birth",
                date_of_birth="", gender="unknown", expected_date_of_birth="2014-06-20",
                ethnicity="", cats="physical"),
        initial("P2", "BABY2", "2014-05-06", conference_type="initial_pre_birth",
                date_of_birth="", gender="unknown", expected_date_of_birth="2014-06-20",
                ethnicity="", cats="physical"),
        review("P3", "BABY2", "2014-07-10", date_of_birth="2014-06-24",
               expected_date_of_birth="2014-06-20", cats="physical"),
        initial("P4", "K9", "2026-11-02", date_of_birth="2026-11-26"),
    )  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        import_history(desk, text)
    assert refused.value.problems == (
        "line 2: expected_date_of_birth: 2014-06-20 is more than 10 weeks ago: enter the date "
        "of birth instead",
        "line 4: expected_date_of_birth: A child who has been born has a date of birth only: "
        "clear the expected date",
        "line 5: date_of_birth: 2026-11-26 is after today: a child not yet born has an expected "
        "date of birth instead",
    )
    assert count_rows() == before


def test_a_baby_due_within_the_setting_s_weeks_is_imported_unborn(desk: Desk) -> None:
    import_history(
        desk,
        csv_text(
            initial("P1", "BABY1", "2026-11-02", conference_type="initial_pre_birth",
                    date_of_birth="", gender="unknown", expected_date_of_birth="2026-09-16",
                    ethnicity="", cats="physical", trigger="2026-10-20"),
        ),
    )  # fmt: skip
    child = one(desk, Child, case_reference="BABY1")
    assert (child.date_of_birth, child.expected_date_of_birth) == (None, date(2026, 9, 16))


def test_a_birth_in_a_later_file_reaches_the_periods_on_record(desk: Desk) -> None:
    """A baby on a plan from a pre-birth conference in one file, born in the next: the
    quarter-end figures count the baby by age and ethnic group from the birth, including in
    the period the first file made. The first file is imported in May 2014, while the baby
    is still due (an expected date long past is refused: see below)."""
    clock.set_today(date(2014, 5, 20))
    import_history(
        desk,
        csv_text(
            initial("P1", "BABY1", "2014-05-06", conference_type="initial_pre_birth",
                    date_of_birth="", gender="unknown", expected_date_of_birth="2014-06-20",
                    ethnicity="", cats="physical"),
        ),
    )  # fmt: skip
    clock.set_today(date(2026, 11, 25))
    import_history(
        desk,
        csv_text(
            review("P2", "BABY1", "2014-07-10", date_of_birth="2014-06-24", ethnicity="BAFR",
                   cats="physical"),
        ),
    )  # fmt: skip
    with desk.store.read() as session:
        copies = session.exec(
            select(
                PlanPeriod.start_date, PlanPeriod.child_date_of_birth, PlanPeriod.child_ethnicity
            ).order_by(PlanPeriod.start_date)
        ).all()
    assert copies == [
        (date(2014, 5, 6), date(2014, 6, 24), "BAFR"),
        (date(2014, 7, 10), date(2014, 6, 24), "BAFR"),
    ]
    figures = thematic_report(desk, "annual", 2014).as_json()
    assert figures["plans_by_age"]["Q1"]["under_1"] == 1  # 30 June 2014, born on the 24th
    assert figures["plans_by_ethnicity"]["Q1"]["black"] == 1


def test_cells_beyond_the_header_are_refused_with_the_line(desk: Desk) -> None:
    text = csv_text(initial("A1", "K1", "2014-04-14"), initial("A2", "K2", "2014-04-14"))
    lines = text.getvalue().splitlines()
    lines[2] += ",Smith,extra"
    with pytest.raises(ImportRefused) as refused:
        import_history(desk, io.StringIO("\n".join(lines) + "\n"))
    assert refused.value.problems == (
        "line 3: file: 20 cells, but the header names 18 columns: the cells beyond it would "
        "be lost",
    )
    assert count(desk, Conference) == 0


def test_a_200_kb_cell_is_named_as_too_long(desk: Desk) -> None:
    text = csv_text(initial("A1", "K1", "2014-04-14", child_name="x" * 200_000))
    with pytest.raises(ImportRefused) as refused:
        import_history(desk, text)
    assert refused.value.problems == (
        "line 2: file: a cell is longer than 131,072 characters, which no column holds "
        "(is a quote left open?)",
    )


def test_a_file_bad_on_every_line_lists_the_first_hundred_and_counts_the_rest(
    desk: Desk,
) -> None:
    text = csv_text(
        *(initial(f"A{n}", f"K{n}", "2014-02-30", trigger="2014-02-01") for n in range(5_000))
    )
    with pytest.raises(ImportRefused) as refused:
        import_history(desk, text)
    problems = refused.value.problems
    assert len(problems) == 100
    assert problems[0] == "line 2: conference_date: 2014-02-30 is not a real date"
    assert problems[-1].startswith("line 101: ")
    assert refused.value.more == 4_900
    assert str(refused.value).endswith("(and 4,999 more)")


def test_other_clerks_write_while_the_file_is_read_and_checked(desk: Desk, tmp_path: Path) -> None:
    """The write lock is taken only to write: another clerk's save during reading and
    checking gets the lock at once (a zero busy timeout)."""
    from bench.bench_import import write_history

    path = tmp_path / "history.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        written = write_history(out, 5_000)
    saved: list[str] = []

    def another_clerk_saves(stage: str, done: int, total: int) -> None:
        if stage in ("Reading", "Checking") and try_to_save(desk):
            saved.append(stage)

    result = import_history(desk, path, progress=another_clerk_saves)
    assert result.rows == written
    assert {"Reading", "Checking"} <= set(saved)


def test_imported_names_are_found_without_their_accents(desk: Desk, people: People) -> None:
    """A new family and child from the file, and a child on record renamed by it, are all
    found by what a clerk types: "slezak", "zoe", "lukasz"."""
    from siu_tui.services.conferences import ConferenceFilter, list_conferences
    from siu_tui.services.families import search_families

    text = csv_text(
        initial("A1", "K1", "2014-04-14", family_ref="TFAM9", child_name="Zoë Ślęzak"),
        initial("A2", "CR1001", "2014-05-14", family_ref="FAM-0001", child_name="Łukasz Smith",
                date_of_birth="2015-03-01"),
    )  # fmt: skip
    result = import_history(desk, text)
    assert (result.families, result.children, result.children_updated) == (1, 1, 1)
    assert [f.name for f in search_families(desk, "slezak")] == ["Ślęzak"]
    for typed, conference in (("zoe", "A1"), ("ZOE SLEZAK", "A1"), ("lukasz", "A2")):
        page = list_conferences(desk, ConferenceFilter(search=typed), date(2026, 11, 25))
        assert [row.reference for row in page.rows] == [conference], typed
