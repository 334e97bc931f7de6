"""The footer of SIU Desk's screens: Textual's, rebuilt only when the keys it shows change,
and on the first screen only after the first frame.

Textual's footer rebuilds a widget for every key each time anything about a screen's keys
changes, and a screen changes them two or three times in a row as it opens (its resume, the
focus, the first table), and again at every move of the focus, mostly without changing
what the footer shows; with every section's key in the footer each rebuild costs tens of
milliseconds. This one rebuilds once for such a burst, and not at all when the keys shown are
the same. While the app is starting it waits for the app's ``started`` flag, as a bare
Textual app's footer does, so the first frame is not held up by keys drawn twice over.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _update_queued = False
    _drawn: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._update_queued or not getattr(self.app, "started", True):
            return
        self._update_queued = True
        self.call_after_refresh(self._update_keys, screen)

    def _update_keys(self, screen: Screen[Any]) -> None:
        self._update_queued = False
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        keys = self._keys()
        if keys == self._drawn:
            return
        self._drawn = keys
        await super().recompose()

    def _keys(self) -> tuple[object, ...]:
        """What the footer draws from: every active key, enabled or not, and its settings."""
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (binding.key, binding.action, binding.description, binding.show, enabled, tip)
                for _node, binding, enabled, tip in self.screen.active_bindings.values()
            ),
        )
