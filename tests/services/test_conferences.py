"""The conference list: every match exactly once across pages, upcoming first, then past.

The clock is pinned to Wednesday 25 November 2026, so "upcoming" means on or after that day.
Expected answers are worked out here in plain Python from the rows the test wrote, and the
service must agree with them page by page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from sqlalchemy import event

import siu_tui.services.conferences as conferences
from siu_tui.db.models import Child, Conference, ConferenceChild, Family, Room
from siu_tui.services.conferences import (
    ConferenceFilter,
    PageCursor,
    count_conferences,
    list_conferences,
)
from siu_tui.services.context import Desk
from siu_tui.services.people import add_staff

from .conftest import People

TODAY = date(2026, 11, 25)
START = date(2026, 5, 4)
TIMES = (time(9, 30), time(10, 0), time(13, 30), time(10, 0))
TYPES = (
    "initial",
    "first_review",
    "subsequent_review",
    "initial_pre_birth",
    "initial_transfer_in",
    "initial_reconvened",
)
STATUSES = ("booked", "held", "stood_down", "cancelled", "held", "booked")
SURNAMES = (
    "Abbott",
    "Baker",
    "Carter",
    "Dunmore",
    "Ellis",
    "Fairweather",
    "Garcia",
    "Hughes",
    "Iqbal",
    "Jakes",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Osei",
    "Patel",
    "Quinn",
    "Roberts",
    "Smithson",
    "Taylor",
)
MARKUP_FAMILY = "[b]Ann[/b] O'Neil-Ślęzak"


@dataclass(frozen=True)
class Stored:
    """What the test wrote for one conference, to work out expected answers from."""

    id: str
    date: date
    start_time: time
    type: str
    status: str
    family: str
    family_reference: str
    chair_id: str | None
    clerk_id: str | None
    room: str | None
    venue: str | None
    children: tuple[str, ...]  # child ids

    @property
    def key(self) -> tuple[date, time, str]:
        return (self.date, self.start_time, self.id)


@dataclass(frozen=True)
class Data:
    conferences: list[Stored]
    iro2: str
    children: dict[str, Child]
    markup_child: str


@pytest.fixture
def data(desk: Desk, people: People) -> Data:
    """500 conferences of 20 families from May 2026 to March 2027, several to a day and many
    sharing a day and time (so the id breaks ties), plus one family with a markup-looking,
    non-ASCII name."""
    iro2 = add_staff(desk, "Ivy Ross", "iro")
    chairs = (people.iro, iro2, None)
    clerks = (people.clerk, None)
    stored: list[Stored] = []
    children: dict[str, Child] = {}
    with desk.store.write() as session:
        rooms = [Room(name="Conference Room 2"), Room(name="Boardroom", site="Town Hall")]
        session.add_all(rooms)
        families: list[tuple[Family, list[Child]]] = []
        for k, surname in enumerate(SURNAMES):
            family = Family(reference=f"FAM-{1000 + k}", name=surname)
            session.add(family)
            session.flush()  # no ORM relationships, so write parents before their children
            kids = [
                Child(
                    case_reference=f"CR{k:02d}{n}",
                    family_id=family.id,
                    first_name=("Robin", "Sam", "Alex", "Jo")[(k + n) % 4] + f"{k}",
                    last_name=surname,
                    date_of_birth=date(2012 + k % 10, 1 + n * 5, 1 + k),
                    sex="F" if n else "M",
                )
                for n in range(2)
            ]
            session.add_all(kids)
            families.append((family, kids))
            children.update({c.id: c for c in kids})
        markup = Family(reference="FAM-2000", name=MARKUP_FAMILY)
        session.add(markup)
        session.flush()
        markup_kid = Child(
            case_reference="XY99",
            family_id=markup.id,
            first_name="[b]Ann[/b]",
            last_name="O'Neil-Ślęzak",
            date_of_birth=date(2018, 2, 14),
            sex="F",
        )
        session.add(markup_kid)
        families.append((markup, [markup_kid]))
        children[markup_kid.id] = markup_kid
        session.flush()
        links: list[ConferenceChild] = []
        for i in range(500):
            family, kids = families[i % len(families)]
            chosen = kids if i % 3 == 0 else kids[:1]
            room = rooms[i % 2] if i % 4 else None
            venue = ("Civic Centre", "Family Hub", None)[i % 3]
            conference = Conference(
                reference=f"CPC-T{i:04d}",
                type=TYPES[i % len(TYPES)],
                family_id=family.id,
                date=START + timedelta(days=(i * 7) % 330),
                start_time=TIMES[i % len(TIMES)],
                status=STATUSES[i % len(STATUSES)],
                trigger_date=START,
                deadline=START + timedelta(days=200),
                chair_id=chairs[i % 3],
                clerk_id=clerks[i % 2],
                room_id=room.id if room else None,
                venue=venue,
            )
            session.add(conference)
            links += [ConferenceChild(conference_id=conference.id, child_id=c.id) for c in chosen]
            stored.append(
                Stored(
                    conference.id,
                    conference.date,
                    conference.start_time,
                    conference.type,
                    conference.status,
                    family.name,
                    family.reference,
                    conference.chair_id,
                    conference.clerk_id,
                    room.name if room else None,
                    venue,
                    tuple(c.id for c in chosen),
                )
            )
        session.flush()
        session.add_all(links)
    return Data(stored, iro2, children, markup_kid.id)


def expected(rows: list[Stored]) -> list[str]:
    """Upcoming soonest first, then past most recent first; ties broken by id."""
    upcoming = sorted((r for r in rows if r.date >= TODAY), key=lambda r: r.key)
    past = sorted((r for r in rows if r.date < TODAY), key=lambda r: r.key, reverse=True)
    return [r.id for r in upcoming + past]


def read_all(desk: Desk, flt: ConferenceFilter, limit: int) -> Iterator[list[str]]:
    cursor: PageCursor | None = None
    while True:
        page = list_conferences(desk, flt, TODAY, cursor, limit=limit)
        yield [row.id for row in page.rows]
        if page.cursor is None:
            return
        cursor = page.cursor


def all_ids(desk: Desk, flt: ConferenceFilter, limit: int = 37) -> list[str]:
    pages = list(read_all(desk, flt, limit))
    assert all(len(p) == limit for p in pages[:-1]), [len(p) for p in pages]
    return [i for p in pages for i in p]


@pytest.mark.parametrize("limit", [1, 37, 100, 500, 1000])
def test_every_conference_once_in_order_across_pages(desk: Desk, data: Data, limit: int) -> None:
    want = expected(data.conferences)
    assert len(want) == 500
    got = all_ids(desk, ConferenceFilter(), limit)
    assert got == want
    assert count_conferences(desk, ConferenceFilter(), TODAY) == 500


def test_a_page_ending_where_the_upcoming_ones_end_continues_into_the_past(
    desk: Desk, data: Data
) -> None:
    upcoming = sum(1 for r in data.conferences if r.date >= TODAY)
    assert 0 < upcoming < 500
    first = list_conferences(desk, ConferenceFilter(), TODAY, limit=upcoming)
    assert first.cursor == PageCursor("past")
    assert all(row.date >= TODAY for row in first.rows)
    second = list_conferences(desk, ConferenceFilter(), TODAY, first.cursor, limit=upcoming)
    assert second.rows[0].date < TODAY
    assert [r.id for r in first.rows + second.rows] == expected(data.conferences)[: 2 * upcoming]


def test_one_page_can_hold_the_end_of_upcoming_and_the_start_of_past(
    desk: Desk, data: Data
) -> None:
    upcoming = sum(1 for r in data.conferences if r.date >= TODAY)
    page = list_conferences(desk, ConferenceFilter(), TODAY, limit=upcoming + 5)
    assert [r.date >= TODAY for r in page.rows] == [True] * upcoming + [False] * 5
    assert page.cursor is not None and page.cursor.phase == "past"


def test_the_last_page_says_there_is_nothing_more(desk: Desk, data: Data) -> None:
    only_upcoming = ConferenceFilter(date_from=TODAY)
    n = sum(1 for r in data.conferences if r.date >= TODAY)
    page = list_conferences(desk, only_upcoming, TODAY, limit=n)
    assert len(page.rows) == n
    assert page.cursor is None


def test_rows_carry_what_the_list_shows(desk: Desk, data: Data) -> None:
    first = data.conferences[0]  # i = 0: Abbott, both children, 09:30, chair Iris Reed
    flt = ConferenceFilter(date_from=first.date, date_to=first.date, search="abbott")
    (row,) = [r for r in list_conferences(desk, flt, TODAY).rows if r.id == first.id]
    assert row.family == "Abbott"
    assert row.family_reference == "FAM-1000"
    assert row.children == 2
    assert row.child_names == "Robin0, Sam0"  # eldest (2012-01-01) first
    assert row.chair == "Iris Reed"
    assert row.clerk == "Colin Clark"
    assert row.type == "initial" and row.type_label == "Initial"
    assert row.status_code == "booked" and row.status == "Booked"
    assert row.venue == "Civic Centre"
    assert row.room == ""


FILTERS: list[tuple[str, dict[str, object], object]] = [
    ("from", {"date_from": date(2026, 9, 1)}, lambda r, d: r.date >= date(2026, 9, 1)),
    ("to", {"date_to": date(2026, 8, 31)}, lambda r, d: r.date <= date(2026, 8, 31)),
    (
        "between",
        {"date_from": date(2026, 11, 1), "date_to": date(2026, 12, 31)},
        lambda r, d: date(2026, 11, 1) <= r.date <= date(2026, 12, 31),
    ),
    ("one type", {"types": ("first_review",)}, lambda r, d: r.type == "first_review"),
    (
        "two types",
        {"types": ("initial", "initial_reconvened")},
        lambda r, d: r.type in ("initial", "initial_reconvened"),
    ),
    ("booked", {"statuses": ("booked",)}, lambda r, d: r.status == "booked"),
    (
        "stood down or cancelled",
        {"statuses": ("stood_down", "cancelled")},
        lambda r, d: r.status in ("stood_down", "cancelled"),
    ),
    (
        "three statuses and a type",
        {"statuses": ("booked", "held", "cancelled"), "types": ("initial",)},
        lambda r, d: r.status in ("booked", "held", "cancelled") and r.type == "initial",
    ),
    ("chair", {"chair_id": "iro2"}, lambda r, d: r.chair_id == d.iro2),
    ("clerk", {"clerk_id": "clerk"}, lambda r, d: r.clerk_id is not None),
    (
        "room name, any case",
        {"venue": "boardROOM"},
        lambda r, d: r.room == "Boardroom",
    ),
    (
        "venue text or room name",
        {"venue": "room"},
        lambda r, d: r.room is not None,  # "Conference Room 2" and "Boardroom"
    ),
    ("venue text", {"venue": "family hub"}, lambda r, d: r.venue == "Family Hub"),
    (
        "chair and booked",
        {"chair_id": "iro", "statuses": ("booked",)},
        lambda r, d: r.chair_id is not None and r.chair_id != d.iro2 and r.status == "booked",
    ),
]


@pytest.mark.parametrize(
    ("changes", "keep"), [(c, k) for _, c, k in FILTERS], ids=[n for n, _, _ in FILTERS]
)
def test_filters(
    desk: Desk, data: Data, people: People, changes: dict[str, object], keep: object
) -> None:
    resolved = dict(changes)
    if resolved.get("chair_id") == "iro2":
        resolved["chair_id"] = data.iro2
    if resolved.get("chair_id") == "iro":
        resolved["chair_id"] = people.iro
    if resolved.get("clerk_id") == "clerk":
        resolved["clerk_id"] = people.clerk
    flt = ConferenceFilter(**resolved)  # type: ignore[arg-type]
    want = expected([r for r in data.conferences if keep(r, data)])  # type: ignore[operator]
    assert want, "a filter that matches nothing proves little"
    assert all_ids(desk, flt) == want
    assert count_conferences(desk, flt, TODAY) == len(want)


def _by_child(data: Data, test: object) -> list[Stored]:
    return [
        r
        for r in data.conferences
        if any(test(data.children[c]) for c in r.children)  # type: ignore[operator]
    ]


def search_cases(data: Data) -> dict[str, list[Stored]]:
    confs = data.conferences
    return {
        # Family name, any part, any case: "smith" is inside "Smithson".
        "mith": [r for r in confs if "mith" in r.family.lower()],
        "  SMITHSON  ": [r for r in confs if r.family == "Smithson"],
        # Family reference, from its start, any case.
        "fam-1001": [r for r in confs if r.family_reference == "FAM-1001"],
        "fam-10": [r for r in confs if r.family_reference.startswith("FAM-10")],
        # A child's first name from its start: only the conferences that child was at.
        "robin1": _by_child(data, lambda c: c.first_name.lower().startswith("robin1")),
        # "first last" typed across both names.
        "Sam0 Abb": _by_child(data, lambda c: c.first_name == "Sam0"),
        "obin0 abbott": _by_child(data, lambda c: c.first_name == "Robin0"),
        # Case reference, from its start, any case.
        "cr031": _by_child(data, lambda c: c.case_reference == "CR031"),
        # Dates of birth, typed either way.
        "01/06/2012": _by_child(data, lambda c: c.date_of_birth == date(2012, 6, 1)),
        "2012-06-01": _by_child(data, lambda c: c.date_of_birth == date(2012, 6, 1)),
        "1/6/2012": _by_child(data, lambda c: c.date_of_birth == date(2012, 6, 1)),
        # Not a real date, so a text search, which finds nothing (and does not fail).
        "31/02/2026": [],
        # LIKE's wildcards are taken literally.
        "%": [],
        "_": [],
        "nobody": [],
    }


def test_each_kind_of_search(desk: Desk, data: Data) -> None:
    for text, rows in search_cases(data).items():
        flt = ConferenceFilter(search=text)
        assert all_ids(desk, flt) == expected(rows), text
        assert count_conferences(desk, flt, TODAY) == len(rows), text


def test_a_broad_search_finds_the_same_as_a_narrow_one(
    desk: Desk, data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A term matching many families is tested row by row instead of listed by id; force that
    path with a tiny threshold and check it answers exactly the same."""
    monkeypatch.setattr(conferences, "SEARCH_PEOPLE_CAP", 0)
    for text, rows in search_cases(data).items():
        flt = ConferenceFilter(search=text)
        assert all_ids(desk, flt) == expected(rows), text
        assert count_conferences(desk, flt, TODAY) == len(rows), text
    flt = ConferenceFilter(search="a", statuses=("booked", "cancelled"))
    want = [
        r
        for r in data.conferences
        if r.status in ("booked", "cancelled")
        and (
            "a" in r.family.lower()
            or any(
                data.children[c].first_name.lower().startswith("a")
                or data.children[c].last_name.lower().startswith("a")
                for c in r.children
            )
        )
    ]
    assert all_ids(desk, flt) == expected(want)
    assert count_conferences(desk, flt, TODAY) == len(want)


