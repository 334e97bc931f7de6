"""A clerk's process for the concurrency tests: books conferences into a shared database.

Run as ``python booking_worker.py JSON``. Each booking's id is appended to ``ids_file`` and
fsync'd only after ``book_conference`` has returned (its transaction committed), so the file
is a list of bookings the clerk was told were saved. With ``ready_file`` and ``go_file`` it
announces it is ready and waits for the go signal, so several workers start together.

Without a ``chair_id`` (or room) nothing can clash, so every booking is saved; with one it
books that chair at 10:00 and writes either the new id or, when the booking is refused,
``refused: <message>`` to ``ids_file``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from datetime import time as clock_time
from pathlib import Path

from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError


def main(argv: list[str]) -> int:
    job = json.loads(argv[1])
    desk = Desk.open(job["url"], job["actor"])
    ids_file = Path(job["ids_file"])
    request = BookingRequest(
        family_id=job["family_id"],
        child_ids=[job["child_id"]],
        conference_type="initial",
        date=date(2027, 1, 6),
        trigger_date=date(2026, 12, 14),
        chair_id=job.get("chair_id"),
        start_time=clock_time(10, 0),
    )
    _ = desk.rules  # load the rules before the race starts
    if job.get("ready_file"):
        Path(job["ready_file"]).touch()
        go = Path(job["go_file"])
        deadline = time.monotonic() + 30
        while not go.exists():
            if time.monotonic() > deadline:
                print("no go signal", file=sys.stderr)
                return 3
            time.sleep(0.005)
    with ids_file.open("a", encoding="utf-8") as out:
        for i in range(job["count"]):
            if request.chair_id is None:
                request.start_time = clock_time(9 + i % 8, 0)
            try:
                conference_id = book_conference(desk, request)
            except ValidationError as exc:
                conference_id = f"refused: {exc}"
            out.write(conference_id + "\n")
            out.flush()
            os.fsync(out.fileno())
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
