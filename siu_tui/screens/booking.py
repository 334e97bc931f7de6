"""The booking form: a clerk books a conference while the family's worker is on the phone.

Everything is reachable with Tab and fillable from the keyboard: Enter moves on to the next
field (or picks the family found), Space ticks children, Enter opens a list and typing jumps
in it. The deadline is never typed: as soon as the type and the date it runs from are known
the panel on the right shows it, with the working days left and every warning the service
would raise (weekend, bank holiday, clash, gestation, after the deadline), refreshed in a
worker after each change so typing never waits for the database. A booking after its
deadline asks for a reason there and then, not after a refused save; a clash (the chair or
room taken then) offers "book anyway" with a reason, since saving it otherwise is refused.

Saving goes through ``services.booking.book_conference``, the same rules as the command
line; a refusal is shown next to the field it names, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from siu_tui.clock import today
from siu_tui.domain.codes import ETHNICITIES, ConferenceType, Reason, Sex
from siu_tui.domain.dates import format_date
from siu_tui.screens.base import SIUModal, SIUScreen
from siu_tui.widgets.date_input import CheckedInput, DateInput, TimeInput
from siu_tui.widgets.text import cell, choices, plain, show

if TYPE_CHECKING:
    from siu_tui.services.booking import BookingPreview
    from siu_tui.services.families import ChildRow, FamilyRow
    from siu_tui.services.people import StaffRow
    from siu_tui.services.reference import LocalityTeamRow, RoomRow
    from siu_tui.services.rows import ConferenceRow

CSS = Path(__file__).with_name("booking.tcss")

FIELDS: dict[str, str] = {
    # the service's field name: the id of the widget it is shown beside (in Tab order)
    "family": "family-search",
    "children": "children",
    "conference_type": "type",
    "trigger_date": "trigger",
    "date": "date",
    "start_time": "start-time",
    "duration_minutes": "duration",
    "room": "room",
    "venue": "venue",
    "chair": "chair",
    "clerk": "clerk",
    "late_reason": "late-reason",
    "late_note": "late-note",
    "override_clash_reason": "clash-reason",
}

"""How far ahead the preview pretends the conference is while no date has been typed."""

EARLIER = 4
"""The family's latest conferences shown while booking, so the clerk can tell a first
review from a subsequent one at a glance."""

CLASH_FIELDS = frozenset({"chair", "room"})
"""Where the service puts a clash (preview warning or refusal)."""

DEFAULT_START = time(10, 0)
DEFAULT_MINUTES = 90
"""The service's defaults, shown in the form so the clerk sees what will be booked."""


def day_and_date(day: date) -> str:
    """ "Thursday 07/01/2027": the weekday is what clerks check a date against."""
    return f"{day:%A} {format_date(day)}"


def days_left_text(days: int) -> str:
    if days < 0:
        return f"passed {-days} working day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "the deadline is today"
    return f"{days} working day{'s' if days != 1 else ''} left"


def child_label(child: ChildRow) -> str:
    born = (
        f"due {format_date(child.expected_date_of_birth)} (unborn)"
        if child.unborn
        else f"born {format_date(child.date_of_birth)}"
    )
    return f"{child.first_name} {child.last_name} · {born} · {child.case_reference}"


def family_label(row: FamilyRow) -> str:
    children = f"{row.children} child" + ("ren" if row.children != 1 else "")
    team = f" · {row.locality_team}" if row.locality_team else ""
    return f"{row.name} ({row.reference}){team} · {children}"


def room_label(name: str, site: str | None) -> str:
    """A room as the picker lists it: its building added, unless its name already says it
    ("Conference Room 1 (Civic Centre)" is not followed by "(Civic Centre)" again)."""
    if not site or site.casefold() in name.casefold():
        return name
    return f"{name} ({site})"


def error_id(widget_id: str) -> str:
    return f"{widget_id}-error"


def labelled(title: str, widget: Widget) -> Vertical:
    """A field as a clerk reads it: what it is, the field, and room for what is wrong with it."""
    assert widget.id is not None
    return Vertical(
        Label(plain(title)),
        widget,
        Static("", id=error_id(widget.id), classes="error", markup=False),
        id=f"{widget.id}-field",
        classes="field",
    )