def test_a_listed_search_with_many_conferences_falls_back_row_by_row(
    desk: Desk, data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conferences, "SEARCH_CONFERENCE_CAP", 3)
    rows = [r for r in data.conferences if r.family == "Abbott"]
    assert len(rows) > 3
    assert all_ids(desk, ConferenceFilter(search="abbott")) == expected(rows)


def test_search_and_status_together(desk: Desk, data: Data) -> None:
    flt = ConferenceFilter(search="carter", statuses=("held", "cancelled"))
    want = [
        r for r in data.conferences if r.family == "Carter" and r.status in ("held", "cancelled")
    ]
    assert all_ids(desk, flt, limit=3) == expected(want)
    assert count_conferences(desk, flt, TODAY) == len(want)


def test_a_markup_looking_name_is_stored_and_found_as_typed(desk: Desk, data: Data) -> None:
    rows = [r for r in data.conferences if r.family == MARKUP_FAMILY]
    assert rows
    for text in (
        MARKUP_FAMILY,  # the family's name exactly as typed
        "[b]Ann[/b] O'Neil-Ślęzak",
        "[b]",  # brackets are not a pattern
        "o'neil-ślęzak",  # other letters in another case (SQLite folds only ASCII itself)
        "ŚLĘZAK",
        "[B]ANN[/B]",  # the child's first name, any case
        "xy99",
    ):
        flt = ConferenceFilter(search=text)
        assert all_ids(desk, flt) == expected(rows), text
    page = list_conferences(desk, ConferenceFilter(search=MARKUP_FAMILY), TODAY)
    assert {row.family for row in page.rows} == {MARKUP_FAMILY}
    assert {row.child_names for row in page.rows} == {"[b]Ann[/b]"}


