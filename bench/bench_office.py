"""The office database beside the laptop's: the same timings on PostgreSQL and on SQLite.

Run by ``make bench`` when ``BENCH_DATABASE_URL`` names a PostgreSQL database (an empty one,
or one this benchmark filled before): it is filled once with the same demo data as the SQLite
file (``BENCH_CONFERENCES``, 100,000 by default), then the conference list's first page and
per-keystroke search, the home screen's data and the annual report are timed on both and
printed side by side. The annual report's goal at 1,000,000 conferences (5 s on PostgreSQL)
needs ``BENCH_REPORT_CONFERENCES=1000000`` and a database filled with that many.

Run alone: ``python -m bench.bench_office`` (with ``BENCH_DATABASE_URL`` set).
"""

from __future__ import annotations

import os
import time
from datetime import date

from sqlalchemy.engine import make_url

ENV_URL = "BENCH_DATABASE_URL"


def fill(url: str, conferences: int) -> None:
    """Migrate and fill the PostgreSQL database with the demo data, unless it already is."""
    from sqlalchemy import func, select

    from siu_tui.db.demo import generate
    from siu_tui.db.engine import Store
    from siu_tui.db.migrate import ensure_current
    from siu_tui.db.models import Conference

    store = Store(url)
    try:
        ensure_current(store)
        with store.read() as session:
            held = session.execute(select(func.count()).select_from(Conference)).scalar_one()
        if held:
            if held < conferences:
                raise SystemExit(
                    f"{ENV_URL} holds {held:,} conferences, not {conferences:,}: "
                    "give an empty database (or set BENCH_CONFERENCES to match)"
                )
            return
        started = time.perf_counter()
        generate(store, conferences)
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")  # fresh statistics for the planner
        print(f"demo data on PostgreSQL, {conferences:,} conferences: "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    finally:
        store.dispose()


def measure(url: str, today: date) -> dict[str, float]:
    from bench import bench_list, bench_outstanding, bench_report

    listing = bench_list.run(url, today)
    outstanding = bench_outstanding.run(url, today)
    report = bench_report.run(url, today, cli=url.startswith("sqlite"))
    return {
        "conference list, first page (ms)": listing["open_ms"],
        "conference list, next page (ms)": listing["next_page_ms"],
        "search, per keystroke, median (ms)": listing["keystroke_median_ms"],
        "search, per keystroke, slowest (ms)": listing["keystroke_max_ms"],
        "home screen's data (ms)": outstanding["home_ms"],
        "annual report, whole (ms)": float(report["whole_s"]) * 1000,
    }


def run(sqlite_url: str, today: date, conferences: int) -> None:
    url = os.environ[ENV_URL]
    fill(url, conferences)
    on_sqlite = measure(sqlite_url, today)
    on_postgresql = measure(url, today)
    shown = make_url(url).render_as_string(hide_password=True)
    print(f"\nSQLite beside PostgreSQL ({shown}), {conferences:,} conferences:")
    print(f"  {'':<38}{'SQLite':>10}{'PostgreSQL':>12}")
    for name, value in on_sqlite.items():
        print(f"  {name:<38}{value:>10.1f}{on_postgresql[name]:>12.1f}")


if __name__ == "__main__":
    from bench.__main__ import CONFERENCES, demo_database

    run(demo_database(), date.today(), CONFERENCES)