class ShowsFieldErrors:
    """Shows a service's ``ValidationError`` (or the form's own checks) beside each field,
    and moves focus to the first one, so the clerk sees exactly what to put right."""

    FIELD_IDS: ClassVar[dict[str, str]] = {}
    FOCUS_INSTEAD: ClassVar[dict[str, str]] = {}
    """Where to put the cursor when a field with an error is hidden (say, an empty list)."""
    GENERAL_ERROR = "form-error"

    def clear_errors(self: Any) -> None:
        for static in self.query(".error"):
            static.update("")
            static.display = False

    def show_error(self: Any, widget_id: str, message: str | None) -> None:
        try:
            static = self.query_one(f"#{error_id(widget_id)}", Static)
        except NoMatches:
            static = self.query_one(f"#{self.GENERAL_ERROR}", Static)
        static.update(plain(message or ""))
        static.display = bool(message)

    def on_input_changed(self: Any, event: Input.Changed) -> None:
        """A refusal is about what was typed then: once the clerk changes it, it goes.
        (Date and time fields say for themselves whether the new text is right; a refusal
        of a date that reads, say one before the trigger, goes once the new one reads.)"""
        field = event.input
        if not field.id:
            return
        if not isinstance(field, CheckedInput) or (
            field.error is None and (not field.value.strip() or field.parsed is not None)
        ):
            self.clear_error(field.id)

    def on_select_changed(self: Any, event: Select.Changed) -> None:
        """A choice made again answers the message about the one before."""
        if event.select.id:
            self.clear_error(event.select.id)

    def clear_error(self: Any, widget_id: str) -> None:
        """The message beside this field goes (a message about the whole form stays)."""
        for static in self.query(f"#{error_id(widget_id)}").results(Static):
            static.update("")
            static.display = False

    def show_errors(self: Any, errors: dict[str, str]) -> None:
        """Every message beside its field; focus goes to the first field in Tab order."""
        self.clear_errors()
        order = list(self.FIELD_IDS)
        unknown = [m for name, m in errors.items() if name not in self.FIELD_IDS]
        for name, message in errors.items():
            if name in self.FIELD_IDS:
                self.show_error(self.FIELD_IDS[name], message)
        if unknown:
            self.show_error(self.GENERAL_ERROR, " ".join(unknown))
        known = sorted((n for n in errors if n in self.FIELD_IDS), key=order.index)
        if known:
            target = self.query_one(f"#{self.FIELD_IDS[known[0]]}")
            if not target.focusable and known[0] in self.FOCUS_INSTEAD:
                target = self.query_one(f"#{self.FOCUS_INSTEAD[known[0]]}")
            if target.focusable:
                target.focus()


@dataclass
class FormValues:
    """What the clerk has typed, read on the UI thread and handed to a worker (which builds
    the service's request: screens do not import services outside workers)."""

    family_id: str | None = None
    child_ids: list[str] = field(default_factory=list)
    conference_type: str = ""
    trigger_date: dt.date | None = None
    date: dt.date | None = None
    start_time: dt.time | None = None
    duration_minutes: int | None = None
    room_id: str | None = None
    venue: str | None = None
    chair_id: str | None = None
    clerk_id: str | None = None
    late_reason: str | None = None
    late_note: str | None = None
    rebooks_id: str | None = None
    override_clash_reason: str | None = None

    def request(self, *, preview: bool = False) -> Any:
        """The service's BookingRequest; for a preview, blanks become harmless stand-ins."""
        from siu_tui.services.booking import BookingRequest

        return BookingRequest(
            family_id=self.family_id or "",
            child_ids=list(self.child_ids) if self.family_id else [],
            conference_type=self.conference_type,
            date=self.date,
            start_time=self.start_time or DEFAULT_START,
            duration_minutes=self.duration_minutes or (DEFAULT_MINUTES if preview else 0),
            trigger_date=self.trigger_date,
            venue=self.venue,
            room_id=self.room_id,
            chair_id=self.chair_id,
            clerk_id=self.clerk_id,
            late_reason=self.late_reason,
            late_note=self.late_note,
            rebooks_id=self.rebooks_id,
            override_clash_reason=self.override_clash_reason,
        )


@dataclass(frozen=True)
class Prefill:
    """Where a booking that follows from another conference starts: the next review after a
    held one, or a re-booking. The clerk still sees, and can change, every field."""

    family_id: str
    child_ids: tuple[str, ...]
    conference_type: str
    trigger_date: date | None = None
    rebooks_id: str | None = None
    chair_id: str | None = None
    """The same IRO usually chairs the child's next conference."""
    late_reason: str | None = None
    """Why it may be late: a re-booking is late because it was stood down."""
    why: str = ""
    """One line above the form saying where it came from."""


