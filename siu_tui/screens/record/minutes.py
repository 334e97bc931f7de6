"""The minutes of a conference: the Minutes tab of its record, and the steps that move them on.

The same steps (decision letter sent, draft to the chair, approve, return, distribute) are
offered wherever a conference's minutes are in view: on the record's Minutes tab and on the
week view's highlighted row. Each screen mixes in ``MinutesActions`` and adds
``MINUTES_BINDINGS`` to its keys; the footer shows only the steps that fit the minutes' stage.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, DataTable, Input, Label, SelectionList, Static, TabbedContent

from siu_tui.clock import today
from siu_tui.domain.minutes import MinutesAction, available_actions
from siu_tui.screens.record.actions import ChangeDialog, FieldError
from siu_tui.widgets.date_input import DateInput
from siu_tui.widgets.text import cell, plain, show

if TYPE_CHECKING:
    from siu_tui.services.minutes import MinutesView

MINUTES_TAB = "tab-minutes"

MINUTES_BINDINGS: list[BindingType] = [
    Binding(
        "l",
        "minutes_step('letter')",
        "Letter sent",
        tooltip="Record the day the decision letter and outline plan went out",
        id="minutes-letter",
    ),
    Binding(
        "e",
        "minutes_step('to_chair')",
        "To chair",
        tooltip="Send the draft minutes to the chair for approval",
        id="minutes-to-chair",
    ),
    Binding(
        "y",
        "minutes_step('approve')",
        "Approve",
        tooltip="The chair approves the draft minutes",
        id="minutes-approve",
    ),
    Binding(
        "b",
        "minutes_step('return')",
        "Return",
        tooltip="The chair returns the draft to the clerk, saying what needs changing",
        id="minutes-return",
    ),
    Binding(
        "u",
        "minutes_step('distribute')",
        "Distribute",
        tooltip="Record that the minutes went out: the day, who to, covering e-mails",
        id="minutes-distribute",
    ),
]
"""The minutes steps; a screen adds these to its BINDINGS and mixes in ``MinutesActions``."""

STATE_STYLES: dict[str, str] = {
    "overdue": "bold red",
    "late": "yellow",
    "on_time": "green",
    "due": "",
}
STATE_WORDS: dict[str, str] = {
    "overdue": "OVERDUE",
    "late": "late",
    "on_time": "on time",
    "due": "due",
}
"""A task's state in one word, so it stands out without colour too."""


# --- The steps, wherever the minutes are in view ----------------------------------------------


class MinutesActions:
    """Mixed into a screen: opens the dialog for a minutes step on the conference the screen
    is about (or has highlighted), and hides the steps that do not fit the stage."""

    def minutes_target(self) -> tuple[str, str] | None:
        """(conference id, minutes stage) the steps apply to now, or None for none."""
        raise NotImplementedError

    def minutes_changed(self) -> None:
        """A step was saved: read the screen's data again."""
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "minutes_step":
            target = self.minutes_target()
            if target is None or not parameters:
                return False
            return parameters[0] in {a.value for a in available_actions(target[1])}
        return super().check_action(action, parameters)  # type: ignore[misc, no-any-return]

    def action_minutes_step(self, step: str) -> None:
        target = self.minutes_target()
        if target is not None:
            self.load_minutes_step(target[0], step)

    @work(thread=True, exclusive=True, group="minutes-step", exit_on_error=False)
    def load_minutes_step(self, conference_id: str, step: str) -> None:
        from siu_tui.services.minutes import minutes_for_conference

        view = minutes_for_conference(self.app.desk(), conference_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._open_step, view, step)  # type: ignore[attr-defined]

    def _open_step(self, view: MinutesView | None, step: str) -> None:
        app = self.app  # type: ignore[attr-defined]
        if app.screen is not self:
            return  # the clerk went elsewhere while the minutes were read
        if view is None:
            app.notify(
                "This conference has not been held, so it has no minutes yet.",
                severity="warning",
                markup=False,
            )
            return
        if step not in view.actions:
            app.notify(
                show(
                    f"The minutes are {view.stage_label.lower()}: that step does not fit now.",
                    lines=True,
                ),
                severity="warning",
                markup=False,
            )
            self.minutes_changed()
            return
        app.push_screen(STEP_DIALOGS[MinutesAction(step)](view), self._step_done)

    def _step_done(self, message: object) -> None:
        if message:
            self.app.notify(show(str(message), lines=True), markup=False)  # type: ignore[attr-defined]
            self.minutes_changed()


