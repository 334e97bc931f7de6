"""`siu outbox send` and `siu outbox export DIR` against a real SMTP server on localhost, on a
SQLite file and on PostgreSQL."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from sqlmodel import select

from siu_tui.db.models import OutboxMessage
from siu_tui.services import outbox
from siu_tui.services.context import Desk
from siu_tui.services.settings import save_setting

from .conftest import sql
from .test_cli import run


@pytest.fixture
def database(db_url: str) -> str:
    desk = Desk.open(db_url, "fixture")
    with desk.store.write() as session:
        for n in range(3):
            outbox.queue_message(
                session,
                "fixture",
                kind="advocacy" if n else "invitation",
                to_address=f"person{n}@example.org",
                subject=f"Message {n}",
                body=f"Body of message {n}.",
            )
    desk.close()
    return db_url


def settings(url: str, **values: str) -> None:
    desk = Desk.open(url, "fixture")
    for key, value in values.items():
        save_setting(desk, key, value)
    desk.close()


def states(url: str) -> list[str]:
    desk = Desk.open(url, "check")
    with desk.store.read() as session:
        found = sorted(m.state for m in session.exec(select(OutboxMessage)))
    desk.close()
    return found


def test_send_delivers_each_message_once(
    capsys: pytest.CaptureFixture[str], database: str, db_args: list[str]
) -> None:
    from services.smtp import MailServer

    with MailServer() as server:
        settings(
            database,
            smtp_host="127.0.0.1",
            smtp_port=str(server.port),
            smtp_security="none",
            smtp_sender="siu@example.org",
        )
        code, out, _ = run(capsys, "outbox", "send", *db_args)
        assert (code, out.splitlines()[0]) == (0, "Sent 3 message(s).")
        code, out, _ = run(capsys, "outbox", "send", *db_args)
        assert (code, out) == (0, "Nothing to send.\n")
    assert sorted(r.message["Subject"] for r in server.received) == [
        "Message 0",
        "Message 1",
        "Message 2",
    ]
    assert states(database) == ["sent"] * 3


def test_send_with_the_server_down_fails_in_one_line_and_keeps_the_queue(
    capsys: pytest.CaptureFixture[str],
    database: str,
    db_args: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from services.smtp import free_port

    monkeypatch.setenv("SIU_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SIU_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("SIU_SMTP_SECURITY", "none")
    monkeypatch.setenv("SIU_SMTP_SENDER", "siu@example.org")
    code, out, err = run(capsys, "outbox", "send", *db_args)
    assert code == 1
    assert "Stopped: could not connect to 127.0.0.1" in out
    assert "3 message(s) still queued" in out
    assert "Traceback" not in out + err
    assert states(database) == ["queued"] * 3


def test_send_without_a_mail_server_says_what_to_set(
    capsys: pytest.CaptureFixture[str], database: str, db_args: list[str]
) -> None:
    code, _, err = run(capsys, "outbox", "send", *db_args)
    assert code == 1
    assert err.startswith("siu: No mail server is set") and "SIU_SMTP_HOST" in err


def test_export_writes_eml_files(
    capsys: pytest.CaptureFixture[str], database: str, db_args: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "outgoing"
    code, out, _ = run(capsys, "outbox", "export", str(folder), *db_args)
    assert code == 0
    assert out.startswith(f"Wrote 3 message(s) to {folder}")
    assert "They stay queued" in out
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 3
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert sorted(str(p["Subject"]) for p in parsed) == ["Message 0", "Message 1", "Message 2"]
    assert states(database) == ["queued"] * 3
    code, out, _ = run(capsys, "outbox", "export", str(folder), "--mark-sent", *db_args)
    assert code == 0 and states(database) == ["sent"] * 3


def test_outbox_on_a_missing_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "outbox", "send", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no database at" in err


def test_a_killed_send_strands_nothing_unsent_and_sends_nothing_twice(
    database: str, tmp_path: Path
) -> None:
    """`siu outbox send` killed (SIGKILL) as the server reads its MAIL FROM, its RCPT TO and
    its DATA: a message is 'sending' only if the server has it, the next run sends the rest
    once each, and reports the one that may have gone until a clerk decides."""
    import os
    import signal
    import subprocess
    import sys
    from email import message_from_bytes
    from email import policy as email_policy
    from typing import Any

    from services.smtp import MailServer, Received

    class KillingHandler:
        def __init__(self) -> None:
            self.received: list[Received] = []
            self.seen: dict[str, int] = {}
            self.kill_at: tuple[str, int] | None = None
            self.victim: int | None = None

        def _step(self, command: str) -> bool:
            self.seen[command] = self.seen.get(command, 0) + 1
            if self.victim is not None and self.kill_at == (command, self.seen[command]):
                os.kill(self.victim, signal.SIGKILL)
                return True
            return False

        async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                              options: Any) -> str:  # fmt: skip
            self._step("MAIL")
            envelope.mail_from = address
            return "250 OK"

        async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                              options: Any) -> str:  # fmt: skip
            self._step("RCPT")
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            parsed = message_from_bytes(envelope.original_content, policy=email_policy.default)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
            self._step("DATA")  # the server has the message; the sender dies before the 250
            return "250 Message accepted for delivery"

    desk = Desk.open(database, "fixture")
    with desk.store.write() as session:
        for n in range(3, 6):
            outbox.queue_message(session, "fixture", kind="advocacy",
                                 to_address=f"person{n}@example.org", subject=f"Message {n}",
                                 body=f"Body of message {n}.")  # fmt: skip
    desk.close()
    server = MailServer()
    handler = KillingHandler()
    server.handler = handler  # type: ignore[assignment]

    def send(day: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "SIU_TODAY": day, "SIU_SMTP_HOST": "127.0.0.1",
               "SIU_SMTP_PORT": str(server.port), "SIU_SMTP_SECURITY": "none",
               "SIU_SMTP_SENDER": "siu@example.org", "SIU_DATA_DIR": str(tmp_path)}  # fmt: skip
        proc = subprocess.Popen(
            [sys.executable, "-m", "siu_tui.cli", "outbox", "send", "--db", database],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        handler.victim = proc.pid
        out, err = proc.communicate(timeout=120)
        handler.victim = None
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def check() -> dict[str, str]:
        ids = [r.message["X-SIU-Outbox-Id"] for r in handler.received]
        assert len(ids) == len(set(ids)), "a message was sent twice"
        state = dict(sql(database, "SELECT id, state FROM outbox"))
        stuck = {i for i, s in state.items() if s == "sending"}
        assert stuck <= set(ids), "a message that never left is stuck in 'sending'"
        return state

    with server:
        # Each run counts its own commands: the 1st message's MAIL; the 2nd's RCPT (the 1st
        # sent); the 5th's DATA (2nd to 4th sent); the 6th's RCPT.
        for point in [("MAIL", 1), ("RCPT", 2), ("DATA", 4), ("RCPT", 1)]:
            handler.kill_at = point
            handler.seen = {}
            killed = send("2026-11-25")
            assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
            check()
        handler.kill_at = None
        later = send("2026-11-26")
        again = send("2026-11-27")
    state = check()
    assert later.returncode == 0, later.stderr
    assert sorted(state.values()) == ["sending"] + ["sent"] * 5
    assert len(handler.received) == 6
    for run_ in (later, again):
        assert "1 message(s) were interrupted while sending and may have gone" in run_.stdout
