"""One start of an app in a fresh process, headless, reporting two moments.

``python -m bench.startup_probe bare URL`` is the yardstick: a bare Textual app with a
200-row DataTable, filled by a start-up worker that reads 200 conferences from the same
database through SQLAlchemy Core (the stack SIU Desk stands on, so the ratio is what SIU Desk
itself adds: its models, its rules, and the home screen's queries).
``siu URL`` is SIU Desk on its home screen. Each prints two lines, seconds from process
start: ``first`` at Textual's Ready event (the first frame is laid out), ``data`` once the
start-up workers are done and their rows are on screen; and the process's CPU time at each
(``first_cpu``, ``data_cpu``), which the other work on a shared machine disturbs less. The
parent passes its clock (``BENCH_T0``, from time.time() just before starting the process),
so the figures run from process start, and the process leaves at once rather than waiting
for background threads.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

ROWS = 200


def report(moment: str, *, leave: bool = False) -> None:
    print(f"{moment} {time.time() - float(os.environ['BENCH_T0']):.4f}", flush=True)
    print(f"{moment}_cpu {time.process_time():.4f}", flush=True)
    if leave:
        os._exit(0)


def bare(url: str) -> None:
    from textual import work
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns("Date", "Time", "Type", "Status")
            self.load()

        def on_ready(self) -> None:
            report("first")

        @work(thread=True)
        def load(self) -> None:
            from sqlalchemy import create_engine, text

            engine = create_engine(url)
            with engine.connect() as connection:
                rows = connection.execute(
                    text(
                        "SELECT date, start_time, type, status FROM conference "
                        f"ORDER BY date DESC LIMIT {ROWS}"
                    )
                ).all()
            self.call_from_thread(self.show, rows)

        def show(self, rows: list[Any]) -> None:
            self.query_one(DataTable).add_rows(rows)
            self.call_after_refresh(report, "data", leave=True)

    Bare().run(headless=True)


def siu(url: str) -> None:
    import gc

    gc.disable()  # as `siu` does (cli.py); the app turns it back on
    from siu_tui.app import SIUApp

    class Probe(SIUApp):
        def on_ready(self) -> None:
            super().on_ready()
            report("first")

        def home_shown(self) -> None:
            super().home_shown()
            report("data", leave=True)

    Probe(url, user="bench").run(headless=True)


if __name__ == "__main__":
    mode, url = sys.argv[1], sys.argv[2]
    bare(url) if mode == "bare" else siu(url)
