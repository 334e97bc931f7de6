"""One key map: a key means one thing on a screen, typing never takes a clerk elsewhere, and
the letters shown on buttons are the keys that work.

The sections are reached with `g` then a letter from anywhere; a letter alone opens a section
only where no text field has the focus and the screen has no key of its own on it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

import siu_tui.screens
from siu_tui.app import SIUApp
from siu_tui.screens.base import SIUModal
from siu_tui.screens.booking import BookingScreen, ConfirmDiscard
from siu_tui.screens.conferences import ConferencesScreen
from siu_tui.screens.goto import GoToScreen
from siu_tui.screens.home import HomeScreen
from siu_tui.screens.record.actions import MoveDialog, RebookDialog, StandDownDialog
from siu_tui.screens.record.invites import InviteeDialog
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.screens.settings import EditSetting, SettingsScreen
from siu_tui.sections import SECTIONS
from siu_tui.services.context import Desk
from siu_tui.services.settings import load_rules

from .conftest import settle

SIZE = (120, 40)


# --- the key map ------------------------------------------------------------------------------


def own_bindings(node: DOMNode) -> list[Binding]:
    """The keys SIU Desk gives a screen, a widget or the app (not Textual's own widget keys,
    such as a table's Enter, which serve the same purpose as ours)."""
    found: list[Binding] = []
    for kind in type(node).__mro__:
        if kind.__module__.startswith("siu_tui"):
            found += [b for b in kind.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]
    return found


def shown(node: DOMNode) -> bool:
    """Whether a part of the screen is on it now (a record's inactive tabs are not)."""
    return all(n.display for n in node.ancestors_with_self if isinstance(n, Widget))


def clashes(app: SIUApp, where: str) -> list[str]:
    """Every key that means two things at once on the screen shown, with the app's keys."""
    screen = app.screen
    nodes: list[DOMNode] = [n for n in screen.walk_children(with_self=True) if shown(n)]
    if not screen.is_modal:
        nodes.append(app)
    meanings: dict[str, set[str]] = defaultdict(set)
    for node in nodes:
        for binding in own_bindings(node):
            if app._check_action_state(binding.action, node) is False:
                continue  # switched off here (a section's letter the screen uses itself)
            for key in binding.key.split(","):
                meanings[key].add(binding.action)
    return [
        f"{where}: {key} = {sorted(actions)}"
        for key, actions in meanings.items()
        if len(actions) > 1
    ]


def modal_classes() -> list[type[Screen[object]]]:
    for module in pkgutil.walk_packages(siu_tui.screens.__path__, "siu_tui.screens."):
        importlib.import_module(module.name)
    found: list[type[Screen[object]]] = []
    todo: list[type[Screen[object]]] = [SIUModal]
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo += kind.__subclasses__()
    return found


async def test_a_key_means_one_thing_on_every_screen_and_tab(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    problems: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for mode in SECTIONS:
            await app.run_action(f"go('{mode}')")
            await settle(pilot)
            app.screen.set_focus(None)  # the letters apply when no field has the focus
            await pilot.pause()
            problems += clashes(app, mode)
        await app.run_action("go('home')")
        await settle(pilot)
        app.screen.query_one("#today", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        record = app.screen
        assert isinstance(record, ConferenceScreen)
        tabs = record.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane)]
        assert len(panes) == 6
        for pane in panes:
            tabs.active = str(pane)
            await settle(pilot)
            problems += clashes(app, f"record {pane}")
    for kind in modal_classes():
        meanings: dict[str, set[str]] = defaultdict(set)
        for klass in kind.__mro__:
            for binding in klass.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    for key in binding.key.split(","):
                        meanings[key].add(binding.action)
        problems += [
            f"{kind.__name__}: {key} = {sorted(actions)}"
            for key, actions in meanings.items()
            if len(actions) > 1
        ]
    assert problems == []


# --- 1. a tab's keys work as soon as it is shown ------------------------------------------------


async def open_record(pilot) -> ConferenceScreen:  # type: ignore[no-untyped-def]
    """Home, today's 10:00 conference, Enter."""
    await settle(pilot)
    pilot.app.screen.query_one("#today", DataTable).focus()
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConferenceScreen)
    return screen


