"""The thematic report agrees with the demo data counted another way: plain SQL rows walked
in Python, one conference or child at a time, the way a manager's spreadsheet would, rather
than the report's own GROUP BY queries and plan periods."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from siu_tui import clock
from siu_tui.db.demo import generate
from siu_tui.domain.advocacy import ReferralFact
from siu_tui.domain.advocacy import advocacy_figures as per_referral
from siu_tui.domain.periods import quarter
from siu_tui.domain.reports import age_key, category_key, ethnic_group
from siu_tui.domain.timescales import classify_receipt, report_deadlines
from siu_tui.services.context import Desk
from siu_tui.services.minutes_week import minutes_figures
from siu_tui.services.reports import thematic_report

TODAY = date(2026, 11, 25)
YEAR = 2025


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Desk, Path, dict]]:  # type: ignore[type-arg]
    clock.set_today(TODAY)
    path = tmp_path_factory.mktemp("report-demo") / "demo.db"
    desk = Desk.open(f"sqlite:///{path}", "test")
    generate(desk.store, 1500)
    try:
        yield desk, path, thematic_report(desk, "annual", YEAR).as_json()
    finally:
        desk.close()
        clock.set_today(None)


def sql(path: Path, query: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(path) as db:
        return db.execute(query, args).fetchall()


def d(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def test_conference_activity(demo: tuple[Desk, Path, dict]) -> None:  # type: ignore[type-arg]
    _desk, path, figures = demo
    rows = sql(
        path,
        "SELECT type FROM conference WHERE status = 'held' AND date BETWEEN ? AND ?",
        "2025-04-01",
        "2026-03-31",
    )
    counted = Counter(t for (t,) in rows)
    assert counted and sum(counted.values()) == figures["conference_activity"]["total"]
    for ctype, n in counted.items():
        assert figures["conference_activity"][ctype] == n


def test_children_on_a_plan_at_each_quarter_end(demo: tuple[Desk, Path, dict]) -> None:  # type: ignore[type-arg]
    """From each child's held conferences alone: on a plan at the day if the latest
    conference on or before it that decided anything about a plan made or continued one;
    its categories are that conference's."""
    _desk, path, figures = demo
    decisions = sql(
        path,
        """SELECT cc.child_id, c.date, c.start_time, cc.decision,
                  cc.neglect, cc.physical, cc.emotional, cc.sexual, ch.ethnicity, ch.date_of_birth
           FROM conference_child cc JOIN conference c ON c.id = cc.conference_id
           JOIN child ch ON ch.id = cc.child_id
           WHERE c.status = 'held' AND cc.decision IN ('plan', 'continue', 'end')
           ORDER BY cc.child_id, c.date, c.start_time""",
    )
    for q in (1, 2, 3, 4):
        day = quarter(YEAR, q).end
        latest: dict[str, tuple] = {}  # type: ignore[type-arg]
        for row in decisions:
            if d(row[1]) <= day:  # type: ignore[operator]
                latest[row[0]] = row
        categories: Counter[str] = Counter()
        groups: Counter[str] = Counter()
        ages: Counter[str] = Counter()
        for row in latest.values():
            if row[3] == "end":
                continue
            categories[category_key(*(bool(f) for f in row[4:8])) or "none"] += 1
            groups[ethnic_group(row[8])] += 1
            ages[age_key(d(row[9]), day)] += 1
        key = f"Q{q}"
        assert sum(categories.values()) == figures["plans_by_category"][key]["total"] > 0
        assert {k: v for k, v in figures["plans_by_category"][key].items() if k != "total"} == {
            k: categories.get(k, 0)
            for k in ("neglect", "physical", "emotional", "sexual", "multiple")
        }
        assert figures["plans_by_ethnicity"][key] == {
            k: groups.get(k, 0) for k in figures["plans_by_ethnicity"][key]
        }
        assert figures["plans_by_age"][key] == {
            k: ages.get(k, 0) for k in figures["plans_by_age"][key]
        }


def test_report_timeliness(demo: tuple[Desk, Path, dict]) -> None:  # type: ignore[type-arg]
    desk, path, figures = demo
    rows = sql(
        path,
        """SELECT c.type, c.date, r.to_parents_at, r.to_chair_at FROM conference c
           LEFT JOIN sw_report r ON r.conference_id = c.id
           WHERE c.status = 'held' AND c.date BETWEEN '2025-04-01' AND '2026-03-31'""",
    )
    parents: Counter[tuple[str, str]] = Counter()
    chair: Counter[tuple[str, str]] = Counter()
    for ctype, held, to_parents, to_chair in rows:
        day = d(held)
        due = report_deadlines(ctype, day, desk.rules)  # type: ignore[arg-type]
        kind = "initial" if ctype.startswith("initial") else "review"
        parents[(kind, classify_receipt(d(to_parents), due.parents, day).value)] += 1  # type: ignore[arg-type]
        chair[(kind, classify_receipt(d(to_chair), due.chair, day).value)] += 1  # type: ignore[arg-type]
    for name, counted in (("report_to_parents", parents), ("report_to_chair", chair)):
        for kind in ("initial", "review"):
            for klass, n in figures[name][kind].items():
                assert counted.get((kind, klass), 0) == n, (name, kind, klass)
    assert sum(parents.values()) == figures["conference_activity"]["total"]


def test_advocacy_and_minutes_agree_with_their_own_screens(demo: tuple[Desk, Path, dict]) -> None:  # type: ignore[type-arg]
    desk, path, figures = demo
    facts = [
        ReferralFact(
            child, d(born), d(held), bool(auto), outcome, None if sup is None else bool(sup)
        )  # type: ignore[arg-type]
        for child, born, held, auto, outcome, sup in sql(
            path,
            """SELECT a.child_id, ch.date_of_birth, c.date, a.automatic, a.outcome, a.supported
               FROM advocacy_referral a JOIN conference c ON c.id = a.conference_id
               JOIN child ch ON ch.id = a.child_id
               WHERE a.withdrawn_at IS NULL AND c.date BETWEEN '2025-04-01' AND '2026-03-31'""",
        )
    ]
    assert facts
    assert figures["advocacy"] == per_referral(facts, desk.rules).as_dict()
    overall = minutes_figures(desk, date(2025, 4, 1), date(2026, 3, 31)).overall
    assert figures["minutes"]["conferences"] == overall.conferences > 0
    assert figures["minutes"]["within"] == overall.within
    assert figures["minutes"]["late"] == overall.late
    assert figures["minutes"]["outstanding"] == overall.outstanding
    assert figures["minutes"]["average_working_days"] == overall.average_working_days


def test_plans_ended_and_stood_down(demo: tuple[Desk, Path, dict]) -> None:  # type: ignore[type-arg]
    _desk, path, figures = demo
    ended = sql(
        path,
        """SELECT c.type FROM cp_plan p JOIN conference c ON c.id = p.end_conference_id
           WHERE p.end_date BETWEEN '2025-04-01' AND '2026-03-31'""",
    )
    assert figures["plans_ended"]["total"] == len(ended) > 0
    assert figures["plans_ended"]["at_first_review"] == sum(
        1 for (t,) in ended if t == "first_review"
    )
    stood = sql(
        path,
        """SELECT s.reason FROM stand_down s JOIN conference c ON c.id = s.conference_id
           WHERE c.date BETWEEN '2025-04-01' AND '2026-03-31'""",
    )
    assert figures["stood_down"]["total"] == len(stood) > 0
    assert figures["stood_down"]["by_reason"] == {
        k: sum(1 for (r,) in stood if r == k) for k in figures["stood_down"]["by_reason"]
    }
