"""The outbox against a real SMTP server (aiosmtpd on localhost): a message arrives once with
the right content; with the server down it stays queued with the error and goes on the next
try; nothing is ever sent twice; the password never reaches the database."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from siu_tui import clock
from siu_tui.db.models import AdvocacyReferral, AuditEvent, OutboxMessage, Setting
from siu_tui.services import outbox
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.outbox import (
    MailNotConfigured,
    SmtpConfig,
    export_queued,
    outbox_counts,
    outbox_page,
    requeue,
    send_queued,
    smtp_config,
)
from siu_tui.services.settings import save_setting

from .conftest import People
from .smtp import MailServer, free_port, make_certificate

ADVOCACY = "referrals@advocacy.example.org"


def book_amy(desk: Desk, people: People, day: date = date(2027, 1, 6)) -> str:
    return book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[people.amy, people.ben],
            conference_type="initial",
            date=day,
            trigger_date=date(2026, 12, 14),
            chair_id=people.iro,
            venue="Conference Room 1",
        ),
    )


def configure(desk: Desk, port: int, security: str = "none", user: str = "") -> None:
    save_setting(desk, "advocacy_email", ADVOCACY)
    save_setting(desk, "smtp_host", "127.0.0.1")
    save_setting(desk, "smtp_port", str(port))
    save_setting(desk, "smtp_security", security)
    save_setting(desk, "smtp_sender", "siu-desk@council.example.org")
    if user:
        save_setting(desk, "smtp_user", user)


def messages(desk: Desk) -> list[OutboxMessage]:
    with desk.store.read() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.created_at)))


def test_a_referral_arrives_once_with_what_the_advocate_needs(desk: Desk, people: People) -> None:
    save_setting(desk, "advocacy_email", ADVOCACY)
    conference_id = book_amy(desk, people)
    with MailServer() as server:
        configure(desk, server.port)
        result = send_queued(desk)
        assert (result.sent, result.failed, result.error) == (1, 0, None)
        again = send_queued(desk)  # sending twice never sends a message twice
        assert again.sent == 0
    assert len(server.received) == 1
    got = server.received[0]
    assert got.recipients == [ADVOCACY]
    assert got.mail_from == "siu-desk@council.example.org"
    mail = got.message
    assert mail["To"] == ADVOCACY
    assert "Advocacy referral: A.S., Initial conference 06/01/2027" in mail["Subject"]
    assert "Amy" not in mail["Subject"] and "11" not in mail["Subject"]
    body = mail.get_content()
    for expected in (
        "Amy Smith, aged 11 on the conference date",
        "Initial child protection conference",
        "Wednesday 06/01/2027 at 10:00",
        "Conference Room 1",
        "Chair:          Iris Reed",
        "Social worker:  Sam Worker",
        "automatically (aged 10 or over",
    ):
        assert expected in body
    assert "Ben" not in body  # 7: not referred automatically
    (message,) = messages(desk)
    assert (message.state, message.attempts, message.last_error) == ("sent", 1, None)
    assert mail["Message-ID"] == f"<{message.id}@siu-desk.invalid>"
    with desk.store.read() as session:
        referral = session.exec(select(AdvocacyReferral)).one()
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "send e-mail")).all()
    assert referral.notified_at == clock.now()  # the service has been told
    assert referral.conference_id == conference_id
    assert [e.conference_id for e in events] == [conference_id]


def test_server_down_keeps_the_message_queued_with_the_error_then_sends_it_once(
    desk: Desk, people: People
) -> None:
    port = free_port()
    configure(desk, port)
    book_amy(desk, people)
    result = send_queued(desk)  # nothing listens on the port
    assert result.sent == 0
    assert result.error is not None and "connection refused" in result.error
    assert result.still_queued == 1
    (message,) = messages(desk)
    assert message.state == "queued"
    assert message.attempts == 1
    assert message.last_error is not None and "127.0.0.1" in message.last_error
    assert outbox_page(desk, "waiting")[0].state_label == "Queued (retry)"

    with MailServer(port) as server:
        result = send_queued(desk)
        assert result.sent == 1 and result.ok
        assert send_queued(desk).sent == 0
    assert len(server.received) == 1
    (message,) = messages(desk)
    assert (message.state, message.attempts, message.last_error) == ("sent", 2, None)


def test_a_stopped_run_tells_the_other_messages_why_they_wait(desk: Desk, people: People) -> None:
    configure(desk, free_port())
    book_amy(desk, people)
    book_amy(desk, people, date(2027, 1, 7))
    result = send_queued(desk)
    assert result.still_queued == 2
    first, second = messages(desk)
    assert first.attempts == 1 and second.attempts == 0  # only one was tried
    assert second.last_error is not None and second.last_error.startswith("Not tried:")


def test_starttls_and_login_with_the_password_from_the_environment(
    desk: Desk, people: People, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("SIU_SMTP_PASSWORD", "correct horse")
    monkeypatch.setenv("SIU_SMTP_CAFILE", str(cert))
    book_amy(desk, people)
    with MailServer(certificate=(cert, key), login=("siu", "correct horse")) as server:
        configure(desk, server.port, security="starttls", user="siu")
        config = smtp_config(desk)
        assert config is not None and config.password == "correct horse"
        assert "correct horse" not in repr(config) and "correct horse" not in config.describe()
        result = send_queued(desk)
    assert result.sent == 1, result.lines()
    assert server.logins == ["siu"]
    assert len(server.received) == 1
    with desk.store.read() as session:
        stored = " ".join(row.value for row in session.exec(select(Setting)))
        audited = " ".join(f"{e.before} {e.after}" for e in session.exec(select(AuditEvent)))
    assert "correct horse" not in stored + audited


def test_a_wrong_password_keeps_the_message_queued(
    desk: Desk, people: People, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("SIU_SMTP_PASSWORD", "wrong")
    monkeypatch.setenv("SIU_SMTP_CAFILE", str(cert))
    book_amy(desk, people)
    with MailServer(certificate=(cert, key), login=("siu", "right")) as server:
        configure(desk, server.port, security="starttls", user="siu")
        result = send_queued(desk)
    assert result.error is not None and "refused the login for siu" in result.error
    assert server.received == []
    (message,) = messages(desk)
    assert message.state == "queued" and "login" in (message.last_error or "")


def test_nothing_goes_unencrypted_when_starttls_is_asked_for(desk: Desk, people: People) -> None:
    book_amy(desk, people)
    with MailServer() as server:  # offers no STARTTLS
        configure(desk, server.port, security="starttls")
        result = send_queued(desk)
    assert server.received == []
    assert result.error is not None and "does not offer STARTTLS" in result.error
    assert messages(desk)[0].state == "queued"


def test_a_refused_address_is_marked_failed_and_the_rest_still_go(
    desk: Desk, people: People
) -> None:
    book_amy(desk, people)  # to the advocacy service
    with MailServer(refuse={"nobody@advocacy.example.org"}) as server:
        configure(desk, server.port)
        with desk.store.write() as session:
            outbox.queue_message(
                session,
                "test",
                kind="invitation",
                to_address="nobody@advocacy.example.org",
                subject="Invitation",
                body="An invitation of another kind: the outbox sends every kind alike.",
            )
        result = send_queued(desk)
    assert (result.sent, result.failed) == (1, 1)
    assert not result.ok
    by_kind = {m.kind: m for m in messages(desk)}
    assert by_kind["advocacy"].state == "sent"
    assert by_kind["invitation"].state == "failed"
    assert "550" in (by_kind["invitation"].last_error or "")
    requeue(desk, by_kind["invitation"].id)  # kept, and can be tried again
    assert messages(desk)[1].state == "queued"


def _queue_hostile(desk: Desk) -> None:
    """Messages as an older database or another tool may hold them: an address and a
    subject with line breaks (the services refuse these now)."""
    with desk.store.write() as session:
        for to, subject in (
            ("someone@example.org\r\nBcc: everyone@example.org", "Invitation"),
            ("sw@example.org", "Minutes for\nRobin Smith \x1b]52;c;SGVsbG8=\x07"),
        ):
            outbox.queue_message(
                session, "test", kind="invitation", to_address=to, subject=subject, body="Hello"
            )


def test_a_message_that_cannot_be_built_fails_alone_and_the_rest_are_sent(
    desk: Desk, people: People
) -> None:
    """A header that is not one line fails that message, with the reason; the run goes on
    (it used to stop, marking the message 'interrupted, it may have gone')."""
    book_amy(desk, people)  # the advocacy referral, queued first
    _queue_hostile(desk)
    with MailServer() as server:
        configure(desk, server.port)
        result = send_queued(desk)
    assert (result.sent, result.failed, result.interrupted, result.error) == (2, 1, 0, None)
    states = {m.to_address.split("\r")[0]: (m.state, m.last_error or "") for m in messages(desk)}
    state, reason = states["someone@example.org"]
    assert state == "failed"
    assert reason.startswith("Cannot be sent:")
    assert states["sw@example.org"][0] == states[ADVOCACY][0] == "sent"
    assert sorted(r.recipients[0] for r in server.received) == sorted(["sw@example.org", ADVOCACY])
    subjects = [r.message["Subject"] for r in server.received]
    assert "Minutes for\u240aRobin Smith \u241b]52;c;SGVsbG8=\u2407" in subjects
    assert not any("\x1b" in s or "\n" in s for s in subjects)


def test_export_writes_the_good_messages_and_fails_the_bad_one(
    desk: Desk, people: People, tmp_path: Path
) -> None:
    book_amy(desk, people)
    save_setting(desk, "advocacy_email", ADVOCACY)
    _queue_hostile(desk)
    result = export_queued(desk, tmp_path / "out")
    assert len(result.written) == 2
    assert [line for line in result.skipped if "marked failed" in line] == [
        line for line in result.skipped if line.startswith("Invitation: Cannot be written")
    ]
    assert len(result.skipped) == 1
    by_address = {m.to_address.split("\r")[0]: m.state for m in messages(desk)}
    assert by_address == {
        ADVOCACY: "queued",
        "sw@example.org": "queued",
        "someone@example.org": "failed",
    }
    for path in result.written:
        assert b"\x1b" not in path.read_bytes()


def test_an_interrupted_send_is_never_retried_on_its_own(desk: Desk, people: People) -> None:
    """A crash between the server taking a message and marking it sent leaves it 'sending':
    it may have gone, so only a clerk (having checked) queues it again."""
    save_setting(desk, "advocacy_email", ADVOCACY)
    book_amy(desk, people)
    found = outbox._next_queued(desk, set())
    assert found is not None
    assert outbox._claim(desk, found[0].id)
    assert not outbox._claim(desk, found[0].id)  # claimed once: a second sender gets nothing
    # ...the program dies here. Later:
    clock.set_today(date(2026, 11, 26))
    try:
        with MailServer() as server:
            configure(desk, server.port)
            result = send_queued(desk)
            assert result.sent == 0 and result.interrupted == 1
            assert server.received == []
            counts = outbox_counts(desk)
            assert counts.interrupted == 1
            (row,) = outbox_page(desk, "waiting")
            assert row.state_label == "Interrupted" and row.can_requeue
            requeue(desk, row.id)
            assert send_queued(desk).sent == 1
        assert len(server.received) == 1
    finally:
        clock.set_today(date(2026, 11, 25))


def test_a_message_being_sent_now_cannot_be_queued_again(desk: Desk, people: People) -> None:
    save_setting(desk, "advocacy_email", ADVOCACY)
    book_amy(desk, people)
    found = outbox._next_queued(desk, set())
    assert found is not None and outbox._claim(desk, found[0].id)
    (row,) = outbox_page(desk, "waiting")
    assert row.state_label == "Sending" and not row.can_requeue
    with pytest.raises(ValidationError):
        requeue(desk, row.id)


def test_without_a_mail_server_sending_says_how_to_set_one(desk: Desk, people: People) -> None:
    book_amy(desk, people)
    with pytest.raises(MailNotConfigured, match="SIU_SMTP_HOST"):
        send_queued(desk)
    assert messages(desk)[0].state == "queued"


def test_environment_overrides_settings(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    save_setting(desk, "smtp_host", "mail.council.example.org")
    assert smtp_config(desk, {}) == SmtpConfig(host="mail.council.example.org")
    config = smtp_config(
        desk,
        {
            "SIU_SMTP_HOST": "relay.example.org",
            "SIU_SMTP_PORT": "2525",
            "SIU_SMTP_USER": "clerk@example.org",
            "SIU_SMTP_PASSWORD": "secret",
            "SIU_SMTP_SECURITY": "ssl",
            "SIU_SMTP_TIMEOUT": "5",
        },
    )
    assert config is not None
    assert (config.host, config.port, config.security, config.timeout) == (
        "relay.example.org",
        2525,
        "ssl",
        5.0,
    )
    assert config.from_address == "clerk@example.org"
    save_setting(desk, "smtp_host", "")
    assert smtp_config(desk, {}) is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("smtp_password", "secret"),
        ("smtp_port", "0"),
        ("smtp_port", "smtp"),
        ("smtp_host", "smtp example.org"),
        ("smtp_security", "tls1.0"),
        ("smtp_sender", "not an address"),
    ],
)
def test_mail_settings_are_checked_and_passwords_refused(desk: Desk, key: str, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        save_setting(desk, key, value)
    assert set(caught.value.errors) == {key}
    with desk.store.read() as session:
        assert session.exec(select(Setting)).all() == []


def test_setting_the_advocacy_address_later_addresses_waiting_referrals(
    desk: Desk, people: People
) -> None:
    book_amy(desk, people)  # no advocacy address yet
    (message,) = messages(desk)
    assert message.to_address == ""
    assert outbox_counts(desk).waiting_for_address == 1
    save_setting(desk, "advocacy_email", ADVOCACY)
    (message,) = messages(desk)
    assert message.to_address == ADVOCACY


def test_export_writes_eml_files_a_mail_client_can_send(
    desk: Desk, people: People, tmp_path: Path
) -> None:
    save_setting(desk, "advocacy_email", ADVOCACY)
    book_amy(desk, people)
    result = export_queued(desk, tmp_path / "out")
    (path,) = result.written
    assert path.suffix == ".eml"
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == ADVOCACY
    assert parsed["X-Unsent"] == "1"
    assert "Amy Smith" in parsed.get_content()  # type: ignore[attr-defined]
    assert messages(desk)[0].state == "queued"  # still queued: only the clerk knows
    again = export_queued(desk, tmp_path / "out", mark_sent=True)
    assert [p.name for p in again.written] == [path.name]  # the same file, rewritten
    (message,) = messages(desk)
    assert message.state == "sent"
    with desk.store.read() as session:
        assert session.exec(select(AdvocacyReferral)).one().notified_at is not None


def test_outbox_pages_newest_first(desk: Desk, people: People) -> None:
    with desk.store.write() as session:
        start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
        for n in range(5):
            session.add(
                OutboxMessage(
                    kind="invitation",
                    to_address=f"p{n}@example.org",
                    subject=f"Message {n}",
                    body="-",
                    created_at=start + timedelta(hours=n),
                    state="sent" if n % 2 else "queued",
                )
            )
    first = outbox_page(desk, "all", limit=2)
    assert [r.subject for r in first] == ["Message 4", "Message 3"]
    rest = outbox_page(desk, "all", before=(first[-1].created_at, first[-1].id))
    assert [r.subject for r in rest] == ["Message 2", "Message 1", "Message 0"]
    assert [r.subject for r in outbox_page(desk, "sent")] == ["Message 3", "Message 1"]
    assert outbox_counts(desk).summary() == "3 queued · 2 sent"


def test_two_senders_at_once_send_every_message_once_and_neither_stops_early(
    desk: Desk, db_url: str
) -> None:
    """Two desks sending the same queue at the same moment share it out: each message goes
    once, and neither sender stops with messages still queued ("Sent 0 ... still queued")."""
    with MailServer() as server:
        configure(desk, server.port)
        with desk.store.write() as session:
            for n in range(40):
                outbox.queue_message(
                    session,
                    "clerk.anna",
                    kind="invitation",
                    to_address=f"person{n}@example.org",
                    subject=f"Invitation {n}",
                    body="Please come.",
                )
        desks = [Desk.open(db_url, name) for name in ("clerk.anna", "clerk.bob")]
        start = threading.Barrier(2)
        results: list[object] = [None, None]

        def sender(n: int) -> None:
            start.wait(10)
            try:
                results[n] = send_queued(desks[n])
            except Exception as exc:  # the assertions below show it
                results[n] = exc

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for other in desks:
            other.close()

    for result in results:
        assert isinstance(result, outbox.SendResult), result
        assert result.ok and result.error is None
        assert result.still_queued == 0
    assert sum(r.sent for r in results if isinstance(r, outbox.SendResult)) == 40
    assert sorted(m.recipients[0] for m in server.received) == sorted(
        f"person{n}@example.org" for n in range(40)
    )
    assert {(m.state, m.attempts) for m in messages(desk)} == {("sent", 1)}
