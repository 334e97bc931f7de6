"""The command palette's SIU Desk entries: every section and action, findable by name."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.actions import parse as parse_action
from textual.command import DiscoveryHit, Hit, Hits, Provider


def _allowed(screen: Any, binding: Any) -> bool:
    """Leave out what the screen has switched off for now (a minutes step that does not fit
    the stage): the footer hides it, so the palette should not offer it either."""
    _namespace, name, parameters = parse_action(binding.action)
    return screen.check_action(name, parameters) is not False


class SIUCommands(Provider):
    """Sections of the app, then the current screen's own actions (from its bindings)."""

    def _commands(self) -> list[tuple[str, str, str]]:
        from siu_tui.sections import SECTIONS

        commands = [
            (f"Go to {title}", about, f"app.go('{mode}')")
            for mode, (_k, title, about) in SECTIONS.items()
        ]
        commands.append(("Help: keys and screens", "What every key does here", "app.help"))
        screen = self.screen
        for binding in getattr(screen, "BINDINGS", []):
            if hasattr(binding, "action") and binding.description and _allowed(screen, binding):
                commands.append(
                    (binding.description, binding.tooltip or "", f"screen.{binding.action}")
                )
        return commands

    async def _run(self, action: str) -> None:
        await self.app.run_action(action, self.screen)

    async def discover(self) -> Hits:
        for name, help_text, action in self._commands():
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self._run, action), help=help_text
                )
