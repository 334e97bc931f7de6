"""Keeping the plan periods' copy of each child's date of birth and ethnicity true.

The quarter-end figures count plan periods by the child's age and ethnic group; reading them
from the period itself lets the database count a year in one ordered pass instead of looking
up each child. The copy is only right if every write of a child's date of birth or ethnicity
brings it up to date in the same transaction: this is the one statement that does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlmodel import col

from siu_tui.db.models import Child, PlanPeriod

CHUNK = 5_000
"""Children per statement (SQLite allows up to 32,766 parameters; PostgreSQL more)."""


def copy_child_details(connection: Any, child_ids: Iterable[str] | None = None) -> None:
    """Copy the date of birth and ethnicity of these children (all children when None) onto
    their plan periods."""
    if child_ids is None:
        connection.execute(_copy())
        return
    ids = list(dict.fromkeys(child_ids))
    for start in range(0, len(ids), CHUNK):
        connection.execute(_copy().where(col(PlanPeriod.child_id).in_(ids[start : start + CHUNK])))


def _copy() -> Any:
    def of_child(column: Any) -> Any:
        return select(column).where(col(Child.id) == PlanPeriod.child_id).scalar_subquery()

    return update(PlanPeriod).values(
        child_date_of_birth=of_child(Child.date_of_birth),
        child_ethnicity=of_child(Child.ethnicity),
    )
