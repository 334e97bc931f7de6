"""What the report's queries tell SQLite's query planner, and nothing to other databases.

SQLite plans a join without statistics (the app never runs ANALYZE, whose figures go stale
as a unit's data grows). For the few queries that read a year of rows, the report names the
index to read (``INDEXED BY``) and marks the columns whose index must not drive the join
(SQLite's unary ``+``). PostgreSQL plans from its own statistics and is told nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Table, literal, literal_column
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


def _sqlite_index_hint(_compiler: object, _table: object, text: str) -> str:
    """``Select.with_hint(table, "INDEXED BY ix_name", "sqlite")`` written after the table's
    name, as SQLite reads it (SQLAlchemy renders table hints for other databases only).

    Without statistics SQLite prefers a unique key to an index that holds every column a
    query needs; the annual report's joins name the covering index instead. Other databases
    ignore a hint meant for SQLite.
    """
    return text


SQLiteCompiler.get_from_hint_text = _sqlite_index_hint  # type: ignore[method-assign,assignment]


class Bare(ColumnElement[Any]):
    """A column as SQLite's ``+column``: the same value, with no index and no affinity."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


def bare(column: Any) -> Bare:
    """``column`` for a join or a comparison that must not use its index or its affinity.

    In a join's ``ON``, it keeps SQLite from driving the join from this side's index, so the
    rows are read in the order the query's named index gives (reading two indexes in the same
    key order is several times faster than looking up keys at random). In a comparison of a
    date column with a date, it saves SQLite converting the date to a number on every row
    (dates are stored as text, so the answer is the same)."""
    return Bare(column)


@compiles(Bare)
def _plain(element: Bare, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(Bare, "sqlite")
def _unary_plus(element: Bare, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def constant(value: int | date) -> Any:
    """A number or a date written into the SQL text instead of bound as a parameter.

    A query that groups by an expression repeats it after GROUP BY; with parameters the two
    copies differ (each ``?`` is its own), so SQLite works the expression out twice for every
    row. Written in, they are the same text and SQLite works it out once. Only for values the
    program makes (days, class numbers), never for anything a user typed.
    """
    if isinstance(value, date):
        return literal(value, Date, literal_execute=True)
    return literal_column(str(int(value)))


def fill_temporary(connection: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """Make ``table`` (declared with ``prefixes=["TEMPORARY"]``) on this connection if it is
    not there yet, and fill it with ``rows`` alone: a small lookup table (a period's days and
    what the domain says of each) that a year's rows can join by key. Made inside a read
    transaction, it goes when that ends."""
    connection.execute(CreateTable(table, if_not_exists=True))
    connection.execute(table.delete())
    connection.execute(table.insert(), rows)
