"""A child's details changed from a conference's record, most often to record a baby's birth.

It is the booking form's child dialog filled in with what is on record, so a child is typed
the same way whether added or changed, and the service refuses the same dates in both. The
case reference stays as it is: other systems know the child by it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Input, Select, Static

from siu_tui.domain.dates import format_date
from siu_tui.screens.booking import AddChildModal
from siu_tui.widgets.date_input import DateInput
from siu_tui.widgets.text import plain

if TYPE_CHECKING:
    from siu_tui.services.record import RecordChild


class EditChildModal(AddChildModal):
    """The child's names, dates of birth, sex and ethnicity, as on record."""

    def __init__(self, child: RecordChild) -> None:
        super().__init__("", child.last_name)
        self.child = child

    def on_mount(self) -> None:
        # Textual runs the booking dialog's own on_mount after this one (it focuses the
        # first name), so the focus below waits for the first refresh.
        child = self.child
        unborn = child.date_of_birth is None
        title = f"Record the birth of {child.name}" if unborn else f"{child.name}'s details"
        self.query_one(".section-title", Static).update(plain(title))
        self.query_one("#child-first", Input).value = child.first_name
        self.query_one("#child-last", Input).value = child.last_name
        self.query_one("#child-dob", DateInput).value = format_date(child.date_of_birth)
        self.query_one("#child-edd", DateInput).value = format_date(child.expected_date_of_birth)
        self.query_one("#child-sex", Select).value = child.sex
        if child.ethnicity:
            self.query_one("#child-ethnicity", Select).value = child.ethnicity
        reference = self.query_one("#child-case-ref", Input)
        reference.value = child.case_reference
        reference.disabled = True
        # A birth is what is usually recorded here: start at the date of birth.
        self.call_after_refresh(self.query_one("#child-dob" if unborn else "#child-first").focus)

    @work(thread=True, exclusive=True, group="child-save", exit_on_error=False)
    def save(self, case_reference: str, first: str, last: str, details: dict[str, Any]) -> None:
        from siu_tui.services.errors import ValidationError
        from siu_tui.services.people import update_child

        try:
            changed = update_child(
                self.app.desk(),  # type: ignore[attr-defined]
                self.child.id,
                first,
                last,
                **details,
            )
        except ValidationError as exc:
            self.app.call_from_thread(self.show_errors, exc.errors)
            return
        name = f"{first.strip()} {last.strip()}"
        message = f"{name}'s details changed" if changed else f"Nothing changed for {name}"
        self.app.call_from_thread(self._saved, self.child.id, message)
