"""One start of an app in a fresh process, headless, reporting the moment being measured.

``python -m bench.startup_probe bare`` is a bare Textual app with a 1,000-row table (the
yardstick); ``siu-first URL`` reports when SIU Desk's first screen is up; ``siu-data URL`` when
the home screen shows its data. The parent passes its clock (``BENCH_T0``, from time.time()
just before starting the process), so the figure runs from process start to that moment,
and the process leaves at once rather than waiting for background threads to finish.
"""

from __future__ import annotations

import os
import sys
import time


def report() -> None:
    print(f"{time.time() - float(os.environ['BENCH_T0']):.4f}", flush=True)
    os._exit(0)


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("a", "b", "c", "d")
            for n in range(1000):
                table.add_row(n, f"row {n}", "text", n * 2)

        def on_ready(self) -> None:
            report()

    Bare().run(headless=True)


def siu(url: str, wait_for_data: bool) -> None:
    from siu_tui.app import SIUApp
    from siu_tui.screens.home import HomeScreen

    class Probe(SIUApp):
        def on_ready(self) -> None:
            super().on_ready()
            if not wait_for_data:
                report()

    if wait_for_data:
        original = HomeScreen.show_summary

        def show_and_report(self: HomeScreen, summary) -> None:  # type: ignore[no-untyped-def]
            original(self, summary)
            self.call_after_refresh(report)

        HomeScreen.show_summary = show_and_report  # type: ignore[method-assign]
    Probe(url, user="bench").run(headless=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "bare":
        bare()
    else:
        siu(sys.argv[2], wait_for_data=mode == "siu-data")
