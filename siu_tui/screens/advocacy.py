"""Advocacy: every child referred to the advocacy service, list by list, and the figures.

One list per state (pending, contacted, accepted, declined, no response, withdrawn), paged
from the database; the work still to do reads oldest conference first. Enter records where
the highlighted referral stands; n refers another child at the same conference by hand.
The figures for a period sit above the list, from the same function the reports use.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static, Tab, Tabs

from siu_tui.clock import today
from siu_tui.screens.base import SIUScreen
from siu_tui.widgets.text import cell, cell_right, plain, show

if TYPE_CHECKING:
    from siu_tui.domain.advocacy import AdvocacyFigures
    from siu_tui.domain.periods import Period
    from siu_tui.services.advocacy import ReferableChild, ReferralRow

PAGE = 100
VIEWS: tuple[tuple[str, str], ...] = (
    ("pending", "Pending"),
    ("contacted", "Contacted"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("no_response", "No response"),
    ("withdrawn", "Withdrawn"),
)
EMPTY: dict[str, str] = {
    "pending": "No referrals are waiting. Children aged 10 or over are referred when their "
    "conference is booked; n on a referral (or on a conference's Advocacy tab) refers a "
    "younger child by hand.",
    "withdrawn": "No referral has been withdrawn (cancelling a conference or taking a child "
    "off one withdraws theirs).",
}
COLUMNS = (
    # (heading, width): they fit a 120-column terminal.
    ("Child", 21),
    ("Age", 4),
    ("Conference", 10),
    ("Days", 5),
    ("Type", 11),
    ("Family", 12),
    ("How", 9),
    ("State", 11),
    ("E-mail", 6),
    ("Supp.", 5),
)
PERIODS = ("quarter", "last quarter", "year", "last year")


def period_for(choice: str, day: date) -> Period:
    """This or last quarter or council year (April to March) around ``day``."""
    from siu_tui.domain.periods import financial_year, financial_year_of, quarter

    year = financial_year_of(day)
    if choice in ("year", "last year"):
        return financial_year(year - (choice == "last year"))
    q = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3}.get(day.month, 4)
    if choice == "last quarter":
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    return quarter(year, q)


def figures_text(period: Period, figures: AdvocacyFigures) -> str:
    f = figures
    return (
        f"{period.label} ({show(period.start)} to {show(period.end)}) · p changes the period"
        " · Enter records an answer\n"
        f"Referrals {f.referrals} ({f.automatic} automatic, {f.by_hand} by hand) · "
        f"pending {f.pending} · contacted {f.contacted} · accepted {f.accepted} · "
        f"declined {f.declined} · no response {f.no_response}\n"
        f"Supported at conference {f.supported} · children supported {f.children_supported}"
        f" · younger children supported {f.younger_children_supported}"
    )


def days_cell(days: int) -> Text:
    if days == 0:
        return cell_right("today", "bold")
    return cell_right(days, "dim" if days < 0 else ("yellow" if days <= 5 else ""))


class AdvocacyScreen(SIUScreen):
    CSS_PATH = Path(__file__).with_name("advocacy.tcss")
    TITLE = "SIU Desk · Advocacy"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "u",
            "update",
            "Update",
            tooltip="Record contact, the child's answer, and support at the conference",
            id="advocacy-update",
        ),
        Binding(
            "n",
            "refer",
            "Refer by hand",
            tooltip="Refer another child at the highlighted referral's conference, with a reason",
            id="advocacy-refer",
        ),
        Binding(
            "t",
            "next_view",
            "Next list",
            tooltip="Pending, contacted, accepted, declined, no response, withdrawn (or 1–6)",
            id="advocacy-next",
        ),
        Binding(
            "p",
            "next_period",
            "Period",
            tooltip="Figures for this or last quarter or year",
            id="advocacy-period",
        ),
        Binding(
            "o",
            "open_conference",
            "Conference",
            tooltip="Open the highlighted referral's conference",
            id="advocacy-open",
        ),
        Binding("r", "reload", "Refresh", tooltip="Read the latest", id="advocacy-refresh"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        *[
            Binding(
                str(n),
                f"view('{view}')",
                label,
                show=False,
                tooltip=f"Show the {label.lower()} referrals",
                id=f"advocacy-view-{view}",
            )
            for n, (view, label) in enumerate(VIEWS, start=1)
        ],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "pending"
        self.period = PERIODS[0]
        self._rows: dict[str, ReferralRow] = {}
        self._last: tuple[date, str] | None = None
        self._more = False
        self._loading = False
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="advocacy-figures", markup=False)
        tabs = Tabs(
            *[Tab(plain(label), id=f"view-{view}") for view, label in VIEWS], id="advocacy-views"
        )
        # The lists are switched with t (or the number keys, or the mouse): the table keeps
        # the focus, so the keys always act on the highlighted row.
        tabs.can_focus = False
        yield tabs
        yield DataTable(id="referrals", cursor_type="row", zebra_stripes=True)
        yield Static("", id="referrals-empty", classes="empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading, width in COLUMNS:
            table.add_column(heading, width=width)
        self.query_one("#referrals-empty").display = False
        table.focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        if self._generation:
            self.action_reload()

    # -- actions -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._generation += 1
        self._last, self._more = None, False
        self.query_one(DataTable).loading = True
        self.fetch(self.view, None, self._generation)
        self.load_summary(self.period)

    def action_view(self, view: str) -> None:
        self.query_one(Tabs).active = f"view-{view}"

    def action_next_view(self) -> None:
        views = [v for v, _ in VIEWS]
        self.action_view(views[(views.index(self.view) + 1) % len(views)])

    @on(Tabs.TabActivated)
    def _view_chosen(self, event: Tabs.TabActivated) -> None:
        view = (event.tab.id or "").removeprefix("view-")
        if view and view != self.view:
            self.view = view
            self.query_one(DataTable).focus()
            self.action_reload()

    def action_next_period(self) -> None:
        self.period = PERIODS[(PERIODS.index(self.period) + 1) % len(PERIODS)]
        self.load_summary(self.period)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def highlighted(self) -> ReferralRow | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._rows.get(key or "")

    @on(DataTable.RowSelected)
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_update()

    def action_update(self) -> None:
        from siu_tui.screens.advocacy_dialogs import UpdateReferralDialog

        row = self.highlighted()
        if row is None:
            return
        if row.withdrawn_at is not None:
            self.notify("This referral was withdrawn; it can no longer be changed.", markup=False)
            return
        self.app.push_screen(UpdateReferralDialog(row), self._changed)

    def action_refer(self) -> None:
        row = self.highlighted()
        if row is None:
            self.notify(
                "Highlight a referral first, or refer from the conference's Advocacy tab.",
                markup=False,
            )
            return
        if row.conference_status != "Booked":
            self.notify(
                show(
                    f"{row.conference_reference} is {row.conference_status.lower()}: only a booked "
                    "conference takes new referrals.",
                    lines=True,
                ),
                markup=False,
            )
            return
        self.load_referable(row)

    def action_open_conference(self) -> None:
        row = self.highlighted()
        if row is not None:
            self.app.open_conference(row.conference_id)  # type: ignore[attr-defined]

    def _changed(self, message: object) -> None:
        if message:
            self.notify(show(str(message), lines=True), markup=False)
            self.action_reload()

    # -- loading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="advocacy-referable", exit_on_error=False)
    def load_referable(self, row: ReferralRow) -> None:
        from siu_tui.services.advocacy import referable_children

        children = referable_children(self.app.desk(), row.conference_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._refer, row, children)

    def _refer(self, row: ReferralRow, children: list[ReferableChild]) -> None:
        from siu_tui.screens.advocacy_dialogs import ReferByHandDialog

        if not children:
            self.notify(
                show(
                    f"Every child at {row.conference_reference} who can be referred already is.",
                    lines=True,
                ),
                markup=False,
            )
            return
        about = f"{row.family_name} · {row.conference_type} conference {show(row.conference_date)}"
        self.app.push_screen(ReferByHandDialog(row.conference_id, children, about), self._changed)

    @work(thread=True, exclusive=True, group="advocacy-summary", exit_on_error=False)
    def load_summary(self, choice: str) -> None:
        from siu_tui.services.advocacy import advocacy_figures, referral_counts

        desk = self.app.desk()  # type: ignore[attr-defined]
        period = period_for(choice, today())
        figures = advocacy_figures(desk, period.start, period.end)
        counts = referral_counts(desk)
        self.app.call_from_thread(self.show_summary, period, figures, counts)

    def show_summary(
        self, period: Period, figures: AdvocacyFigures, counts: dict[str, int]
    ) -> None:
        self.query_one("#advocacy-figures", Static).update(plain(figures_text(period, figures)))
        tabs = self.query_one(Tabs)
        for view, label in VIEWS:
            tab = tabs.query_one(f"#view-{view}", Tab)
            tab.label = plain(f"{label} {counts.get(view, 0):,}")

    @work(thread=True, exclusive=True, group="advocacy-list", exit_on_error=False)
    def fetch(self, view: str, after: tuple[date, str] | None, generation: int) -> None:
        from siu_tui.services.advocacy import referral_page

        self._loading = True
        try:
            rows = referral_page(self.app.desk(), view, after=after, limit=PAGE)  # type: ignore[attr-defined]
        finally:
            self._loading = False
            self.app.call_from_thread(setattr, self.query_one(DataTable), "loading", False)
        if generation == self._generation:
            self.app.call_from_thread(self.add_rows, rows, after is None)

    @on(DataTable.RowHighlighted)
    def _maybe_fetch_more(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if self._more and not self._loading and event.cursor_row >= table.row_count - 20:
            self.fetch(self.view, self._last, self._generation)

    def add_rows(self, rows: list[ReferralRow], fresh: bool) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row if fresh else None
        if fresh:
            table.clear()
            self._rows = {}
        for row in rows:
            self._rows[row.id] = row
            table.add_row(*referral_cells(row), key=row.id)
        self._more = len(rows) == PAGE
        if rows:
            self._last = (rows[-1].conference_date, rows[-1].id)
        if keep and table.row_count:  # after a change, stay where the clerk was
            table.move_cursor(row=min(keep, table.row_count - 1))
        empty = table.row_count == 0
        table.display = not empty
        if not empty and self.focused is None:
            table.focus()
        message = self.query_one("#referrals-empty", Static)
        label = dict(VIEWS)[self.view].lower()
        message.update(plain(EMPTY.get(self.view, f"No referral is {label} at the moment.")))
        message.display = empty


MAIL_LABELS = {
    "queued": "queued",
    "sending": "sending",
    "sent": "sent",
    "failed": "failed",
    "stopped": "—",
}


def referral_cells(row: ReferralRow) -> list[Any]:
    """One referral as a table row (shared with the conference's Advocacy tab)."""
    supported = "" if row.supported is None else ("yes" if row.supported else "no")
    mail_style = "bold red" if row.mail_state == "failed" else ""
    return [
        cell(row.child_name),
        cell_right(row.age_label),
        cell(row.conference_date),
        days_cell(row.days_until),
        cell(row.conference_type),
        cell(row.family_name),
        cell(row.how),
        cell(row.state_label, "dim" if row.withdrawn_at else ""),
        cell(MAIL_LABELS.get(row.mail_state or "", row.mail_state or ""), mail_style),
        cell(supported),
    ]
