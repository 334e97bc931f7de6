"""The changes a clerk makes to a booked conference: move it, change its chair, cancel it,
and mark it held with each child's outcome.

Each dialog sends what was typed to one service call; a refusal comes back as messages keyed
by field and is shown beside that field, with everything typed left in place.
"""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from siu_tui.domain.codes import AbuseCategory, ConferenceType, Decision, Reason
from siu_tui.screens.base import SIUModal
from siu_tui.widgets.date_input import CheckedInput, DateInput
from siu_tui.widgets.text import choices, plain, show

if TYPE_CHECKING:
    from siu_tui.services.booking import BookingPreview
    from siu_tui.services.changes import HeldResult
    from siu_tui.services.record import ConferenceRecord

REASONS = [(r.label, r.value) for r in Reason]


def parse_time(text: str) -> time:
    """A start time as a clerk types it: 14:00, 1400 or 9:30."""
    cleaned = text.strip().replace(".", ":")
    if cleaned.isdigit() and len(cleaned) in (3, 4):
        cleaned = f"{cleaned[:-2]}:{cleaned[-2:]}"
    try:
        hours, minutes = (int(part) for part in cleaned.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError("Enter a time as HH:MM, for example 14:00") from None


class ChangeDialog(SIUModal[Any]):
    """A small form over the record: fields, one error line per field, Save and Cancel."""

    DEFAULT_CSS = """
    ChangeDialog { align: center middle; }
    ChangeDialog > #dialog {
        width: 76; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    ChangeDialog .title { text-style: bold; color: $accent; margin-bottom: 1; }
    ChangeDialog .error { color: $error; text-style: bold; width: 100%; }
    ChangeDialog .hint { color: $text-muted; width: 100%; }
    ChangeDialog .buttons { height: auto; margin-top: 1; }
    ChangeDialog .buttons Button { margin-right: 2; }
    ChangeDialog .child { height: auto; margin-bottom: 1; }
    ChangeDialog .child SelectionList { height: auto; }
    ChangeDialog .warnings { color: $warning; width: 100%; margin-top: 1; }
    ChangeDialog .warnings.-late { color: $error; }
    ChangeDialog #clash { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", tooltip="Close without saving", id="dialog-close"),
        Binding("ctrl+s", "save", "Save", tooltip="Save this change", id="dialog-save"),
    ]
    TITLE_TEXT = ""

    def __init__(self, record: ConferenceRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(plain(self.TITLE_TEXT), classes="title")
            yield from self.fields()
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        # The scrolling frame would take focus first; a clerk expects to type straight away.
        self.query_one("#dialog").can_focus = False
        first = self.query("Input, Select, SelectionList")
        if first:
            first.first().focus()

    def fields(self) -> ComposeResult:
        yield from ()

    def error_label(self, field: str) -> Label:
        label = Label("", id=f"error-{field}", classes="error")
        label.display = False
        return label

    def show_errors(self, errors: dict[str, str]) -> None:
        for label in self.query(".error").results(Label):
            label.display = False
        first: Widget | None = None
        for field, message in errors.items():
            matches = self.query(f"#error-{field.replace('.', '-')}")
            target = matches.first(Label) if matches else self.query_one("#error-general", Label)
            target.update(plain(message))
            target.display = True
            if first is None:
                first = target
        if first is not None:
            first.scroll_visible()

    def error_field(self, widget_id: str) -> str:
        """The field whose message a widget answers (usually the widget's own id)."""
        return widget_id

    def clear_error(self, widget_id: str | None) -> None:
        """A message is about what was there then: once the clerk changes it, it goes."""
        if widget_id:
            field = self.error_field(widget_id).replace(".", "-")
            for label in self.query(f"#error-{field}").results(Label):
                label.display = False

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        field = event.input
        if isinstance(field, CheckedInput) and field.value.strip() and field.parsed is None:
            return  # a date half typed: what was wrong with it may still be
        self.clear_error(field.id)

    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _choice_changed(self, event: Select.Changed | SelectionList.SelectedChanged[Any]) -> None:
        self.clear_error(event.control.id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            values = self.collect()
        except FieldError as exc:
            self.show_errors({exc.field: str(exc)})
            return
        self.submit(values)

    def collect(self) -> dict[str, Any]:
        return {}

    @work(thread=True, exclusive=True, group="change", exit_on_error=False)
    def submit(self, values: dict[str, Any]) -> None:
        from siu_tui.services.errors import ValidationError

        try:
            result = self.apply(self.app.desk(), values)  # type: ignore[attr-defined]
        except ValidationError as exc:
            self.app.call_from_thread(self.show_errors, exc.errors)
            return
        self.app.call_from_thread(self.dismiss, result if result is not None else True)

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        raise NotImplementedError


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _date(widget: Input, field: str) -> date:
    from siu_tui.domain.dates import parse_date

    try:
        return parse_date(widget.value)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None


CLASH_FIELDS = frozenset({"chair", "room"})


class ClashDialog(ChangeDialog):
    """A change that can put the chair or room in two conferences at once: while it does
    (a warning in the preview, or the service's refusal at save), the dialog offers "book
    anyway" with a reason, which the service keeps in the history."""

    def __init__(self, record: ConferenceRecord) -> None:
        super().__init__(record)
        self._clash = False

    def clash_fields(self) -> ComposeResult:
        with Vertical(id="clash"):
            yield Label("Book anyway: reason (kept in the history)")
            yield Input(
                placeholder="e.g. a second room in the same building", id="override_clash_reason"
            )
            yield self.error_label("override_clash_reason")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_clash(False)

    def show_clash(self, clash: bool) -> None:
        self._clash = clash
        self.query_one("#clash").display = clash

    def show_errors(self, errors: dict[str, str]) -> None:
        if any(name in errors for name in CLASH_FIELDS):
            self.show_clash(True)  # taken by someone else since the preview
        super().show_errors(errors)

    def override_clash_reason(self) -> str | None:
        """The reason typed, while a clash is shown (a reason left from an earlier clash
        that has gone is not sent)."""
        reason = self.query_one("#override_clash_reason", Input).value.strip()
        return (reason or None) if self._clash else None


class MoveDialog(ClashDialog):
    """The new date and time, with the same warnings the booking form gives (the service's
    ``preview_move``, refreshed in a worker as the clerk types) and, while the chair or room
    is taken then, a reason to move it there anyway."""

    TITLE_TEXT = "Move the conference"

    def __init__(self, record: ConferenceRecord) -> None:
        super().__init__(record)
        self._generation = 0

    def fields(self) -> ComposeResult:
        record = self.record
        yield Label("Date (DD/MM/YYYY)")
        yield Input(show(record.date), id="date")
        yield self.error_label("date")
        yield Label("Start time (HH:MM)")
        yield Input(show(record.start_time), id="start_time")
        yield self.error_label("start_time")
        yield Label("Venue")
        yield Input(record.venue or "", id="venue")
        yield Label(
            plain(f"Deadline {show(record.deadline)}: it does not move with the date."),
            classes="hint",
        )
        yield Static("", id="move-warnings", classes="warnings", markup=False)
        yield self.error_label("chair")
        yield self.error_label("room")
        yield from self.clash_fields()
        yield Label("Reason, if the new date is after the deadline")
        yield Select(
            choices(REASONS),
            prompt="No reason needed",
            id="late_reason",
            value=record.late_reason or Select.NULL,
        )
        yield self.error_label("late_reason")
        yield Input(record.late_note or "", placeholder="Note on the reason", id="late_note")
        yield self.error_label("general")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#move-warnings").display = False
        self.refresh_warnings()

    @on(Input.Changed, "#date, #start_time")
    def refresh_warnings(self) -> None:
        """Check the date and time as typed; until both read, there is nothing to say."""
        self._generation += 1
        try:
            day = _date(self.query_one("#date", Input), "date")
            start = parse_time(self.query_one("#start_time", Input).value)
        except ValueError:
            self._show([], False)
            return
        self.preview(day, start, self._generation)

    @work(thread=True, exclusive=True, group="move-preview", exit_on_error=False)
    def preview(self, day: date, start: time, generation: int) -> None:
        from siu_tui.clock import today
        from siu_tui.services.changes import preview_move

        result = preview_move(
            self.app.desk(),  # type: ignore[attr-defined]
            self.record.id,
            date=day,
            start_time=start,
            today=today(),
        )
        self.app.call_from_thread(self.show_preview, result, generation)

    def show_preview(self, preview: BookingPreview, generation: int) -> None:
        if generation != self._generation:
            return  # typed since: a newer preview is on its way
        lines = [f"⚠ {w.message}" for w in preview.warnings]
        self.query_one("#move-warnings").set_class(preview.needs_reason, "-late")
        self._show(lines, any(w.field in CLASH_FIELDS for w in preview.warnings))

    def _show(self, lines: list[str], clash: bool) -> None:
        box = self.query_one("#move-warnings", Static)
        box.update(plain("\n".join(lines)))
        box.display = bool(lines)
        self.show_clash(clash)

    def collect(self) -> dict[str, Any]:
        try:
            start = parse_time(self.query_one("#start_time", Input).value)
        except ValueError as exc:
            raise FieldError("start_time", str(exc)) from None
        reason = self.query_one("#late_reason", Select).selection
        return {
            "date": _date(self.query_one("#date", Input), "date"),
            "start_time": start,
            "venue": self.query_one("#venue", Input).value,
            "late_reason": str(reason) if reason is not None else None,
            "late_note": self.query_one("#late_note", Input).value.strip() or None,
            "override_clash_reason": self.override_clash_reason(),
        }

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.changes import move_conference

        move_conference(desk, self.record.id, **values)
        return f"Moved to {show(values['date'])} at {show(values['start_time'])}"


class ChairDialog(ClashDialog):
    """The new chair; one who already chairs another conference then is refused by the
    service, and the dialog then offers to book them anyway with a reason."""

    TITLE_TEXT = "Change the chair"

    def __init__(self, record: ConferenceRecord, chairs: list[tuple[str, str]]) -> None:
        super().__init__(record)
        self.chairs = chairs

    def fields(self) -> ComposeResult:
        yield Label("Chair (IRO)")
        current = self.record.chair_id
        yield Select(
            choices([(name, staff_id) for name, staff_id in self.chairs]),
            prompt="Choose the chair",
            id="chair",
            value=current if current in {s for _n, s in self.chairs} else Select.NULL,
        )
        yield self.error_label("chair")
        yield from self.clash_fields()
        yield self.error_label("general")

    @on(Select.Changed, "#chair")
    def _chair_changed(self) -> None:
        self.show_clash(False)  # the refusal was about the chair chosen before
        self.query_one("#error-chair").display = False

    def collect(self) -> dict[str, Any]:
        chair = self.query_one("#chair", Select).selection
        if chair is None:
            raise FieldError("chair", "Choose the chair")
        return {"chair_id": str(chair), "override_clash_reason": self.override_clash_reason()}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.changes import change_chair

        change_chair(
            desk,
            self.record.id,
            values["chair_id"],
            override_clash_reason=values["override_clash_reason"],
        )
        name = dict((s, n) for n, s in self.chairs).get(values["chair_id"], "")
        return f"Chair changed to {name}"


class CancelDialog(ChangeDialog):
    TITLE_TEXT = "Cancel the conference"

    def fields(self) -> ComposeResult:
        yield Label(
            "Cancelling keeps the record, marked cancelled. A conference that will be "
            "re-booked is stood down instead.",
            classes="hint",
        )
        yield Label("Why is it cancelled?")
        yield Input(id="reason")
        yield self.error_label("reason")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        return {"reason": self.query_one("#reason", Input).value}

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.changes import cancel_conference

        cancel_conference(desk, self.record.id, values["reason"])
        return "Conference cancelled"


class StandDownDialog(ChangeDialog):
    """Why the conference cannot go ahead, who decided, when: the log is built from this."""

    TITLE_TEXT = "Stand the conference down"

    def __init__(self, record: ConferenceRecord, reason: str | None = None) -> None:
        super().__init__(record)
        self.reason = reason

    def fields(self) -> ComposeResult:
        from siu_tui.clock import today
        from siu_tui.domain.codes import DecidedBy

        yield Label(
            "The conference is kept, marked stood down, and can be re-booked straight away "
            "with its original deadline.",
            classes="hint",
        )
        yield Label("Reason")
        yield Select(
            choices(REASONS),
            prompt="Choose the reason",
            id="reason",
            value=self.reason or Select.NULL,
        )
        yield self.error_label("reason")
        yield Label("Decided by")
        yield Select(
            choices([(d.label, d.value) for d in DecidedBy]),
            prompt="Chair or manager",
            id="decided_by",
            value=DecidedBy.CHAIR.value,
        )
        yield self.error_label("decided_by")
        yield Label("Decided on (DD/MM/YYYY)")
        yield DateInput(today(), id="decided_on")
        yield self.error_label("decided_on")
        yield Label("Note")
        yield Input(placeholder="Who was missing, what the family asked", id="note")
        yield self.error_label("note")
        yield self.error_label("status")
        yield self.error_label("general")

    def collect(self) -> dict[str, Any]:
        reason = self.query_one("#reason", Select).selection
        who = self.query_one("#decided_by", Select).selection
        decided = self.query_one("#decided_on", DateInput)
        if decided.value.strip() and decided.date is None:
            raise FieldError("decided_on", decided.error or "Enter a date as DD/MM/YYYY")
        return {
            "reason": str(reason) if reason is not None else None,
            "decided_by": str(who) if who is not None else None,
            "decided_on": decided.date,
            "note": self.query_one("#note", Input).value,
        }

    def apply(self, desk: Any, values: dict[str, Any]) -> Any:
        from siu_tui.services.standdown import stand_down

        stand_down(desk, self.record.id, **values)
        return True


class RebookDialog(SIUModal[bool]):
    """Just stood down (or opened stood down): offer to re-book it with what it keeps."""

    DEFAULT_CSS = """
    RebookDialog { align: center middle; }
    RebookDialog > #rebook-dialog {
        width: 70; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    RebookDialog .title { text-style: bold; color: $accent; margin-bottom: 1; }
    RebookDialog .buttons { height: auto; margin-top: 1; }
    RebookDialog .buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "b,B,enter",
            "book",
            "Re-book now",
            tooltip="Open the booking form, filled in",
            id="rebook-now",
        ),
        Binding(
            "escape",
            "later",
            "Later",
            tooltip="Re-book later from the record with n",
            id="rebook-later",
        ),
    ]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(id="rebook-dialog"):
            yield Static("Re-book this conference?", classes="title", markup=False)
            yield Static(plain("\n".join(self.lines)), id="rebook-details", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Re-book now (B)", variant="primary", id="book")
                yield Button("Later (Esc)", id="later")

    def on_mount(self) -> None:
        self.query_one("#book").focus()

    @on(Button.Pressed, "#book")
    def action_book(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#later")
    def action_later(self) -> None:
        self.dismiss(False)


class HeldDialog(ChangeDialog):
    """Each child's decision and categories; plans start, continue or end from these."""

    TITLE_TEXT = "Mark the conference held"

    def fields(self) -> ComposeResult:
        review = ConferenceType(self.record.type).is_review
        decisions = (
            [Decision.CONTINUE, Decision.END] if review else [Decision.PLAN, Decision.NO_PLAN]
        )
        for child in self.record.children:
            with Vertical(classes="child"):
                yield Label(
                    plain(f"{child.name} · {child.age_label} · {child.plan_label}"), classes="title"
                )
                yield Select(
                    choices(
                        [(d.label, d.value) for d in decisions]
                        + (
                            []
                            if not review
                            else [
                                (Decision.PLAN.label, Decision.PLAN.value),
                                (Decision.NO_PLAN.label, Decision.NO_PLAN.value),
                            ]
                        )
                    ),
                    prompt="Decision",
                    id=f"decision-{child.id}",
                )
                # A review starts from the categories the plan has now.
                ticked = child.categories or (child.plan_categories if review else ())
                yield SelectionList[str](
                    *[(c.label, c.value, c.value in ticked) for c in AbuseCategory],
                    id=f"categories-{child.id}",
                )
                yield self.error_label(f"outcome-{child.id}")
        if self.record.date > self.record.deadline:
            yield Label(plain(f"Held after its deadline ({show(self.record.deadline)})"))
            yield Select(
                choices(REASONS),
                prompt="Reason",
                id="late_reason",
                value=self.record.late_reason or Select.NULL,
            )
            yield self.error_label("late_reason")
            yield Input(self.record.late_note or "", placeholder="Note", id="late_note")
        yield Label("Two or more categories are reported as multiple.", classes="hint")
        yield self.error_label("date")
        yield self.error_label("general")

    def error_field(self, widget_id: str) -> str:
        # A child's decision and categories share one message.
        for prefix in ("decision-", "categories-"):
            if widget_id.startswith(prefix):
                return "outcome-" + widget_id.removeprefix(prefix)
        return widget_id

    def collect(self) -> dict[str, Any]:
        from siu_tui.services.changes import ChildOutcome

        outcomes = {}
        for child in self.record.children:
            decision = self.query_one(f"#decision-{child.id}", Select).selection
            if decision is None:
                raise FieldError(f"outcome-{child.id}", f"Choose the decision for {child.name}")
            categories = self.query_one(f"#categories-{child.id}", SelectionList).selected
            outcomes[child.id] = ChildOutcome(str(decision), tuple(categories))
        values: dict[str, Any] = {"outcomes": outcomes}
        if self.query("#late_reason"):
            reason = self.query_one("#late_reason", Select).selection
            values["late_reason"] = str(reason) if reason is not None else None
            values["late_note"] = self.query_one("#late_note", Input).value.strip() or None
        return values

    def apply(self, desk: Any, values: dict[str, Any]) -> HeldResult:
        from siu_tui.services.changes import mark_held

        return mark_held(desk, self.record.id, **values)


class NextReviewDialog(SIUModal[bool]):
    """After a conference that leaves a child on a plan, the next review is due: offer to book
    it there and then, with its deadline, while the family and the chair are in the room."""

    DEFAULT_CSS = """
    NextReviewDialog { align: center middle; }
    NextReviewDialog > #next-dialog {
        width: 64; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    NextReviewDialog .title { text-style: bold; color: $accent; margin-bottom: 1; }
    NextReviewDialog .buttons { height: auto; margin-top: 1; }
    NextReviewDialog .buttons Button { margin-right: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "b,B,enter",
            "book",
            "Book it now",
            tooltip="Open the booking form, filled in",
            id="next-book",
        ),
        Binding(
            "escape",
            "later",
            "Later",
            tooltip="Close; book it from the list with n",
            id="next-later",
        ),
    ]

    def __init__(self, result: HeldResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        result = self.result
        with Vertical(id="next-dialog", classes="dialog"):
            yield Static("Held. The next review is due.", classes="title", markup=False)
            yield Static(
                plain(
                    f"{result.next_type_label} by {show(result.next_deadline)}"
                    + (f" ({result.note})" if result.note else "")
                ),
                id="next-deadline",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("Book it now (B)", variant="primary", id="book")
                yield Button("Later (Esc)", id="later")

    def on_mount(self) -> None:
        self.query_one("#book").focus()

    @on(Button.Pressed, "#book")
    def action_book(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#later")
    def action_later(self) -> None:
        self.dismiss(False)
