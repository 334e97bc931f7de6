"""Help: what SIU Desk is for, how to move around, and every key of the screen beneath.

The key list is read from the live bindings, so it can never disagree with the footer.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from siu_tui.commands import focused_bindings
from siu_tui.screens.base import SIUModal
from siu_tui.sections import GO_KEY, SECTIONS
from siu_tui.widgets.text import cell

INTRO = (
    "SIU Desk books and tracks Child Protection Conferences for the Safeguarding & "
    "Improvement Unit. Go to a section with g then its letter (g h home, g c conferences); "
    "the letter alone works too where this screen has no key of its own on it and you are "
    "not typing in a field. Ctrl+P finds any command by name. Dates are typed as DD/MM/YYYY."
)


def describe_key(keys: str) -> str:
    """``f1,question_mark`` as a person writes it: ``F1 / ?``."""
    names = {
        "question_mark": "?",
        "escape": "Esc",
        "enter": "Enter",
        "tab": "Tab",
        "space": "Space",
        "delete": "Delete",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "comma": ",",
        "full_stop": ".",
        "slash": "/",
    }

    def one(key: str) -> str:
        if key in names:
            return names[key]
        *mods, last = key.split("+")
        last = last.upper() if len(last) > 1 or mods else last
        return "+".join([*(m.capitalize() for m in mods), last])

    return " / ".join(one(k) for k in keys.split(","))


class HelpScreen(SIUModal[None]):
    CSS_PATH = Path(__file__).with_name("help.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,f1,question_mark",
            "dismiss_help",
            "Close",
            tooltip="Close help",
            id="help-close",
        ),
        # A modal screen hides the app's keys, so the section keys are repeated here.
        Binding(GO_KEY, "app.go_menu", "Go to", show=False),
        *[
            Binding(key, f"app.go('{mode}')", title, show=False)
            for mode, (key, title, _about) in SECTIONS.items()
            if key != GO_KEY
        ],
    ]

    def __init__(self, beneath: Screen[object]) -> None:
        super().__init__()
        self.beneath = beneath

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static("SIU Desk · Help", id="help-title", markup=False)
            yield Static(INTRO, id="help-intro", markup=False)
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static("Esc closes this help.", id="help-footer", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does", "Details")
        seen: set[str] = set()
        screen_bindings = getattr(self.beneath, "BINDINGS", [])
        # The keys of the part of the screen in use (a record's tab) first, then the screen's.
        in_use = [binding for _node, binding in focused_bindings(self.beneath)]
        for source in (in_use, screen_bindings, self.app.BINDINGS):
            for binding in source:
                if not isinstance(binding, Binding) or not binding.show:
                    continue
                if binding.key in seen:
                    continue
                seen.add(binding.key)
                table.add_row(
                    cell(binding.key_display or describe_key(binding.key)),
                    cell(binding.description),
                    cell(binding.tooltip),
                )
        from siu_tui.app import section_letter_free

        for key, title, about in SECTIONS.values():
            alone = key != GO_KEY and section_letter_free(self.beneath, key)
            keys = f"{GO_KEY} {key}" + (f" / {key}" if alone else "")
            table.add_row(cell(keys), cell(f"Go to {title}"), cell(about))
        table.add_row(cell("Ctrl+P"), cell("Commands"), cell("Find any command by name"))
        table.add_row(
            cell("Tab / Shift+Tab"), cell("Next / previous"), cell("Move between lists and fields")
        )
        table.add_row(cell("↑ ↓ / j k"), cell("Move"), cell("Move the highlight in a list"))

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
