"""The conference record's Challenges tab: the family's challenges, newest first.

Logging one from here fills in the family and this conference (and its chair as the IRO);
Enter opens a challenge with its escalation history, where it is escalated or resolved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from siu_tui.screens.challenges.screen import due_cell, open_challenge, status_cell
from siu_tui.widgets.text import cell, plain

if TYPE_CHECKING:
    from siu_tui.services.challenges import ChallengeRow
    from siu_tui.services.record import ConferenceRecord

COLUMNS = (
    ("Raised", 10),
    ("Level", 26),
    ("Category", 14),
    ("Challenged", 16),
    ("Conference", 10),
    ("Due", 10),
    ("Status", 12),
)


class RecordChallenges(Vertical):
    """The tab's content; the record screen hands it the record each time it loads."""

    DEFAULT_CSS = """
    RecordChallenges { height: 1fr; }
    RecordChallenges > #record-challenges-hint { color: $text-muted; padding: 0 1; }
    RecordChallenges > DataTable { height: 1fr; }
    RecordChallenges > #record-challenges-empty { color: $text-muted; padding: 1 2; }
    """

    def __init__(self, on_change: Callable[[], None] | None = None, **kwargs: str) -> None:
        super().__init__(**kwargs)
        self.record: ConferenceRecord | None = None
        self.on_change = on_change
        """Reloads the whole record after a change here, so its History tab shows it too."""

    def compose(self) -> ComposeResult:
        yield Static("", id="record-challenges-hint", markup=False)
        yield DataTable(id="record-challenges", cursor_type="row", zebra_stripes=True)
        yield Static(
            "No challenges for this family yet. Press l to log one about this conference.",
            id="record-challenges-empty",
            markup=False,
        )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading, width in COLUMNS:
            table.add_column(heading, width=width)
        self.query_one("#record-challenges-empty").display = False

    def show_for(self, record: ConferenceRecord) -> None:
        """Called by the record screen whenever it (re)loads the conference."""
        self.record = record
        self.load(record.family_id)

    def reload(self, _result: object = None) -> None:
        if self.on_change is not None:
            self.on_change()  # comes back through show_for
        elif self.record is not None:
            self.load(self.record.family_id)

    def log(self) -> None:
        """Open the log form with this family, this conference and its chair filled in."""
        if self.record is None:
            return
        from siu_tui.screens.challenges.forms import LogChallengeDialog

        record = self.record
        self.app.push_screen(
            LogChallengeDialog(record.family_id, record.id, record.chair_id), self._logged
        )

    def _logged(self, challenge_id: str | None) -> None:
        if challenge_id:
            self.reload()

    @work(thread=True, exclusive=True, group="record-challenges", exit_on_error=False)
    def load(self, family_id: str) -> None:
        from siu_tui.services.challenges import family_challenges

        rows = family_challenges(self.app.desk(), family_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show_rows, rows)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)  # type: ignore[attr-defined]

    def show_rows(self, rows: list[ChallengeRow]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        here = self.record.id if self.record else None
        for row in rows:
            table.add_row(
                cell(row.raised_on),
                cell(row.level_label),
                cell(row.category_short),
                cell(row.person_challenged or "—"),
                cell("this one" if row.conference_id == here else row.conference_date or "—"),
                due_cell(row, "%d/%m/%Y"),
                status_cell(row),
                key=row.id,
            )
        opened = sum(1 for r in rows if r.is_open)
        overdue = sum(1 for r in rows if r.overdue)
        hint = self.query_one("#record-challenges-hint", Static)
        hint.update(
            plain(
                f"The family's challenges: {len(rows)} · {opened} open · {overdue} overdue · "
                "Enter opens one to escalate or resolve · i logs one"
            )
        )
        hint.display = bool(rows)
        table.display = bool(rows)
        self.query_one("#record-challenges-empty").display = not rows

    @on(DataTable.RowSelected, "#record-challenges")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            open_challenge(self, event.row_key.value, self.reload)
