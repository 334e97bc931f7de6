"""The conference record's Invites tab: the invite list, replies, reports, attendance and
quoracy, all by keys.

The tab is one widget (``InvitesPane``) with its own keys, so the record screen only places
it. Several rows can be marked with Space and then acted on at once (invited, replied,
attended, e-mailed); with nothing marked, a key acts on the highlighted row. Every change
goes through ``services.invites`` in a worker, and the pane then reads the list again and
tells the record (``InvitesPane.Changed``) so its History tab shows the change.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from siu_tui import clock
from siu_tui.domain.codes import (
    Agency,
    InquorateDecision,
    InviteMethod,
    InviteResponse,
    ReportFormat,
)
from siu_tui.domain.invites import describe_receipt
from siu_tui.screens.base import SIUModal
from siu_tui.screens.record.actions import ChangeDialog, FieldError
from siu_tui.widgets.date_input import DateInput
from siu_tui.widgets.text import cell, choices, plain, show

if TYPE_CHECKING:
    from siu_tui.services.invites import InviteeRow, InviteSheet

COLUMNS = (
    # (heading, width): the list fits a 120-column terminal beside the record's margins.
    ("", 1),
    ("Name", 19),
    ("Agency", 16),
    ("Role", 12),
    ("Contact", 15),
    ("Invited", 12),
    ("Reply", 9),
    ("Report", 12),
    ("Here", 4),
)
AGENCY_SHORT: dict[str, str] = {
    Agency.SOCIAL_CARE.value: "Social care",
    Agency.FAMILY.value: "Family",
    Agency.HOSPITAL.value: "Hospital",
    Agency.CAMHS.value: "CAMHS",
    Agency.ADULT_MENTAL_HEALTH.value: "Adult mental hlth",
    Agency.EDUCATION.value: "School",
}
"""Names that fit the list's agency column; the others fit as they are."""
FORMAT_SHORT = {"lscb": "LSCB", "other": "Other", "verbal": "Verbal"}
MARK = "●"
EMPTY = (
    "No one is invited yet. Press n to add someone, or l to copy the list from the family's "
    "previous conference."
)
REPLY_CYCLE = {
    InviteResponse.NOT_KNOWN.value: InviteResponse.ATTENDING.value,
    InviteResponse.ATTENDING.value: InviteResponse.APOLOGIES.value,
    InviteResponse.APOLOGIES.value: InviteResponse.NOT_KNOWN.value,
}
REPLY_STYLE = {"attending": "green", "apologies": "yellow", "not_known": "dim"}


def start_stand_down(screen: Screen[Any], conference_id: str) -> None:
    """The chair has decided to stand an inquorate conference down (recorded on it): open the
    stand-down, with "not quorate" chosen, so the log and the re-booking follow."""
    from siu_tui.screens.record.screen import ConferenceScreen

    if isinstance(screen, ConferenceScreen) and screen.conference_id == conference_id:
        screen.stand_down(reason="not_quorate")


def status_lines(sheet: InviteSheet) -> Text:
    """Quoracy, the social worker's report and the agencies' reports, as the tab's heading."""
    q = sheet.quoracy
    text = Text(no_wrap=False)
    verdict, _, detail = q.result.summary.partition(": ")
    text.append("Quoracy expected from replies: " if q.expected else "Quoracy on the day: ", "bold")
    text.append(show(verdict), "bold green" if q.quorate else "bold red")
    if detail and not q.quorate:
        text.append(show(f" · {detail}"))
    counting = ", ".join(q.counting_labels) or "none"
    text.append(show(f"\nCounting: {counting}", lines=True))
    if q.missing_labels:
        text.append(" · Missing: ", "bold" if not q.quorate else "")
        text.append(show(", ".join(q.missing_labels)))
    for label, receipt in (("parents", sheet.to_parents), ("chair", sheet.to_chair)):
        text.append(show(f"\nSocial worker's report to {label} ", lines=True), "bold")
        text.append(show(f"(due {show(receipt.deadline)}): "))
        if receipt.received is None:
            style = "bold red" if receipt.overdue else "yellow"
        else:
            style = "green" if receipt.timeliness.value == "on_time" else "red"
        text.append(show(receipt.text), style)
    expected = [r for r in sheet.rows if r.expects_report]
    received = sum(1 for r in expected if r.report_received_at is not None)
    text.append("\nAgency reports ", "bold")
    text.append(
        show(f"(due {show(sheet.agency_deadline)}): {received} of {len(expected)} received")
    )
    if sheet.social_worker:
        text.append(show(f" · Social worker: {sheet.social_worker}"))
    if sheet.decision_label:
        text.append("\nChair's decision (not quorate): ", "bold")
        note = f": {sheet.decision_note}" if sheet.decision_note else ""
        text.append(show(sheet.decision_label + note, lines=True))
    if sheet.queued:
        text.append(
            show(f"\n{len(sheet.queued)} invitation e-mail(s) waiting in the outbox", lines=True),
            "dim",
        )
    return text


