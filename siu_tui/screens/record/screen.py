"""One conference on one screen: its header, its children and their decisions, its history.

Later features add their own tabs (invites, reports, minutes, advocacy) beside these.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from siu_tui.clock import today
from siu_tui.domain.held import not_yet_held
from siu_tui.screens.base import SIUScreen
from siu_tui.screens.record.actions import (
    CancelDialog,
    ChairDialog,
    HeldDialog,
    MoveDialog,
    NextReviewDialog,
    RebookDialog,
    StandDownDialog,
)
from siu_tui.screens.record.advocacy import AdvocacyTab
from siu_tui.screens.record.challenges import RecordChallenges
from siu_tui.screens.record.invites import InvitesPane
from siu_tui.screens.record.minutes import (
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
    from siu_tui.services.standdown import RebookOffer


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
    if record.stand_down:
        rebooked = (
            f" · re-booked as {record.rebooked_as_reference}"
            if record.rebooked_as_reference
            else " · not re-booked yet (n re-books it)"
        )
        lines.append(record.stand_down + rebooked)
    if record.rebooks_reference:
        lines.append(f"Re-books {record.rebooks_reference}, which was stood down")
    return lines


class ConferenceScreen(MinutesRecordTab, SIUScreen):
    CSS_PATH = Path(__file__).with_name("record.tcss")
    TITLE = "SIU Desk · Conference"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", tooltip="Back to where you came from", id="record-back"),
        # First, so the footer always has room for them.
        Binding(
            "right_square_bracket",
            "switch_tab(1)",
            "Next tab",
            tooltip="Show the next tab (←/→ on the tab strip too); its keys work at once",
            id="record-next-tab",
        ),
        Binding(
            "left_square_bracket",
            "switch_tab(-1)",
            "Prev tab",
            tooltip="Show the previous tab; its keys work at once",
            id="record-previous-tab",
        ),
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
            "t",
            "stand_down",
            "Stand down",
            tooltip="Stand the conference down (reason, who decided) and re-book it",
            id="record-stand-down",
        ),
        Binding(
            "n",
            "rebook",
            "Re-book",
            tooltip="Book this stood-down conference again, keeping its deadline",
            id="record-rebook",
        ),
        Binding(
            "r",
            "reload",
            "Refresh",
            tooltip="Read the latest from the database",
            id="record-refresh",
        ),
        Binding(
            "i",
            "log_challenge",
            "Log challenge",
            tooltip="Log an IRO challenge about this conference (Challenges tab)",
            id="record-challenge",
        ),
        Binding(
            "e",
            "edit_child",
            "Child",
            tooltip="Change the highlighted child's details, or record a baby's birth",
            id="record-edit-child",
        ),
        Binding(
            "f",
            "refer_by_hand",
            "Refer",
            tooltip="Refer a child to the advocacy service by hand (Advocacy tab)",
            id="record-advocacy-refer",
        ),
        *MINUTES_BINDINGS,
    ]

    def __init__(self, conference_id: str, *, tab: str | None = None) -> None:
        super().__init__()
        self.conference_id = conference_id
        self.record: ConferenceRecord | None = None
        self.first_tab = tab
        """The tab to open on (``"tab-invites"`` from the reports outstanding list)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="record-header"):
            yield Static("", id="record-title", markup=False)
        with TabbedContent(id="record-tabs"):
            with TabPane("Children", id="tab-children"):
                yield DataTable(id="children", cursor_type="row", zebra_stripes=True)
            with TabPane("Invites", id="tab-invites"):
                yield InvitesPane(self.conference_id)
            with TabPane("History", id="tab-history"):
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
            with TabPane("Advocacy", id="tab-advocacy"):
                yield AdvocacyTab(self.conference_id)
            with TabPane("Challenges", id="tab-challenges"):
                yield RecordChallenges(self.action_reload, id="challenges")
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
        if self.first_tab:
            self.query_one(TabbedContent).active = self.first_tab
            if self.first_tab == "tab-invites":
                self.query_one("#invites", DataTable).focus()
        self.load()

    def action_close(self) -> None:
        self.dismiss()

    @on(TabbedContent.TabActivated)
    def _into_tab(self, event: TabbedContent.TabActivated) -> None:
        """A tab's keys work as soon as it is shown: the focus moves into its content (its
        list), never staying on the tab strip where the record's own keys would answer."""
        pane = event.pane
        self.call_after_refresh(self._focus_into, pane)

    def _focus_into(self, pane: TabPane) -> None:
        if not pane.is_attached or self.query_one(TabbedContent).active_pane is not pane:
            return
        for widget in pane.query("*"):
            if widget.focusable:
                widget.focus()
                return

    def action_switch_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane)]
        if tabs.active in panes:
            tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)] or tabs.active

    def _tab_keys(self) -> set[str]:
        """The keys of the tab shown (the Invites tab's n, i, t …)."""
        found = self.query("#record-tabs")
        pane = found.first(TabbedContent).active_pane if found else None
        if pane is None:
            return set()
        return {
            key
            for node in pane.walk_children(with_self=True)
            for key, bindings in node._bindings.key_to_bindings.items()
            if any(binding.id for binding in bindings)
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what fits the conference's status (the footer shows what can be done).

        On a tab with keys of its own, the tab's keys win: on the Invites tab `t` ticks
        attended, never stands the conference down."""
        if action != "minutes_step" and self._tab_keys() & {
            key
            for key, bindings in self._bindings.key_to_bindings.items()
            if any(binding.action.split("(")[0] == action for binding in bindings)
        }:
            return False
        status = self.record.status if self.record is not None else None
        if action in ("move", "chair", "cancel_conference", "held", "stand_down", "refer_by_hand"):
            return status in (None, "booked")
        if action == "edit_child":
            # The Children tab's own key: the other tabs use e for their own edits.
            tabs = self.query("#record-tabs")
            return bool(
                self.record is not None
                and self.record.children
                and tabs
                and tabs.first(TabbedContent).active == "tab-children"
            )
        if action == "rebook":
            return (
                status == "stood_down"
                and self.record is not None
                and not (self.record.rebooked_as_id)
            )
        return super().check_action(action, parameters)

    def action_reload(self) -> None:
        self.load()

    def action_log_challenge(self) -> None:
        self.query_one(TabbedContent).active = "tab-challenges"
        self.query_one(RecordChallenges).log()

    def action_refer_by_hand(self) -> None:
        if not self._booked():
            return
        self.query_one(TabbedContent).active = "tab-advocacy"
        tab = self.query_one(AdvocacyTab)
        tab.query_one(DataTable).focus()
        tab.action_refer()

    def action_edit_child(self) -> None:
        """The highlighted child on the Children tab."""
        if self.record is None or not self.record.children:
            return
        table = self.query_one("#children", DataTable)
        row = min(max(table.cursor_row, 0), len(self.record.children) - 1)
        child = self.record.children[row]
        from siu_tui.screens.record.child import EditChildModal

        self.app.push_screen(EditChildModal(child), self._child_changed)

    def _child_changed(self, child_id: str | None) -> None:
        if child_id:
            self.load()

    # -- changes -----------------------------------------------------------------------------

    def _booked(self) -> ConferenceRecord | None:
        """The record, if it can still be changed; otherwise say why not."""
        if self.record is None:
            return None
        if self.record.status != "booked":
            self.notify(
                show(
                    f"This conference is {self.record.status_label.lower()}: only a booked one "
                    "can be changed.",
                    lines=True,
                ),
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
            if too_soon := not_yet_held(record.date, today()):
                self.notify(show(f"{too_soon}."), severity="warning", markup=False)
                return
            self.app.push_screen(HeldDialog(record), self._held)

    def action_stand_down(self) -> None:
        self.stand_down()

    def stand_down(self, reason: str | None = None) -> None:
        """Open the stand-down, with a reason already chosen when it is known (the chair
        stood an inquorate conference down from the Invites tab)."""
        if record := self._booked():
            self.app.push_screen(StandDownDialog(record, reason), self._stood_down)

    def _stood_down(self, done: object) -> None:
        if done:
            self.notify("Stood down. Nothing about it is deleted.", markup=False)
            self.load()
            self.load_rebooking(offer_first=True)

    def action_rebook(self) -> None:
        if self.record is not None and self.record.status == "stood_down":
            self.load_rebooking(offer_first=False)

    @work(thread=True, exclusive=True, group="rebook", exit_on_error=False)
    def load_rebooking(self, *, offer_first: bool) -> None:
        from siu_tui.services.standdown import rebook_offer

        offer = rebook_offer(self.app.desk(), self.conference_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._offer_rebooking, offer, offer_first)

    def _offer_rebooking(self, offer: RebookOffer, offer_first: bool) -> None:
        if offer.rebooked_as:
            self.notify(
                show(f"Already re-booked as {offer.rebooked_as}.", lines=True), markup=False
            )
            return
        plan = offer.plan
        lines = [
            f"As: {plan.conference_type.label}, for the same children",
            f"Keeps its deadline: {show(plan.deadline)} (runs from {show(plan.trigger_date)})",
        ]
        if plan.target is not None:
            lines.append(f"Re-convene by: {show(plan.target)}")
        if offer_first:
            self.app.push_screen(RebookDialog(lines), lambda book: self._rebook(offer, bool(book)))
        else:
            self._rebook(offer, True)

    def _rebook(self, offer: RebookOffer, book: bool) -> None:
        if not book:
            self.notify("Re-book it later from this record with n.", markup=False)
            return
        from siu_tui.screens.booking import Prefill

        plan = offer.plan
        target = f" · re-convene by {show(plan.target)}" if plan.target else ""
        self.app.open_booking(  # type: ignore[attr-defined]
            Prefill(
                family_id=offer.family_id,
                child_ids=offer.child_ids,
                conference_type=plan.conference_type.value,
                trigger_date=plan.trigger_date,
                rebooks_id=offer.conference_id,
                chair_id=offer.chair_id,
                late_reason=plan.late_reason.value,
                why=f"Re-booking {offer.reference}, stood down: {offer.reason_label} · "
                f"deadline {show(plan.deadline)}{target}",
            )
        )

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
            self.notify(show(str(message), lines=True), markup=False)
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
        self.app.call_from_thread(self.query_one(AdvocacyTab).reload)

    @on(InvitesPane.Changed)
    def _invites_changed(self) -> None:
        self.load()

    def show_record(self, record: ConferenceRecord, history: list[AuditRow]) -> None:
        self.record = record
        self.refresh_bindings()
        self.query_one(InvitesPane).load()
        self.load_minutes(record.id)
        self.sub_title = show(record.reference)
        self.query_one(RecordChallenges).show_for(record)
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