# --- The record's Minutes tab -----------------------------------------------------------------


class MinutesPanel(VerticalScroll):
    """What the Minutes tab shows: stage and holder, each step against its deadline, and
    who the minutes went (or will go) to."""

    DEFAULT_CSS = """
    MinutesPanel { height: 1fr; padding: 0 1; }
    MinutesPanel #minutes-summary { margin-bottom: 1; }
    MinutesPanel .minutes-returned { color: $warning; text-style: bold; }
    MinutesPanel DataTable { height: auto; max-height: 12; margin-bottom: 1; }
    MinutesPanel .minutes-title { text-style: bold; color: $accent; }
    MinutesPanel .empty { color: $text-muted; padding: 0 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Reading the minutes…", id="minutes-summary", markup=False)
        yield Static("", id="minutes-returned", classes="minutes-returned", markup=False)
        yield DataTable(id="minutes-steps", cursor_type="row", zebra_stripes=True)
        yield Static("", id="minutes-recipients-title", classes="minutes-title", markup=False)
        yield DataTable(id="minutes-recipients", cursor_type="row", zebra_stripes=True)
        yield Static("", id="minutes-recipients-empty", classes="empty", markup=False)

    def on_mount(self) -> None:
        steps = self.query_one("#minutes-steps", DataTable)
        for heading, width in (("Step", 24), ("Due", 10), ("Done", 10), ("State", 34)):
            steps.add_column(heading, width=width)
        recipients = self.query_one("#minutes-recipients", DataTable)
        for heading, width in (
            ("Name", 22),
            ("Role", 18),
            ("Agency", 18),
            ("Why", 14),
            ("E-mailed", 8),
            ("E-mail", 26),
        ):
            recipients.add_column(heading, width=width)
        for table in (steps, recipients):
            # As tall as their rows: the record's own style makes its tables fill the tab.
            table.styles.height = "auto"
        for widget_id in ("#minutes-steps", "#minutes-recipients", "#minutes-returned"):
            self.query_one(widget_id).display = False
        self.query_one("#minutes-recipients-empty").display = False

    def show_minutes(self, view: MinutesView | None) -> None:
        summary = self.query_one("#minutes-summary", Static)
        returned = self.query_one("#minutes-returned", Static)
        steps = self.query_one("#minutes-steps", DataTable)
        title = self.query_one("#minutes-recipients-title", Static)
        recipients = self.query_one("#minutes-recipients", DataTable)
        empty = self.query_one("#minutes-recipients-empty", Static)
        if view is None:
            summary.update(
                plain("Minutes start when the conference is marked held (d on this record).")
            )
            for widget in (returned, steps, title, recipients, empty):
                widget.display = False
            return
        summary.update(plain("\n".join(summary_lines(view))))
        returned.display = view.returned
        returned.update(plain(f"Returned by the chair: {view.returned_note}"))
        steps.display = True
        steps.clear()
        rows = [
            (step.label, step.due, step.done, step.state, describe(step.state, step.days_overdue))
            for step in view.steps
        ]
        rows.insert(
            2, ("Approved by the chair", None, view.approved_at, "", "no deadline of its own")
        )
        for label, due, done, state, words in rows:
            steps.add_row(
                cell(label),
                cell(due),
                cell(done),
                cell(words, STATE_STYLES.get(state, "")),
            )
        title.display = True
        if view.recipients_recorded:
            title.update(
                plain(f"Distributed to {len(view.recipients)} on {show(view.distributed_at)}")
            )
        else:
            title.update(plain(f"To be distributed to the invite list ({len(view.recipients)})"))
        recipients.clear()
        for r in view.recipients:
            recipients.add_row(
                cell(r.name),
                cell(r.role),
                cell(r.agency_label),
                cell(r.why),
                cell(("yes" if r.emailed else "no") if view.recipients_recorded else ""),
                cell(r.email or "no e-mail"),
            )
        recipients.display = bool(view.recipients)
        empty.display = not view.recipients
        empty.update(
            plain(
                "Who received them was not recorded (there was no invite list when they went out)."
                if view.recipients_recorded
                else "No one is on the invite list yet: add the invitees before distributing, "
                "so the record says who received the minutes."
            )
        )


def summary_lines(view: MinutesView) -> list[str]:
    """Stage and holder first, then the dates reached so far."""
    holder = view.holder_name or "nobody (no clerk on the conference)"
    lines = [f"Minutes: {view.stage_label} · held by {holder}"]
    if view.id is None:
        lines.append("Not started yet: held before SIU Desk kept minutes. Any step starts them.")
    reached = [
        f"{label} {show(day)}"
        for label, day in (
            ("Decision letter sent", view.decision_letter_at),
            ("Draft to chair", view.draft_to_chair_at),
            ("Approved", view.approved_at),
            ("Distributed", view.distributed_at),
        )
        if day is not None
    ]
    if reached:
        lines.append(" · ".join(reached))
    return lines


def describe(state: str, days: int) -> str:
    """A step's state in words, with the working days it ran (or is running) over."""
    word = STATE_WORDS.get(state, state)
    if state in ("overdue", "late"):
        return f"{word} by {days} working day(s)"
    return word


