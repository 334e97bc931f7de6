"""The conference list: every conference, filtered and searched, one page at a time.

A unit builds up a hundred thousand conferences over the years, and the list must answer
every keystroke in the search box, so nothing here reads more than a page and each page is
found through an index (measured on ``siu demo --conferences 100000``: a page in 5–50 ms):

- pages are read by keyset (the last row's date, start time and id), never by OFFSET, so the
  tenth page costs what the first does and rows booked meanwhile do not shift later pages;
- the list runs in two phases: upcoming conferences (today onwards, soonest first), then past
  ones (most recent first), because the clerk's work is mostly ahead; one page may hold the
  end of the first phase and the start of the second;
- a search is first resolved to the families and children it names (``services.matching``);
  when they are few (up to 2,000), their conferences' keys are read from the (family_id,
  date, start_time, id) and (child_id, conference_id) indexes alone and the page is cut
  here, so only its hundred rows are read; when they are many (one or two letters typed),
  each conference is tested as it is read in date order, which fills a page quickly because
  matches are everywhere;
- a status filter reads each chosen status from the (status, date, start_time, id) index in
  order and merges them here, so a rare status never makes the database sort the table.

The plan does not rely on SQLite's statistics (``ANALYZE``), which a new database lacks: the
same indexes are chosen with and without them.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, time
from itertools import islice
from typing import Any, Literal

from sqlalchemy import ColumnElement, String, and_, func, or_, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from siu_tui.db.models import Child, Conference, ConferenceChild, Family, Room
from siu_tui.services.context import Desk
from siu_tui.services.matching import Matcher, tidy
from siu_tui.services.risk import with_risks
from siu_tui.services.rows import ConferenceRow, build_rows, fetch_rows, row_select
from siu_tui.services.values import stored_date

Phase = Literal["upcoming", "past"]

MAX_LIMIT = 1000
"""A page bigger than this would stall the table that shows it; screens ask for ~100."""


@dataclass(frozen=True)
class ConferenceFilter:
    """What the clerk has narrowed the list to; the default shows every conference.

    ``venue`` matches the room's name or the venue text (any part, any case). ``search``
    matches a family name (any part), a child's first or last name (the start of either, or
    "first last" typed across both: "Robin Sm", "bin Smith"), a case reference or family
    reference (the start), or a date of birth typed DD/MM/YYYY or YYYY-MM-DD (exactly). Child
    matches select the conferences that child was at. Case is ignored throughout, and accents
    in names too ("zoe" finds Zoë: ``services.matching``).
    """

    date_from: date | None = None
    date_to: date | None = None
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    chair_id: str | None = None
    clerk_id: str | None = None
    venue: str | None = None
    search: str = ""


@dataclass(frozen=True)
class PageCursor:
    """Where the next page starts: after this key, in this phase.

    A cursor with no key starts its phase from the beginning (the previous page ended exactly
    where the upcoming conferences did).
    """

    phase: Phase
    date: date | None = None
    start_time: time | None = None
    id: str | None = None


@dataclass(frozen=True)
class ConferencePage:
    rows: list[ConferenceRow]
    cursor: PageCursor | None
    """None when this page holds the last matching conference."""


# --- Planning the queries -------------------------------------------------------------------

SEARCH_PEOPLE_CAP = 2000
"""More families (or children) than this match a short term like "s": the search is then
applied row by row while reading in date order, which finds a page quickly because matches
are everywhere. Fewer, and their conferences' keys are read from indexes and paged here."""

SEARCH_CONFERENCE_CAP = 5000
"""The most conferences a search pages through here rather than in the database."""

Key = tuple[date, time, str]
"""A conference's place in the list: (date, start time, id)."""


@dataclass(frozen=True)
class _Plan:
    """The WHERE terms of a filtered list, and how to read it in order.

    ``streams`` holds one extra term per stored status chosen: each is read in order from the
    (status, date, start_time, id) index and the streams are merged here, so no status
    (however rare in the phase being read) makes SQLite walk or sort the whole table.
    """

    terms: list[ColumnElement[bool]]
    streams: list[ColumnElement[bool]]
    count_terms: list[ColumnElement[bool]] | None = None
    """Terms that count faster than ``terms`` (a broad search as id sets built once, rather
    than tested conference by conference)."""
    keys: list[Key] | None = None
    """A search that names a few families: every matching conference's key, found through
    indexes alone, so pages are cut here and only their rows are read."""


