"""One start of an app in a fresh process, headless; it exits at the moment being measured.

``python -m bench.startup_probe bare`` is a bare Textual app with a 1,000-row table (the
yardstick); ``siu-first URL`` exits when SIU Desk's first screen is up; ``siu-data URL`` when
the home screen shows its data.
"""

from __future__ import annotations

import sys
import time

START = time.perf_counter()


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
            self.exit()

    Bare().run(headless=True)


def siu(url: str, wait_for_data: bool) -> None:
    from siu_tui.app import SIUApp
    from siu_tui.screens.home import HomeScreen

    class Probe(SIUApp):
        def on_ready(self) -> None:
            super().on_ready()
            if not wait_for_data:
                self.exit()

    if wait_for_data:
        original = HomeScreen.show_summary

        def show_and_exit(self: HomeScreen, summary) -> None:  # type: ignore[no-untyped-def]
            original(self, summary)
            self.app.exit()

        HomeScreen.show_summary = show_and_exit  # type: ignore[method-assign]
    Probe(url, user="bench").run(headless=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "bare":
        bare()
    else:
        siu(sys.argv[2], wait_for_data=mode == "siu-data")
    print(f"{time.perf_counter() - START:.4f}")
