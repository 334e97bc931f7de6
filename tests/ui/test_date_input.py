"""DateInput and TimeInput on their own, as any form would use them."""

from __future__ import annotations

from datetime import date, time

from textual import on
from textual.app import App, ComposeResult

from siu_tui.widgets.date_input import CheckedInput, DateInput, TimeInput, parse_time


class Form(App[None]):
    """The smallest form: two fields and the messages they post."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str | None]] = []

    def compose(self) -> ComposeResult:
        yield DateInput(id="when")
        yield TimeInput(time(10, 0), id="at")

    @on(CheckedInput.Checked)
    def _checked(self, event: CheckedInput.Checked) -> None:
        self.messages.append((event.input.id or "", event.error))


async def test_an_impossible_date_is_refused_as_soon_as_it_is_typed() -> None:
    app = Form()
    async with app.run_test() as pilot:
        field = app.query_one("#when", DateInput)
        await pilot.press(*"30/02/202")
        await pilot.pause()
        assert field.error is None and not field.has_class("-invalid")  # still typing
        await pilot.press("6")
        await pilot.pause()
        assert field.error == "30/02/2026 is not a real date"
        assert field.has_class("-invalid") and field.date is None
        assert app.messages == [("when", "30/02/2026 is not a real date")]
        await pilot.press(*["backspace"] * 10, *"28/02/2026")
        await pilot.pause()
        assert field.error is None and field.date == date(2026, 2, 28)
        assert app.messages[-1] == ("when", None)


async def test_words_are_refused_when_the_clerk_moves_on() -> None:
    app = Form()
    async with app.run_test() as pilot:
        field = app.query_one("#when", DateInput)
        await pilot.press(*"tomorrow")
        await pilot.pause()
        assert field.error is None  # not finished, perhaps
        await pilot.press("tab")
        await pilot.pause()
        assert field.error == "Enter a date as DD/MM/YYYY"


async def test_iso_dates_and_times() -> None:
    app = Form()
    async with app.run_test() as pilot:
        await pilot.press(*"2027-01-07", "tab")
        await pilot.pause()
        assert app.query_one("#when", DateInput).date == date(2027, 1, 7)
        at = app.query_one("#at", TimeInput)
        assert at.time == time(10, 0)
        await pilot.press(*"9.30")
        await pilot.pause()
        assert at.time == time(9, 30) and at.error is None


def test_parse_time() -> None:
    assert parse_time(" 14:05 ") == time(14, 5)
    for wrong, message in (
        ("24:00", "24:00 is not a time of day"),
        ("2pm", "Enter a time as HH:MM (24-hour clock), e.g. 09:30"),
    ):
        try:
            parse_time(wrong)
        except ValueError as exc:
            assert str(exc) == message
        else:  # pragma: no cover
            raise AssertionError(wrong)
