"""Settings: the unit's timescales and rules, and where its data is kept.

Every number in the deadline rules can be changed here, because each area's safeguarding
procedures differ; a change is checked before it is saved and lands in the audit trail.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

from siu_tui.config import shown_url
from siu_tui.screens.base import SIUModal, SIUScreen
from siu_tui.widgets.text import cell, cell_right, plain, show

if TYPE_CHECKING:
    from siu_tui.services.settings import SettingRow


class SettingsScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("settings.tcss")
    TITLE = "SIU Desk · Settings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter,e",
            "edit",
            "Change",
            tooltip="Change the highlighted setting",
            id="settings-edit",
        ),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, SettingRow] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="settings-body"):
            yield Static(
                "Timescales and rules · Enter changes the highlighted one",
                classes="section-title",
                markup=False,
            )
            yield DataTable(id="settings-table", cursor_type="row", zebra_stripes=True)
            yield Static("Where the data is kept", classes="section-title", markup=False)
            yield Static("", id="locations", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Setting", "Value", "Default")
        app = self.app
        url: str = app.database_url  # type: ignore[attr-defined]
        where = shown_url(url)
        self.query_one("#locations", Static).update(
            plain(f"Database: {where}\nSigned in as: {app.user}")  # type: ignore[attr-defined]
        )
        table.loading = True
        self.load()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def load(self) -> None:
        from siu_tui.services.settings import describe_settings

        try:
            rows = describe_settings(self.app.desk())  # type: ignore[attr-defined]
        finally:
            self.app.call_from_thread(setattr, self.query_one(DataTable), "loading", False)
        self.app.call_from_thread(self.show_rows, rows)

    def show_rows(self, rows: list[SettingRow]) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        self._rows = {row.key: row for row in rows}
        for row in rows:
            style = "bold" if row.changed else ""
            table.add_row(
                cell(row.label), cell_right(row.value, style), cell_right(row.default), key=row.key
            )
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    @on(DataTable.RowSelected)
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        row = self._rows.get(key or "")
        if row is not None:
            self.app.push_screen(EditSetting(row), lambda saved: saved and self.load())


class EditSetting(SIUModal[bool]):
    """Change one setting; a bad value is explained under the field and nothing is saved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving", id="edit-cancel"),
        Binding("ctrl+s", "save", "Save", tooltip="Save this setting", id="edit-save"),
    ]
    DEFAULT_CSS = ""

    def __init__(self, row: SettingRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-dialog"):
            yield Label(plain(self.row.label), id="edit-label")
            # Typed as text and checked by the service: an integer field silently dropped the
            # point of "15.5" and saved 155.
            yield Input(str(self.row.value), id="edit-value")
            yield Label("", id="edit-error", classes="error")
            yield Label(plain(f"Default: {self.row.default or '(none)'}"), classes="hint")
            with Horizontal(id="edit-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#edit-error").display = False

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.save(self.query_one(Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @work(thread=True, exclusive=True, group="edit-setting", exit_on_error=False)
    def save(self, value: str) -> None:
        from siu_tui.services.errors import ValidationError
        from siu_tui.services.settings import save_setting

        try:
            save_setting(self.app.desk(), self.row.key, value)  # type: ignore[attr-defined]
        except ValidationError as exc:
            self.app.call_from_thread(self.show_error, exc.errors.get(self.row.key, str(exc)))
            return
        self.app.call_from_thread(
            self.app.notify, show(f"Saved: {self.row.label}", lines=True), markup=False
        )
        self.app.call_from_thread(self.dismiss, True)

    def show_error(self, message: str) -> None:
        error = self.query_one("#edit-error", Label)
        error.update(plain(message))
        error.display = True
        self.query_one(Input).focus()
