"""Fields in every form and dialog: a message goes once the field is put right, a filled-in
field keeps its text when the clerk arrives in it, and the focused field can be seen."""

from __future__ import annotations

from textual.color import Color
from textual.widgets import Input, Static

from siu_tui.app import SIUApp
from siu_tui.screens.booking import AddChildModal
from siu_tui.screens.record.actions import CancelDialog, MoveDialog

from .conftest import settle
from .test_booking import choose, fill, open_form, pick_family, tab_to
from .test_record import SIZE, error, open_todays_first


async def test_a_dialogs_message_goes_once_the_field_is_changed(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_todays_first(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CancelDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert error(pilot, "reason") == "Say why the conference is cancelled"
        await pilot.press("F")
        await pilot.pause()
        assert error(pilot, "reason") == ""


async def test_a_wrong_date_in_a_dialog_is_told_until_a_right_one_is_typed(
    sample_url: str,
) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_todays_first(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        await pilot.press("ctrl+u", *"31/02/2027", "enter")
        await settle(pilot)
        assert error(pilot, "date") == "31/02/2027 is not a real date"
        await pilot.press("ctrl+u", *"01/12/2026")
        await settle(pilot)
        assert error(pilot, "date") == ""


async def test_a_choice_made_clears_its_message_in_a_form(sample_url: str) -> None:
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pick_family(pilot, "quill")
        await tab_to(pilot, "add-child")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddChildModal)
        await pilot.press(*"Sam")
        await fill(pilot, "child-dob", "01/02/2020")
        await pilot.press("ctrl+s")
        await settle(pilot)
        sex_error = dialog.query_one("#child-sex-error", Static)
        assert sex_error.display and "sex" in str(sex_error.render())
        await choose(pilot, "child-sex", "fem")
        assert not sex_error.display


async def test_typing_in_a_filled_in_field_adds_to_its_text(sample_url: str) -> None:
    """The Move dialog opens on the date, filled in: a key typed goes at the end of it, and
    Tab into the next filled-in field does not select it either."""
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_todays_first(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        day = app.screen.query_one("#date", Input)
        assert app.focused is day and day.value == "25/11/2026"
        await pilot.press("backspace", "7")
        assert day.value == "25/11/2027"
        await pilot.press("tab")
        start = app.screen.query_one("#start_time", Input)
        assert app.focused is start
        await pilot.press("backspace")
        assert start.value == "10:0"


def contrast(one: Color, two: Color) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(colour: Color) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(v) for v in colour.rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


async def test_the_focused_field_stands_out_in_every_theme(sample_url: str) -> None:
    """In a dialog, the focused field's frame has another shape from the others' (seen
    without colour, as in tmux), drawn in a colour that stands off the dialog's background."""
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_todays_first(pilot)
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        focused, other = dialog.query_one("#date", Input), dialog.query_one("#venue", Input)
        assert app.focused is focused
        weak = {}
        for theme in sorted(app.available_themes):
            if theme == "textual-ansi":
                continue  # the terminal's own colours: nothing to measure
            app.theme = theme
            await pilot.pause()
            edge, other_edge = focused.styles.border_top, other.styles.border_top
            assert edge[0] != other_edge[0], theme
            ratio = contrast(edge[1], dialog.query_one("#dialog").styles.background)
            if ratio < 2.0:
                weak[theme] = round(ratio, 2)
        assert weak == {}