def row_cells(row: InviteeRow, marked: bool, queued: bool) -> list[Text]:
    report_style = ""
    if row.report_received_at is not None:
        report_style = "green"
    elif row.report is not None and row.report.overdue:
        report_style = "bold red"
    invited = ""
    if row.invited_at is not None:
        via = (row.invited_via or "").replace("email", "e-mail")
        # An invitation waiting in the outbox says so: it has not gone yet.
        invited = f"{row.invited_at:%d/%m} {'queued' if queued else via}".strip()
    report = row.report_label
    if row.report_received_at is not None:
        report = f"{FORMAT_SHORT.get(row.report_format, '')} {row.report_received_at:%d/%m}"
    here = {True: "Yes", False: "No", None: ""}[row.attended]
    return [
        cell(MARK if marked else "", "bold"),
        cell(row.name),
        cell(AGENCY_SHORT.get(row.agency, row.agency_label)),
        cell(row.role),
        cell(row.contact),
        cell(invited),
        cell(row.response_label, REPLY_STYLE.get(row.response, "")),
        cell(report, report_style),
        cell(here, "bold green" if row.attended else ""),
    ]


class InvitesPane(Vertical):
    """The invite tab's contents: status lines above the list, and the keys that change it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Most used first: the footer shows as many as fit; help (?) lists them all.
        Binding("n", "add", "Add", tooltip="Add someone to the invite list", id="invites-add"),
        Binding(
            "e", "edit", "Edit", tooltip="Change everything about the highlighted person",
            id="invites-edit",
        ),
        Binding(
            "space", "mark", "Mark",
            tooltip="Mark or unmark the highlighted person, to act on several at once",
            id="invites-mark",
        ),
        Binding(
            "i", "invited", "Invited",
            tooltip="Record how and when the marked (or highlighted) invitations were sent",
            id="invites-sent",
        ),
        Binding(
            "y", "reply", "Reply",
            tooltip="Next reply for the highlighted (or marked) people: not known, attending, "
            "apologies",
            id="invites-reply",
        ),
        Binding(
            "t", "attended", "Attended",
            tooltip="On the day: tick (or untick) the highlighted or marked people as attended",
            id="invites-attended",
        ),
        Binding(
            "a", "agency_report", "Report",
            tooltip="Record the highlighted agency's report: format and when received",
            id="invites-report",
        ),
        Binding(
            "w", "sw_report", "SW report",
            tooltip="When the social worker's report reached the parents and the chair",
            id="invites-sw-report",
        ),
        Binding(
            "q", "queue_emails", "E-mail",
            tooltip="Queue invitation e-mails in the outbox: the marked people, or everyone "
            "not yet invited",
            id="invites-email",
        ),
        Binding(
            "l", "copy_previous", "Copy list",
            tooltip="Copy the people invited to the family's previous conference",
            id="invites-copy",
        ),
        Binding(
            "z", "decision", "Decision",
            tooltip="Record the chair's decision when the conference is not quorate",
            id="invites-decision",
        ),
        Binding(
            "delete", "remove", "Remove", tooltip="Take the highlighted person off the list",
            id="invites-remove",
        ),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]  # fmt: skip

    class Changed(Message):
        """The list changed: the record reads itself again (its History tab shows why)."""

    def __init__(self, conference_id: str) -> None:
        super().__init__(id="invites-pane")
        self.conference_id = conference_id
        self.sheet: InviteSheet | None = None
        self.marked: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static("", id="invites-status")
        yield DataTable(id="invites", cursor_type="row", zebra_stripes=True)
        yield Static(EMPTY, id="invites-empty", classes="empty", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#invites", DataTable)
        for heading, width in COLUMNS:
            table.add_column(heading, width=width)
        self.query_one("#invites-empty").display = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A worker's state reaches only the widget that started it: hand failures to the app.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)  # type: ignore[attr-defined]

    # -- reading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="invites", exit_on_error=False)
    def load(self) -> None:
        from siu_tui.services.invites import invite_sheet

        sheet = invite_sheet(self.app.desk(), self.conference_id, clock.today())  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show_sheet, sheet)

    def show_sheet(self, sheet: InviteSheet) -> None:
        self.sheet = sheet
        ids = {r.id for r in sheet.rows}
        self.marked &= ids
        self.query_one("#invites-status", Static).update(status_lines(sheet))
        table = self.query_one("#invites", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in sheet.rows:
            table.add_row(
                *row_cells(row, row.id in self.marked, row.id in sheet.queued), key=row.id
            )
        if sheet.rows:
            table.move_cursor(row=min(max(cursor, 0), len(sheet.rows) - 1))
        self.query_one("#invites-empty").display = not sheet.rows

    def _current(self) -> InviteeRow | None:
        table = self.query_one("#invites", DataTable)
        if self.sheet is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.sheet.rows if r.id == key), None)

    def _targets(self) -> list[str]:
        """The marked people, or the highlighted one; says so when there is nobody."""
        if self.sheet is not None and self.marked:
            return [r.id for r in self.sheet.rows if r.id in self.marked]
        row = self._current()
        if row is None:
            self.notify("No one is on the invite list yet: press n to add someone.")
            return []
        return [row.id]

    def _done(self, message: str | None = None, *, clear_marks: bool = True) -> None:
        if clear_marks:
            self.marked.clear()
        if message:
            self.notify(show(message, lines=True), markup=False)
        self.load()
        self.post_message(self.Changed())

    # -- keys --------------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.query_one("#invites", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#invites", DataTable).action_cursor_up()

    def action_mark(self) -> None:
        row = self._current()
        if row is None or self.sheet is None:
            return
        self.marked ^= {row.id}
        table = self.query_one("#invites", DataTable)
        table.update_cell(
            row.id,
            table.ordered_columns[0].key,
            cell(MARK if row.id in self.marked else "", "bold"),
        )
        table.action_cursor_down()

    def action_add(self) -> None:
        if self.sheet is not None:
            self.app.push_screen(InviteeDialog(self.sheet, None), self._saved)

    def action_edit(self) -> None:
        row = self._current()
        if row is not None and self.sheet is not None:
            self.app.push_screen(InviteeDialog(self.sheet, row), self._saved)

    @on(DataTable.RowSelected, "#invites")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _saved(self, message: object) -> None:
        if message:
            self._done(str(message), clear_marks=False)

    def action_remove(self) -> None:
        row = self._current()
        if row is not None:
            self.app.push_screen(
                ConfirmRemove(row.name), lambda yes: self._remove(row.id) if yes else None
            )

    @work(thread=True, exclusive=True, group="invites-change", exit_on_error=False)
    def _remove(self, invitee_id: str) -> None:
        from siu_tui.services.invites import remove_invitee

        name = remove_invitee(self.app.desk(), invitee_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._done, f"{name} is off the invite list")

    def action_copy_previous(self) -> None:
        self._copy()

    @work(thread=True, exclusive=True, group="invites-change", exit_on_error=False)
    def _copy(self) -> None:
        from siu_tui.services.invites import copy_previous_list

        result = copy_previous_list(self.app.desk(), self.conference_id)  # type: ignore[attr-defined]
        people = "person" if result.copied == 1 else "people"
        message = (
            f"Copied {result.copied} {people} from {result.source_reference} "
            f"({show(result.source_date)})"
        )
        if result.already:
            message += f"; {result.already} already on the list"
        self.app.call_from_thread(self._done, message)

    def action_invited(self) -> None:
        targets = self._targets()
        if targets and self.sheet is not None:
            self.app.push_screen(InvitedDialog(self.sheet, targets), self._saved_marks)

    def _saved_marks(self, message: object) -> None:
        if message:
            self._done(str(message))

    def action_queue_emails(self) -> None:
        chosen = [r.id for r in self.sheet.rows if r.id in self.marked] if self.sheet else []
        self._queue(chosen)

    @work(thread=True, exclusive=True, group="invites-change", exit_on_error=False)
    def _queue(self, chosen: list[str]) -> None:
        from siu_tui.services.invites import queue_invitations

        result = queue_invitations(self.app.desk(), self.conference_id, chosen or None)  # type: ignore[attr-defined]
        parts = [f"{result.queued} invitation e-mail(s) queued in the outbox"]
        if result.already:
            parts.append(f"{result.already} already waiting")
        if result.no_email:
            parts.append(
                "no e-mail address for " + ", ".join(result.no_email) + ": invite by post or phone"
            )
        self.app.call_from_thread(self._done, "; ".join(parts))

    def action_reply(self) -> None:
        row = self._current()
        targets = self._targets()
        if row is None or not targets:
            return
        self._reply(targets, REPLY_CYCLE.get(row.response, InviteResponse.ATTENDING.value))

    @work(thread=True, exclusive=True, group="invites-change", exit_on_error=False)
    def _reply(self, targets: list[str], response: str) -> None:
        from siu_tui.services.invites import set_response

        set_response(self.app.desk(), self.conference_id, targets, response)  # type: ignore[attr-defined]
        label = InviteResponse(response).label.lower()
        who = "1 person" if len(targets) == 1 else f"{len(targets)} people"
        self.app.call_from_thread(self._done, f"Reply recorded for {who}: {label}")

    def action_attended(self) -> None:
        targets = self._targets()
        if not targets or self.sheet is None:
            return
        rows = [r for r in self.sheet.rows if r.id in targets]
        self._attend(targets, not all(r.attended is True for r in rows))

    @work(thread=True, exclusive=True, group="invites-change", exit_on_error=False)
    def _attend(self, targets: list[str], attended: bool) -> None:
        from siu_tui.services.invites import set_attendance

        outlook = set_attendance(self.app.desk(), self.conference_id, targets, attended)  # type: ignore[attr-defined]
        message = outlook.summary
        if not outlook.quorate:
            message += ". If the chair decides, press z to record the decision."
        self.app.call_from_thread(self._done, message)

    def action_agency_report(self) -> None:
        row = self._current()
        if row is not None and self.sheet is not None:
            self.app.push_screen(AgencyReportDialog(self.sheet, row), self._saved)

    def action_sw_report(self) -> None:
        if self.sheet is not None:
            self.app.push_screen(SocialWorkerReportDialog(self.sheet), self._saved)

    def action_decision(self) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        if sheet.quoracy.expected:
            self.notify(
                "Take attendance first (t on each person who came): the chair decides once we "
                "know who is here.",
                markup=False,
            )
            return
        if sheet.quoracy.quorate:
            self.notify("The conference is quorate: there is no decision to record.", markup=False)
            return
        self.app.push_screen(DecisionDialog(sheet), self._decided)

    def _decided(self, result: object) -> None:
        if not result:
            return
        self._done(None)
        if result == InquorateDecision.STAND_DOWN.value:
            start_stand_down(self.screen, self.conference_id)
        else:
            self.notify("The chair's decision to proceed is recorded.", markup=False)


# --- Dialogs --------------------------------------------------------------------------------

_AGENCIES = [(a.label, a.value) for a in Agency]
_METHODS = [(m.label, m.value) for m in InviteMethod]
_REPLIES = [(r.label, r.value) for r in InviteResponse]
_FORMATS = [(f.label, f.value) for f in ReportFormat]
_ATTENDED = [("Not recorded", "unknown"), ("Yes", "yes"), ("No", "no")]


def _chosen(select: Select[Any]) -> str | None:
    value = select.selection
    return None if value is None else str(value)


def _date_of(widget: DateInput, field: str, *, required: str | None = None) -> date | None:
    """The date typed, None when empty (or FieldError with ``required``'s words)."""
    text = widget.value.strip()
    if not text:
        if required:
            raise FieldError(field, required)
        return None
    try:
        return widget.parse(text)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None


class InviteDialog(ChangeDialog):
    """A dialog about the invite list: ``record`` is the list (``InviteSheet``)."""

    DEFAULT_CSS = """
    InviteDialog > VerticalScroll#dialog { width: 100; }
    InviteDialog .pair { height: auto; }
    InviteDialog .pair > Vertical { width: 1fr; height: auto; margin-right: 2; }
    InviteDialog Checkbox { margin-top: 1; }
    InviteDialog .live { color: $text-muted; }
    """

    @property
    def sheet(self) -> InviteSheet:
        return self.record  # type: ignore[return-value]


class InviteeDialog(InviteDialog):
    """Add someone, or change everything recorded about them."""

    def __init__(self, sheet: InviteSheet, row: InviteeRow | None) -> None:
        super().__init__(sheet)  # type: ignore[arg-type]
        self.row = row
        self.TITLE_TEXT = (
            f"Change {row.name}" if row is not None else "Add someone to the invite list"
        )

    def fields(self) -> ComposeResult:
        row = self.row
        with Horizontal(classes="pair"):
            with Vertical():
                yield Label("Name")
                yield Input(row.name if row else "", id="name")
                yield self.error_label("name")
            with Vertical():
                yield Label("Role or job title")
                yield Input((row.role or "") if row else "", id="role")
                yield self.error_label("role")
        with Horizontal(classes="pair"):
            with Vertical():
                yield Label("Agency")
                yield Select(
                    choices(_AGENCIES),
                    prompt="Choose the agency",
                    id="agency",
                    value=row.agency if row else Select.NULL,
                )
                yield self.error_label("agency")
            with Vertical():
                yield Checkbox(
                    "Has had direct contact with the child",
                    value=row.direct_contact if row else True,
                    id="direct_contact",
                )
        with Horizontal(classes="pair"):
            with Vertical():
                yield Label("E-mail")
                yield Input((row.email or "") if row else "", id="email")
                yield self.error_label("email")
            with Vertical():
                yield Label("Telephone")
                yield Input((row.phone or "") if row else "", id="phone")
                yield self.error_label("phone")
        with Horizontal(classes="pair"):
            with Vertical():
                yield Label("Invited by")
                yield Select(
                    choices(_METHODS),
                    prompt="Not invited yet",
                    id="invited_via",
                    value=(row.invited_via or Select.NULL) if row else Select.NULL,
                )
                yield self.error_label("invited_via")
            with Vertical():
                yield Label("Invited on")
                yield DateInput(row.invited_at if row else None, id="invited_at")
                yield self.error_label("invited_at")
        with Horizontal(classes="pair"):
            with Vertical():
                yield Label("Reply")
                yield Select(
                    choices(_REPLIES),
                    allow_blank=False,
                    id="response",
                    value=row.response if row else InviteResponse.NOT_KNOWN.value,
                )
                yield self.error_label("response")
            with Vertical():
                yield Label("Attended (on the day)")
                attended = (
                    "unknown"
                    if row is None or row.attended is None
                    else ("yes" if row.attended else "no")
                )
                yield Select(choices(_ATTENDED), allow_blank=False, id="attended", value=attended)
                yield self.error_label("attended")
        with Horizontal(classes="pair"):
            with Vertical():
                yield Label("Agency report")
                yield Select(
                    choices(_FORMATS),
                    allow_blank=False,
                    id="report_format",
                    value=row.report_format if row else ReportFormat.NONE.value,
                )
                yield self.error_label("report_format")
            with Vertical():
                yield Label("Report received on")
                yield DateInput(row.report_received_at if row else None, id="report_received_at")
                yield self.error_label("report_received_at")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        from siu_tui.services.invites import InviteeInput

        attended = {"yes": True, "no": False}.get(
            _chosen(self.query_one("#attended", Select)) or ""
        )
        data = InviteeInput(
            name=self.query_one("#name", Input).value,
            agency=_chosen(self.query_one("#agency", Select)) or "",
            role=self.query_one("#role", Input).value,
            direct_contact=self.query_one("#direct_contact", Checkbox).value,
            email=self.query_one("#email", Input).value,
            phone=self.query_one("#phone", Input).value,
            invited_via=_chosen(self.query_one("#invited_via", Select)),
            invited_at=_date_of(self.query_one("#invited_at", DateInput), "invited_at"),
            response=_chosen(self.query_one("#response", Select)) or InviteResponse.NOT_KNOWN.value,
            attended=attended,
            report_format=_chosen(self.query_one("#report_format", Select)) or "none",
            report_received_at=_date_of(
                self.query_one("#report_received_at", DateInput), "report_received_at"
            ),
        )
        if not data.agency:
            raise FieldError("agency", "Choose the agency the person is from (or family)")
        return {"data": data}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.invites import add_invitee, update_invitee

        data = values["data"]
        if self.row is None:
            add_invitee(desk, self.sheet.conference_id, data)
            return f"{' '.join(data.name.split())} added to the invite list"
        update_invitee(desk, self.row.id, data)
        return f"{' '.join(data.name.split())} changed"


class InvitedDialog(InviteDialog):
    """How and when several invitations were sent, recorded at once."""

    def __init__(self, sheet: InviteSheet, targets: list[str]) -> None:
        super().__init__(sheet)  # type: ignore[arg-type]
        self.targets = targets
        n = len(targets)
        self.TITLE_TEXT = f"Record {n} invitation{'s' if n != 1 else ''} as sent"

    def fields(self) -> ComposeResult:
        names = [r.name for r in self.sheet.rows if r.id in self.targets]
        yield Label(plain(", ".join(names)), classes="hint")
        with Horizontal(classes="pair"):
            with Vertical():
                yield Label("Sent by")
                yield Select(choices(_METHODS), allow_blank=False, id="invited_via", value="email")
                yield self.error_label("invited_via")
            with Vertical():
                yield Label("Sent on")
                yield DateInput(clock.today(), id="invited_at")
                yield self.error_label("invited_at")
        yield self.error_label("invitees")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        return {
            "via": _chosen(self.query_one("#invited_via", Select)) or "",
            "on": _date_of(
                self.query_one("#invited_at", DateInput), "invited_at",
                required="Say when the invitations were sent",
            ),
        }  # fmt: skip

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.invites import mark_invited

        mark_invited(desk, self.sheet.conference_id, self.targets, values["via"], values["on"])
        how = InviteMethod(values["via"]).label.lower()
        n = len(self.targets)
        plural = "s" if n != 1 else ""
        return f"{n} invitation{plural} recorded as sent by {how} on {show(values['on'])}"


class AgencyReportDialog(InviteDialog):
    """An agency's report: its format and the day it arrived, classed as typed."""

    def __init__(self, sheet: InviteSheet, row: InviteeRow) -> None:
        super().__init__(sheet)  # type: ignore[arg-type]
        self.row = row
        self.TITLE_TEXT = f"Report from {row.name} ({row.agency_label})"

    def fields(self) -> ComposeResult:
        yield Label(
            plain(f"Agency reports are due by {show(self.sheet.agency_deadline)}."),
            classes="hint",
        )
        with Horizontal(classes="pair"):
            with Vertical():
                yield Label("Format")
                yield Select(
                    choices(_FORMATS),
                    allow_blank=False,
                    id="report_format",
                    value=self.row.report_format,
                )
                yield self.error_label("report_format")
            with Vertical():
                yield Label("Received on")
                yield DateInput(
                    self.row.report_received_at or clock.today(), id="report_received_at"
                )
                yield self.error_label("report_received_at")
        yield Static("", id="live", classes="live", markup=False)
        yield self.error_label("general")

    def on_mount(self) -> None:
        super().on_mount()
        self._classify()

    @on(Input.Changed, "#report_received_at")
    @on(Select.Changed, "#report_format")
    def _classify(self) -> None:
        received = self.query_one("#report_received_at", DateInput).date
        fmt = _chosen(self.query_one("#report_format", Select))
        if fmt == ReportFormat.NONE.value:
            received = None
        receipt = describe_receipt(
            received, self.sheet.agency_deadline, self.sheet.date, clock.today()
        )
        self.query_one("#live", Static).update(plain(receipt.text))

    def collect(self) -> dict[str, Any]:
        fmt = _chosen(self.query_one("#report_format", Select)) or "none"
        received = _date_of(self.query_one("#report_received_at", DateInput), "report_received_at")
        if fmt == ReportFormat.NONE.value:
            received = None  # "no report" clears the date
        return {"report_format": fmt, "received": received}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.invites import record_agency_report

        record_agency_report(desk, self.row.id, values["report_format"], values["received"])
        if values["received"] is None:
            return f"No report recorded from {self.row.name}"
        label = ReportFormat(values["report_format"]).label
        return f"{label} report from {self.row.name} received {show(values['received'])}"


class SocialWorkerReportDialog(InviteDialog):
    """When the social worker's report reached the parents and the chair, classed as typed."""

    TITLE_TEXT = "The social worker's report"

    def fields(self) -> ComposeResult:
        sheet = self.sheet
        who = sheet.social_worker or "the allocated social worker"
        yield Label(
            plain(f"From {who}. Leave a date empty while it has not arrived."), classes="hint"
        )
        for key, label, receipt in (
            ("to_parents", "parents", sheet.to_parents),
            ("to_chair", "chair", sheet.to_chair),
        ):
            yield Label(plain(f"Reached the {label} on (due by {show(receipt.deadline)})"))
            yield DateInput(receipt.received, id=key)
            yield Static("", id=f"live-{key}", classes="live", markup=False)
            yield self.error_label(key)
        yield self.error_label("general")

    def on_mount(self) -> None:
        super().on_mount()
        self._classify()

    @on(Input.Changed)
    def _classify(self) -> None:
        sheet = self.sheet
        for key, receipt in (("to_parents", sheet.to_parents), ("to_chair", sheet.to_chair)):
            typed = self.query_one(f"#{key}", DateInput).date
            live = describe_receipt(typed, receipt.deadline, sheet.date, clock.today())
            self.query_one(f"#live-{key}", Static).update(plain(live.text))

    def collect(self) -> dict[str, Any]:
        return {
            "to_parents": _date_of(self.query_one("#to_parents", DateInput), "to_parents"),
            "to_chair": _date_of(self.query_one("#to_chair", DateInput), "to_chair"),
        }

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.invites import record_sw_report

        record_sw_report(desk, self.sheet.conference_id, values["to_parents"], values["to_chair"])
        return "Social worker's report recorded"


class DecisionDialog(InviteDialog):
    """The chair's decision about a conference that is not quorate on the day."""

    TITLE_TEXT = "Not quorate: the chair's decision"

    def fields(self) -> ComposeResult:
        yield Label(plain(self.sheet.quoracy.summary), classes="hint")
        yield Label("The chair decided to")
        yield Select(
            choices([(d.label, d.value) for d in InquorateDecision]),
            prompt="Choose the decision",
            id="decision",
            value=self.sheet.decision or Select.NULL,
        )
        yield self.error_label("decision")
        yield Label("Reason (needed to proceed)")
        yield Input(self.sheet.decision_note or "", id="note")
        yield self.error_label("note")
        yield Label(
            "Standing down then asks for the stand-down itself (reason: not quorate).",
            classes="hint",
        )
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        decision = _chosen(self.query_one("#decision", Select))
        if decision is None:
            raise FieldError("decision", "Choose the chair's decision")
        return {"decision": decision, "note": self.query_one("#note", Input).value}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.invites import record_inquorate_decision

        return record_inquorate_decision(
            desk, self.sheet.conference_id, values["decision"], values["note"]
        )


class ConfirmRemove(SIUModal[bool]):
    """Taking someone off the list is confirmed, since their replies and report go too."""

    DEFAULT_CSS = """
    ConfirmRemove { align: center middle; }
    ConfirmRemove > Vertical {
        width: 64; height: auto; border: thick $error; background: $surface; padding: 1 2;
    }
    ConfirmRemove .buttons { height: auto; margin-top: 1; }
    ConfirmRemove Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "keep", "Keep", tooltip="Leave them on the list", id="remove-keep"),
        Binding("y", "remove", "Remove", tooltip="Take them off the list", id="remove-yes"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.person = name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                plain(f"Take {self.person} off the invite list? Their reply, attendance and "
                      "report are removed with them."),
            )  # fmt: skip
            with Horizontal(classes="buttons"):
                yield Button("Remove (y)", variant="error", id="yes")
                yield Button("Keep (Esc)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_remove(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_keep(self) -> None:
        self.dismiss(False)
