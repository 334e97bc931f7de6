"""The SIU Desk application: the shell every screen lives in.

The first screen is drawn before SQLAlchemy is even imported: the database is opened (and
upgraded if needed) in a worker thread, and screens wait for it in their own workers. A clerk
sees the app at once and the data a moment later, never a frozen terminal.
"""

from __future__ import annotations

import gc
import threading
import time
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

import siu_tui
from siu_tui.commands import SIUCommands
from siu_tui.config import current_user, default_database_url
from siu_tui.errors import DatabaseUnusable, UserFacingError
from siu_tui.sections import GO_KEY, SECTIONS
from siu_tui.widgets.text import show

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.screen import Screen

    from siu_tui.screens.booking import Prefill
    from siu_tui.services.context import Desk


class DeskUnavailable(UserFacingError):
    """The database could not be opened; the message says why, for the clerk."""


def lazy_screen(module: str, name: str) -> Callable[[], Screen[Any]]:
    """A section's screen, imported only when the clerk first opens it: importing all twelve
    (and what they import) before the first frame made every start pay for all of them."""

    def make() -> Screen[Any]:
        screen: Screen[Any] = getattr(import_module(f"siu_tui.screens.{module}"), name)()
        return screen

    make.__qualname__ = name
    return make


class SIUApp(App[None]):
    """SIU Desk. ``SIUApp(database_url=...)`` opens any database, for tests and benchmarks."""

    TITLE = "SIU Desk"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS = App.COMMANDS | {SIUCommands}
    MODES: ClassVar[dict[str, Any]] = {
        "home": lazy_screen("home", "HomeScreen"),
        "conferences": lazy_screen("conferences", "ConferencesScreen"),
        "standdown": lazy_screen("standdown", "StoodDownScreen"),
        "challenges": lazy_screen("challenges.screen", "ChallengesScreen"),
        "advocacy": lazy_screen("advocacy", "AdvocacyScreen"),
        "outbox": lazy_screen("outbox", "OutboxScreen"),
        "outstanding": lazy_screen("outstanding", "OutstandingScreen"),
        "week": lazy_screen("week", "WeekScreen"),
        "reports": lazy_screen("reports", "ReportsScreen"),
        "reference": lazy_screen("reference", "ReferenceScreen"),
        "audit": lazy_screen("audit", "AuditScreen"),
        "settings": lazy_screen("settings", "SettingsScreen"),
    }
    DEFAULT_MODE = "home"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f1,question_mark",
            "help",
            "Help",
            tooltip="List the keys of this screen and what SIU Desk does",
            id="help",
        ),
        Binding(
            GO_KEY,
            "go_menu",
            "Go to",
            tooltip="Go to a section: g then its letter (g h home, g c conferences …)",
            id="go-to",
        ),
        # The letters alone, where they are unambiguous (see check_action); the footer shows
        # "Go to" instead, and help lists them.
        *[
            Binding(key, f"section('{mode}')", title, tooltip=about, show=False, id=f"go-{mode}")
            for mode, (key, title, about) in SECTIONS.items()
            if key != GO_KEY
        ],
        Binding("ctrl+t", "change_theme", "Theme", tooltip="Choose a colour theme", id="theme"),
        Binding("ctrl+q", "quit", "Quit", tooltip="Close SIU Desk", id="quit", priority=True),
    ]

    def __init__(self, database_url: str | None = None, *, user: str | None = None) -> None:
        super().__init__()
        self.database_url = database_url or default_database_url()
        self.user = current_user(user)
        self._desk: Desk | None = None
        self._desk_error: str | None = None
        self._desk_ready = threading.Event()
        self.started = False
        """Whether the first frame is up; until then footers leave their keys for later."""
        self._start_up_over = False
        self._closing_down = False

    # -- the database ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = show(self.user)

    def on_ready(self) -> None:
        elapsed = (time.perf_counter() - siu_tui.STARTED_AT) * 1000
        self.log.info(f"SIU Desk started in {elapsed:.0f} ms")
        # Only now: importing SQLAlchemy in a thread would still slow the first paint (the GIL).
        self.open_desk()
        self.started = True
        self.screen.refresh_bindings()  # the footer's keys (see widgets/footer.py)

    @work(thread=True, exclusive=True, group="desk", exit_on_error=False)
    def open_desk(self) -> None:
        try:
            from siu_tui.services.context import Desk

            self._desk = Desk.open(self.database_url, self.user)
        except Exception as exc:
            # A database that is not one, damaged, full or out of reach is said so in one
            # sentence naming it (never with a password), before any screen shows data.
            from siu_tui.config import shown_url
            from siu_tui.db.failures import explain

            problem = explain(exc, self.database_url)
            if isinstance(problem, DatabaseUnusable):
                self._desk_error = f"Could not open the database: {problem}"
            elif problem is not None:
                self._desk_error = str(problem)
            else:
                from siu_tui.crash import details_saved, record_crash

                where = record_crash(exc)
                self._desk_error = (
                    f"Could not open the database {shown_url(self.database_url)}: something "
                    f"went wrong ({type(exc).__name__}); {details_saved(where)}"
                )
            raise DeskUnavailable(self._desk_error) from exc
        finally:
            # The home screen's worker reads as soon as the store is open, not after the rest.
            self._desk_ready.set()
        # Everything loaded so far lives as long as the app: keep the garbage collector from
        # walking it again, which otherwise shows up as pauses between keystrokes.
        gc.freeze()
        theme = self._saved_theme()
        if theme and theme in self.available_themes:
            self.call_from_thread(setattr, self, "theme", theme)

    def _saved_theme(self) -> str | None:
        from siu_tui.services.settings import load_settings

        assert self._desk is not None
        value = load_settings(self._desk.store).get("theme")
        return value if isinstance(value, str) else None

    def desk(self, timeout: float = 60) -> Desk:
        """The open database; call it from a worker thread (it waits while the app opens it).

        The wait ends early when the app is closing before the database was ever opened (an
        error on the first frame), so no worker thread keeps the process alive after it."""
        deadline = time.monotonic() + timeout
        while not self._desk_ready.wait(0.1):
            if time.monotonic() > deadline or self._closing_down:
                break
        if self._desk is None:
            raise DeskUnavailable(self._desk_error or "The database is still opening")
        return self._desk

    def home_shown(self) -> None:
        """The home screen's data is on screen: start-up is over."""
        if self._start_up_over:
            return
        self._start_up_over = True
        elapsed = (time.perf_counter() - siu_tui.STARTED_AT) * 1000
        self.log.info(f"SIU Desk showed the home screen's data in {elapsed:.0f} ms")
        gc.enable()  # paused by `siu` for the start-up (see cli.py)

    def watch_theme(self, theme: str) -> None:
        if self._desk is not None:
            self.save_theme(theme)

    @work(thread=True, group="theme", exit_on_error=False)
    def save_theme(self, theme: str) -> None:
        from siu_tui.services.settings import load_settings, save_setting

        desk = self.desk()
        if load_settings(desk.store).get("theme") != theme:
            save_setting(desk, "theme", theme)

    # -- errors ------------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """A bug closes the app with a sentence, never a traceback (which can show case data).

        The stack, without messages or values, goes to the crash log for the developers.
        """
        from rich.text import Text

        from siu_tui.crash import details_saved, record_crash

        self._return_code = 1
        if self._exception is None:  # pilot re-raises it in tests
            self._exception = error
            self._exception_event.set()
        where = record_crash(error)
        self.bell()
        details = f"Details for support: {where}" if where else details_saved(where).capitalize()
        self._exit_renderables.append(
            Text(
                show(
                    f"SIU Desk hit a problem ({type(error).__name__}) and had to close. "
                    f"Everything already saved is safe. {details}"
                )
            )
        )
        self._stop_waiting()
        self._close_messages_no_wait()

    def exit(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._stop_waiting()
        super().exit(*args, **kwargs)

    def _stop_waiting(self) -> None:
        """Workers still waiting for the database give up: the app is closing."""
        self._closing_down = True
        self._desk_error = self._desk_error or "SIU Desk is closing"

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """One place turns any failed background job into a message a clerk can read."""
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        self.report_error(event.worker.error)

    def report_error(self, error: BaseException) -> None:
        gc.enable()  # a start-up that failed is over too
        if isinstance(error, UserFacingError):
            message = str(error)
        else:
            from siu_tui.crash import record_crash

            record_crash(error)
            message = (
                f"Something went wrong ({type(error).__name__}). Nothing already saved was lost; "
                "the details are in the crash log."
            )
        self.notify(
            show(message, lines=True), title="Problem", severity="error", timeout=10, markup=False
        )

    # -- actions -----------------------------------------------------------------------------

    def action_help(self) -> None:
        from siu_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.screen))

    def open_conference(self, conference_id: str, *, tab: str | None = None) -> None:
        """Show one conference's record over the current screen (Esc returns), on ``tab``
        (a tab's id, such as ``"tab-invites"``) when given."""
        from siu_tui.screens.record.screen import ConferenceScreen

        self.push_screen(ConferenceScreen(conference_id, tab=tab))

    def open_booking(self, prefill: Prefill | None = None) -> None:
        """Open the booking form over the current screen (Esc or saving returns); ``prefill``
        starts it from another conference (the next review, a re-booking)."""
        from siu_tui.screens.booking import BookingScreen

        self.push_screen(BookingScreen(prefill))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """One key map (see sections.py). A form is for typing: there the section keys are
        left to the form (a letter pressed on a drop-down must not leave a half-typed
        booking). A section's letter alone works only where it cannot mean anything else."""
        if action in ("go_menu", "section") and getattr(self.screen, "IS_FORM", False):
            return False
        if action == "section" and parameters:
            return section_letter_free(self.screen, SECTIONS[str(parameters[0])][0])
        return True

    def action_go_menu(self) -> None:
        from siu_tui.screens.goto import GoToScreen

        def chosen(mode: str | None) -> None:
            if mode:
                self.action_go(mode)

        self.push_screen(GoToScreen(), chosen)

    def action_section(self, mode: str) -> None:
        self.action_go(mode)

    def action_go(self, mode: str) -> None:
        """Open a section on its own screen: a record opened from it is closed (`c` always
        shows the Conferences list), but a form being typed is kept, and so is the section's
        place in its list."""
        from siu_tui.screens.goto import GoToScreen
        from siu_tui.screens.help import HelpScreen

        if isinstance(self.screen, (HelpScreen, GoToScreen)):
            self.pop_screen()
        if mode != self.current_mode:
            self.switch_mode(mode)
        while (
            len(self.screen_stack) > 1
            and not self.screen.is_modal
            and not getattr(self.screen, "IS_FORM", False)
        ):
            self.pop_screen()


TEXT_FIELDS = ("Input", "TextArea", "Select", "SelectOverlay", "SelectCurrent")
"""Widgets a clerk types into (a drop-down searches as letters are typed)."""


def section_letter_free(screen: Screen[Any], key: str) -> bool:
    """Whether a section's letter alone may open it on ``screen``: no text field has the
    focus, and neither the screen nor any part of it (a record's tabs, all of them: a key
    means one thing on a screen, whichever tab is shown) has a key of its own on it."""
    focused = screen.focused
    if focused is not None and any(
        kind.__name__ in TEXT_FIELDS
        for node in focused.ancestors_with_self
        for kind in type(node).__mro__
    ):
        return False
    for node in screen.walk_children(with_self=True):
        if key in node._bindings.key_to_bindings:
            return False
    return True