def _no_index(column: Any) -> Any:
    """``column || ''``: the same value, but no index applies, so the planner keeps reading
    in date order instead of gathering every row the column matches and sorting them."""
    return column.concat("")


def _search_keys(
    session: Session, matcher: Matcher, text: str, terms: list[ColumnElement[bool]]
) -> list[Key] | None:
    """The keys of the conferences a search term finds (and ``terms`` allow), or None when the
    term names too many families or children to list (then ``_broad_search`` tests each
    conference as it is read)."""
    # Core execution throughout: these plain id lists need none of the ORM's row handling,
    # which would cost more than the queries themselves.
    connection = session.connection()
    families: set[str] = set()
    for query in matcher.family_id_queries(text):
        families.update(connection.execute(query.limit(SEARCH_PEOPLE_CAP + 1)).scalars())
    if len(families) > SEARCH_PEOPLE_CAP:
        return None
    child_query = select(Child.id, Child.family_id).where(matcher.child_condition(Child, text))
    children = connection.execute(child_query.limit(SEARCH_PEOPLE_CAP + 1)).all()
    if len(children) > SEARCH_PEOPLE_CAP:
        return None
    # A child is only ever at their own family's conferences, so a child whose family
    # already matched (a surname typed) adds nothing.
    others = [child_id for child_id, family_id in children if family_id not in families]
    columns = (
        type_coerce(Conference.date, String),
        type_coerce(Conference.start_time, String),
        Conference.id,
    )
    queries = []
    if families:
        # Read from the (family_id, date, start_time, id) index alone when no other filter.
        queries.append(
            select(*columns).where(
                matcher.among(col(Conference.family_id), sorted(families)), *terms
            )
        )
    if others:
        at = select(ConferenceChild.conference_id).where(
            matcher.among(col(ConferenceChild.child_id), others)
        )
        queries.append(select(*columns).where(col(Conference.id).in_(at), *terms))
    keys: set[Key] = set()
    for query in queries:
        # ISO text parsed by the C date/time parsers: thousands of keys cost a millisecond or
        # two this way, several times that through SQLAlchemy's type handling.
        for when, start, conference_id in connection.execute(
            query.limit(SEARCH_CONFERENCE_CAP + 1)
        ):
            keys.add((stored_date(when), _as_time(start), conference_id))
        if len(keys) > SEARCH_CONFERENCE_CAP:
            return None
    return list(keys)


def _as_time(value: Any) -> time:
    return time.fromisoformat(value) if isinstance(value, str) else value


def _broad_search(matcher: Matcher, text: str) -> ColumnElement[bool]:
    """A search matching many families, tested on each conference as it is read in date
    order (correlated EXISTS, an index probe or two per conference): matches are common, so
    a page fills after a few thousand conferences at most."""
    at_conference = _per_row(
        matcher,
        # child_id rather than id: the (conference_id, child_id) index alone answers it.
        select(ConferenceChild.child_id)
        .join(Child, col(Child.id) == ConferenceChild.child_id)
        .where(ConferenceChild.conference_id == Conference.id)
        .where(matcher.child_condition(Child, text))
        .correlate(Conference),
    )
    family = aliased(Family)
    family_matches = matcher.family_condition(family, text)
    if family_matches is None:
        return at_conference
    of_family = _per_row(
        matcher,
        select(family.id)
        .where(family.id == Conference.family_id, family_matches)
        .correlate(Conference),
    )
    return or_(of_family, at_conference)


def _per_row(matcher: Matcher, query: Any) -> ColumnElement[bool]:
    """EXISTS ``query``, tested on each conference as it is read.

    PostgreSQL would rather build every match's id first (a hashed subplan: for "r", the ids
    of 24,000 families and 13,000 conferences, 100 ms and more) though a page fills after a
    few hundred conferences; an EXISTS with an OFFSET cannot be turned into that, so it is
    given one. SQLite tests each row already.
    """
    if matcher.sqlite:
        return query.exists()
    return query.offset(0).exists()


