"""Asked before an export writes over a file that is already there: last quarter's report,
or a log a manager has annotated, is not lost to a key pressed twice."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from siu_tui.screens.base import SIUModal
from siu_tui.widgets.text import plain


class ReplaceFileDialog(SIUModal[bool]):
    """ "That file exists: replace it?"; True to write over it, False to keep it."""

    DEFAULT_CSS = """
    ReplaceFileDialog { align: center middle; }
    ReplaceFileDialog > #replace-dialog {
        width: 76; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ReplaceFileDialog .title { text-style: bold; color: $warning; margin-bottom: 1; }
    ReplaceFileDialog .buttons { height: auto; margin-top: 1; }
    ReplaceFileDialog .buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "replace", "Replace", tooltip="Write over the file", id="replace-yes"),
        Binding("escape,n", "keep", "Keep it", tooltip="Leave the file as it is", id="replace-no"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="replace-dialog"):
            yield Static("That file is already there", classes="title", markup=False)
            yield Static(plain(f"{self.path}\nReplace it with this export?"), id="replace-path")
            with Horizontal(classes="buttons"):
                yield Button("Replace (y)", variant="warning", id="replace")
                yield Button("Keep it (n)", id="keep")

    def on_mount(self) -> None:
        self.query_one("#keep").focus()  # Enter alone does not destroy a file

    @on(Button.Pressed, "#replace")
    def action_replace(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)
