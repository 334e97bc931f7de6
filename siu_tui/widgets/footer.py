"""The footer of SIU Desk's screens: Textual's, laying out its keys once per change, and on
the first screen only after the first frame.

Textual's footer rebuilds a widget for every key each time a screen's keys change, and a
screen that opens changes them two or three times in a row (its resume, the focus, the
first table); with every section's key in the footer each rebuild costs tens of
milliseconds. This one rebuilds once for such a burst. While the app is starting it waits
for the app's ``started`` flag, as a bare Textual app's footer does, so the first frame is
not held up by keys drawn twice over.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _update_queued = False

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._update_queued or not getattr(self.app, "started", True):
            return
        self._update_queued = True
        self.call_after_refresh(self._update_keys, screen)

    def _update_keys(self, screen: Screen[Any]) -> None:
        self._update_queued = False
        super().bindings_changed(screen)