def _search_sets(matcher: Matcher, text: str) -> ColumnElement[bool]:
    """A broad search as id sets, each built once: the quicker way to count every match."""
    at_conferences = select(ConferenceChild.conference_id).where(
        col(ConferenceChild.child_id).in_(matcher.child_ids(text))
    )
    by_child = col(Conference.id).in_(at_conferences)
    family = matcher.family_condition(Family, text)
    if family is None:
        return by_child
    return or_(col(Conference.family_id).in_(select(Family.id).where(family)), by_child)


def _plan(session: Session, flt: ConferenceFilter) -> _Plan:
    matcher = Matcher(session.get_bind().dialect.name)
    terms: list[ColumnElement[bool]] = []
    if flt.date_from is not None:
        terms.append(col(Conference.date) >= flt.date_from)
    if flt.date_to is not None:
        terms.append(col(Conference.date) <= flt.date_to)
    if flt.types:
        terms.append(col(Conference.type).in_(list(flt.types)))
    if flt.chair_id:
        terms.append(col(Conference.chair_id) == flt.chair_id)
    if flt.clerk_id:
        terms.append(col(Conference.clerk_id) == flt.clerk_id)
    venue = tidy(flt.venue or "")
    if venue:
        rooms = select(Room.id).where(matcher.contains(Room.name, venue))
        terms.append(
            or_(matcher.contains(Conference.venue, venue), col(Conference.room_id).in_(rooms))
        )
    statuses = list(dict.fromkeys(flt.statuses))
    search = tidy(flt.search)
    if search:
        # Tested on each listed conference, not read from its index (see _no_index).
        listed_terms = list(terms)
        if statuses:
            listed_terms.append(_no_index(col(Conference.status)).in_(statuses))
        keys = _search_keys(session, matcher, search, listed_terms)
        if keys is not None:
            return _Plan(listed_terms, [], keys=keys)
        count_terms = [*terms, _search_sets(matcher, search)]
        terms.append(_broad_search(matcher, search))
    else:
        count_terms = list(terms)
    if statuses:
        count_terms.append(col(Conference.status).in_(statuses))
    return _Plan(terms, [col(Conference.status) == s for s in statuses], count_terms=count_terms)


# --- Reading pages --------------------------------------------------------------------------


def _after(key: PageCursor) -> ColumnElement[bool]:
    """Rows after ``key`` in ascending (date, start_time, id) order, written without row-value
    comparisons so every database accepts it; the leading ``date >=`` lets an index start
    its range at the key."""
    d, t, i = col(Conference.date), col(Conference.start_time), col(Conference.id)
    return and_(
        d >= key.date,
        or_(
            d > key.date,
            and_(d == key.date, or_(t > key.start_time, and_(t == key.start_time, i > key.id))),
        ),
    )


def _before(key: PageCursor) -> ColumnElement[bool]:
    """Rows before ``key`` in ascending order: the next ones in the past phase's order."""
    d, t, i = col(Conference.date), col(Conference.start_time), col(Conference.id)
    return and_(
        d <= key.date,
        or_(
            d < key.date,
            and_(d == key.date, or_(t < key.start_time, and_(t == key.start_time, i < key.id))),
        ),
    )


def _phase_query(
    terms: list[ColumnElement[bool]], phase: Phase, today: date, key: PageCursor | None
) -> Any:
    d, t, i = col(Conference.date), col(Conference.start_time), col(Conference.id)
    query = row_select().where(*terms)
    keyed = key is not None and key.id is not None
    if phase == "upcoming":
        query = query.where(d >= today).order_by(d, t, i)
        if keyed:
            query = query.where(_after(key))  # type: ignore[arg-type]
    else:
        query = query.where(d < today).order_by(d.desc(), t.desc(), i.desc())
        if keyed:
            query = query.where(_before(key))  # type: ignore[arg-type]
    return query


def _sort_key(result: Any) -> tuple[date, time, str]:
    return (result[2], result[3], result[0])