def test_an_empty_database_has_an_empty_list(desk: Desk) -> None:
    page = list_conferences(desk, ConferenceFilter(), TODAY)
    assert page.rows == [] and page.cursor is None
    assert count_conferences(desk, ConferenceFilter(search="smith"), TODAY) == 0


@pytest.mark.parametrize("cap", [conferences.SEARCH_PEOPLE_CAP, 0])
def test_names_are_found_without_accents_or_case(
    desk: Desk, data: Data, monkeypatch: pytest.MonkeyPatch, cap: int
) -> None:
    """A clerk types on an English keyboard: "slezak" finds Ślęzak, listed by id or (with a
    tiny threshold) tested row by row, and counted the same."""
    monkeypatch.setattr(conferences, "SEARCH_PEOPLE_CAP", cap)
    rows = [r for r in data.conferences if r.family == MARKUP_FAMILY]
    for text in ("slezak", "SLEZAK", "neil-slez", "o’neil-slezak", "ANN[/B] O’NEIL"):
        flt = ConferenceFilter(search=text)
        assert all_ids(desk, flt) == expected(rows), text
        assert count_conferences(desk, flt, TODAY) == len(rows), text


def test_a_child_is_found_by_a_name_typed_without_its_accent(desk: Desk, people: People) -> None:
    """Zoë Nowak's conference, found by "zoe", "ZOE NOW" and "Zoë" alike; Zoe and Zoë are the
    same letters to a search, so both children's conferences come back."""
    from siu_tui.services.people import add_child, create_family

    found = []
    for n, first in enumerate(("Zoë", "Zoe")):
        family = create_family(desk, f"FAM-03{n}0", f"Nowak{n}")
        child = add_child(desk, family, f"ZN{n}", first, "Nowak", date_of_birth=date(2016, 4, 2))
        with desk.store.write() as session:
            conference = Conference(
                reference=f"CPC-Z{n}",
                type="initial",
                family_id=family,
                date=TODAY + timedelta(days=n),
                start_time=time(10, 0),
                status="booked",
                trigger_date=TODAY,
                deadline=TODAY + timedelta(days=20),
            )
            session.add(conference)
            session.flush()
            session.add(ConferenceChild(conference_id=conference.id, child_id=child))
            found.append(conference.id)
    for text in ("zoe", "ZOE NOW", "Zoë", "zoe nowak"):
        page = list_conferences(desk, ConferenceFilter(search=text), TODAY)
        assert [row.id for row in page.rows] == found, text
        assert {row.child_names for row in page.rows} == {"Zoë", "Zoe"}


