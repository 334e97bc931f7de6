"""The challenge forms: log one, escalate it to the next level, resolve it.

Each is a dialog over the screen it was opened from: Tab moves between fields, Enter opens a
list or moves on, Ctrl+S saves, Esc closes. The response's due date is filled in from the
date raised as soon as that is typed (the setting's working days after it) and can be typed
over; the line beside it says which weekday that is and how many working days it allows.
Saving goes through ``services.challenges``; a refusal is shown beside the field it names.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from siu_tui.clock import today
from siu_tui.domain.challenges import default_response_due
from siu_tui.domain.codes import ChallengeCategory, ChallengeLevel
from siu_tui.domain.dates import format_date
from siu_tui.domain.settings import DEFAULT_RULES, Rules
from siu_tui.domain.workingdays import working_days_between
from siu_tui.screens.booking import DialogForm, family_label, labelled
from siu_tui.widgets.date_input import DateInput
from siu_tui.widgets.text import cell, choices, plain

if TYPE_CHECKING:
    from siu_tui.services.challenges import ChallengeRow, FormChoices
    from siu_tui.services.families import FamilyRow

CSS = Path(__file__).with_name("forms.tcss")


def _selected(select: Select[Any]) -> str | None:
    value = select.selection
    return None if value is None else str(value)


class ChallengeForm(DialogForm):
    """What the three forms share: the dialog frame, the people and conferences to pick from
    (read in a worker), and the response date filled in live from the date raised."""

    CSS_PATH = CSS
    RAISED_ID = "ch-raised-on"
    DUE_ID = "ch-due"

    def __init__(self) -> None:
        super().__init__()
        self.rules: Rules = DEFAULT_RULES
        self.choices: FormChoices | None = None
        self._auto_due = ""
        """The due date this form last filled in; typed over, it is left alone."""
        self._saving = False

    # -- shared pieces -----------------------------------------------------------------------

    def due_row(self, raised_label: str) -> ComposeResult:
        with Horizontal(classes="row"):
            yield labelled(raised_label, DateInput(today(), id=self.RAISED_ID))
            yield labelled("Response due", DateInput(id=self.DUE_ID))
            yield Static("", id="ch-due-hint", classes="hint due-hint", markup=False)

    def buttons(self) -> Horizontal:
        """The keys are on the buttons: a dialog has no footer to show them."""
        return Horizontal(
            Static("", id="form-error", classes="error", markup=False),
            Button("Save (Ctrl+S)", variant="primary", id="save"),
            Button("Cancel (Esc)", id="cancel"),
            classes="buttons",
        )

    def description_field(self, title: str, widget_id: str = "ch-description") -> Any:
        return labelled(title, TextArea(id=widget_id, classes="text"))

    def on_mount(self) -> None:
        super().on_mount()
        if self.query(f"#{self.DUE_ID}"):
            self.refresh_due(recompute=True)
        self.load_choices()

    @work(thread=True, exclusive=True, group="challenge-form-choices", exit_on_error=False)
    def load_choices(self, family_id: str | None = None) -> None:
        from siu_tui.services.challenges import form_choices

        desk = self.app.desk()  # type: ignore[attr-defined]
        rules = desk.rules
        found = form_choices(desk, family_id or self.family_id(), self.conference_id())
        self.app.call_from_thread(self._choices_loaded, rules, found)

    def family_id(self) -> str | None:
        return None

    def conference_id(self) -> str | None:
        return None

    def _choices_loaded(self, rules: Rules, found: FormChoices) -> None:
        self.rules = rules
        self.choices = found
        if self.query(f"#{self.DUE_ID}"):
            self.refresh_due(recompute=True)
        self.show_choices(found)

    def show_choices(self, found: FormChoices) -> None:
        """Fill the raised-by list, choosing ``default_raiser`` when it is one of them."""
        select = self.query_one("#ch-raised-by", Select)
        with self.prevent(Select.Changed):
            select.set_options(choices([(cell(name), key) for key, name in found.raisers]))
            wanted = self.default_raiser()
            if wanted in {key for key, _n in found.raisers}:
                select.value = wanted

    def default_raiser(self) -> str | None:
        return None

    @on(Input.Changed, "#ch-raised-on")
    def _raised_changed(self) -> None:
        self.refresh_due(recompute=True)

    @on(Input.Changed, "#ch-due")
    def _due_changed(self) -> None:
        self.refresh_due(recompute=False)

    def refresh_due(self, *, recompute: bool) -> None:
        """Fill in the default due date (unless one has been typed), and say what it is."""
        raised = self.query_one(f"#{self.RAISED_ID}", DateInput).date
        due_input = self.query_one(f"#{self.DUE_ID}", DateInput)
        if recompute and raised is not None:
            default = format_date(default_response_due(raised, self.rules))
            if due_input.value.strip() in ("", self._auto_due) and due_input.value != default:
                self._auto_due = default
                due_input.value = default  # comes back here with recompute=False
                return
            self._auto_due = default if due_input.value == default else self._auto_due
        n = self.rules.challenge_response_working_days
        due = due_input.date
        if raised is None or due is None:
            text = f"Due {n} working days after it is raised (Settings)"
        else:
            gap = working_days_between(raised, due)
            text = f"{due:%A} · {gap} working day{'s' if gap != 1 else ''} after it was raised"
            if gap != n:
                text += f" (the usual is {n})"
        hint = self.query_one("#ch-due-hint", Static)
        hint.update(plain(text))

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id:
            self.show_error(event.text_area.id, None)

    def dates(self, *fields: tuple[str, str]) -> tuple[dict[str, date | None], dict[str, str]]:
        """The dates typed, and a message for each that cannot be read."""
        values: dict[str, date | None] = {}
        errors: dict[str, str] = {}
        for name, widget_id in fields:
            widget = self.query_one(f"#{widget_id}", DateInput)
            problem = widget.check()
            if problem:
                errors[name] = problem
            values[name] = widget.date
        return values, errors

    def text(self, widget_id: str) -> str:
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, TextArea):
            return widget.text.strip()
        assert isinstance(widget, Input)
        return widget.value.strip()

    def action_save(self) -> None:
        if self._saving:
            return
        try:
            values = self.collect()
        except _Refused as refused:
            self.show_errors(refused.errors)
            return
        self.clear_errors()
        self._saving = True
        self.save(values)

    def collect(self) -> dict[str, Any]:  # pragma: no cover - each form has its own
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="challenge-form-save", exit_on_error=False)
    def save(self, values: dict[str, Any]) -> None:
        from siu_tui.services.errors import ValidationError

        try:
            record_id, message = self.apply(self.app.desk(), values)  # type: ignore[attr-defined]
        except ValidationError as exc:
            self.app.call_from_thread(self.show_errors, exc.errors)
            return
        finally:
            self._saving = False
        self.app.call_from_thread(self._saved, record_id, message)

    def apply(self, desk: Any, values: dict[str, Any]) -> tuple[str, str]:  # pragma: no cover
        raise NotImplementedError


class _Refused(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _due_message(due: date | None, rules: Rules, raised: date) -> str:
    when = due or default_response_due(raised, rules)
    return f"response due {when:%A} {format_date(when)}"


# --- Logging a challenge ----------------------------------------------------------------------


class LogChallengeDialog(ChallengeForm):
    """A new challenge: against a family found by search, or the family (and conference) of
    the record it was opened from."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "family": "ch-family-search",
        "conference": "ch-conference",
        "raised_by": "ch-raised-by",
        "level": "ch-level",
        "category": "ch-category",
        "description": "ch-description",
        "person_challenged": "ch-person",
        "team": "ch-team",
        "raised_on": "ch-raised-on",
        "response_due": "ch-due",
    }

    def __init__(
        self,
        family_id: str | None = None,
        conference_id: str | None = None,
        chair_id: str | None = None,
    ) -> None:
        super().__init__()
        self._family_id = family_id
        self._preset = family_id is not None
        self._conference_id = conference_id
        self._chair_id = chair_id
        self._search_generation = 0
        self._searching = False
        self._pick_when_found = False
        if self._preset:
            self.FIELD_IDS = {k: v for k, v in type(self).FIELD_IDS.items() if k != "family"}

    def family_id(self) -> str | None:
        return self._family_id

    def conference_id(self) -> str | None:
        return self._conference_id

    def default_raiser(self) -> str | None:
        return self._chair_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="ch-log", classes="dialog"):
            yield Static("Log a challenge", classes="section-title", markup=False)
            if not self._preset:
                yield labelled(
                    "Family",
                    Input(
                        placeholder="Search: family name or reference, child, case reference",
                        id="ch-family-search",
                    ),
                )
                yield OptionList(id="ch-family-results", markup=False)
            yield Static("", id="ch-family-chosen", classes="chosen", markup=False)
            with Horizontal(classes="row"):
                yield labelled(
                    "About a conference (optional)",
                    Select[str]([], prompt="Not about one conference", id="ch-conference"),
                )
                yield labelled(
                    "Raised by", Select[str]([], prompt="Choose the IRO", id="ch-raised-by")
                )
            with Horizontal(classes="row"):
                yield labelled(
                    "Level",
                    Select(
                        choices([(level.label, level.value) for level in ChallengeLevel]),
                        value=ChallengeLevel.PRACTICE.value,
                        allow_blank=False,
                        id="ch-level",
                    ),
                )
                yield labelled(
                    "Category",
                    Select(
                        choices([(c.label, c.value) for c in ChallengeCategory]),
                        prompt="Choose the category",
                        id="ch-category",
                    ),
                )
            yield self.description_field("What is challenged, and what is asked for")
            with Horizontal(classes="row"):
                yield labelled("Person challenged", Input(id="ch-person"))
                yield labelled("Their team", Input(id="ch-team"))
            yield from self.due_row("Raised on")
            yield self.buttons()

    def on_mount(self) -> None:
        super().on_mount()
        if self._preset:
            self.query_one("#ch-family-chosen", Static).update(plain("Family: loading…"))
            self.query_one("#ch-raised-by").focus()
        else:
            self.query_one("#ch-family-results").display = False
            self.query_one("#ch-family-chosen").display = False
            self.query_one("#ch-family-search").focus()

    def show_choices(self, found: FormChoices) -> None:
        super().show_choices(found)
        family = found.family
        if family is None:
            return
        chosen = self.query_one("#ch-family-chosen", Static)
        worker = f" · social worker {family.social_worker}" if family.social_worker else ""
        team = f" · {family.locality_team}" if family.locality_team else ""
        chosen.update(plain(f"Family: {family.name} ({family.reference}){team}{worker}"))
        chosen.display = True
        conference = self.query_one("#ch-conference", Select)
        with self.prevent(Select.Changed):
            conference.set_options(
                choices([(cell(label), key) for key, label in found.conferences])
            )
            if self._conference_id in dict(found.conferences):
                conference.value = self._conference_id
        for widget_id, value in (
            ("ch-person", family.social_worker),
            ("ch-team", family.locality_team),
        ):
            field = self.query_one(f"#{widget_id}", Input)
            if not field.value.strip() and value:
                field.value = value
        self.show_error("ch-family-search", None)

    # -- finding the family ------------------------------------------------------------------

    @on(Input.Changed, "#ch-family-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._search_generation += 1
        self._searching = True
        self.search(event.value, self._search_generation)

    @work(thread=True, exclusive=True, group="challenge-family-search", exit_on_error=False)
    def search(self, text: str, generation: int) -> None:
        from siu_tui.services.families import search_families

        rows = search_families(self.app.desk(), text, limit=8)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show_results, rows, generation)

    def show_results(self, rows: list[FamilyRow], generation: int) -> None:
        if generation != self._search_generation:
            return
        self._searching = False
        results = self.query_one("#ch-family-results", OptionList)
        results.clear_options()
        results.add_options([Option(plain(family_label(r)), id=r.id) for r in rows])
        if rows:
            results.highlighted = 0
        typed = bool(self.query_one("#ch-family-search", Input).value.strip())
        results.display = bool(rows) and typed
        if typed and not rows:
            self.show_error("ch-family-search", "No family matches: try another spelling")
        if self._pick_when_found:
            self._pick_when_found = False
            if rows:
                self.pick(rows[0].id)

    @on(Input.Submitted, "#ch-family-search")
    def _search_submitted(self) -> None:
        """Enter takes the highlighted family (the first found), waiting for a search still
        running rather than taking a stale one."""
        if self._searching:
            self._pick_when_found = True
            return
        results = self.query_one("#ch-family-results", OptionList)
        if results.display and results.highlighted is not None:
            option = results.get_option_at_index(results.highlighted)
            if option.id:
                self.pick(option.id)

    @on(OptionList.OptionSelected, "#ch-family-results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.pick(event.option.id)

    def pick(self, family_id: str) -> None:
        if family_id != self._family_id:
            self._conference_id = None
        self._family_id = family_id
        self.query_one("#ch-family-results").display = False
        self.load_choices(family_id)
        self.query_one("#ch-conference").focus()

    # -- saving ------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        values, errors = self.dates(("raised_on", "ch-raised-on"), ("response_due", "ch-due"))
        if values["raised_on"] is None and "raised_on" not in errors:
            errors["raised_on"] = "Enter the date the challenge was raised"
        if not self._family_id:
            errors["family"] = "Find the family: type its name and press Enter"
        if errors:
            raise _Refused(errors)
        return {
            "family_id": self._family_id,
            "conference_id": _selected(self.query_one("#ch-conference", Select)),
            "raised_by_id": _selected(self.query_one("#ch-raised-by", Select)) or "",
            "level": _selected(self.query_one("#ch-level", Select)) or "",
            "category": _selected(self.query_one("#ch-category", Select)) or "",
            "description": self.text("ch-description"),
            "person_challenged": self.text("ch-person") or None,
            "team": self.text("ch-team") or None,
            "raised_on": values["raised_on"],
            "response_due": values["response_due"],
        }

    def apply(self, desk: Any, values: dict[str, Any]) -> tuple[str, str]:
        from siu_tui.services.challenges import ChallengeRequest, log_challenge

        challenge_id = log_challenge(desk, ChallengeRequest(**values))
        level = ChallengeLevel(values["level"]).label
        family = self.choices.family.name if self.choices and self.choices.family else ""
        due = _due_message(values["response_due"], self.rules, values["raised_on"])
        return challenge_id, f"Logged: {level} for {family}, {due}"


# --- Escalating -------------------------------------------------------------------------------


class EscalateDialog(ChallengeForm):
    """Close the open level as escalated and raise the next one; both stay in the history."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "raised_on": "ch-raised-on",
        "raised_by": "ch-raised-by",
        "description": "ch-description",
        "person_challenged": "ch-person",
        "team": "ch-team",
        "response_due": "ch-due",
    }

    def __init__(self, row: ChallengeRow) -> None:
        super().__init__()
        self.row = row
        assert row.next_level is not None
        self.next_level = ChallengeLevel(row.next_level)

    def family_id(self) -> str | None:
        return self.row.family_id

    def default_raiser(self) -> str | None:
        return self.row.raised_by_id

    def compose(self) -> ComposeResult:
        row = self.row
        with VerticalScroll(id="ch-escalate", classes="dialog"):
            yield Static(plain(f"Escalate to: {self.next_level.label}"), classes="section-title")
            yield Static(
                plain(
                    f"Closes the {row.level_label.lower()} raised {format_date(row.raised_on)} "
                    f"for {row.family_name} as escalated (its response: {row.response}), and "
                    "raises the next level. Both stay in the challenge's history."
                ),
                classes="hint",
            )
            with Horizontal(classes="row"):
                yield labelled("Escalated on", DateInput(today(), id=self.RAISED_ID))
                yield labelled(
                    "Raised by", Select[str]([], prompt="Choose the IRO", id="ch-raised-by")
                )
            yield self.description_field("Why it is escalated, and what is asked for now")
            with Horizontal(classes="row"):
                yield labelled(
                    "Person challenged", Input(row.person_challenged or "", id="ch-person")
                )
                yield labelled("Their team", Input(row.team or "", id="ch-team"))
            with Horizontal(classes="row"):
                yield labelled("Response due", DateInput(id=self.DUE_ID))
                yield Static("", id="ch-due-hint", classes="hint due-hint", markup=False)
            yield self.buttons()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#ch-description").focus()

    def show_choices(self, found: FormChoices) -> None:
        super().show_choices(found)
        family = found.family
        manager = family.team_manager if family else None
        person = self.query_one("#ch-person", Input)
        # Taken to the team manager: they are the one challenged now.
        if (
            self.next_level is ChallengeLevel.TEAM_MANAGER
            and manager
            and person.value.strip() == (self.row.person_challenged or "")
        ):
            person.value = manager

    def collect(self) -> dict[str, Any]:
        values, errors = self.dates(("raised_on", "ch-raised-on"), ("response_due", "ch-due"))
        if values["raised_on"] is None and "raised_on" not in errors:
            errors["raised_on"] = "Enter the date it is escalated"
        if errors:
            raise _Refused(errors)
        return {
            "raised_on": values["raised_on"],
            "description": self.text("ch-description"),
            "raised_by_id": _selected(self.query_one("#ch-raised-by", Select)),
            "person_challenged": self.text("ch-person") or None,
            "team": self.text("ch-team") or None,
            "response_due": values["response_due"],
        }

    def apply(self, desk: Any, values: dict[str, Any]) -> tuple[str, str]:
        from siu_tui.services.challenges import EscalationRequest, escalate_challenge

        new_id = escalate_challenge(desk, self.row.id, EscalationRequest(**values))
        due = _due_message(values["response_due"], self.rules, values["raised_on"])
        return new_id, f"Escalated: {self.next_level.label}, {due}"


# --- Resolving --------------------------------------------------------------------------------


class ResolveDialog(ChallengeForm):
    """Close the open level with what was agreed or done."""

    FIELD_IDS: ClassVar[dict[str, str]] = {
        "resolved_on": "ch-resolved-on",
        "outcome": "ch-outcome",
    }

    def __init__(self, row: ChallengeRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        row = self.row
        with VerticalScroll(id="ch-resolve", classes="dialog"):
            yield Static("Resolve the challenge", classes="section-title")
            yield Static(
                plain(
                    f"{row.level_label} for {row.family_name}, raised "
                    f"{format_date(row.raised_on)} (response {row.response})."
                ),
                classes="hint",
            )
            yield labelled("Resolved on", DateInput(today(), id="ch-resolved-on"))
            yield self.description_field("Outcome: what was agreed or done", "ch-outcome")
            yield self.buttons()

    def on_mount(self) -> None:
        self.clear_errors()
        self.query_one("#ch-outcome").focus()

    def collect(self) -> dict[str, Any]:
        values, errors = self.dates(("resolved_on", "ch-resolved-on"))
        if values["resolved_on"] is None and "resolved_on" not in errors:
            errors["resolved_on"] = "Enter the date it was resolved"
        if errors:
            raise _Refused(errors)
        return {"resolved_on": values["resolved_on"], "outcome": self.text("ch-outcome")}

    def apply(self, desk: Any, values: dict[str, Any]) -> tuple[str, str]:
        from siu_tui.services.challenges import resolve_challenge

        resolve_challenge(desk, self.row.id, **values)
        return self.row.id, f"Resolved on {format_date(values['resolved_on'])}"
