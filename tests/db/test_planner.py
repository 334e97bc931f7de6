"""What the report tells SQLite's planner is said to SQLite alone, and changes no answer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, Integer, MetaData, Table, create_engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from siu_tui.db.models import Conference
from siu_tui.db.planner import bare, constant


def _sql(query: object, dialect: object) -> str:
    return str(query.compile(dialect=dialect))  # type: ignore[attr-defined]


def test_bare_is_sqlites_unary_plus_and_nothing_elsewhere() -> None:
    query = select(Conference.id).where(bare(Conference.date) > date(2025, 6, 30))
    assert "+conference.date >" in _sql(query, sqlite.dialect())
    assert "+conference.date" not in _sql(query, postgresql.dialect())
    assert "conference.date >" in _sql(query, postgresql.dialect())


def test_constants_are_written_into_the_sql_so_a_group_by_repeats_the_same_text() -> None:
    query = select(col(Conference.date) > constant(date(2025, 6, 30)), constant(3)).group_by(
        col(Conference.date) > constant(date(2025, 6, 30))
    )
    compiled = query.compile(dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True})
    assert str(compiled).count("'2025-06-30'") == 2
    assert ", 3" in str(compiled)


def test_bare_gives_the_same_answers() -> None:
    """Dates are stored as text; compared without their column's affinity they still order
    as dates do."""
    days = Table("days", MetaData(), Column("id", Integer, primary_key=True), Column("day", Date))
    engine = create_engine("sqlite://")
    days.create(engine)
    with engine.begin() as conn:
        conn.execute(days.insert(), [
            {"id": 1, "day": date(2025, 6, 29)},
            {"id": 2, "day": date(2025, 6, 30)},
            {"id": 3, "day": date(2025, 7, 1)},
            {"id": 4, "day": None},
        ])  # fmt: skip
        for cut in (date(2025, 6, 30), date(2024, 12, 31), date(2025, 7, 2)):
            plain = select(days.c.id).where(days.c.day >= cut).order_by(days.c.id)
            marked = select(days.c.id).where(bare(days.c.day) >= cut).order_by(days.c.id)
            assert conn.execute(plain).scalars().all() == conn.execute(marked).scalars().all()
