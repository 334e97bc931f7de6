"""One challenge and its escalation history: every level from the first raised to the latest.

The latest level is the only one that can still be open, so escalating and resolving always
act on it, whichever level the IRO is reading. Enter on a row of the history shows that level.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from siu_tui.domain.dates import format_date
from siu_tui.screens.base import SIUScreen
from siu_tui.screens.challenges.screen import due_cell, status_cell
from siu_tui.widgets.text import cell, plain, show

if TYPE_CHECKING:
    from siu_tui.services.challenges import ChallengeDetail, ChallengeRow

CHAIN_COLUMNS = (
    ("Level", 30),
    ("Raised", 10),
    ("By", 14),
    ("Challenged", 16),
    ("Due", 10),
    ("Closed", 10),
    ("Status", 12),
)


def describe(row: ChallengeRow) -> list[str]:
    """The lines a reader needs about one level, in the order they ask about it."""
    about = (
        f"about the conference {row.conference_reference} on {format_date(row.conference_date)}"
        if row.conference_reference
        else "not about one conference"
    )
    challenged = row.person_challenged or "nobody named"
    lines = [
        f"Category: {row.category_label}",
        f"Raised {row.raised_on:%A} {format_date(row.raised_on)} by {row.raised_by} · {about}",
        f"Challenged: {challenged}" + (f" ({row.team})" if row.team else ""),
    ]
    if row.is_open:
        lines.append(f"Response due {row.response_due:%A} {format_date(row.response_due)}")
    else:
        lines.append(
            f"Response was due {format_date(row.response_due)} · closed "
            f"{format_date(row.resolved_on)}: {row.outcome or ''}"
        )
    return lines


def standing(row: ChallengeRow) -> str:
    """The state in words: an overdue response says OVERDUE, not only in red."""
    if row.is_open and row.overdue:
        return f"Open · response OVERDUE by {row.overdue_days} working day" + (
            "s" if row.overdue_days != 1 else ""
        )
    if row.is_open:
        return f"Open · response {row.response}"
    if row.state == "escalated":
        return f"Escalated on {format_date(row.resolved_on)}: the next level is in the history"
    return f"Resolved on {format_date(row.resolved_on)}"


class ChallengeScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("detail.tcss")
    TITLE = "SIU Desk · Challenge"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", tooltip="Back to where you came from", id="ch-back"),
        Binding(
            "e",
            "escalate",
            "Escalate",
            tooltip="Close this level as escalated and raise the next",
            id="ch-escalate",
        ),
        Binding(
            "v",
            "resolve",
            "Resolve",
            tooltip="Close the challenge with its outcome and date",
            id="ch-resolve",
        ),
        Binding("r", "reload", "Refresh", tooltip="Read the latest from the database", id="ch-ref"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, challenge_id: str) -> None:
        super().__init__()
        self.challenge_id = challenge_id
        self.detail: ChallengeDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="ch-detail"):
            yield Static("", id="ch-title", markup=False)
            yield Static("", id="ch-standing", markup=False)
            yield Static("", id="ch-info", markup=False)
            yield Static("What was challenged", classes="section-title", markup=False)
            yield Static("", id="ch-description", markup=False)
        yield Static("", id="ch-history-title", classes="section-title", markup=False)
        yield DataTable(id="ch-chain", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#ch-chain", DataTable)
        for heading, width in CHAIN_COLUMNS:
            table.add_column(heading, width=width)
        table.focus()
        self.query_one("#ch-detail").loading = True
        self.load()

    def action_close(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def action_cursor_down(self) -> None:
        self.query_one("#ch-chain", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#ch-chain", DataTable).action_cursor_up()

    @work(thread=True, exclusive=True, group="challenge", exit_on_error=False)
    def load(self) -> None:
        from siu_tui.services.challenges import challenge_detail

        try:
            detail = challenge_detail(self.app.desk(), self.challenge_id)  # type: ignore[attr-defined]
        finally:
            self.app.call_from_thread(setattr, self.query_one("#ch-detail"), "loading", False)
        self.app.call_from_thread(self.show_detail, detail)

    def show_detail(self, detail: ChallengeDetail) -> None:
        self.detail = detail
        table = self.query_one("#ch-chain", DataTable)
        table.clear()
        for n, row in enumerate(detail.chain, start=1):
            mark = "▶ " if row.id == self.challenge_id else "  "
            table.add_row(
                cell(f"{mark}{n}. {row.level_label}", "bold" if mark.strip() else ""),
                cell(format_date(row.raised_on)),
                cell(row.raised_by),
                cell(row.person_challenged or "—"),
                due_cell(row, "%d/%m/%Y"),
                cell(format_date(row.resolved_on)),
                status_cell(row),
                key=row.id,
            )
        table.move_cursor(row=table.get_row_index(self.challenge_id))
        levels = len(detail.chain)
        self.query_one("#ch-history-title", Static).update(
            plain(
                f"Escalation history · {levels} level{'s' if levels != 1 else ''}, first raised "
                "to latest · Enter shows a level"
            )
        )
        shown = next((r for r in detail.chain if r.id == self.challenge_id), detail.challenge)
        self.show_level(shown)

    def show_level(self, row: ChallengeRow) -> None:
        self.sub_title = show(f"{row.family_name} ({row.family_reference})")
        self.query_one("#ch-title", Static).update(
            plain(f"{row.level_label} · {row.family_name} ({row.family_reference})")
        )
        standing_line = self.query_one("#ch-standing", Static)
        standing_line.update(plain(standing(row)))
        standing_line.set_class(row.overdue, "-overdue")
        standing_line.set_class(not row.is_open, "-closed")
        self.query_one("#ch-info", Static).update(plain("\n".join(describe(row))))
        self.query_one("#ch-description", Static).update(plain(row.description))

    @on(DataTable.RowSelected, "#ch-chain")
    def _level_chosen(self, event: DataTable.RowSelected) -> None:
        if self.detail is None or not event.row_key.value:
            return
        self.challenge_id = event.row_key.value
        self.show_detail(self.detail)

    # -- escalating and resolving ------------------------------------------------------------

    def _open_level(self, doing: str) -> ChallengeRow | None:
        """The level still open, if any; otherwise say why nothing can be done."""
        if self.detail is None:
            return None
        latest = self.detail.latest
        if not latest.is_open:
            self.notify(
                show(
                    f"This challenge is {latest.state_label.lower()}: there is nothing left to "
                    f"{doing}.",
                    lines=True,
                ),
                severity="warning",
                markup=False,
            )
            return None
        return latest

    def action_escalate(self) -> None:
        row = self._open_level("escalate")
        if row is None:
            return
        if row.next_level is None:
            self.notify(
                show(
                    f"{row.level_label} is the last level: resolve it (v) with the outcome.",
                    lines=True,
                ),
                severity="warning",
                markup=False,
            )
            return
        from siu_tui.screens.challenges.forms import EscalateDialog

        self.app.push_screen(EscalateDialog(row), self._changed)

    def action_resolve(self) -> None:
        row = self._open_level("resolve")
        if row is None:
            return
        from siu_tui.screens.challenges.forms import ResolveDialog

        self.app.push_screen(ResolveDialog(row), self._changed)

    def _changed(self, challenge_id: str | None) -> None:
        if challenge_id:
            self.challenge_id = challenge_id
            self.load()