class BookingScreen(ShowsFieldErrors, SIUScreen):
    """Book a conference: family, children, type, when and where, with the deadline live."""

    CSS_PATH = CSS
    TITLE = "SIU Desk · Book a conference"
    IS_FORM = True
    AUTO_FOCUS = "#family-search"
    FIELD_IDS = FIELDS
    FOCUS_INSTEAD: ClassVar[dict[str, str]] = {"children": "add-child"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="Book the conference (anything wrong is shown beside its field)",
            id="booking-save",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Close the form without booking (asks first if anything was typed)",
            id="booking-cancel",
        ),
        Binding("down", "to_results", "", show=False),
    ]

    def __init__(self, prefill: Prefill | None = None) -> None:
        super().__init__()
        self.prefill = prefill
        self._tick_only: set[str] | None = set(prefill.child_ids) if prefill else None
        """The children a prefilled form ticks when its family first loads."""
        self._family: FamilyRow | None = None
        self._children: list[ChildRow] = []
        self._search_generation = 0
        self._searching = False
        self._pick_when_found = False
        self._preview_generation = 0
        self._auto_trigger: str | None = None
        """The trigger text this form filled in (a review's previous held conference)."""
        self._needs_reason = False
        self._clash = False
        """The preview (or a refused save) found the chair or room taken then."""
        self._saving = False
        self._pristine: tuple[object, ...] = ()

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="booking-body"):
            with VerticalScroll(id="booking-form"):
                yield Static("1 · Family", classes="section-title", markup=False)
                with Horizontal(classes="row"):
                    yield Input(
                        placeholder="Search: family, reference, child, case ref or birth date",
                        id="family-search",
                    )
                    yield Button("New family", id="new-family", compact=True)
                yield OptionList(id="family-results", markup=False)
                yield Static("", id="family-chosen", markup=False)
                yield Static("", id=error_id("family-search"), classes="error", markup=False)

                yield Static("2 · Children", classes="section-title", markup=False)
                yield SelectionList[str](id="children")
                with Horizontal(classes="row"):
                    yield Static(
                        "Choose a family first.", id="children-empty", classes="hint", markup=False
                    )
                    yield Button("Add child", id="add-child", disabled=True, compact=True)
                yield Static("", id=error_id("children"), classes="error", markup=False)

                yield Static("3 · Type and deadline", classes="section-title", markup=False)
                with Horizontal(classes="row"):
                    yield labelled(
                        "Conference type",
                        Select(
                            choices([(t.label, t.value) for t in ConferenceType]),
                            prompt="Choose the type",
                            id="type",
                        ),
                    )
                    with Vertical(id="trigger-field", classes="field"):
                        yield Label("Deadline runs from", id="trigger-label")
                        yield DateInput(id="trigger")
                        yield Static("", id="trigger-note", classes="hint", markup=False)
                        yield Static("", id=error_id("trigger"), classes="error", markup=False)

                yield Static("4 · When, where and who", classes="section-title", markup=False)
                with Horizontal(classes="row"):
                    yield labelled("Date", DateInput(id="date"))
                    yield labelled("Start", TimeInput(DEFAULT_START, id="start-time"))
                    yield labelled(
                        "Length (minutes)",
                        Input(str(DEFAULT_MINUTES), id="duration", type="integer"),
                    )
                with Horizontal(classes="row"):
                    yield labelled("Room", Select[str]([], prompt="No room", id="room"))
                    yield labelled(
                        "or venue",
                        Input(placeholder="e.g. a school or the family home", id="venue"),
                    )
                with Horizontal(classes="row"):
                    yield labelled("Chair (IRO)", Select[str]([], prompt="Not yet", id="chair"))
                    yield labelled("Clerk", Select[str]([], prompt="Not yet", id="clerk"))

            with Vertical(id="booking-panel"):
                yield Static("Deadline", classes="section-title", markup=False)
                yield Static("", id="deadline", markup=False)
                yield Static("", id="trigger-summary", classes="hint", markup=False)
                yield Static("", id="warnings", markup=False)
                yield Static("", id="earlier-title", classes="section-title", markup=False)
                yield Static("", id="earlier", classes="hint", markup=False)
                with Vertical(id="late"):
                    yield Static("After the deadline: why?", classes="section-title", markup=False)
                    yield Select(
                        choices([(r.label, r.value) for r in Reason]),
                        prompt="Choose a reason",
                        id="late-reason",
                    )
                    yield Static("", id=error_id("late-reason"), classes="error", markup=False)
                    yield Label("Note")
                    yield Input(placeholder="Who decided, and why", id="late-note")
                    yield Static("", id=error_id("late-note"), classes="error", markup=False)
                with Vertical(id="clash"):
                    yield Static(
                        "Chair or room taken: book anyway?", classes="section-title", markup=False
                    )
                    yield Label("Reason (kept in the history)")
                    yield Input(
                        placeholder="e.g. a second room in the same building", id="clash-reason"
                    )
                    yield Static("", id=error_id("clash-reason"), classes="error", markup=False)
        with Horizontal(id="booking-buttons"):
            yield Static("", id="form-error", classes="error", markup=False)
            yield Button("Save", variant="primary", id="save", tooltip="Ctrl+S")
            yield Button("Cancel", id="cancel", tooltip="Esc")
        yield Footer()

    def on_mount(self) -> None:
        self.clear_errors()
        self.query_one("#children").display = False
        self.query_one("#late").display = False
        self.query_one("#clash").display = False
        self.query_one("#family-results").display = False
        self.query_one("#family-chosen").display = False
        self._say("trigger-note", "")
        self._say("earlier-title", "")
        self._say("earlier", "")
        self.show_deadline(None)
        self._pristine = self._typed()
        self.query_one("#family-search").focus()
        self.load_choices()
        if self.prefill is not None:
            self._apply_prefill(self.prefill)

    def _apply_prefill(self, prefill: Prefill) -> None:
        if prefill.why:
            self.sub_title = show(prefill.why)
        self.query_one("#type", Select).value = prefill.conference_type
        if prefill.trigger_date is not None:
            self.query_one("#trigger", DateInput).value = format_date(prefill.trigger_date)
        if prefill.rebooks_id:
            # A re-booking keeps the stood-down conference's deadline, whatever is typed.
            self.query_one("#trigger", DateInput).disabled = True
            self._say("trigger-note", "Kept from the stood-down conference")
        if prefill.late_reason:
            self.query_one("#late-reason", Select).value = prefill.late_reason
        self._pick(prefill.family_id)

    def on_key(self, event: events.Key) -> None:
        """Keys typed straight after ``n``, before the form had focus, still reach the search
        (a clerk types the family's name without waiting for the screen to draw)."""
        search = self.query_one("#family-search", Input)
        if self.focused is search and event.is_printable and event.character:
            event.stop()
            search.insert_text_at_cursor(event.character)

    def _say(self, static_id: str, text: str) -> None:
        """Show a line of text, or nothing at all (an empty line would still take a row)."""
        static = self.query_one(f"#{static_id}", Static)
        static.update(plain(text))
        static.display = bool(text)

    def _typed(self) -> tuple[object, ...]:
        """Everything the clerk can change, to tell whether closing would lose their work."""
        inputs = tuple(i.value for i in self.query(Input))
        selects = tuple(s.value for s in self.query(Select))
        return (self._family.id if self._family else None, inputs, selects)

    # -- reference data ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="booking-choices", exit_on_error=False)
    def load_choices(self) -> None:
        from siu_tui.services.reference import list_rooms, list_staff

        desk = self.app.desk()  # type: ignore[attr-defined]
        chairs = list_staff(desk, "iro")
        clerks = list_staff(desk, "clerk")
        rooms = list_rooms(desk)
        self.app.call_from_thread(self.show_choices, chairs, clerks, rooms)

    def show_choices(
        self, chairs: list[StaffRow], clerks: list[StaffRow], rooms: list[RoomRow]
    ) -> None:
        pristine = self._typed() == self._pristine
        with self.prevent(Select.Changed):
            self.query_one("#chair", Select).set_options(
                choices([(cell(s.name), s.id) for s in chairs])
            )
            self.query_one("#clerk", Select).set_options(
                choices([(cell(s.name), s.id) for s in clerks])
            )
            self.query_one("#room", Select).set_options(
                choices([(cell(room_label(r.name, r.site)), r.id) for r in rooms])
            )
        chair = self.query_one("#chair", Select)
        wanted = self.prefill.chair_id if self.prefill else None
        if wanted and chair.selection is None and any(s.id == wanted for s in chairs):
            chair.value = wanted
        if pristine:
            self._pristine = self._typed()

    # -- 1. family ---------------------------------------------------------------------------

    @on(Input.Changed, "#family-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._search_generation += 1
        self._searching = True
        self.search(event.value, self._search_generation)

    @work(thread=True, exclusive=True, group="booking-search", exit_on_error=False)
    def search(self, text: str, generation: int) -> None:
        from siu_tui.services.families import search_families

        rows = search_families(self.app.desk(), text)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show_results, rows, generation)

    def show_results(self, rows: list[FamilyRow], generation: int) -> None:
        if generation != self._search_generation:
            return  # the clerk has typed on; a newer search is coming
        self._searching = False
        results = self.query_one("#family-results", OptionList)
        results.clear_options()
        results.add_options([Option(plain(family_label(r)), id=r.id) for r in rows])
        if rows:
            results.highlighted = 0
        # Only once something is typed: the whole register is no help to pick from.
        typed = bool(self.query_one("#family-search", Input).value.strip())
        results.display = bool(rows) and typed
        if typed and not rows:
            self.show_error(
                "family-search", "No family matches: try another spelling, or New family"
            )
        elif self._pick_when_found:
            self.show_error("family-search", None)
        if self._pick_when_found:
            self._pick_when_found = False
            if rows:
                self._pick(rows[0].id)

    @on(Input.Submitted, "#family-search")
    def _search_submitted(self) -> None:
        """Enter picks the highlighted family (the first match), waiting for a search that is
        still running rather than picking from stale results."""
        if self._searching:
            self._pick_when_found = True
            return
        results = self.query_one("#family-results", OptionList)
        if results.display and results.highlighted is not None:
            option = results.get_option_at_index(results.highlighted)
            if option.id:
                self._pick(option.id)
        elif self._family is not None:
            self.focus_next()

    def action_to_results(self) -> None:
        results = self.query_one("#family-results", OptionList)
        if self.focused is self.query_one("#family-search") and results.display:
            results.focus()

    @on(OptionList.OptionSelected, "#family-results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._pick(event.option.id)

    def _pick(self, family_id: str, *, tick: str | None = None) -> None:
        self.show_error("family-search", None)
        self.load_family(family_id, tick)

    @work(thread=True, exclusive=True, group="booking-family", exit_on_error=False)
    def load_family(self, family_id: str, tick: str | None) -> None:
        from siu_tui.services.families import family_children, get_family, previous_conferences

        desk = self.app.desk()  # type: ignore[attr-defined]
        family = get_family(desk, family_id)
        children = family_children(desk, family_id)
        earlier = previous_conferences(desk, family_id, limit=EARLIER)
        self.app.call_from_thread(self.show_family, family, children, earlier, tick)

    def show_family(
        self,
        family: FamilyRow,
        children: list[ChildRow],
        earlier: list[ConferenceRow],
        tick: str | None,
    ) -> None:
        """Show the chosen family and its children, all ticked (a conference is usually about
        every child in the household); a child just added is ticked, the others kept as they
        were."""
        same = self._family is not None and self._family.id == family.id
        before = set(self.query_one("#children", SelectionList).selected) if same else None
        known = {c.id for c in self._children} if same else set()
        prefilled = self._tick_only
        if prefilled is not None:
            before, known, same = prefilled, {c.id for c in children}, False
            self._tick_only = None
        self._family = family
        self._children = children
        chosen = self.query_one("#family-chosen", Static)
        social_worker = f" · social worker {family.social_worker}" if family.social_worker else ""
        chosen.update(plain(f"Booking for: {family_label(family)}{social_worker}"))
        chosen.display = True
        self.query_one("#family-results").display = False
        listing = self.query_one("#children", SelectionList)
        with self.prevent(SelectionList.SelectedChanged):
            listing.clear_options()
            listing.add_options(
                [
                    Selection(
                        plain(child_label(c)),
                        c.id,
                        before is None or c.id in before or c.id not in known or c.id == tick,
                    )
                    for c in children
                ]
            )
        if children:
            listing.highlighted = 0  # so Space unticks the first child straight away
        listing.display = bool(children)
        self._say("children-empty", "" if children else "No children recorded for this family yet.")
        self._say("earlier-title", "Earlier conferences" if earlier else "")
        self._say(
            "earlier",
            "\n".join(
                f"{format_date(c.date)} {c.type_label} · {c.status}"
                + (f" · {c.child_names}" if c.child_names else "")
                for c in earlier
            ),
        )
        self.query_one("#add-child", Button).disabled = False
        self.show_error("children", None)
        if prefilled is not None:
            # Family, children and type are known: the clerk starts at the date.
            self.query_one("#date").focus()
            self._pristine = self._typed()
        elif not same or tick:
            (listing if children else self.query_one("#add-child")).focus()
        self.refresh_preview()

    @on(Button.Pressed, "#new-family")
    def action_new_family(self) -> None:
        typed = self.query_one("#family-search", Input).value.strip()
        self.app.push_screen(NewFamilyModal(typed), self._family_created)

    def _family_created(self, family_id: str | None) -> None:
        if family_id:
            self._pick(family_id)

    # -- 2. children -------------------------------------------------------------------------

    @on(Button.Pressed, "#add-child")
    def action_add_child(self) -> None:
        if self._family is None:
            self.show_error("children", "Choose a family first")
            return
        self.app.push_screen(AddChildModal(self._family.id, self._family.name), self._child_added)

    def _child_added(self, child_id: str | None) -> None:
        if child_id and self._family is not None:
            self.load_family(self._family.id, child_id)

    @on(SelectionList.SelectedChanged, "#children")
    def _children_changed(self) -> None:
        self.show_error("children", None)
        self.refresh_preview()

    # -- 3 and 4: type, dates, people --------------------------------------------------------

    @on(Select.Changed, "#type")
    def _type_changed(self, event: Select.Changed) -> None:
        label = "Deadline runs from"
        if event.value is not Select.NULL:
            ctype = ConferenceType(str(event.value))
            label = ctype.trigger_label
            trigger = self.query_one("#trigger", DateInput)
            if not ctype.is_review and self._auto_trigger is not None:
                # A review's previous conference is not an initial conference's trigger.
                if trigger.value.strip() == self._auto_trigger:
                    with self.prevent(Input.Changed):
                        trigger.value = ""
                self._auto_trigger = None
                self._say("trigger-note", "")
        self.query_one("#trigger-label", Label).update(plain(label))
        self.refresh_preview()

    @on(Input.Changed, "#trigger, #date, #start-time, #duration")
    @on(Select.Changed, "#room, #chair")
    def _timing_changed(self, event: Input.Changed | Select.Changed) -> None:
        widget_id = event.control.id or ""
        if (
            widget_id == "trigger"
            and not event.control.disabled
            and event.control.value.strip() != self._auto_trigger
        ):
            self._say("trigger-note", "")
        self.refresh_preview()

    @on(Select.Changed)
    def _choice_made(self, event: Select.Changed) -> None:
        if event.control.id:
            self.show_error(event.control.id, None)

    @on(CheckedInput.Checked)
    def _checked(self, event: CheckedInput.Checked) -> None:
        if event.input.id:
            self.show_error(event.input.id, event.error)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter moves on, as on a paper form; a field the app cannot read keeps the cursor."""
        if event.input.id == "family-search":
            return
        if isinstance(event.input, CheckedInput) and event.input.error:
            return
        self.focus_next()

    # -- the live panel ----------------------------------------------------------------------

    def values(self) -> FormValues:
        """The form as it stands; anything unreadable is left blank (its field says why)."""
        trigger_input = self.query_one("#trigger", DateInput)
        trigger = trigger_input.date
        if self._auto_trigger is not None and trigger_input.value.strip() == self._auto_trigger:
            trigger = None  # let the service find the previous conference for these children
        duration_text = self.query_one("#duration", Input).value.strip()
        reason = self.query_one("#late-reason", Select).selection
        return FormValues(
            family_id=self._family.id if self._family else None,
            child_ids=list(self.query_one("#children", SelectionList).selected),
            conference_type=str(self.query_one("#type", Select).selection or ""),
            trigger_date=trigger,
            date=self.query_one("#date", DateInput).date,
            start_time=self.query_one("#start-time", TimeInput).time,
            duration_minutes=int(duration_text) if duration_text.isdigit() else None,
            room_id=_str_or_none(self.query_one("#room", Select).selection),
            venue=self.query_one("#venue", Input).value.strip() or None,
            chair_id=_str_or_none(self.query_one("#chair", Select).selection),
            clerk_id=_str_or_none(self.query_one("#clerk", Select).selection),
            late_reason=_str_or_none(reason) if self._needs_reason else None,
            late_note=(self.query_one("#late-note", Input).value.strip() or None)
            if self._needs_reason
            else None,
            rebooks_id=self.prefill.rebooks_id if self.prefill else None,
            override_clash_reason=(self.query_one("#clash-reason", Input).value.strip() or None)
            if self._clash
            else None,
        )

    def refresh_preview(self) -> None:
        self._preview_generation += 1
        self.preview(self.values(), self._preview_generation)

    @work(thread=True, exclusive=True, group="booking-preview", exit_on_error=False)
    def preview(self, values: FormValues, generation: int) -> None:
        from siu_tui.services.booking import preview_booking

        result = preview_booking(
            self.app.desk(),  # type: ignore[attr-defined]
            values.request(preview=True),
            today(),
        )
        self.app.call_from_thread(self.show_preview, result, values, generation)

    def show_preview(self, preview: BookingPreview, values: FormValues, generation: int) -> None:
        if generation != self._preview_generation:
            return  # the form has changed since; a newer preview is on its way
        ctype = ConferenceType(values.conference_type) if values.conference_type else None
        self._fill_trigger(preview, ctype)
        self.show_deadline(preview, ctype)
        has_date = values.date is not None
        warnings = preview.warnings
        lines = [f"⚠ {w.message}" for w in warnings]
        if not has_date and ctype is not None:
            lines.append("Enter the date to check it against the deadline and the diary.")
        box = self.query_one("#warnings", Static)
        box.update(plain("\n".join(lines)))
        box.set_class(any(w.needs_reason for w in warnings), "-late")
        self._needs_reason = has_date and preview.needs_reason
        late = self.query_one("#late")
        if late.display != self._needs_reason:
            late.display = self._needs_reason
            if not self._needs_reason:
                self.show_error("late-reason", None)
                self.show_error("late-note", None)
        self._show_clash(has_date and any(w.field in CLASH_FIELDS for w in warnings))

    def _show_clash(self, clash: bool) -> None:
        """Saving a clash is refused unless the clerk books anyway, with a reason: the field
        for it appears only while the chair or room is taken."""
        self._clash = clash
        self.query_one("#clash").display = clash
        if not clash:
            self.show_error("clash-reason", None)

    def _fill_trigger(self, preview: BookingPreview, ctype: ConferenceType | None) -> None:
        """For a review, the date runs from the children's previous held conference: fill it
        in, and say so, unless the clerk has typed a different date themselves."""
        trigger = self.query_one("#trigger", DateInput)
        current = trigger.value.strip()
        ours = not current or current == self._auto_trigger
        if ctype is None or not ctype.is_review or not ours:
            return
        if preview.trigger_from_previous and preview.trigger_date is not None:
            text = format_date(preview.trigger_date)
            self._auto_trigger = text
            if current != text:
                with self.prevent(Input.Changed):
                    trigger.value = text
            self._say("trigger-note", "Filled in: the children's last held conference")
        elif self._auto_trigger is not None:
            self._auto_trigger = None
            with self.prevent(Input.Changed):
                trigger.value = ""
            self._say("trigger-note", "")

    def show_deadline(
        self, preview: BookingPreview | None, ctype: ConferenceType | None = None
    ) -> None:
        deadline = self.query_one("#deadline", Static)
        summary = self.query_one("#trigger-summary", Static)
        if ctype is None or preview is None:
            deadline.update(plain("Choose the conference type to see its deadline."))
            summary.update("")
            return
        if preview.deadline is None or preview.days_left is None:
            deadline.update(plain(f"Enter the {ctype.trigger_label.lower()} to see the deadline."))
            summary.update("")
            return
        deadline.update(
            plain(
                f"Deadline: {day_and_date(preview.deadline)} · {days_left_text(preview.days_left)}"
            )
        )
        summary.update(
            plain(f"Runs from: {ctype.trigger_label.lower()}, {format_date(preview.trigger_date)}")
        )

    # -- saving ------------------------------------------------------------------------------

    def problems(self, values: FormValues) -> dict[str, str]:
        """What the form can tell before asking the service: blanks, and fields it could not
        read (each DateInput/TimeInput already says why)."""
        errors: dict[str, str] = {}
        if values.family_id is None:
            errors["family"] = "Choose a family: search above, or New family"
        elif not self._children:
            errors["children"] = "This family has no children recorded: Add child"
        elif not values.child_ids:
            errors["children"] = "Tick at least one child (Space ticks)"
        ctype = ConferenceType(values.conference_type) if values.conference_type else None
        if ctype is None:
            errors["conference_type"] = "Choose the conference type"
        for name, widget_id, what in (
            ("trigger_date", "trigger", None),
            ("date", "date", "Enter the date of the conference"),
            ("start_time", "start-time", "Enter the start time"),
        ):
            checked = self.query_one(f"#{widget_id}", CheckedInput)
            problem = checked.check()
            if problem:
                errors[name] = problem
            elif not checked.value.strip():
                if name == "trigger_date":
                    if ctype is not None and not ctype.is_review:
                        errors[name] = f"Enter the {ctype.trigger_label.lower()}"
                elif what:
                    errors[name] = what
        if values.duration_minutes is None or values.duration_minutes <= 0:
            errors["duration_minutes"] = "Enter the expected length in minutes, e.g. 90"
        if self._needs_reason:
            if values.late_reason is None:
                errors["late_reason"] = "The date is after the deadline: choose a reason"
            elif values.late_reason == Reason.OTHER.value and not values.late_note:
                errors["late_note"] = "Say what the other reason is"
        return errors

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self._saving:
            return
        values = self.values()
        errors = self.problems(values)
        if errors:
            self.show_errors(errors)
            return
        self.clear_errors()
        self._saving = True
        self.save(values)

    @work(thread=True, exclusive=True, group="booking-save", exit_on_error=False)
    def save(self, values: FormValues) -> None:
        from siu_tui.services.booking import book_conference
        from siu_tui.services.errors import ValidationError

        try:
            conference_id = book_conference(
                self.app.desk(),  # type: ignore[attr-defined]
                values.request(),
            )
        except ValidationError as exc:
            self.app.call_from_thread(self._refused, exc.errors)
            return
        finally:
            self._saving = False
        self.app.call_from_thread(self._booked, conference_id, values)

    def _refused(self, errors: dict[str, str]) -> None:
        if "late_reason" in errors or "late_note" in errors:
            self._needs_reason = True
            self.query_one("#late").display = True
        if any(name in errors for name in CLASH_FIELDS):
            self._show_clash(True)  # booked by someone else since the preview
        self.show_errors(errors)

    def _booked(self, conference_id: str, values: FormValues) -> None:
        app = self.app
        ctype = ConferenceType(values.conference_type)
        family = self._family.name if self._family else ""
        when = values.date
        at = values.start_time
        message = f"Booked: {ctype.label} for {family}" + (
            f", {day_and_date(when)}" + (f" at {at:%H:%M}" if at else "") if when else ""
        )
        self.dismiss()
        app.open_conference(conference_id)  # type: ignore[attr-defined]
        app.notify(show(message, lines=True), title="Booked", markup=False)

    # -- leaving -----------------------------------------------------------------------------

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self._typed() == self._pristine:
            self.dismiss()
            return
        self.app.push_screen(ConfirmDiscard(), self._discard)

    def _discard(self, discard: bool | None) -> None:
        if discard:
            self.dismiss()


def _str_or_none(value: object) -> str | None:
    return None if value is None or value is Select.NULL else str(value)


# --- dialogs --------------------------------------------------------------------------------


class ConfirmDiscard(SIUModal[bool]):
    """Closing a half-typed booking loses it: ask once, with keeping it as the default."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "keep", "Keep editing", tooltip="Back to the form", id="discard-keep"),
        Binding("d,D", "discard", "Discard", tooltip="Close the form, losing it", id="discard-yes"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="discard-dialog", classes="dialog"):
            yield Static("Discard this booking? What you have typed will be lost.", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Keep editing (Esc)", variant="primary", id="keep")
                yield Button("Discard (D)", variant="error", id="discard")

    def on_mount(self) -> None:
        self.query_one("#keep").focus()

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#discard")
    def action_discard(self) -> None:
        self.dismiss(True)


class DialogForm(ShowsFieldErrors, SIUModal[str | None]):
    """A small form over the booking: Enter moves on, Ctrl+S saves, Esc closes unsaved."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "save", "Save", tooltip="Save and go back to the booking", id="dialog-save"
        ),
        Binding("escape", "close", "Cancel", tooltip="Close without saving", id="dialog-cancel"),
    ]

    def buttons(self) -> Horizontal:
        return Horizontal(
            Static("", id="form-error", classes="error", markup=False),
            Button("Save", variant="primary", id="save"),
            Button("Cancel", id="cancel"),
            classes="buttons",
        )

    def on_mount(self) -> None:
        self.clear_errors()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if isinstance(event.input, CheckedInput) and event.input.error:
            return
        self.focus_next()

    @on(CheckedInput.Checked)
    def _checked(self, event: CheckedInput.Checked) -> None:
        if event.input.id:
            self.show_error(event.input.id, event.error)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:  # pragma: no cover - each dialog saves its own way
        raise NotImplementedError

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)

    def _saved(self, record_id: str, message: str) -> None:
        self.app.notify(show(message, lines=True), markup=False)
        self.dismiss(record_id)


class NewFamilyModal(DialogForm):
    """A family not yet on record: the reference and name, and who holds the case."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "reference": "fam-reference",
        "name": "fam-name",
        "locality_team": "fam-team",
        "social_worker": "fam-sw",
        "social_worker_email": "fam-sw-email",
        "team_manager": "fam-tm",
        "team_manager_email": "fam-tm-email",
    }

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self._name = name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="family-dialog", classes="dialog"):
            yield Static("New family", classes="section-title", markup=False)
            with Horizontal(classes="row"):
                yield labelled("Family reference", Input(id="fam-reference"))
                yield labelled("Family name", Input(self._name, id="fam-name"))
            with labelled(
                "Locality team", Select[str]([], prompt="Choose the team", id="fam-team")
            ):
                yield Input(placeholder="No teams listed yet: type it", id="fam-team-text")
            with Horizontal(classes="row"):
                yield labelled("Social worker", Input(id="fam-sw"))
                yield labelled("Social worker's e-mail", Input(id="fam-sw-email"))
            with Horizontal(classes="row"):
                yield labelled("Team manager", Input(id="fam-tm"))
                yield labelled("Team manager's e-mail", Input(id="fam-tm-email"))
            yield self.buttons()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#fam-team-text").display = False
        self.query_one("#fam-reference").focus()
        self.load_teams()

    @work(thread=True, exclusive=True, group="family-teams", exit_on_error=False)
    def load_teams(self) -> None:
        from siu_tui.services.reference import list_locality_teams

        teams = list_locality_teams(self.app.desk())  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show_teams, teams)

    def show_teams(self, teams: list[LocalityTeamRow]) -> None:
        select = self.query_one("#fam-team", Select)
        select.set_options(choices([(cell(t.name), t.name) for t in teams]))
        # No list set up yet: the service then takes any name, so let the clerk type one.
        select.display = bool(teams)
        self.query_one("#fam-team-text").display = not teams

    def action_save(self) -> None:
        def text(widget_id: str) -> str:
            return self.query_one(f"#{widget_id}", Input).value.strip()

        select = self.query_one("#fam-team", Select)
        team = _str_or_none(select.selection) if select.display else text("fam-team-text")
        self.save(
            text("fam-reference"),
            text("fam-name"),
            {
                "locality_team": team or None,
                "social_worker": text("fam-sw") or None,
                "social_worker_email": text("fam-sw-email") or None,
                "team_manager": text("fam-tm") or None,
                "team_manager_email": text("fam-tm-email") or None,
            },
        )

    @work(thread=True, exclusive=True, group="family-save", exit_on_error=False)
    def save(self, reference: str, name: str, details: dict[str, str | None]) -> None:
        from siu_tui.services.errors import ValidationError
        from siu_tui.services.people import create_family

        try:
            family_id = create_family(
                self.app.desk(),  # type: ignore[attr-defined]
                reference,
                name,
                **details,
            )
        except ValidationError as exc:
            self.app.call_from_thread(self.show_errors, exc.errors)
            return
        self.app.call_from_thread(self._saved, family_id, f"Added family {name}")