async def test_a_tabs_keys_work_as_soon_as_it_is_shown(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(pilot)
        tabs = record.query_one(TabbedContent)
        assert record.focused is record.query_one("#children", DataTable)
        # ←/→ on the tab strip: the Invites tab, and its keys at once.
        record.query_one("#record-tabs Tabs").focus()
        await pilot.press("right")
        await settle(pilot)
        assert tabs.active == "tab-invites"
        assert record.focused is record.query_one("#invites", DataTable)
        for key, meaning in (("n", "Add"), ("i", "Invited"), ("t", "Attended"), ("q", "E-mail")):
            assert record.active_bindings[key].binding.description == meaning
        await pilot.press("n")  # "Press n to add someone"
        await settle(pilot)
        assert isinstance(app.screen, InviteeDialog)
        await pilot.press("escape")
        await settle(pilot)
        # ] and [ switch tabs from anywhere on the record, and are in the footer and help.
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert tabs.active == "tab-history"
        assert record.focused is record.query_one("#history", DataTable)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert tabs.active == "tab-children"
        assert record.focused is record.query_one("#children", DataTable)
        footer = {b.description for _n, b, _e, _t in record.active_bindings.values() if b.show}
        assert {"Next tab", "Prev tab"} <= footer
        await pilot.press("question_mark")
        await settle(pilot)
        help_rows = app.screen.query_one(DataTable)
        keys = [str(help_rows.get_row_at(r)[0]) for r in range(help_rows.row_count)]
        assert "]" in keys and "[" in keys


# --- 2. typing never takes a clerk somewhere by accident ------------------------------------------


async def test_typing_never_leaves_the_screen(sample_url: str) -> None:
    typed = "kettle/ślęz"
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        conferences = app.screen
        assert isinstance(conferences, ConferencesScreen)
        await pilot.press("slash", *typed)
        await settle(pilot)
        assert app.screen is conferences
        assert conferences.query_one("#search", Input).value == typed
        # On a record, typing in the wrong place does nothing rather than open a section
        # (`l` opened the stood-down log, which took "ęz" into its From date).
        await pilot.press("h")  # typed too: the search still has the focus
        assert conferences.query_one("#search", Input).value == typed + "h"
        conferences.query_one(DataTable).focus()
        await pilot.press("h")
        await settle(pilot)
        record = await open_record(pilot)
        await pilot.press("slash", *"ślęz", "kettle")
        await settle(pilot)
        assert app.screen is record
        # In a dialog's field every letter is typed.
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        field = dialog.focused
        assert isinstance(field, Input)
        before = field.value
        await pilot.press("end", *typed)
        await settle(pilot)
        assert app.screen is dialog
        assert field.value == before + typed


async def test_g_then_a_letter_goes_to_any_section_and_a_letter_alone_where_free(
    sample_url: str,
) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(pilot)
        await pilot.press("right_square_bracket")  # Invites, where w is the SW report
        await settle(pilot)
        assert record.active_bindings["w"].binding.description == "SW report"
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GoToScreen)
        await pilot.press("w")
        await settle(pilot)
        assert app.current_mode == "week"
        await pilot.press("g", "g")
        await settle(pilot)
        assert app.current_mode == "challenges"
        await pilot.press("h")  # free on the challenges list: the letter alone
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


# --- 3. labels match keys; c opens the list; Ctrl+S; a number is a whole number ----------------


async def test_the_letters_on_buttons_work_in_either_case(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_record(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, StandDownDialog)
        await pilot.press("enter")  # the reasons
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")  # not quorate
        await settle(pilot)
        assert isinstance(app.screen, RebookDialog)
        assert "Re-book now (B)" in [str(b.label) for b in app.screen.query("Button")]
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: it closes
        await settle(pilot)
        await pilot.press("h", "n")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        await pilot.press(*"brook", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDiscard)
        assert "Discard (D)" in [str(b.label) for b in app.screen.query("Button")]
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_c_always_opens_the_conference_list(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        await pilot.press("c")  # on the record: back to the list
        await settle(pilot)
        assert isinstance(app.screen, ConferencesScreen)
        app.screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("c")  # not the record left open there
        await settle(pilot)
        assert isinstance(app.screen, ConferencesScreen)


async def test_a_setting_saves_with_ctrl_s_and_refuses_a_fraction(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("enter")  # Initial conference within (working days): 15
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EditSetting)
        await pilot.press("end", "full_stop", "5", "ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#edit-value", Input).value == "15.5"
        error = dialog.query_one("#edit-error", Static)
        assert error.display and str(error.render()) == "Must be a whole number, not '15.5'"
        assert load_rules(Desk.open(sample_url, "check").store).initial_working_days == 15
        await pilot.press("backspace", "backspace", "backspace", "4", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
    assert load_rules(Desk.open(sample_url, "check").store).initial_working_days == 14
