"""The stood-down log agrees with the database: totals and the CSV export against an
independent count (plain SQL over the demo data, not the service's own query)."""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from siu_tui import clock
from siu_tui.db.demo import generate
from siu_tui.domain.codes import Reason
from siu_tui.services.context import Desk
from siu_tui.services.standdown import (
    StandDownFilter,
    export_stood_down,
    held_late,
    late_totals,
    stood_down_totals,
)

TODAY = date(2026, 11, 25)
YEAR = (date(2026, 4, 1), date(2027, 3, 31))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Desk, Path]]:
    clock.set_today(TODAY)
    path = tmp_path_factory.mktemp("sd-demo") / "demo.db"
    desk = Desk.open(f"sqlite:///{path}", "test")
    generate(desk.store, 1500)
    try:
        yield desk, path
    finally:
        desk.close()
        clock.set_today(None)


def sql(path: Path, query: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(path) as db:
        return db.execute(query, args).fetchall()


@pytest.mark.parametrize("team", [None, "North"])
def test_totals_and_export_match_an_independent_count(
    demo: tuple[Desk, Path], tmp_path: Path, team: str | None
) -> None:
    desk, path = demo
    clock.set_today(TODAY)
    start, end = YEAR
    expected = Counter(
        dict(
            sql(
                path,
                "SELECT s.reason, count(*) FROM stand_down s JOIN conference c "
                "ON c.id = s.conference_id JOIN family f ON f.id = c.family_id "
                "WHERE c.date BETWEEN ? AND ? AND (? IS NULL OR f.locality_team = ?) "
                "GROUP BY s.reason",
                start.isoformat(),
                end.isoformat(),
                team,
                team,
            )
        )
    )
    assert sum(expected.values()) >= 3  # the demo has stand-downs to count
    flt = StandDownFilter(date_from=start, date_to=end, locality_team=team)
    totals = stood_down_totals(desk, flt)
    assert totals.total == sum(expected.values())
    assert {r.value: n for r, n in totals.by_reason if n} == dict(expected)
    rebooked = sql(
        path,
        "SELECT r.date, c.deadline FROM stand_down s JOIN conference c ON c.id = s.conference_id "
        "JOIN family f ON f.id = c.family_id JOIN conference r ON r.id = s.rebooked_conference_id "
        "WHERE c.date BETWEEN ? AND ? AND (? IS NULL OR f.locality_team = ?) "
        "AND r.status IN ('booked', 'held')",
        start.isoformat(),
        end.isoformat(),
        team,
        team,
    )
    assert totals.rebooked == len(rebooked)
    assert totals.met_deadline == sum(1 for day, deadline in rebooked if day <= deadline)

    out = tmp_path / "log.csv"
    assert export_stood_down(desk, flt, out) == totals.total
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert Counter(r["reason_code"] for r in rows) == expected
    assert all(start.isoformat() <= r["conference_date"] <= end.isoformat() for r in rows)
    assert len({r["reference"] for r in rows}) == len(rows)


def test_late_view_matches_an_independent_count(demo: tuple[Desk, Path]) -> None:
    desk, path = demo
    start, end = date(2026, 4, 1), TODAY
    expected = sql(
        path,
        "SELECT type LIKE 'initial%', count(*) FROM conference WHERE status = 'held' "
        "AND date > deadline AND date BETWEEN ? AND ? GROUP BY 1",
        start.isoformat(),
        end.isoformat(),
    )
    counts = {bool(k): n for k, n in expected}
    totals = late_totals(desk, start, end)
    assert (totals.initial_total, totals.review_total) == (
        counts.get(True, 0),
        counts.get(False, 0),
    )
    rows, total = held_late(desk, start, end, group="initial")
    assert total == counts.get(True, 0) and all(r.group == "Initial" for r in rows)
    assert all(r.date > r.deadline for r in rows)
    named = {r.label for r, n in totals.initial if r is not None and n}
    assert named <= {r.label for r in Reason}