class AddChildModal(DialogForm):
    """A child (or an unborn baby) of the family, as the census records them."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "first_name": "child-first",
        "last_name": "child-last",
        "date_of_birth": "child-dob",
        "expected_date_of_birth": "child-edd",
        "sex": "child-sex",
        "ethnicity": "child-ethnicity",
        "case_reference": "child-case-ref",
        "family": "child-first",
    }

    def __init__(self, family_id: str, family_name: str) -> None:
        super().__init__()
        self.family_id = family_id
        self.family_name = family_name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="child-dialog", classes="dialog"):
            yield Static(
                plain(f"Add a child to {self.family_name}"), classes="section-title", markup=False
            )
            with Horizontal(classes="row"):
                yield labelled("First name (or Unborn)", Input(id="child-first"))
                yield labelled("Last name", Input(self.family_name, id="child-last"))
            with Horizontal(classes="row"):
                yield labelled("Date of birth", DateInput(id="child-dob"))
                yield labelled("or expected date of birth", DateInput(id="child-edd"))
            with Horizontal(classes="row"):
                yield labelled(
                    "Sex",
                    Select(
                        choices([(f"{s.label} ({s.value})", s.value) for s in Sex]),
                        prompt="Choose",
                        id="child-sex",
                    ),
                )
                yield labelled(
                    "Ethnicity (DfE)",
                    Select(
                        choices(
                            [
                                (f"{label} ({code})", code)
                                for code, (label, _g) in ETHNICITIES.items()
                            ]
                        ),
                        prompt="Choose",
                        id="child-ethnicity",
                    ),
                )
            yield labelled(
                "Case reference (up to 20 letters and digits)", Input(id="child-case-ref")
            )
            yield self.buttons()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#child-first").focus()

    def action_save(self) -> None:
        errors: dict[str, str] = {}
        born = self.query_one("#child-dob", DateInput)
        due = self.query_one("#child-edd", DateInput)
        for widget, name in ((born, "date_of_birth"), (due, "expected_date_of_birth")):
            problem = widget.check()
            if problem:
                errors[name] = problem
        sex = _str_or_none(self.query_one("#child-sex", Select).selection)
        if sex is None:
            if born.value.strip():
                errors["sex"] = "Choose the child's sex (U if not known)"
            else:
                sex = Sex.UNKNOWN.value  # an unborn child is recorded as U
        if errors:
            self.show_errors(errors)
            return

        def text(widget_id: str) -> str:
            return self.query_one(f"#{widget_id}", Input).value.strip()

        self.save(
            text("child-case-ref"),
            text("child-first"),
            text("child-last"),
            {
                "date_of_birth": born.date,
                "expected_date_of_birth": due.date,
                "sex": sex or "U",
                "ethnicity": _str_or_none(self.query_one("#child-ethnicity", Select).selection),
            },
        )

    @work(thread=True, exclusive=True, group="child-save", exit_on_error=False)
    def save(self, case_reference: str, first: str, last: str, details: dict[str, Any]) -> None:
        from siu_tui.services.errors import ValidationError
        from siu_tui.services.people import add_child

        try:
            child_id = add_child(
                self.app.desk(),  # type: ignore[attr-defined]
                self.family_id,
                case_reference,
                first,
                last,
                **details,
            )
        except ValidationError as exc:
            self.app.call_from_thread(self.show_errors, exc.errors)
            return
        self.app.call_from_thread(self._saved, child_id, f"Added {first} {last}")
