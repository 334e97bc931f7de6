"""The audit trail as a clerk pages through it: newest first, no repeats, no gaps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from siu_tui.db.models import AuditEvent
from siu_tui.services.audit import AuditRow, audit_page
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.context import Desk
from siu_tui.services.settings import save_setting

from .conftest import ACTOR, People

PAGE = 200


def add_events(desk: Desk, count: int, start: datetime, moments: int) -> list[tuple[datetime, str]]:
    """``count`` events spread over ``moments`` distinct times, interleaved so that many share a
    time and the times do not follow the order the events were written in."""
    keys = []
    with desk.store.write() as session:
        for i in range(count):
            at = start + timedelta(minutes=(i * 7) % moments)
            event = AuditEvent(
                at=at,
                actor=ACTOR,
                action="note",
                record_type="staff",
                record_id=f"R{i:04d}",
            )
            session.add(event)
            keys.append((at, event.id))
    return keys


def read_all_pages(desk: Desk, **filters: str) -> list[list[AuditRow]]:
    pages: list[list[AuditRow]] = []
    key: tuple[datetime, str] | None = None
    while True:
        page = audit_page(desk.store, before=key, limit=PAGE, **filters)
        if not page:
            return pages
        pages.append(page)
        key = (page[-1].at, page[-1].id)


def test_pages_newest_first_without_repeats_or_gaps(desk: Desk) -> None:
    keys = add_events(desk, 450, datetime(2026, 11, 1, 9, 0, tzinfo=UTC), moments=31)
    expected = [event_id for _, event_id in sorted(keys, reverse=True)]

    pages = read_all_pages(desk)

    assert [len(p) for p in pages] == [200, 200, 50]
    seen = [row.id for page in pages for row in page]
    assert seen == expected
    assert len(set(seen)) == 450
    assert all(row.at.tzinfo is not None for page in pages for row in page)


def test_events_written_while_paging_do_not_shift_later_pages(desk: Desk) -> None:
    keys = add_events(desk, 450, datetime(2026, 11, 1, 9, 0, tzinfo=UTC), moments=31)
    expected = [event_id for _, event_id in sorted(keys, reverse=True)]

    first = audit_page(desk.store, limit=PAGE)
    # Another clerk's work lands while this one reads the first page (same moment and later).
    add_events(desk, 30, datetime(2026, 11, 1, 9, 30, tzinfo=UTC), moments=5)
    rest = read_all_pages_from(desk, (first[-1].at, first[-1].id))

    assert [row.id for row in first] == expected[:PAGE]
    assert [row.id for row in rest] == expected[PAGE:]


def read_all_pages_from(desk: Desk, key: tuple[datetime, str]) -> list[AuditRow]:
    rows: list[AuditRow] = []
    while page := audit_page(desk.store, before=key, limit=PAGE):
        rows += page
        key = (page[-1].at, page[-1].id)
    return rows


def test_a_conference_shows_only_its_own_events(desk: Desk, people: People) -> None:
    def book(children: list[str], start: time) -> str:
        return book_conference(
            desk,
            BookingRequest(
                family_id=people.family,
                child_ids=children,
                conference_type="initial",
                date=date(2027, 1, 6),
                start_time=start,
                trigger_date=date(2026, 12, 14),
                chair_id=people.iro,
            ),
        )

    first = book([people.amy, people.ben], time(10, 0))
    second = book([people.amy], time(14, 0))

    rows = [row for page in read_all_pages(desk, conference_id=first) for row in page]
    # Amy (11) is referred for advocacy automatically, and the referral's e-mail queued.
    assert sorted(row.action for row in rows) == [
        "add child",
        "add child",
        "book",
        "queue e-mail",
        "refer for advocacy",
    ]
    assert {row.actor for row in rows} == {ACTOR}
    others = audit_page(desk.store, conference_id=second)
    assert sorted(row.action for row in others) == [
        "add child",
        "book",
        "queue e-mail",
        "refer for advocacy",
    ]
    assert not {row.id for row in rows} & {row.id for row in others}


def test_a_setting_change_reads_as_old_and_new_value(desk: Desk) -> None:
    save_setting(desk, "initial_working_days", "20")
    save_setting(desk, "initial_working_days", "25")
    newest = audit_page(desk.store, limit=2)
    assert [row.action for row in newest] == ["update", "create"]
    assert newest[0].record_type == "setting"
    assert newest[0].record_id == "initial_working_days"
    assert newest[0].changes == "value: 20 → 25"
    assert newest[1].changes == "key: initial_working_days; value: 20"
