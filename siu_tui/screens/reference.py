"""Staff, rooms and locality teams: the lists every booking form picks from.

Nobody is deleted: someone who leaves is made inactive, so old conferences still name them
and new ones cannot pick them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, TabbedContent, TabPane

from siu_tui.domain.codes import Role
from siu_tui.screens.base import SIUScreen
from siu_tui.screens.record.actions import ChangeDialog
from siu_tui.widgets.text import cell, choices, show

TABS = ("staff", "rooms", "teams")


class ReferenceScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("reference.tcss")
    TITLE = "SIU Desk · Staff, rooms and teams"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "add", "Add", tooltip="Add a person, room or team", id="reference-add"),
        Binding("e", "edit", "Edit", tooltip="Change the highlighted one", id="reference-edit"),
        Binding(
            "t",
            "toggle_active",
            "Active on/off",
            tooltip="Take off the pickers, or back",
            id="reference-active",
        ),
        Binding(
            "i",
            "toggle_inactive",
            "Show inactive",
            tooltip="Show or hide inactive ones",
            id="reference-inactive",
        ),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_inactive = False
        self.rows: dict[str, dict[str, Any]] = {tab: {} for tab in TABS}

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="reference-tabs"):
            with TabPane("Staff", id="staff"):
                yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Rooms", id="rooms"):
                yield DataTable(id="rooms-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Locality teams", id="teams"):
                yield DataTable(id="teams-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        columns = {
            "staff": (("Name", 30), ("Role", 16), ("E-mail", 36), ("Active", 6)),
            "rooms": (("Room", 40), ("Site", 30), ("Active", 6)),
            "teams": (("Team", 40), ("Families", 8), ("Active", 6)),
        }
        for tab, headings in columns.items():
            table = self.query_one(f"#{tab}-table", DataTable)
            for heading, width in headings:
                table.add_column(heading, width=width)
        self.query_one("#staff-table").focus()
        self.load()

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "staff"

    def table(self, tab: str | None = None) -> DataTable:
        return self.query_one(f"#{tab or self.tab}-table", DataTable)

    def current(self) -> Any | None:
        table = self.table()
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows[self.tab].get(key or "")

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.table().focus()

    def action_cursor_down(self) -> None:
        self.table().action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table().action_cursor_up()

    def action_toggle_inactive(self) -> None:
        self.show_inactive = not self.show_inactive
        self.notify("Showing inactive ones too" if self.show_inactive else "Active ones only")
        self.load()

    @work(thread=True, exclusive=True, group="reference", exit_on_error=False)
    def load(self) -> None:
        from siu_tui.services.people import list_staff
        from siu_tui.services.reference import list_locality_teams, list_rooms

        desk = self.app.desk()  # type: ignore[attr-defined]
        active_only = not self.show_inactive
        data = {
            "staff": list_staff(desk, active_only=active_only),
            "rooms": list_rooms(desk, active_only=active_only),
            "teams": list_locality_teams(desk, active_only=active_only),
        }
        self.app.call_from_thread(self.show_rows, data)

    def show_rows(self, data: dict[str, list[Any]]) -> None:
        for tab, rows in data.items():
            table = self.table(tab)
            cursor = table.cursor_row
            table.clear()
            self.rows[tab] = {row.id: row for row in rows}
            for row in rows:
                active = cell("yes" if row.active else "no", "" if row.active else "dim")
                if tab == "staff":
                    cells = [cell(row.name), cell(Role(row.role).label), cell(row.email), active]
                elif tab == "rooms":
                    cells = [cell(row.name), cell(row.site), active]
                else:
                    cells = [cell(row.name), cell(row.families), active]
                table.add_row(*cells, key=row.id)
            if rows:
                table.move_cursor(row=min(cursor, len(rows) - 1))

    # -- changes -----------------------------------------------------------------------------

    def action_add(self) -> None:
        self.app.push_screen(ReferenceDialog(self.tab, None), self._saved)

    def action_edit(self) -> None:
        row = self.current()
        if row is not None:
            self.app.push_screen(ReferenceDialog(self.tab, row), self._saved)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_edit()

    def action_toggle_active(self) -> None:
        row = self.current()
        if row is not None:
            self.set_active(self.tab, row.id, not row.active)

    @work(thread=True, exclusive=True, group="reference-write", exit_on_error=False)
    def set_active(self, tab: str, record_id: str, active: bool) -> None:
        from siu_tui.services import reference

        desk = self.app.desk()  # type: ignore[attr-defined]
        still_booked = 0
        if tab == "staff":
            still_booked = reference.set_staff_active(desk, record_id, active)
        elif tab == "rooms":
            still_booked = reference.set_room_active(desk, record_id, active)
        else:
            reference.set_locality_team_active(desk, record_id, active)
        message = "Made active" if active else "Made inactive"
        if not active and still_booked:
            message += f": still booked for {still_booked} upcoming conference(s), change those"
        self.app.call_from_thread(self.notify, show(message, lines=True), markup=False)
        self.load()

    def _saved(self, message: object) -> None:
        if message:
            self.notify(show(str(message), lines=True), markup=False)
            self.load()


class ReferenceDialog(ChangeDialog):
    """Add or change one person, room or team."""

    def __init__(self, tab: str, row: Any | None) -> None:
        super().__init__(None)  # type: ignore[arg-type]
        self.tab = tab
        self.row = row
        noun = {"staff": "member of staff", "rooms": "room", "teams": "locality team"}[tab]
        self.TITLE_TEXT = f"Change this {noun}" if row else f"Add a {noun}"

    def fields(self) -> ComposeResult:
        row = self.row
        yield Label("Name")
        yield Input(row.name if row else "", id="name")
        yield self.error_label("name")
        if self.tab == "staff":
            yield Label("Role")
            yield Select(
                choices([(r.label, r.value) for r in Role]),
                id="role",
                allow_blank=False,
                value=row.role if row else Role.CLERK.value,
            )
            yield self.error_label("role")
            yield Label("E-mail")
            yield Input((row.email or "") if row else "", id="email")
            yield self.error_label("email")
        elif self.tab == "rooms":
            yield Label("Site")
            yield Input((row.site or "") if row else "", id="site")
            yield self.error_label("site")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        values: dict[str, Any] = {"name": self.query_one("#name", Input).value}
        if self.tab == "staff":
            values["role"] = str(self.query_one("#role", Select).value)
            values["email"] = self.query_one("#email", Input).value.strip() or None
        elif self.tab == "rooms":
            values["site"] = self.query_one("#site", Input).value.strip() or None
        return values

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services import people, reference

        row = self.row
        steps: dict[str, Callable[[], object]] = {
            "staff": lambda: (
                reference.update_staff(desk, row.id, **values)
                if row
                else people.add_staff(desk, values["name"], values["role"], values["email"])
            ),
            "rooms": lambda: (
                reference.update_room(desk, row.id, **values)
                if row
                else reference.add_room(desk, values["name"], values["site"])
            ),
            "teams": lambda: (
                reference.rename_locality_team(desk, row.id, values["name"])
                if row
                else reference.add_locality_team(desk, values["name"])
            ),
        }
        steps[self.tab]()
        return f"Saved: {values['name'].strip()}"
