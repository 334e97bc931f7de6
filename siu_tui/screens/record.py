"""One conference on one screen: its header, its children and their decisions, its history.

Later features add their own tabs (invites, reports, minutes, advocacy) beside these.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from siu_tui.screens.base import SIUScreen
from siu_tui.screens.record_actions import (
    CancelDialog,
    ChairDialog,
    HeldDialog,
    MoveDialog,
    NextReviewDialog,
)
from siu_tui.screens.record_minutes import (
    MINUTES_BINDINGS,
    MINUTES_TAB,
    MinutesPanel,
    MinutesRecordTab,
)
from siu_tui.widgets.text import cell, plain, show

if TYPE_CHECKING:
    from siu_tui.services.audit import AuditRow
    from siu_tui.services.changes import HeldResult
    from siu_tui.services.record import ConferenceRecord


def header_lines(record: ConferenceRecord) -> list[str]:
    """What a clerk reads first: what, who, when, where, who chairs, and the deadline."""
    if record.status == "booked":
        if record.late:
            left = "late: booked after its deadline"
        elif record.days_left is not None and record.days_left < 0:
            left = f"deadline passed {-record.days_left} working day(s) ago"
        elif record.days_left == 0:
            left = "the deadline is today"
        else:
            left = f"{record.days_left} working day(s) left"
    else:
        left = "held late" if record.late and record.status == "held" else ""
    when = f"{record.date:%A} {show(record.date)} at {show(record.start_time)}"
    where = record.venue or record.room_name or "no venue"
    lines = [
        f"{record.type_label} · {record.family_name} ({record.family_reference}) · "
        f"{record.status_label}",
        f"{when} · {record.duration_minutes} min · {where}",
        f"Chair: {record.chair_name or 'not yet chosen'} · Clerk: {record.clerk_name or '—'}",
        f"{record.trigger_label}: {show(record.trigger_date)} · Deadline: "
        f"{show(record.deadline)}" + (f" · {left}" if left else ""),
    ]
    if record.late_reason_label:
        lines.append(
            f"Late because: {record.late_reason_label}"
            + (f" ({record.late_note})" if record.late_note else "")
        )
    if record.cancel_reason:
        lines.append(f"Cancelled: {record.cancel_reason}")
    return lines


class ConferenceScreen(MinutesRecordTab, SIUScreen):
    CSS_PATH = Path(__file__).with_name("record.tcss")
    TITLE = "SIU Desk · Conference"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", tooltip="Back to where you came from", id="record-back"),
        Binding(
            "m", "move", "Move", tooltip="Move to another date, time or venue", id="record-move"
        ),
        Binding("p", "chair", "Chair", tooltip="Change the chair (IRO)", id="record-chair"),
        Binding(
            "x",
            "cancel_conference",
            "Cancel",
            tooltip="Cancel the conference (reason required)",
            id="record-cancel",
        ),
        Binding(
            "d",
            "held",
            "Mark held",
            tooltip="Record each child's decision and categories",
            id="record-held",
        ),
        Binding(
            "r",
            "reload",
            "Refresh",
            tooltip="Read the latest from the database",
            id="record-refresh",
        ),
        *MINUTES_BINDINGS,
    ]

    def __init__(self, conference_id: str) -> None:
        super().__init__()
        self.conference_id = conference_id
        self.record: ConferenceRecord | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="record-header"):
            yield Static("", id="record-title", markup=False)
        with TabbedContent(id="record-tabs"):
            with TabPane("Children", id="tab-children"):
                yield DataTable(id="children", cursor_type="row", zebra_stripes=True)
            with TabPane("History", id="tab-history"):
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
            with TabPane("Minutes", id=MINUTES_TAB):
                yield MinutesPanel(id="minutes-panel")
        yield Footer()

    def on_mount(self) -> None:
        children = self.query_one("#children", DataTable)
        # Sized to fit 120 columns; ethnicity and the rest live on the child's own record.
        for heading, width in (
            ("Child", 18),
            ("Case ref", 12),
            ("Born / due", 10),
            ("Age", 5),
            ("Sex", 3),
            ("Decision", 12),
            ("Categories", 16),
            ("Plan", 26),
        ):
            children.add_column(heading, width=width)
        history = self.query_one("#history", DataTable)
        for heading, width in (
            ("When", 16),
            ("Who", 14),
            ("Action", 12),
            ("Record", 16),
            ("Changes", 60),
        ):
            history.add_column(heading, width=width)
        self.query_one("#record-header").loading = True
        self.load()

    def action_close(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    # -- changes -----------------------------------------------------------------------------

    def _booked(self) -> ConferenceRecord | None:
        """The record, if it can still be changed; otherwise say why not."""
        if self.record is None:
            return None
        if self.record.status != "booked":
            self.notify(
                f"This conference is {self.record.status_label.lower()}: only a booked one "
                "can be changed.",
                severity="warning",
                markup=False,
            )
            return None
        return self.record

    def action_move(self) -> None:
        if record := self._booked():
            self.app.push_screen(MoveDialog(record), self._changed)

    def action_cancel_conference(self) -> None:
        if record := self._booked():
            self.app.push_screen(CancelDialog(record), self._changed)

    def action_held(self) -> None:
        if record := self._booked():
            self.app.push_screen(HeldDialog(record), self._held)

    def action_chair(self) -> None:
        if self._booked():
            self.load_chairs()

    @work(thread=True, exclusive=True, group="chairs", exit_on_error=False)
    def load_chairs(self) -> None:
        from siu_tui.services.people import list_staff

        chairs = [(s.name, s.id) for s in list_staff(self.app.desk(), "iro")]  # type: ignore[attr-defined]
        self.app.call_from_thread(self._choose_chair, chairs)

    def _choose_chair(self, chairs: list[tuple[str, str]]) -> None:
        if self.record is not None:
            self.app.push_screen(ChairDialog(self.record, chairs), self._changed)

    def _changed(self, message: object) -> None:
        if message:
            self.notify(str(message), markup=False)
            self.load()

    def _held(self, result: HeldResult | None) -> None:
        if result is None:
            return
        self.load()
        if result.next_type and result.next_deadline and result.next_child_ids:
            self.app.push_screen(
                NextReviewDialog(result), lambda book: self._book_next(result, book)
            )
        else:
            self.notify("Held. No review is needed: no child is on a plan.", markup=False)

    def _book_next(self, result: HeldResult, book: bool | None) -> None:
        if not book or self.record is None or result.next_type is None:
            self.notify("Held. Book the review from the conference list with n.", markup=False)
            return
        from siu_tui.screens.booking import Prefill

        self.app.open_booking(  # type: ignore[attr-defined]
            Prefill(
                family_id=self.record.family_id,
                child_ids=result.next_child_ids,
                conference_type=result.next_type,
                chair_id=self.record.chair_id,
                why=f"{result.next_type_label} after {self.record.reference}, "
                f"by {show(result.next_deadline)}",
            )
        )

    @work(thread=True, exclusive=True, group="record", exit_on_error=False)
    def load(self) -> None:
        from siu_tui.services.record import conference_history, conference_record

        desk = self.app.desk()  # type: ignore[attr-defined]
        try:
            record = conference_record(desk, self.conference_id)
            history = conference_history(desk, self.conference_id)
        finally:
            self.app.call_from_thread(setattr, self.query_one("#record-header"), "loading", False)
        self.app.call_from_thread(self.show_record, record, history)

    def show_record(self, record: ConferenceRecord, history: list[AuditRow]) -> None:
        self.record = record
        self.load_minutes(record.id)
        self.sub_title = record.reference
        self.query_one("#record-title", Static).update(plain("\n".join(header_lines(record))))
        children = self.query_one("#children", DataTable)
        children.clear()
        for child in record.children:
            children.add_row(
                cell(f"{child.first_name} {child.last_name}"),
                cell(child.case_reference),
                cell(child.date_of_birth or child.expected_date_of_birth),
                cell(child.age_label),
                cell(child.sex),
                cell(child.decision_label),
                cell(", ".join(child.categories)),
                cell(child.plan_label),
                key=child.id,
            )
        table = self.query_one("#history", DataTable)
        table.clear()
        for row in history:
            table.add_row(
                cell(row.at),
                cell(row.actor),
                cell(row.action),
                cell(row.record_type.replace("_", " ")),
                cell(row.changes),
                key=row.id,
            )
