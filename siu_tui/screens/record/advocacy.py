"""The conference record's Advocacy tab: who is referred for this conference, how, where each
referral stands and whether its e-mail has gone; u updates one, f refers a child by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from siu_tui.screens.advocacy import COLUMNS, referral_cells
from siu_tui.widgets.text import plain, show

if TYPE_CHECKING:
    from siu_tui.services.advocacy import ReferableChild, ReferralRow


class AdvocacyTab(Vertical):
    """Lives in a TabPane of ``ConferenceScreen``; reloads when the record does."""

    DEFAULT_CSS = """
    AdvocacyTab { height: 1fr; }
    AdvocacyTab #advocacy-hint { color: $text-muted; padding: 0 1; height: auto; }
    AdvocacyTab DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # f (refer by hand) is the record screen's, so it works from any tab.
        Binding(
            "u",
            "update",
            "Update referral",
            tooltip="Record contact, the child's answer and support at the conference",
            id="record-advocacy-update",
        ),
    ]

    def __init__(self, conference_id: str) -> None:
        super().__init__(id="advocacy-tab")
        self.conference_id = conference_id
        self._rows: dict[str, ReferralRow] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="advocacy-hint", markup=False)
        yield DataTable(id="advocacy-referrals", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading, width in COLUMNS:
            if heading not in ("Family", "Type"):  # the record's header says both
                table.add_column(heading, width=width)

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="record-advocacy", exit_on_error=False)
    def load(self) -> None:
        from siu_tui.services.advocacy import conference_referrals

        rows = conference_referrals(self.app.desk(), self.conference_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show_rows, rows)

    def show_rows(self, rows: list[ReferralRow]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self._rows = {row.id: row for row in rows}
        for row in rows:
            cells = referral_cells(row)
            del cells[4:6]  # type and family
            table.add_row(*cells, key=row.id)
        live = sum(row.withdrawn_at is None for row in rows)
        hint = (
            f"{live} child(ren) referred to the advocacy service · u updates the highlighted "
            "referral · f refers a child by hand"
            if rows
            else "No child is referred: children aged 10 or over are referred automatically "
            "when the conference is booked; f refers a younger child by hand."
        )
        self.query_one("#advocacy-hint", Static).update(plain(hint))

    def highlighted(self) -> ReferralRow | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._rows.get(key or "")

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_update()

    def action_update(self) -> None:
        from siu_tui.screens.advocacy_dialogs import UpdateReferralDialog

        row = self.highlighted()
        if row is None:
            self.app.notify("No referral to update: f refers a child by hand.", markup=False)
            return
        if row.withdrawn_at is not None:
            self.app.notify(
                "This referral was withdrawn; it can no longer be changed.", markup=False
            )
            return
        self.app.push_screen(UpdateReferralDialog(row), self._changed)

    def action_refer(self) -> None:
        self.load_referable()

    @work(thread=True, exclusive=True, group="record-advocacy-refer", exit_on_error=False)
    def load_referable(self) -> None:
        from siu_tui.services.advocacy import referable_children

        children = referable_children(self.app.desk(), self.conference_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._refer, children)

    def _refer(self, children: list[ReferableChild]) -> None:
        from siu_tui.screens.advocacy_dialogs import ReferByHandDialog

        if not children:
            self.app.notify(
                "Every child at this conference who can be referred already is.", markup=False
            )
            return
        about = "Children aged 10 or over are referred automatically; refer a younger one here."
        self.app.push_screen(ReferByHandDialog(self.conference_id, children, about), self._changed)

    def _changed(self, message: object) -> None:
        if message:
            self.app.notify(show(str(message), lines=True), markup=False)
            self.screen.action_reload()  # type: ignore[attr-defined]
