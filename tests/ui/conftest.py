"""A small, hand-made database for driving the app: known names, dates and problems."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import date, time

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable
from textual.worker import WorkerCancelled

from siu_tui.db.models import Conference, StandDown
from siu_tui.services import booking, people
from siu_tui.services.context import Desk

MARKUP_FAMILIES = ("Smith [/x]", "[ @click=app.quit]x[/]")


def column(table: DataTable, index: int) -> list[str]:
    """One column of a table as the clerk reads it."""
    return [str(table.get_row_at(r)[index]) for r in range(table.row_count)]


async def settle(pilot: Pilot) -> None:
    """Wait until every worker has finished and the screen has redrawn.

    A dialog that closes itself at the end of its own worker cancels that (finished) worker
    as the dialog is removed; that is not a failure, so it is not raised here.
    """
    await pilot.pause()
    for worker in list(pilot.app.workers):
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()
    await pilot.pause()


@pytest.fixture
def settled() -> Callable[[Pilot], Awaitable[None]]:
    return settle


def _book(desk: Desk, family: str, child: str, day: date, hour: int, **extra: object) -> str:
    request = booking.BookingRequest(
        family_id=family,
        child_ids=[child],
        conference_type=str(extra.pop("conference_type", "initial")),
        date=day,
        start_time=time(hour, 0),
        trigger_date=extra.pop("trigger_date", date(2026, 11, 16)),  # type: ignore[arg-type]
        venue="Conference Room 1",
        **extra,  # type: ignore[arg-type]
    )
    return booking.book_conference(desk, request)


@pytest.fixture
def sample_url(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Two families with markup-like names booked today, and things needing attention."""
    # References are random in use; numbered here so that snapshots never change.
    numbers = iter(range(1, 1000))
    monkeypatch.setattr(
        booking, "new_reference", lambda day: f"CPC-{day:%y%m%d}-T{next(numbers):04d}"
    )
    desk = Desk.open(db_url, "fixture")
    chair = people.add_staff(desk, "Ada Chair", "iro", "ada.chair@example.org")
    clerk = people.add_staff(desk, "Cal Clerk", "clerk")
    children = []
    for n, name in enumerate((*MARKUP_FAMILIES, "Quillfeather")):
        family = people.create_family(desk, f"DEMO-F{n}", name, locality_team="North")
        child = people.add_child(
            desk, family, f"DEMO{n}", "Robin", name, date_of_birth=date(2015, 3, 1), sex="F"
        )
        children.append((family, child))
    (f1, c1), (f2, c2), (f3, c3) = children
    _book(desk, f1, c1, date(2026, 11, 25), 10, chair_id=chair, clerk_id=clerk)
    _book(desk, f2, c2, date(2026, 11, 25), 14, chair_id=chair, clerk_id=clerk)
    _book(desk, f3, c3, date(2026, 11, 27), 9, chair_id=chair)
    # Booked past its deadline: it needs a reason, and the home screen flags it.
    _book(
        desk,
        f3,
        c3,
        date(2026, 11, 26),
        11,
        trigger_date=date(2026, 10, 1),
        late_reason="resource_unavailable",
    )
    stood_id = _book(desk, f1, c1, date(2026, 11, 20), 10, trigger_date=date(2026, 11, 9))
    with desk.store.write() as session:
        conference = session.get(Conference, stood_id)
        assert conference is not None
        conference.status = "stood_down"
        session.add(
            StandDown(
                conference_id=stood_id,
                reason="not_quorate",
                decided_by="chair",
                decided_at=conference.created_at,
                note="Police and school absent",
            )
        )
    desk.close()
    return db_url


PREVIOUS_LIST = (
    # (name, role, agency, e-mail, phone, direct contact): the list copied in the invite tests.
    ("Mo Smith [/x]", "Mother", "family", None, "01632 960001", False),
    ("Sam Worker", "Social worker", "social_care", "sam.worker@example.org", None, True),
    ("DC Ada Example", "Public protection", "police", "police@example.org", None, True),
    ("Hana Visitor", "Health visitor", "health_visitor", "hv@example.org", None, True),
    ("Sol Nurse", "School nurse", "school_nurse", None, "01632 960002", True),
    ("Eda School", "Safeguarding lead", "education", "school@example.org", None, True),
    ("Ava Advocate", "Advocate", "advocate", "advocacy@example.org", None, True),
)


@pytest.fixture
def invites_url(sample_url: str) -> str:
    """The sample, with an invite list on the `Smith [/x]` family's stood-down conference of
    20/11/2026 (the one before today's 10:00), ready to be copied; today's has none yet."""
    from sqlmodel import select

    from siu_tui.services.invites import InviteeInput, add_invitee

    desk = Desk.open(sample_url, "fixture")
    with desk.store.read() as session:
        stood = session.exec(select(Conference).where(Conference.status == "stood_down")).one()
    for name, role, agency, email, phone, direct in PREVIOUS_LIST:
        add_invitee(
            desk,
            stood.id,
            InviteeInput(
                name=name, role=role, agency=agency, email=email, phone=phone, direct_contact=direct
            ),
        )
    desk.close()
    return sample_url
