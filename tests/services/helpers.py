"""Small builders shared by the service tests."""

from __future__ import annotations

from datetime import date, time

from siu_tui.db.models import Conference, ConferenceChild
from siu_tui.services.context import Desk


def history_conference(
    desk: Desk,
    family_id: str,
    child_ids: list[str],
    when: date,
    *,
    status: str = "held",
    ctype: str = "initial",
    chair_id: str | None = None,
    room_id: str | None = None,
    start: time = time(10, 0),
    duration: int = 90,
    reference: str | None = None,
) -> str:
    """A conference from the family's history, stored directly (as an import would)."""
    with desk.store.write() as session:
        conference = Conference(
            reference=reference or f"HIST-{when:%Y%m%d}-{start:%H%M}-{status}",
            type=ctype,
            family_id=family_id,
            date=when,
            start_time=start,
            duration_minutes=duration,
            status=status,
            trigger_date=when,
            deadline=when,
            chair_id=chair_id,
            room_id=room_id,
        )
        session.add(conference)
        session.flush()
        for child_id in child_ids:
            session.add(ConferenceChild(conference_id=conference.id, child_id=child_id))
        return conference.id
