"""The outbox: every e-mail SIU Desk has queued, whether it has gone, and why not.

Messages to send (queued, being sent, failed) come first; m sends the queued ones in the
background with a progress bar, and a failure leaves them queued with the reason. Enter
shows a message as it will be sent (o there opens its conference); q queues again one that
failed, was not needed or was interrupted while sending. Pages come from the database,
newest first.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    ProgressBar,
    Static,
    Tab,
    Tabs,
)

from siu_tui.screens.base import SIUModal, SIUScreen
from siu_tui.widgets.text import cell, cell_right, plain, show

if TYPE_CHECKING:
    from siu_tui.services.outbox import OutboxCounts, OutboxDetail, OutboxRow, SendResult

PAGE = 100
VIEWS: tuple[tuple[str, str], ...] = (
    ("waiting", "To send"),
    ("sent", "Sent"),
    ("stopped", "Not needed"),
    ("all", "All"),
)
COLUMNS = (
    # (heading, width): they fit a 120-column terminal.
    ("Queued", 16),
    ("Kind", 9),
    ("To", 22),
    ("Subject", 26),
    ("State", 14),
    ("Try", 3),
    ("Sent / why not", 15),
)
STATE_STYLES = {"failed": "bold red", "sending": "yellow", "sent": "green", "stopped": "dim"}


def state_cell(row: OutboxRow):  # type: ignore[no-untyped-def]
    style = "bold red" if row.interrupted else STATE_STYLES.get(row.state, "")
    if row.state == "queued" and row.last_error:
        style = "yellow"
    return cell(row.state_label, style)


def note(row: OutboxRow) -> str:
    if row.sent_at is not None:
        return show(row.sent_at)
    if not row.to_address:
        return "no address yet"
    return row.last_error or ""


class OutboxScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("outbox.tcss")
    TITLE = "SIU Desk · Outbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "send",
            "Send now",
            tooltip="Send every queued message through the mail server",
            id="outbox-send",
        ),
        Binding(
            "enter",
            "view",
            "View",
            tooltip="Show the highlighted message as it will be sent",
            id="outbox-view",
        ),
        Binding(
            "q",
            "requeue",
            "Queue again",
            tooltip="Queue again a message that failed, was not needed or was interrupted",
            id="outbox-requeue",
        ),
        Binding(
            "t",
            "next_view",
            "Next list",
            tooltip="To send, sent, not needed, all",
            id="outbox-next",
        ),
        Binding("r", "reload", "Refresh", tooltip="Read the latest", id="outbox-refresh"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "waiting"
        self._rows: dict[str, OutboxRow] = {}
        self._last: tuple[datetime, str] | None = None
        self._more = False
        self._loading = False
        self._generation = 0
        self.sending = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="outbox-summary", markup=False)
        with Horizontal(id="send-bar"):
            yield ProgressBar(id="send-progress", show_eta=False)
            yield Static("", id="send-status", markup=False)
        tabs = Tabs(
            *[Tab(plain(label), id=f"view-{view}") for view, label in VIEWS], id="outbox-views"
        )
        # The lists are switched with t (or the number keys, or the mouse): the table keeps
        # the focus, so the keys always act on the highlighted row.
        tabs.can_focus = False
        yield tabs
        yield DataTable(id="messages", cursor_type="row", zebra_stripes=True)
        yield Static("", id="messages-empty", classes="empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading, width in COLUMNS:
            table.add_column(heading, width=width)
        self.query_one("#messages-empty").display = False
        self.query_one("#send-bar").display = False
        table.focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        if self._generation and not self.sending:
            self.action_reload()

    # -- lists -------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._generation += 1
        self._last, self._more = None, False
        self.query_one(DataTable).loading = True
        self.fetch(self.view, None, self._generation)
        self.load_summary()

    def action_next_view(self) -> None:
        views = [v for v, _ in VIEWS]
        self.query_one(Tabs).active = f"view-{views[(views.index(self.view) + 1) % len(views)]}"

    @on(Tabs.TabActivated)
    def _view_chosen(self, event: Tabs.TabActivated) -> None:
        view = (event.tab.id or "").removeprefix("view-")
        if view and view != self.view:
            self.view = view
            self.query_one(DataTable).focus()
            self.action_reload()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def highlighted(self) -> OutboxRow | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._rows.get(key or "")

    @work(thread=True, exclusive=True, group="outbox-summary", exit_on_error=False)
    def load_summary(self) -> None:
        from siu_tui.services.outbox import not_configured_message, outbox_counts, smtp_config

        desk = self.app.desk()  # type: ignore[attr-defined]
        counts = outbox_counts(desk)
        try:
            config = smtp_config(desk)
            server = f"Mail server: {config.describe()}" if config else not_configured_message()
        except Exception as exc:  # a bad port in the environment: say so, keep the list
            server = str(exc)
        self.app.call_from_thread(self.show_summary, counts, server)

    def show_summary(self, counts: OutboxCounts, server: str) -> None:
        lines = [f"{counts.summary()} · Enter shows a message", server]
        if counts.interrupted:
            lines.append(
                f"{counts.interrupted} interrupted while sending: they may have gone. Check with "
                "the recipient, then q queues one again."
            )
        self.query_one("#outbox-summary", Static).update(plain("\n".join(lines)))

    @work(thread=True, exclusive=True, group="outbox-list", exit_on_error=False)
    def fetch(self, view: str, before: tuple[datetime, str] | None, generation: int) -> None:
        from siu_tui.services.outbox import outbox_page

        self._loading = True
        try:
            rows = outbox_page(self.app.desk(), view, before=before, limit=PAGE)  # type: ignore[attr-defined]
        finally:
            self._loading = False
            self.app.call_from_thread(setattr, self.query_one(DataTable), "loading", False)
        if generation == self._generation:
            self.app.call_from_thread(self.add_rows, rows, before is None)

    @on(DataTable.RowHighlighted)
    def _maybe_fetch_more(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if self._more and not self._loading and event.cursor_row >= table.row_count - 20:
            self.fetch(self.view, self._last, self._generation)

    def add_rows(self, rows: list[OutboxRow], fresh: bool) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row if fresh else None
        if fresh:
            table.clear()
            self._rows = {}
        for row in rows:
            self._rows[row.id] = row
            table.add_row(
                cell(row.created_at),
                cell(row.kind),
                cell(row.to_address or "(no address yet)", "" if row.to_address else "yellow"),
                cell(row.subject),
                state_cell(row),
                cell_right(row.attempts),
                cell(note(row), "red" if row.last_error and row.state != "sent" else ""),
                key=row.id,
            )
        self._more = len(rows) == PAGE
        if rows:
            self._last = (rows[-1].created_at, rows[-1].id)
        if keep and table.row_count:  # after a change, stay where the clerk was
            table.move_cursor(row=min(keep, table.row_count - 1))
        empty = table.row_count == 0
        table.display = not empty
        if not empty and self.focused is None:
            table.focus()
        message = self.query_one("#messages-empty", Static)
        message.update(
            plain(
                "Nothing waits to be sent. Referrals to the advocacy service and invitations "
                "are queued here as they are made."
                if self.view == "waiting"
                else "No messages here yet."
            )
        )
        message.display = empty

    # -- sending -----------------------------------------------------------------------------

    def action_send(self) -> None:
        if self.sending:
            self.notify("Already sending…", markup=False)
            return
        self.sending = True
        bar = self.query_one("#send-progress", ProgressBar)
        bar.update(total=None, progress=0)
        self.query_one("#send-status", Static).update(plain("Connecting to the mail server…"))
        self.query_one("#send-bar").display = True
        self.send()

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#send-progress", ProgressBar).update(total=total, progress=done)
        self.query_one("#send-status", Static).update(plain(f"Sent {done} of {total}"))

    @work(thread=True, exclusive=True, group="outbox-send", exit_on_error=False)
    def send(self) -> None:
        from siu_tui.services.errors import ServiceError
        from siu_tui.services.outbox import send_queued

        try:
            result = send_queued(
                self.app.desk(),  # type: ignore[attr-defined]
                progress=lambda done, total: self.app.call_from_thread(self._progress, done, total),
            )
        except ServiceError as exc:
            self.app.call_from_thread(self._sent, None, str(exc))
            return
        except Exception:
            self.app.call_from_thread(self._sent, None, None)
            raise
        self.app.call_from_thread(self._sent, result, None)

    def _sent(self, result: SendResult | None, problem: str | None) -> None:
        self.sending = False
        self.query_one("#send-bar").display = False
        if problem:
            self.notify(
                show(problem, lines=True),
                title="Not sent",
                severity="warning",
                timeout=12,
                markup=False,
            )
        elif result is not None:
            self.notify(
                show("\n".join(result.lines()), lines=True),
                title="Outbox",
                severity="information" if result.ok else "warning",
                timeout=12,
                markup=False,
            )
        self.action_reload()

    # -- one message -------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_view()

    def action_view(self) -> None:
        row = self.highlighted()
        if row is not None:
            self.load_message(row.id)

    @work(thread=True, exclusive=True, group="outbox-message", exit_on_error=False)
    def load_message(self, message_id: str) -> None:
        from siu_tui.services.outbox import outbox_message

        detail = outbox_message(self.app.desk(), message_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show_message, detail)

    def _show_message(self, detail: OutboxDetail) -> None:
        self.app.push_screen(MessageScreen(detail), self._after_message)

    def _after_message(self, action: str | None) -> None:
        if action == "requeue":
            self.action_requeue()

    def action_requeue(self) -> None:
        row = self.highlighted()
        if row is None:
            return
        if not row.can_requeue:
            self.notify(
                show(
                    f"This message is {row.state_label.lower()}: only a failed, interrupted or "
                    "not-needed one can be queued again.",
                    lines=True,
                ),
                markup=False,
            )
            return
        self.requeue(row.id)

    @work(thread=True, exclusive=True, group="outbox-requeue", exit_on_error=False)
    def requeue(self, message_id: str) -> None:
        from siu_tui.services.outbox import requeue

        requeue(self.app.desk(), message_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.notify, "Queued again: m sends it.", markup=False)
        self.app.call_from_thread(self.action_reload)


class MessageScreen(SIUModal[str | None]):
    """One message as it will be sent: headers, state, the last error and the body."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the outbox", id="message-close"),
        Binding(
            "q",
            "requeue",
            "Queue again",
            tooltip="Queue this message again (failed, not needed or interrupted)",
            id="message-requeue",
        ),
        Binding(
            "o",
            "open_conference",
            "Conference",
            tooltip="Open the conference this message is about",
            id="message-conference",
        ),
    ]

    def __init__(self, detail: OutboxDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        row = self.detail.row
        head = [
            f"To:       {row.to_address or '(no address yet: set it in Settings)'}",
            f"Subject:  {row.subject}",
            f"Kind:     {row.kind} · queued {show(row.created_at)}",
            f"State:    {row.state_label} · {row.attempts} attempt(s)"
            + (f" · sent {show(row.sent_at)}" if row.sent_at else ""),
        ]
        if row.last_error:
            head.append(f"Last error: {row.last_error}")
        with VerticalScroll(id="message-dialog"):
            yield Static(plain("\n".join(head)), id="message-head")
            yield Static(plain(self.detail.body), id="message-body")
            with Horizontal(id="message-buttons"):
                yield Button("Close", id="close", variant="primary")
                if row.can_requeue:
                    yield Button("Queue again", id="requeue")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#requeue")
    def action_requeue(self) -> None:
        if self.detail.row.can_requeue:
            self.dismiss("requeue")

    def action_open_conference(self) -> None:
        conference_id = self.detail.conference_id
        if conference_id is None:
            self.notify("This message is not about a conference.", markup=False)
            return
        self.dismiss(None)
        self.app.open_conference(conference_id)  # type: ignore[attr-defined]
