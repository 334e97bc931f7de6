"""The command palette's SIU Desk entries: every section and action, findable by name."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.actions import parse as parse_action
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen


def focused_bindings(screen: Screen[Any]) -> list[tuple[DOMNode, Binding]]:
    """The keys of the focused widget's containers below the screen that declare their own
    (a record tab's keys, such as the Invites tab's), nearest first; only bindings with an id,
    so Textual's own widget keys stay out of the lists."""
    found: list[tuple[DOMNode, Binding]] = []
    node: DOMNode | None = screen.focused
    while node is not None and node is not screen:
        for binding in type(node).__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id and binding.description:
                found.append((node, binding))
        node = node.parent
    return found


def _allowed(screen: Any, binding: Any) -> bool:
    """Leave out what the screen has switched off for now (a minutes step that does not fit
    the stage): the footer hides it, so the palette should not offer it either."""
    _namespace, name, parameters = parse_action(binding.action)
    return screen.check_action(name, parameters) is not False


class SIUCommands(Provider):
    """Sections of the app, then the current screen's own actions (from its bindings),
    including those of the part of the screen in use (a record's tab)."""

    def _commands(self) -> list[tuple[str, str, str, DOMNode | None]]:
        from siu_tui.sections import SECTIONS

        commands: list[tuple[str, str, str, DOMNode | None]] = [
            (f"Go to {title}", about, f"app.go('{mode}')", None)
            for mode, (_k, title, about) in SECTIONS.items()
        ]
        commands.append(("Help: keys and screens", "What every key does here", "app.help", None))
        screen = self.screen
        for node, binding in focused_bindings(screen):
            commands.append((binding.description, binding.tooltip or "", binding.action, node))
        for binding in getattr(screen, "BINDINGS", []):
            if hasattr(binding, "action") and binding.description and _allowed(screen, binding):
                commands.append(
                    (binding.description, binding.tooltip or "", f"screen.{binding.action}", None)
                )
        return commands

    async def _run(self, action: str, node: DOMNode | None) -> None:
        await self.app.run_action(action, node or self.screen)

    async def discover(self) -> Hits:
        for name, help_text, action, node in self._commands():
            yield DiscoveryHit(name, partial(self._run, action, node), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action, node in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self._run, action, node),
                    help=help_text,
                )
