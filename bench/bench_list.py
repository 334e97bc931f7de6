"""Opening the conference list and filtering it per keystroke, on a large demo database.

Each search is timed as the clerk types it, one prefix at a time ("q", "qu", "qui", ...),
from the query to the first page of rows ready for the table: the work one keystroke costs.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date

SEARCHES = ("quillfeather", "robin", "DEMO0001", "01/03/2015", "zz", "ZOË")


def run(url: str, today: date) -> dict[str, float]:
    from siu_tui.services.conferences import ConferenceFilter, count_conferences, list_conferences
    from siu_tui.services.context import Desk

    desk = Desk.open(url, "bench")
    try:
        list_conferences(desk, ConferenceFilter(), today)  # warm the connection and caches
        opened = []
        for _ in range(5):
            started = time.perf_counter()
            list_conferences(desk, ConferenceFilter(), today, limit=100)
            opened.append(time.perf_counter() - started)
        keystrokes = []
        for text in SEARCHES:
            for n in range(1, len(text) + 1):
                started = time.perf_counter()
                list_conferences(desk, ConferenceFilter(search=text[:n]), today, limit=100)
                keystrokes.append(time.perf_counter() - started)
        page = list_conferences(desk, ConferenceFilter(), today, limit=100)
        started = time.perf_counter()
        list_conferences(desk, ConferenceFilter(), today, cursor=page.cursor, limit=100)
        next_page = time.perf_counter() - started
        started = time.perf_counter()
        count_conferences(desk, ConferenceFilter(search="quill"), today)
        counting = time.perf_counter() - started
    finally:
        desk.close()
    return {
        "open_ms": statistics.median(opened) * 1000,
        "keystroke_median_ms": statistics.median(keystrokes) * 1000,
        "keystroke_max_ms": max(keystrokes) * 1000,
        "next_page_ms": next_page * 1000,
        "count_ms": counting * 1000,
    }


if __name__ == "__main__":
    print(run(sys.argv[1], date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else date.today()))
