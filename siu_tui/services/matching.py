"""Finding families and children from what a clerk types in a search box.

Shared by the conference list and the family picker so that the same words find the same
people everywhere. Every condition is written so an index can answer it, except a family
name's "contains", which scans the (folded name, id) index: about 40,000 short entries, a
few milliseconds.

Names are matched without accents or case: what was typed is folded
(``siu_tui.domain.folding``: "Zoë" and "ZOE" are both "zoe") and compared with the folded
copy of each name kept beside it, so "slezak" finds Ślęzak, on SQLite and PostgreSQL alike.
The start of a folded name is found differently on each database, each the way its index
answers fastest: on SQLite as a range (``prefix_range``), on PostgreSQL as ``LIKE 'ro%'``
alone, which its ``varchar_pattern_ops`` indexes on the folded names answer as a range whatever
the database's collation, and which it can estimate (a range and a LIKE together were taken
for a hundredth of the rows they match, and the planner chose accordingly badly). Long lists
of ids go to PostgreSQL as one array (``among``): two thousand separate parameters cost more
to send and parse than the query itself.

Other text (a venue, a room) is matched ignoring case: SQLite's ``LIKE`` ignores the case of
ASCII letters only, and PostgreSQL's ``ILIKE`` that of every letter, so on SQLite text with
other letters is also tried in its usual capitalisations (``folds``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, and_, any_, bindparam, or_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import select

from siu_tui.db.models import Child, Family
from siu_tui.domain.dates import parse_date
from siu_tui.domain.folding import fold


def tidy(text: str) -> str:
    """The search term as meant: surrounding spaces dropped, inner runs of spaces made one."""
    return " ".join(text.split())


def search_date(text: str) -> Any:
    """The date a term names (DD/MM/YYYY or YYYY-MM-DD), or None when it is text."""
    try:
        return parse_date(text)
    except ValueError:
        return None


def sqlite_lower(text: str) -> str:
    """What SQLite's built-in ``lower()`` makes of ``text``: ASCII letters folded, others kept."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


class Matcher:
    """Builds text conditions for one database dialect (see the module's note on case)."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"

    def folds(self, text: str) -> list[str]:
        """The forms of ``text`` for SQLite's ``LIKE`` to compare a column with.

        One suffices for ASCII text, and on PostgreSQL, where ``ILIKE`` folds everything.
        """
        if not self.sqlite:
            return [text.lower()]
        if text.isascii():
            return [text.lower()]
        forms = (text, text.lower(), text.upper(), text.title(), text.capitalize())
        return list(dict.fromkeys(sqlite_lower(f) for f in forms))

    def starts(self, folded_column: Any, prefix: str) -> ColumnElement[bool]:
        """A folded name starts with ``prefix`` (see the module's note on each database)."""
        if self.sqlite:
            return prefix_range(folded_column, prefix)
        return folded_column.like(f"{escape_like(prefix)}%", escape="\\")

    def among(self, column: Any, ids: list[str]) -> ColumnElement[bool]:
        """``column`` is one of ``ids``: on PostgreSQL one array parameter, however many."""
        if self.sqlite:
            return column.in_(ids)
        return column == any_(bindparam(None, ids, type_=ARRAY(String)))

    def contains(self, column: Any, text: str) -> ColumnElement[bool]:
        """``column`` contains ``text``, ignoring case."""
        if not self.sqlite:
            return column.ilike(f"%{escape_like(text)}%", escape="\\")
        return or_(*(column.like(f"%{escape_like(f)}%", escape="\\") for f in self.folds(text)))

    def child_condition(self, child: Any, text: str) -> ColumnElement[bool]:
        """The children a term names (``child`` is ``Child`` or an alias of it): by date of
        birth when it is a date, otherwise by the start of either name, "first last" typed
        across both names, or the start of the case reference; names without accents or
        case."""
        text = tidy(text)
        born = search_date(text)
        if born is not None:
            return child.date_of_birth == born
        folded = tidy(fold(text))
        conditions = [
            self.starts(child.first_name_folded, folded),
            self.starts(child.last_name_folded, folded),
        ]
        reference = text.replace(" ", "").upper()
        if reference.isascii() and reference.isalnum():
            conditions.append(prefix_range(child.case_reference, reference))
        words = folded.split(" ")
        for split in range(1, len(words)):
            # The first name ends with the words before the split and the last name starts
            # with the rest ("Robin Sm", "bin Smith"): the last-name index finds the few.
            conditions.append(
                and_(
                    self.starts(child.last_name_folded, " ".join(words[split:])),
                    child.first_name_folded.like(
                        f"%{escape_like(' '.join(words[:split]))}", escape="\\"
                    ),
                )
            )
        return or_(*conditions)

    def child_ids(self, text: str) -> Any:
        """A query for the ids of the children a term names (see ``child_condition``)."""
        return select(Child.id).where(self.child_condition(Child, text))

    def family_condition(self, family: Any, text: str) -> ColumnElement[bool] | None:
        """Families whose name contains the term (without accents or case) or whose reference
        starts with it (stored in capitals); None for a date, since dates only ever name a
        child."""
        text = tidy(text)
        if search_date(text) is not None:
            return None
        return or_(
            name_contains(family.name_folded, text), prefix_range(family.reference, text.upper())
        )

    def family_id_queries(self, text: str) -> list[Any]:
        """Queries for the ids of the families a term names: by name and by reference apart,
        so each reads only its own index (an OR of the two would read the whole table)."""
        text = tidy(text)
        if search_date(text) is not None:
            return []
        return [
            select(Family.id).where(name_contains(Family.name_folded, text)),
            select(Family.id).where(prefix_range(Family.reference, text.upper())),
        ]


def name_contains(folded_column: Any, text: str) -> ColumnElement[bool]:
    """A folded name contains ``text`` folded (so "zoe" is in "zoë-marie")."""
    return folded_column.like(f"%{escape_like(tidy(fold(text)))}%", escape="\\")


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards made literal (a search for "50%" means the characters)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_range(expr: Any, prefix: str) -> ColumnElement[bool]:
    """``expr`` starts with ``prefix``, as a range an index can be searched by.

    The LIKE alongside keeps the answer exact where a collation orders text differently from
    its bytes (PostgreSQL with a language collation); on SQLite the range alone is exact.
    """
    like = expr.like(f"{escape_like(prefix)}%", escape="\\")
    if not prefix or ord(prefix[-1]) >= 0x10FFFF:
        return like
    upper_bound = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(expr >= prefix, expr < upper_bound, like)
