"""The social worker's report classes (on time, late, on the day, not received) as the report's
SQL counts them agree with the domain's rule on every case of a year.

The SQL is made from the domain's table of cases (``domain.timescales.RECEIPT_CASES``), so
the two cannot drift apart by hand; this checks that what the database evaluates, dates
stored as the tables store them, is what ``classify_receipt`` says: every conference day of
the council year 2025-26, an initial conference and a review on each, the report to the
parents and to the chair, received on every day from twelve days before the conference to
two days after it, or not at all.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Column, Date, Integer, MetaData, Table, select
from sqlalchemy.schema import CreateTable

from siu_tui.domain.codes import ConferenceType, ReportTimeliness
from siu_tui.domain.timescales import classify_receipt, report_deadlines
from siu_tui.services.context import Desk
from siu_tui.services.reports import RECEIPT_CLASSES, receipt_class

CASES = Table(
    "receipt_case",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("received", Date, nullable=True),
    Column("deadline", Date, nullable=False),
    Column("held", Date, nullable=False),
    prefixes=["TEMPORARY"],
)


def every_case() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    day = date(2025, 4, 1)
    while day <= date(2026, 3, 31):
        for kind in (ConferenceType.INITIAL, ConferenceType.SUBSEQUENT_REVIEW):
            due = report_deadlines(kind, day)
            for deadline in (due.parents, due.chair):
                for offset in (None, *range(-12, 3)):
                    received = None if offset is None else day + timedelta(days=offset)
                    rows.append(
                        {"id": len(rows), "received": received, "deadline": deadline, "held": day}
                    )
        day += timedelta(days=1)
    return rows


def test_the_sql_classes_every_receipt_of_a_year_as_the_domain_does(desk: Desk) -> None:
    rows = every_case()
    query = select(
        CASES.c.id, receipt_class(CASES.c.received, CASES.c.deadline, CASES.c.held)
    ).order_by(CASES.c.id)
    with desk.store.read() as session:
        connection = session.connection()
        connection.execute(CreateTable(CASES))
        connection.execute(CASES.insert(), rows)
        classed = dict(connection.execute(query).all())

    assert len(classed) == len(rows) == 365 * 2 * 2 * 16
    wrong = [
        (row, RECEIPT_CLASSES[classed[row["id"]]])  # type: ignore[index]
        for row in rows
        if RECEIPT_CLASSES[classed[row["id"]]]  # type: ignore[index]
        is not classify_receipt(row["received"], row["deadline"], row["held"])  # type: ignore[arg-type]
    ]
    assert wrong == []
    # Every class is reached, each on many days, so no case of the rule goes untried.
    seen = {RECEIPT_CLASSES[n] for n in classed.values()}
    assert seen == set(ReportTimeliness)