class MinutesRecordTab(MinutesActions):
    """Mixed into the conference record: the Minutes tab's data and its steps, offered while
    that tab is showing."""

    minutes_view: MinutesView | None = None

    def minutes_target(self) -> tuple[str, str] | None:
        tabs = self.query("#record-tabs")  # type: ignore[attr-defined]
        if not tabs or tabs.first(TabbedContent).active != MINUTES_TAB:
            return None
        view = self.minutes_view
        return None if view is None else (view.conference_id, view.stage)

    def minutes_changed(self) -> None:
        self.action_reload()  # type: ignore[attr-defined]

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="record-minutes", exit_on_error=False)
    def load_minutes(self, conference_id: str) -> None:
        """Read the minutes for the tab (the record calls this each time it reloads)."""
        from siu_tui.services.minutes import minutes_for_conference

        view = minutes_for_conference(self.app.desk(), conference_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show_minutes, view)  # type: ignore[attr-defined]

    def _show_minutes(self, view: MinutesView | None) -> None:
        self.minutes_view = view
        self.query_one(MinutesPanel).show_minutes(view)  # type: ignore[attr-defined]
        self.refresh_bindings()  # type: ignore[attr-defined]


# --- The dialogs ------------------------------------------------------------------------------


class MinutesDialog(ChangeDialog):
    """A step's small form; ``record`` is the minutes as the tab showed them."""

    def __init__(self, view: MinutesView) -> None:
        super().__init__(view)  # type: ignore[arg-type]
        self.view = view

    def heading(self) -> ComposeResult:
        view = self.view
        yield Label(
            plain(
                f"{view.family_name} · conference {show(view.conference_date)} "
                f"({view.conference_reference}) · {view.stage_label}"
            ),
            classes="hint",
        )

    def on_date(self, field_id: str = "on") -> date:
        widget = self.query_one(f"#{field_id}", DateInput)
        message = widget.check()
        if message:
            raise FieldError(field_id, message)
        if widget.date is None:
            raise FieldError(field_id, "Enter the date, as DD/MM/YYYY")
        return widget.date

    def step(self, name: str) -> Any:
        """A step's due date, as the tab lists it."""
        return next(s for s in self.view.steps if s.task == name)


class LetterDialog(MinutesDialog):
    TITLE_TEXT = "Decision letter and outline plan sent"

    def fields(self) -> ComposeResult:
        yield from self.heading()
        due = self.step("decision_letter").due
        yield Label(plain(f"Due by {show(due)}. Sent on (DD/MM/YYYY)"))
        yield DateInput(self.view.decision_letter_at or today(), id="on")
        yield self.error_label("on")
        yield self.error_label("stage")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        return {"on": self.on_date()}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.minutes import record_decision_letter

        record_decision_letter(desk, self.view.conference_id, values["on"])
        return f"Decision letter recorded as sent on {show(values['on'])}"


class ToChairDialog(MinutesDialog):
    TITLE_TEXT = "Send the draft minutes to the chair"

    def fields(self) -> ComposeResult:
        yield from self.heading()
        view = self.view
        chair = view.chair_name or "the chair (none recorded yet)"
        if view.draft_to_chair_at is None:
            due = self.step("draft").due
            yield Label(plain(f"To {chair}. Due by {show(due)}. Sent on (DD/MM/YYYY)"))
            yield DateInput(today(), id="on")
        else:
            yield Label(
                plain(
                    f"The revised draft goes back to {chair} now. The timescale counts the "
                    f"first draft, sent on {show(view.draft_to_chair_at)}."
                ),
                classes="hint",
            )
            if view.returned_note:
                yield Label(plain(f"The chair asked: {view.returned_note}"), classes="hint")
        yield self.error_label("on")
        yield self.error_label("stage")
        yield self.error_label("general")

    def on_mount(self) -> None:
        super().on_mount()
        if not self.query(Input):
            self.query_one("#save").focus()  # nothing to type: Enter sends it

    def collect(self) -> dict[str, Any]:
        if self.query("#on"):
            return {"on": self.on_date()}
        return {"on": today()}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.minutes import send_to_chair

        send_to_chair(desk, self.view.conference_id, values["on"])
        return "Draft minutes sent to the chair"