@pytest.mark.postgresql_only("the plan PostgreSQL chooses for a search")
@pytest.mark.parametrize("cap", [conferences.SEARCH_PEOPLE_CAP, 0])
def test_a_two_letter_search_reads_indexes_on_postgresql(
    desk: Desk, data: Data, monkeypatch: pytest.MonkeyPatch, cap: int
) -> None:
    """Every statement a keystroke's search runs on PostgreSQL finds its children by index and
    tests a broad search's matches on each conference as it is read: a child's name by
    "ro%" reads the pattern_ops index (a plain index cannot answer LIKE outside the C
    collation), and no statement first builds the ids of every match (a hashed subplan), which
    at 100,000 conferences took longer than the page. With sequential scans turned off the
    plan shows a table read whole only where no index could answer."""
    monkeypatch.setattr(conferences, "SEARCH_PEOPLE_CAP", cap)
    statements: list[tuple[str, object]] = []

    def keep(_conn: object, _cursor: object, statement: str, params: object, *_: object) -> None:
        statements.append((statement, params))

    engine = desk.store.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        page = list_conferences(desk, ConferenceFilter(search="ro"), TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert {row.family for row in page.rows} >= {"Roberts"}
    plans = []
    with engine.connect() as connection:
        connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, params in statements:
            if " child" in statement or " family" in statement:
                rows = connection.exec_driver_sql("EXPLAIN " + statement, params)
                plans.append("\n".join(row[0] for row in rows))
    if cap:  # listed by id: the children named are looked up by name
        assert any("ix_child_first_name_folded" in plan for plan in plans)
    for plan in plans:
        assert "Seq Scan on child" not in plan, plan
        assert "hashed SubPlan" not in plan, plan
