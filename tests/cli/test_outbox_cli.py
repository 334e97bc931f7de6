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
