"""The "go to" menu: `g` then a section's letter opens that section from any screen.

The letters alone work only where a screen leaves them free, so the menu is the one way that
works everywhere; it lists every section, so a clerk never has to remember a letter.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from siu_tui.screens.base import SIUModal
from siu_tui.sections import GO_KEY, SECTIONS
from siu_tui.widgets.text import plain


class GoToScreen(SIUModal[str | None]):
    """Dismissed with the chosen section's mode, or None (Esc)."""

    CSS_PATH = Path(__file__).with_name("goto.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "choose(None)", "Stay", tooltip="Close the menu", id="goto-close"),
        *[
            Binding(key, f"choose('{mode}')", title, tooltip=about, show=False)
            for mode, (key, title, about) in SECTIONS.items()
        ],
    ]

    def compose(self) -> ComposeResult:
        lines = [f"{GO_KEY} {key}   {title}" for key, title, _about in SECTIONS.values()]
        with Vertical(id="goto-dialog"):
            yield Static("Go to", id="goto-title", markup=False)
            yield Static(plain("\n".join(lines)), id="goto-sections")
            yield Static("Esc stays here.", id="goto-footer", markup=False)

    def action_choose(self, mode: str | None) -> None:
        self.dismiss(mode)