def _fetch(
    session: Session, plan: _Plan, phase: Phase, today: date, key: PageCursor | None, n: int
) -> list[Any]:
    """Up to ``n`` raw results of one phase after ``key``, in the phase's order."""
    if not plan.streams:
        return list(session.exec(_phase_query(plan.terms, phase, today, key).limit(n)).all())
    streams = [
        session.exec(_phase_query([*plan.terms, s], phase, today, key).limit(n)).all()
        for s in plan.streams
    ]
    merged = heapq.merge(*streams, key=_sort_key, reverse=phase == "past")
    return list(islice(merged, n))


def _keyed_page(
    session: Session, keys: list[Key], today: date, cursor: PageCursor | None, limit: int
) -> ConferencePage:
    """A page cut from every matching conference's key: the same order and cursors as
    ``_read_page``, reading only the page's own rows."""
    upcoming = sorted(k for k in keys if k[0] >= today)
    past = sorted((k for k in keys if k[0] < today), reverse=True)
    after = None
    if cursor is not None and cursor.id is not None:
        assert cursor.date is not None and cursor.start_time is not None
        after = (cursor.date, cursor.start_time, cursor.id)
    order: list[tuple[Phase, Key]] = []
    if cursor is None or cursor.phase == "upcoming":
        order += [("upcoming", k) for k in upcoming if after is None or k > after]
        order += [("past", k) for k in past]
    else:
        order += [("past", k) for k in past if after is None or k < after]
    page = order[:limit]
    ids = [k[2] for _, k in page]
    rows = {
        r.id: r for r in fetch_rows(session, row_select().where(col(Conference.id).in_(ids)), today)
    }
    next_cursor = None
    if len(order) > limit:
        phase, (d, t, i) = page[-1]
        next_cursor = PageCursor(phase, d, t, i)
    return ConferencePage([rows[i] for i in ids if i in rows], next_cursor)


def _read_page(
    session: Session, plan: _Plan, today: date, cursor: PageCursor | None, limit: int
) -> ConferencePage:
    if plan.keys is not None:
        return _keyed_page(session, plan.keys, today, cursor, limit)
    results: list[Any] = []
    next_cursor: PageCursor | None = None
    phases: list[Phase] = (
        ["past"]
        if cursor is not None and cursor.phase == "past"
        else [
            "upcoming",
            "past",
        ]
    )
    for phase in phases:
        key = cursor if cursor is not None and cursor.phase == phase else None
        wanted = limit - len(results)
        # One result more than fits says whether another page follows, without a count.
        found = _fetch(session, plan, phase, today, key, wanted + 1)
        if len(found) > wanted:
            results += found[:wanted]
            last = results[-1]
            next_cursor = PageCursor(phase, last[2], last[3], last[0])
            break
        results += found
        if len(results) == limit:
            # Full exactly at the end of the upcoming phase: the past phase may still follow.
            if phase == "upcoming" and _fetch(session, plan, "past", today, None, 1):
                next_cursor = PageCursor("past")
            break
    return ConferencePage(build_rows(session, results, today), next_cursor)


def list_conferences(
    desk: Desk,
    flt: ConferenceFilter,
    today: date,
    cursor: PageCursor | None = None,
    limit: int = 100,
) -> ConferencePage:
    """One page of the conferences matching ``flt``: upcoming first (soonest first), then past
    (most recent first), booked ones coming up soon flagged when at risk. Pass the page's
    ``cursor`` back for the next page."""
    limit = max(1, min(limit, MAX_LIMIT))
    rules = desk.rules
    with desk.store.read() as session:
        page = _read_page(session, _plan(session, flt), today, cursor, limit)
        # Only this page's rows are judged (see services.risk), so the flag costs the same on
        # any size of database.
        return ConferencePage(with_risks(session, page.rows, today, rules), page.cursor)


def count_conferences(desk: Desk, flt: ConferenceFilter, today: date) -> int:
    """How many conferences match ``flt`` (the "N conferences" line); slower than a page on a
    broad filter, so screens ask for it in a worker of their own. ``today`` is taken so that
    splitting the count into upcoming and past later does not change the call."""
    del today
    with desk.store.read() as session:
        plan = _plan(session, flt)
        if plan.keys is not None:
            return len(plan.keys)
        terms = plan.count_terms if plan.count_terms is not None else plan.terms
        return session.exec(select(func.count()).select_from(Conference).where(*terms)).one()
