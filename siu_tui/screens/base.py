"""What every SIU Desk screen shares: a failed background job becomes a message, not a crash.

A worker's state change is delivered only to the screen that started it (it does not
bubble), so each screen hands failures to the app's single ``report_error``.

A field arrived at keeps its text unselected: Textual selects a field's text on focus, so a
clerk who tabbed into a filled-in field and typed one letter lost the rest of it.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker, WorkerState


class _ReportsWorkerErrors:
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)  # type: ignore[attr-defined]

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        # Every way of focusing (Tab, a click, ``focus()``) comes through here, before the
        # field hears of it: typing goes where the cursor is, at the end of the text.
        if isinstance(widget, Input):
            widget.select_on_focus = False
        super().set_focus(widget, scroll_visible, from_app_focus)  # type: ignore[misc]


class SIUScreen(_ReportsWorkerErrors, Screen[None]):
    """A full screen of SIU Desk."""


T = TypeVar("T")


class SIUModal(_ReportsWorkerErrors, ModalScreen[T], Generic[T]):
    """A dialog over a screen of SIU Desk."""
