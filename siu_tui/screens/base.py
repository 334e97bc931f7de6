"""What every SIU Desk screen shares: a failed background job becomes a message, not a crash.

A worker's state change is delivered only to the screen that started it (it does not
bubble), so each screen hands failures to the app's single ``report_error``.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState


class _ReportsWorkerErrors:
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)  # type: ignore[attr-defined]


class SIUScreen(_ReportsWorkerErrors, Screen[None]):
    """A full screen of SIU Desk."""


T = TypeVar("T")


class SIUModal(_ReportsWorkerErrors, ModalScreen[T], Generic[T]):
    """A dialog over a screen of SIU Desk."""
