"""Checking a history file: each row on its own, then the rows together (pure, no database)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.codes import ConferenceStatus, ConferenceType, Decision, Reason
from siu_tui.domain.importing import (
    COLUMNS,
    ChildOnRecord,
    ImportRow,
    PreviousHeld,
    RowError,
    check_children,
    check_conferences,
    check_history,
    latest_rows,
    parse_categories,
    parse_row,
    review_trigger,
    split_name,
)

TODAY = date(2026, 11, 25)

BASE = {
    "conference_ref": "IMP1",
    "conference_type": "initial",
    "conference_date": "2014-03-10",
    "status": "held",
    "stood_down_reason": "",
    "late_reason": "",
    "trigger_date": "2014-02-20",
    "family_ref": "FAM1",
    "child_ref": "C1",
    "child_name": "Test Child-One",
    "date_of_birth": "2010-05-01",
    "expected_date_of_birth": "",
    "gender": "female",
    "ethnicity": "WBRI",
    "decision": "plan",
    "categories": "neglect",
    "report_to_parents_date": "2014-03-05",
    "report_to_chair_date": "2014-03-06",
}


def values(**changes: str) -> dict[str, str]:
    return {**BASE, **changes}


def row(line: int = 2, **changes: str) -> ImportRow:
    parsed = parse_row(line, values(**changes), TODAY)
    assert isinstance(parsed, ImportRow), parsed
    return parsed


def problems(line: int = 2, **changes: str) -> list[str]:
    parsed = parse_row(line, values(**changes), TODAY)
    assert isinstance(parsed, list), parsed
    return [str(e) for e in parsed]


# --- One row ------------------------------------------------------------------------------------


def test_a_good_row_is_typed() -> None:
    r = row(categories="physical; neglect", ethnicity="mwbc", child_ref="ab12")
    assert r.conference_type is ConferenceType.INITIAL
    assert r.conference_date == date(2014, 3, 10)
    assert r.status is ConferenceStatus.HELD
    assert r.trigger_date == date(2014, 2, 20)
    assert (r.first_name, r.last_name) == ("Test", "Child-One")
    assert r.child_ref == "AB12"  # stored as the app stores case references
    assert r.ethnicity == "MWBC"
    assert r.sex == "F"
    assert r.decision is Decision.PLAN
    assert r.categories == ("neglect", "physical")  # the standard order
    assert (r.report_to_parents, r.report_to_chair) == (date(2014, 3, 5), date(2014, 3, 6))
    assert r.stood_down_reason is None and r.late_reason is None


def test_the_documented_columns() -> None:
    assert set(BASE) == set(COLUMNS)


def test_an_impossible_date_is_named() -> None:
    assert problems(7, conference_date="2014-02-30") == [
        "line 7: conference_date: 2014-02-30 is not a real date"
    ]


@pytest.mark.parametrize("text", ["30/01/2014", "2014-1-30", "20140130", "2014-W05", "soon"])
def test_only_iso_dates_are_read(text: str) -> None:
    assert problems(conference_date=text) == [
        f"line 2: conference_date: {text!r} is not a date (use YYYY-MM-DD)"
    ]


@pytest.mark.parametrize(
    "column",
    [
        "date_of_birth",
        "expected_date_of_birth",
        "trigger_date",
        "report_to_parents_date",
        "report_to_chair_date",
    ],
)
def test_every_date_column_is_checked(column: str) -> None:
    assert problems(**{column: "2013-13-01"}) == [
        f"line 2: {column}: 2013-13-01 is not a real date"
    ]


def test_a_leap_day_is_a_real_date() -> None:
    assert row(date_of_birth="2012-02-29").date_of_birth == date(2012, 2, 29)


def test_an_unknown_type_names_the_choices() -> None:
    [message] = problems(conference_type="review")
    assert message.startswith("line 2: conference_type: 'review' is not a conference type (use ")
    assert "initial_pre_birth" in message and "subsequent_review" in message


def test_codes_are_read_whatever_their_case() -> None:
    r = row(conference_type="Initial_Pre_Birth", status="HELD", decision="No_Plan", categories="")
    assert r.conference_type is ConferenceType.INITIAL_PRE_BIRTH
    assert r.decision is Decision.NO_PLAN


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"conference_ref": ""}, "conference_ref: missing: every row needs the conference's"),
        ({"conference_ref": "X" * 33}, "conference_ref: 'XXXX"),
        ({"conference_type": ""}, "conference_type: missing: say which type"),
        ({"conference_date": ""}, "conference_date: missing: the day the conference was held"),
        ({"status": "booked"}, "status: 'booked' is not a status (use held or stood_down)"),
        ({"status": ""}, "status: missing: held or stood_down"),
        ({"family_ref": ""}, "family_ref: missing: every row needs the family's reference"),
        ({"child_ref": ""}, "child_ref: missing: every row needs the child's case reference"),
        ({"child_ref": "C-1"}, "child_ref: 'C-1' is not a case reference (1 to 20 letters"),
        ({"child_ref": "C" * 21}, "child_ref: 'CCCC"),
        ({"child_name": " "}, "child_name: missing: every row needs the child's name"),
        ({"child_name": "A " + "B" * 81}, "child_name: a first or last name is longer than 80"),
        ({"gender": "boy"}, "gender: 'boy' is not a gender (use male, female or unknown)"),
        ({"ethnicity": "XYZ"}, "ethnicity: 'XYZ' is not a DfE ethnicity code"),
        ({"late_reason": "traffic"}, "late_reason: 'traffic' is not a reason code (use "),
        ({"decision": "maybe"}, "decision: 'maybe' is not a decision (use plan, no_plan, "),
        ({"decision": ""}, "decision: missing: a held conference records a decision"),
        ({"categories": "cruelty"}, "categories: 'cruelty' is not a category of abuse (use "),
        ({"date_of_birth": "2027-01-01"}, "date_of_birth: 2027-01-01 is after today"),
        ({"conference_date": "2026-11-26", "trigger_date": "2026-11-01"},
         "conference_date: 2026-11-26 is after today: a held conference has taken place"),
    ],
)  # fmt: skip
def test_each_mistake_is_worded_for_a_clerk(changes: dict[str, str], expected: str) -> None:
    found = problems(9, **changes)
    assert len(found) == 1, found
    assert found[0].startswith(f"line 9: {expected}"), found


def test_every_problem_of_a_row_is_listed() -> None:
    found = problems(conference_date="2014-02-30", conference_type="x", gender="?")
    assert [m.split(":")[1].strip() for m in found] == [
        "conference_type",
        "conference_date",
        "gender",
    ]


def test_missing_columns_read_as_empty() -> None:
    cells = values()
    for column in ("stood_down_reason", "late_reason", "ethnicity", "expected_date_of_birth"):
        del cells[column]
    r = parse_row(2, cells, TODAY)
    assert isinstance(r, ImportRow) and r.ethnicity is None


def test_cells_are_trimmed() -> None:
    assert row(conference_ref="  IMP9 ", conference_date=" 2014-03-10 ").conference_ref == "IMP9"


# --- Types, triggers, decisions -----------------------------------------------------------------


@pytest.mark.parametrize("ctype", ["initial", "initial_pre_birth", "initial_reconvened"])
def test_an_initial_type_needs_the_strategy_discussion(ctype: str) -> None:
    assert problems(conference_type=ctype, trigger_date="") == [
        "line 2: trigger_date: missing: an initial conference's deadline runs from the date of "
        "the strategy discussion"
    ]


def test_a_transfer_in_needs_the_notification() -> None:
    [message] = problems(conference_type="initial_transfer_in", trigger_date="")
    assert "notification from the transferring authority" in message


@pytest.mark.parametrize("ctype", ["first_review", "subsequent_review"])
def test_a_review_has_no_trigger_date(ctype: str) -> None:
    [message] = problems(conference_type=ctype, trigger_date="2014-01-01", decision="continue")
    assert message.startswith("line 2: trigger_date: given, but a review's deadline runs from")
    r = row(conference_type=ctype, trigger_date="", decision="continue")
    assert r.trigger_date is None


def test_a_trigger_after_the_conference_is_refused() -> None:
    assert problems(trigger_date="2014-03-11") == [
        "line 2: trigger_date: 2014-03-11 is after the conference (2014-03-10)"
    ]


@pytest.mark.parametrize("decision", ["continue", "end"])
def test_an_initial_conference_decides_plan_or_no_plan(decision: str) -> None:
    found = problems(decision=decision, categories="neglect" if decision == "continue" else "")
    assert found == [
        f"line 2: decision: {decision} is not a decision an initial conference makes "
        "(plan or no_plan)"
    ]


@pytest.mark.parametrize("decision", ["plan", "continue"])
def test_a_plan_needs_a_category(decision: str) -> None:
    [message] = problems(
        conference_type="first_review" if decision == "continue" else "initial",
        trigger_date="" if decision == "continue" else "2014-02-20",
        decision=decision,
        categories="",
    )
    assert message == (
        f"line 2: categories: missing: '{decision}' needs at least one category of abuse "
        "(neglect, physical, emotional or sexual, separated by ;)"
    )


@pytest.mark.parametrize("decision", ["no_plan", "end"])
def test_no_plan_and_end_take_no_category(decision: str) -> None:
    ctype = "initial" if decision == "no_plan" else "subsequent_review"
    trigger = "2014-02-20" if decision == "no_plan" else ""
    assert problems(
        conference_type=ctype, trigger_date=trigger, decision=decision, categories="neglect"
    ) == [f"line 2: categories: given, but '{decision}' takes none (leave it empty)"]
    assert (
        row(
            conference_type=ctype, trigger_date=trigger, decision=decision, categories=""
        ).categories
        == ()
    )


def test_a_review_may_decide_anything() -> None:
    for decision, cats in [("plan", "sexual"), ("no_plan", ""), ("continue", "emotional")]:
        r = row(conference_type="first_review", trigger_date="", decision=decision, categories=cats)
        assert r.decision is Decision(decision)


def test_a_stood_down_conference_needs_its_reason_and_no_decision() -> None:
    r = row(status="stood_down", stood_down_reason="family_request", decision="", categories="")
    assert r.stood_down_reason is Reason.FAMILY_REQUEST and r.decision is None
    assert problems(status="stood_down", decision="", categories="") == [
        "line 2: stood_down_reason: missing: say why the conference was stood down (use "
        "not_quorate, s47_date_error, resource_unavailable, date_miscalculated, "
        "invite_list_error, report_unavailable, family_request or other)"
    ]
    assert problems(status="stood_down", stood_down_reason="other") == [
        "line 2: decision: given, but the conference was stood down (leave it empty)",
        "line 2: categories: given, but the conference was stood down (leave it empty)",
    ]
    assert problems(stood_down_reason="other") == [
        "line 2: stood_down_reason: given, but the conference was held (leave it empty)"
    ]


def test_a_stood_down_conference_may_be_booked_for_a_future_day() -> None:
    r = row(
        status="stood_down",
        stood_down_reason="not_quorate",
        conference_date="2027-01-05",
        trigger_date="2026-12-20",
        decision="",
        categories="",
    )
    assert r.conference_date == date(2027, 1, 5)


@pytest.mark.parametrize(("gender", "sex"), [("male", "M"), ("Female", "F"), ("unknown", "U"),
                                             ("", "U")])  # fmt: skip
def test_gender_becomes_the_stored_sex(gender: str, sex: str) -> None:
    assert row(gender=gender).sex == sex


def test_an_unborn_child_is_recorded_as_unknown_sex() -> None:
    r = row(date_of_birth="", expected_date_of_birth="2014-06-01", gender="male")
    assert r.sex == "U" and r.date_of_birth is None
    assert r.expected_date_of_birth == date(2014, 6, 1)


def test_late_reason_is_kept() -> None:
    assert row(late_reason="report_unavailable").late_reason is Reason.REPORT_UNAVAILABLE


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Test Child-One", ("Test", "Child-One")),
        ("Test  Middle Child-One ", ("Test Middle", "Child-One")),
        ("Child-One", ("", "Child-One")),
        ("", ("", "")),
    ],
)
def test_names_split_at_the_last_space(name: str, parts: tuple[str, str]) -> None:
    assert split_name(name) == parts


def test_categories_parse() -> None:
    assert parse_categories("sexual;neglect;") == ("neglect", "sexual")
    assert parse_categories("") == ()
    assert parse_categories("neglect;neglect") == ("neglect",)
    assert isinstance(parse_categories("neglect,physical"), str)


@given(st.text(max_size=12))
def test_no_text_in_a_date_column_breaks_the_reader(text: str) -> None:
    parsed = parse_row(2, values(date_of_birth=text), TODAY)
    if isinstance(parsed, list):
        assert all(isinstance(e, RowError) and e.line == 2 for e in parsed)
    else:
        assert parsed.date_of_birth is None or parsed.date_of_birth.isoformat() == text.strip()


@given(st.dates(min_value=date(1990, 1, 1), max_value=TODAY))
def test_every_real_date_reads_back(day: date) -> None:
    assert row(date_of_birth=day.isoformat()).date_of_birth == day


# --- The rows of one conference -----------------------------------------------------------------


def test_rows_of_one_conference_must_agree() -> None:
    rows = [
        row(2),
        row(3, child_ref="C2", conference_date="2014-03-11", categories="physical"),
        row(4, child_ref="C3", family_ref="FAM2", late_reason="other"),
    ]
    assert [str(e) for e in check_conferences(rows)] == [
        "line 3: conference_date: 2014-03-11 differs from line 2 (2014-03-10) for conference IMP1",
        "line 4: family_ref: FAM2 differs from line 2 (FAM1) for conference IMP1",
        "line 4: late_reason: other differs from line 2 (empty) for conference IMP1",
    ]


def test_each_conference_field_is_compared() -> None:
    lead = row(2)
    others = {
        "conference_type": {"conference_type": "initial_pre_birth"},
        "status": {"status": "stood_down", "stood_down_reason": "other", "decision": "",
                   "categories": ""},
        "trigger_date": {"trigger_date": "2014-02-21"},
        "report_to_parents_date": {"report_to_parents_date": ""},
        "report_to_chair_date": {"report_to_chair_date": "2014-03-07"},
    }  # fmt: skip
    for column, changes in others.items():
        errors = check_conferences([lead, row(3, child_ref="C2", **changes)])
        assert column in [e.column for e in errors], column


def test_children_and_decisions_may_differ_within_a_conference() -> None:
    rows = [
        row(2),
        row(3, child_ref="C2", child_name="Test Child-Two", decision="no_plan", categories="",
            date_of_birth="", gender="unknown", ethnicity=""),
    ]  # fmt: skip
    assert check_conferences(rows) == []


def test_a_child_appears_once_per_conference() -> None:
    errors = check_conferences([row(2), row(5), row(6, conference_ref="IMP2")])
    assert [str(e) for e in errors] == [
        "line 5: child_ref: C1 is already at conference IMP1 on line 2"
    ]


# --- A child's history ----------------------------------------------------------------------------


def review(
    line: int, day: str, decision: str = "continue", cats: str = "neglect", **kw: Any
) -> ImportRow:
    return row(
        line,
        conference_ref=kw.pop("conference_ref", f"R{line}"),
        conference_type=kw.pop("conference_type", "first_review"),
        conference_date=day,
        trigger_date="",
        decision=decision,
        categories=cats,
        **kw,
    )


def test_a_whole_plan_from_start_to_end() -> None:
    rows = [
        review(4, "2015-03-01", "end", ""),
        row(2),
        review(3, "2014-06-01", "continue", "neglect;emotional"),
    ]
    history = check_history(rows)
    assert history.errors == []
    assert [(c.kind, c.date, c.categories, c.on_record) for c in history.plan_changes] == [
        ("start", date(2014, 3, 10), ("neglect",), False),
        ("continue", date(2014, 6, 1), ("neglect", "emotional"), False),
        ("end", date(2015, 3, 1), (), False),
    ]
    assert history.previous == {
        3: PreviousHeld(date(2014, 3, 10), ConferenceType.INITIAL),
        4: PreviousHeld(date(2014, 6, 1), ConferenceType.FIRST_REVIEW),
    }


def test_a_review_needs_an_earlier_held_conference() -> None:
    history = check_history([review(8, "2014-06-01", child_ref="C9")])
    assert [str(e) for e in history.errors] == [
        "line 8: conference_type: a review needs an earlier held conference for C9, and there is "
        "none in the file or on record",
        "line 8: decision: continue, but C9 has no open plan (a plan starts with a 'plan' "
        "decision)",
    ]


def test_a_stood_down_conference_is_not_the_previous_one() -> None:
    stood = row(2, status="stood_down", stood_down_reason="not_quorate", decision="",
                categories="")  # fmt: skip
    history = check_history([stood, review(3, "2014-06-01", "plan")])
    assert [e.column for e in history.errors] == ["conference_type"]


def test_a_stood_down_review_runs_from_the_previous_held_conference() -> None:
    stood = review(3, "2014-06-01", "", "", status="stood_down", stood_down_reason="other")
    history = check_history([row(2), stood])
    assert history.errors == []
    assert history.previous[3] == PreviousHeld(date(2014, 3, 10), ConferenceType.INITIAL)


def test_a_plan_needs_no_open_plan() -> None:
    history = check_history([row(2), row(3, conference_ref="IMP2", conference_date="2014-05-01")])
    assert [str(e) for e in history.errors] == [
        "line 3: decision: plan, but C1 is already on a plan since 2014-03-10 (line 2)"
    ]


@pytest.mark.parametrize("decision", ["continue", "end"])
def test_continue_and_end_need_an_open_plan(decision: str) -> None:
    first = row(2, decision="no_plan", categories="")
    cats = "physical" if decision == "continue" else ""
    history = check_history([first, review(3, "2014-06-01", decision, cats)])
    assert [e.message for e in history.errors] == [
        f"{decision}, but C1 has no open plan (a plan starts with a 'plan' decision)"
    ]


def test_a_child_on_a_plan_is_not_given_no_plan() -> None:
    history = check_history([row(2), review(3, "2014-06-01", "no_plan", "")])
    assert [e.message for e in history.errors] == [
        "no_plan, but C1 is on a plan since 2014-03-10 (line 2): the plan continues or ends"
    ]


def test_a_new_plan_after_one_ended() -> None:
    rows = [
        row(2),
        review(3, "2014-06-01", "end", ""),
        row(4, conference_ref="IMP3", conference_date="2016-01-10", trigger_date="2016-01-02"),
        review(5, "2016-04-01", "continue", "sexual"),
    ]
    history = check_history(rows)
    assert history.errors == []
    assert [c.kind for c in history.plan_changes] == ["start", "end", "start", "continue"]


def test_a_sibling_brought_in_at_a_review_may_be_given_a_plan() -> None:
    rows = [
        row(2, child_ref="C2", decision="no_plan", categories=""),
        review(3, "2014-06-01", "plan", "neglect", child_ref="C2"),
    ]
    assert check_history(rows).errors == []


def test_two_held_conferences_on_one_day() -> None:
    rows = [row(2), review(3, "2014-03-10")]
    assert [e.message for e in check_history(rows).errors] == [
        "C1 already has a held conference on 2014-03-10 (line 2)"
    ]


def test_each_child_is_checked_on_their_own() -> None:
    rows = [row(2), row(3, child_ref="C2", decision="no_plan", categories=""),
            review(4, "2014-06-01", "continue", child_ref="C1"),
            review(5, "2014-06-01", "continue", child_ref="C2", conference_ref="R4")]  # fmt: skip
    assert [e.line for e in check_history(rows).errors] == [5]


def test_history_on_record_counts() -> None:
    on_record = {
        "C1": ChildOnRecord(date(2014, 1, 10), ConferenceType.INITIAL, date(2014, 1, 10)),
        "C2": ChildOnRecord(date(2014, 1, 10), ConferenceType.INITIAL_PRE_BIRTH, None),
    }
    rows = [
        review(2, "2014-04-01", "end", ""),
        review(3, "2014-04-01", "plan", "physical", child_ref="C2", conference_ref="R2"),
    ]
    history = check_history(rows, on_record)
    assert history.errors == []
    assert history.previous[2] == PreviousHeld(date(2014, 1, 10), ConferenceType.INITIAL)
    assert history.previous[3].type is ConferenceType.INITIAL_PRE_BIRTH
    assert [(c.kind, c.on_record) for c in history.plan_changes] == [
        ("end", True),
        ("start", False),
    ]


def test_a_plan_on_record_is_still_open() -> None:
    on_record = {"C1": ChildOnRecord(date(2014, 1, 10), ConferenceType.INITIAL, date(2014, 1, 10))}
    history = check_history([review(2, "2014-04-01", "plan", "physical")], on_record)
    assert [e.message for e in history.errors] == [
        "plan, but C1 is already on a plan since 2014-01-10 (on record)"
    ]


def test_only_later_history_is_added_to_a_child_on_record() -> None:
    on_record = {"C1": ChildOnRecord(date(2014, 5, 1), ConferenceType.INITIAL, None)}
    history = check_history([row(7)], on_record)
    assert [str(e) for e in history.errors] == [
        "line 7: conference_date: C1 already has a conference on record on 2014-05-01: only "
        "later history can be added"
    ]


# --- Details and triggers -----------------------------------------------------------------------


def test_a_child_s_details_come_from_the_latest_row() -> None:
    unborn = row(2, conference_type="initial_pre_birth", date_of_birth="", gender="unknown",
                 expected_date_of_birth="2014-05-01", child_name="Baby Child-One")  # fmt: skip
    born = review(3, "2014-06-01", date_of_birth="2014-04-28", gender="male",
                  child_name="Test Child-One")  # fmt: skip
    latest = latest_rows([born, unborn])
    assert latest["C1"] is born
    assert (born.date_of_birth, born.sex, born.first_name) == (date(2014, 4, 28), "M", "Test")


def test_birth_dates_are_checked_on_each_child_s_latest_row() -> None:
    """The pre-birth row's expected date (long past) is history; the row the child's details
    are kept from is checked like any child's (``domain.children``)."""
    unborn = row(2, conference_type="initial_pre_birth", date_of_birth="", gender="unknown",
                 expected_date_of_birth="2014-05-01", child_name="Baby Child-One")  # fmt: skip
    born = review(3, "2014-06-01", date_of_birth="2014-04-28", gender="male")
    assert check_children([unborn, born], TODAY) == []
    assert [str(e) for e in check_children([unborn], TODAY)] == [
        "line 2: expected_date_of_birth: 2014-05-01 is more than 10 weeks ago: enter the date "
        "of birth instead"
    ]
    both = review(3, "2014-06-01", date_of_birth="2014-04-28", expected_date_of_birth="2014-05-01")
    assert [(e.line, e.column) for e in check_children([unborn, both], TODAY)] == [
        (3, "expected_date_of_birth")
    ]


def test_rows_of_one_day_follow_the_file() -> None:
    a = row(2, conference_ref="A", child_name="Test First")
    b = row(3, conference_ref="B", child_name="Test Second")
    assert latest_rows([b, a])["C1"] is b


def test_a_review_of_several_children_runs_from_the_earliest() -> None:
    early = PreviousHeld(date(2014, 1, 1), ConferenceType.INITIAL_PRE_BIRTH)
    late = PreviousHeld(date(2014, 2, 1), ConferenceType.FIRST_REVIEW)
    assert review_trigger([late, early]) is early
    assert review_trigger([]) is None
