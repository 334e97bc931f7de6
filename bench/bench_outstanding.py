"""The reports outstanding screen and the upcoming-risk flags, on a large demo database.

Each figure is the median of several runs of the query a screen makes, from the call to the
rows ready for the table: the first page, the next page, a clerk's and a week's list, the
count line, and the risk flags' share of a conference list page.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

RUNS = 7


def _median_ms(call: Callable[[], Any]) -> float:
    call()  # warm the connection and the caches
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run(url: str, today: date) -> dict[str, float]:
    from siu_tui import clock
    from siu_tui.services import conferences
    from siu_tui.services.context import Desk
    from siu_tui.services.home import home_summary
    from siu_tui.services.outstanding import (
        OutstandingFilter,
        count_outstanding,
        outstanding_reports,
    )
    from siu_tui.services.people import list_staff

    clock.set_today(today)
    desk = Desk.open(url, "bench")
    try:
        first = outstanding_reports(desk, today, limit=100)
        clerk = list_staff(desk, "clerk")[0].id
        week = OutstandingFilter(week_of=today + timedelta(days=7))
        flt = conferences.ConferenceFilter()

        def page_without_flags() -> None:
            with desk.store.read() as session:
                conferences._read_page(session, conferences._plan(session, flt), today, None, 100)

        return {
            "first_page_ms": _median_ms(lambda: outstanding_reports(desk, today, limit=100)),
            "next_page_ms": _median_ms(
                lambda: outstanding_reports(desk, today, cursor=first.cursor, limit=100)
            ),
            "clerk_ms": _median_ms(
                lambda: outstanding_reports(desk, today, OutstandingFilter(clerk_id=clerk))
            ),
            "week_ms": _median_ms(lambda: outstanding_reports(desk, today, week)),
            "count_ms": _median_ms(lambda: count_outstanding(desk, today)),
            "list_page_ms": _median_ms(lambda: conferences.list_conferences(desk, flt, today)),
            "list_page_unflagged_ms": _median_ms(page_without_flags),
            "home_ms": _median_ms(lambda: home_summary(desk, today)),
        }
    finally:
        desk.close()


if __name__ == "__main__":
    print(run(sys.argv[1], date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else date.today()))