class ApproveDialog(MinutesDialog):
    TITLE_TEXT = "Approve the minutes (chair)"

    def fields(self) -> ComposeResult:
        yield from self.heading()
        yield Label(
            plain(f"Draft sent to the chair on {show(self.view.draft_to_chair_at)}."),
            classes="hint",
        )
        yield Label("Approved on (DD/MM/YYYY)")
        yield DateInput(today(), id="on")
        yield self.error_label("on")
        yield self.error_label("stage")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        return {"on": self.on_date()}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.minutes import approve_minutes

        approve_minutes(desk, self.view.conference_id, values["on"])
        return f"Minutes approved on {show(values['on'])}: ready to distribute"


class ReturnDialog(MinutesDialog):
    TITLE_TEXT = "Return the draft to the clerk (chair)"

    def fields(self) -> ComposeResult:
        yield from self.heading()
        yield Label("What needs changing before it is approved?")
        yield Input(id="note", placeholder="e.g. the outline plan needs a date for each action")
        yield self.error_label("note")
        yield self.error_label("stage")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        return {"note": self.query_one("#note", Input).value}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.minutes import return_minutes

        return_minutes(desk, self.view.conference_id, values["note"])
        return "Draft returned to the clerk with the chair's note"


class DistributeDialog(MinutesDialog):
    TITLE_TEXT = "Distribute the minutes"
    DEFAULT_CSS = """
    DistributeDialog > #dialog { width: 104; }
    DistributeDialog #recipients { max-height: 12; }
    """

    def fields(self) -> ComposeResult:
        yield from self.heading()
        view = self.view
        due = self.step("distribution").due
        yield Label(plain(f"Due by {show(due)}. Distributed on (DD/MM/YYYY)"))
        yield DateInput(today(), id="on")
        yield self.error_label("on")
        if view.recipients:
            yield Label(
                "To the invite list: those invited, those who did not attend, the parents. "
                "Space unticks someone.",
                classes="hint",
            )
            yield SelectionList[str](
                *[
                    (
                        plain(
                            f"{r.name} · {r.role or r.agency_label} · {r.why} · "
                            f"{r.email or 'no e-mail: by post'}"
                        ),
                        r.invitee_id or "",
                        True,
                    )
                    for r in view.recipients
                ],
                id="recipients",
            )
            yield self.error_label("recipients")
            with_email = sum(1 for r in view.recipients if r.email)
            yield Checkbox(
                plain(f"Queue a covering e-mail to each with an address ({with_email})"),
                value=with_email > 0,
                id="emails",
            )
        else:
            yield Label(
                "No one is on the invite list yet. The day will be recorded with no recipients; "
                "add the invitees first to record who received the minutes.",
                classes="error",
            )
        yield self.error_label("stage")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        values: dict[str, Any] = {"on": self.on_date(), "invitee_ids": [], "send_emails": False}
        if self.query("#recipients"):
            chosen = list(self.query_one("#recipients", SelectionList).selected)
            if not chosen:
                raise FieldError("recipients", "Tick at least one person (Space ticks)")
            values["invitee_ids"] = chosen
            values["send_emails"] = self.query_one("#emails", Checkbox).value
        return values

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.minutes import distribute_minutes

        result = distribute_minutes(desk, self.view.conference_id, **values)
        parts = [f"Minutes distributed on {show(values['on'])} to {result.recipients}"]
        if result.emails:
            parts.append(f"{result.emails} covering e-mail(s) queued in the outbox")
        if result.without_email:
            parts.append(f"{result.without_email} with no e-mail: send by post")
        return "; ".join(parts)


STEP_DIALOGS: dict[MinutesAction, type[MinutesDialog]] = {
    MinutesAction.LETTER: LetterDialog,
    MinutesAction.TO_CHAIR: ToChairDialog,
    MinutesAction.APPROVE: ApproveDialog,
    MinutesAction.RETURN: ReturnDialog,
    MinutesAction.DISTRIBUTE: DistributeDialog,
}
