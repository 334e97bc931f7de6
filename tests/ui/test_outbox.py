"""The outbox screen by keys, against a real SMTP server on localhost: send the queue with m,
see a failure kept with its reason, view a message, queue a failed one again."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Static

from siu_tui.app import SIUApp
from siu_tui.db.models import OutboxMessage
from siu_tui.screens.advocacy import AdvocacyScreen
from siu_tui.screens.outbox import MessageScreen, OutboxScreen
from siu_tui.screens.record.screen import ConferenceScreen
from siu_tui.services.context import Desk
from siu_tui.services.settings import save_setting

from .conftest import MARKUP_FAMILIES, column, settle

SIZE = (130, 42)


def configure(url: str, port: int) -> None:
    desk = Desk.open(url, "fixture")
    for key, value in (
        ("advocacy_email", "referrals@advocacy.example.org"),
        ("smtp_host", "127.0.0.1"),
        ("smtp_port", str(port)),
        ("smtp_security", "none"),
        ("smtp_sender", "siu-desk@council.example.org"),
    ):
        save_setting(desk, key, value)
    desk.close()


def stored(url: str) -> list[OutboxMessage]:
    desk = Desk.open(url, "check")
    try:
        with desk.store.read() as session:
            return list(session.exec(select(OutboxMessage)))
    finally:
        desk.close()


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    from services.smtp import MailServer

    with MailServer() as running:
        yield running


async def test_send_the_queue_with_a_progress_bar(sample_url: str, server) -> None:  # type: ignore[no-untyped-def]
    configure(sample_url, server.port)
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OutboxScreen)
        table = screen.query_one("#messages", DataTable)
        assert table.row_count == 5  # one referral e-mail per booking in the sample
        assert set(column(table, 4)) == {"Queued"}
        summary = str(screen.query_one("#outbox-summary", Static).render())
        assert "5 queued" in summary and "127.0.0.1:" in summary
        await pilot.press("m")
        await settle(pilot)
        assert len(server.received) == 5
        assert {m.state for m in stored(sample_url)} == {"sent"}
        assert not table.display  # nothing left to send, and the screen says so
        assert "Nothing waits to be sent" in str(
            screen.query_one("#messages-empty", Static).render()
        )
        await pilot.press("t")  # the sent ones
        await settle(pilot)
        assert table.row_count == 5 and set(column(table, 4)) == {"Sent"}
        subjects = " ".join(column(table, 3))
        stored_subjects = " ".join(m.subject for m in stored(sample_url))
        assert "R.C., Initial conference" in stored_subjects  # initials only, never the name
        assert not any(family in stored_subjects for family in MARKUP_FAMILIES)
        assert "Advocacy referral" in subjects
        await pilot.press("m")  # again: nothing is sent twice
        await settle(pilot)
        assert len(server.received) == 5
        # The section keys work from here: v to Advocacy (whose g opens the conference).
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, AdvocacyScreen)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        await pilot.press("escape", "b")
        await settle(pilot)
        assert app.screen is screen


async def test_server_down_keeps_mail_queued_with_the_reason(sample_url: str) -> None:
    from services.smtp import MailServer, free_port

    port = free_port()
    configure(sample_url, port)
    app = SIUApp(sample_url, user="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#messages", DataTable)
        assert table.row_count == 5
        assert "Queued (retry)" in column(table, 4)
        assert any("connection refused" in n for n in column(table, 6))
        messages = stored(sample_url)
        assert {m.state for m in messages} == {"queued"}
        assert sorted(m.attempts for m in messages) == [0, 0, 0, 0, 1]

        # View the one that was tried: its error and its body, never as markup.
        row = column(table, 5).index("1")
        for _ in range(row):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MessageScreen)
        head = str(app.screen.query_one("#message-head", Static).render())
        assert "Last error:" in head and "connection refused" in head
        body = str(app.screen.query_one("#message-body", Static).render())
        assert "Child:" in body and "aged 11" in body
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen

        with MailServer(port) as server:
            await pilot.press("m")
            await settle(pilot)
        assert len(server.received) == 5
        assert {m.state for m in stored(sample_url)} == {"sent"}


async def test_a_refused_message_can_be_queued_again(sample_url: str) -> None:
    from services.smtp import MailServer

    with MailServer(refuse={"referrals@advocacy.example.org"}) as server:
        configure(sample_url, server.port)
        app = SIUApp(sample_url, user="tester")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("b")
            await settle(pilot)
            await pilot.press("m")
            await settle(pilot)
            table = app.screen.query_one("#messages", DataTable)
            assert set(column(table, 4)) == {"Failed"}
            await pilot.press("q")
            await settle(pilot)
            assert sorted(m.state for m in stored(sample_url)) == ["failed"] * 4 + ["queued"]
            await pilot.press("down", "enter")  # view a failed one, and queue it from there
            await settle(pilot)
            assert isinstance(app.screen, MessageScreen)
            await pilot.press("q")
            await settle(pilot)
            assert sorted(m.state for m in stored(sample_url)) == ["failed"] * 3 + ["queued"] * 2
