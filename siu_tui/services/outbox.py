"""The outbox: every e-mail SIU Desk sends waits here until a mail server has taken it.

Clerks often work with no network, so nothing is sent as it is written: referrals (and
invitations) queue a message in the same transaction as the change that caused it, and
``send_queued`` (the app's send action, ``siu outbox send``) hands queued messages to the
SMTP server later; ``export_queued`` writes them as ``.eml`` files a mail client can send.

Sending is at most once. For each message the server is reached and the envelope (MAIL
FROM, RCPT TO) accepted first; only then is the message claimed (state ``sending``, attempts
+ 1, in its own write transaction, only if it is still queued), its DATA handed over, and it
is marked ``sent``. A run stopped before the claim leaves the message queued (it never left);
two senders can never both claim a message. A failure puts it back to
``queued`` with the error (a refusal that retrying cannot cure marks it ``failed``); nothing
is ever deleted. If the program dies between the server taking the message and the mark,
the message stays ``sending``: it may or may not have gone, so it is never retried on its
own; the outbox shows it as interrupted and a clerk, having checked, queues it again.

The kind of a message (``advocacy``, ``invitation``, ...) only matters for what happens once
it is sent (``ON_SENT``), and, for one that invites to a conference, whether that conference
is still booked: one that is not is marked not needed rather than sent or exported
(``stop_stale_invitations``). Otherwise sending, listing and exporting treat every kind alike.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import AdvocacyReferral, Conference, Invitee, OutboxMessage
from siu_tui.domain.codes import ConferenceStatus, OutboxState
from siu_tui.domain.text import visible
from siu_tui.files import make_private_dir, write_private
from siu_tui.services import audit
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ServiceError, ValidationError

QUEUED = OutboxState.QUEUED.value
SENDING = OutboxState.SENDING.value
SENT = OutboxState.SENT.value
FAILED = OutboxState.FAILED.value
STOPPED = OutboxState.STOPPED.value

INTERRUPTED_AFTER = timedelta(minutes=2)
"""A message still ``sending`` this long after its claim was interrupted: it is claimed just
before its DATA, which takes one server timeout at most, and the mark that follows waits at
most the database's busy timeout."""
DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for the mail server at each step before giving up on this run."""
MESSAGE_ID_DOMAIN = "siu-desk.invalid"

ENV_PREFIX = "SIU_SMTP_"
ENV_PASSWORD = "SIU_SMTP_PASSWORD"
ENV_CAFILE = "SIU_SMTP_CAFILE"
ENV_TIMEOUT = "SIU_SMTP_TIMEOUT"


def queue_message(
    session: Session,
    actor: str,
    *,
    kind: str,
    to_address: str,
    subject: str,
    body: str,
    related_id: str | None = None,
    conference_id: str | None = None,
) -> OutboxMessage:
    """Queue an e-mail inside the caller's transaction, so it exists exactly when the change
    that caused it does. An empty address is allowed (the advocacy service's may not be set
    yet); such a message waits until it gets one."""
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        subject=subject[:250],
        body=body,
        related_id=related_id,
        created_at=clock.now(),
    )
    session.add(message)
    audit.record(session, actor, "queue e-mail", message, conference_id=conference_id)
    return message


# --- Reading --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A message as the outbox lists it."""

    id: str
    kind: str
    to_address: str
    subject: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    related_id: str | None
    interrupted: bool
    """Claimed for sending long ago and never marked: it may or may not have gone."""

    @property
    def state_label(self) -> str:
        if self.interrupted:
            return "Interrupted"
        if self.state == QUEUED and self.last_error:
            return "Queued (retry)"
        try:
            return OutboxState(self.state).label
        except ValueError:
            return self.state

    @property
    def can_requeue(self) -> bool:
        return self.state in (FAILED, STOPPED) or self.interrupted


@dataclass(frozen=True, slots=True)
class OutboxDetail:
    row: OutboxRow
    body: str
    conference_id: str | None


def _interrupted(message: OutboxMessage, now: datetime) -> bool:
    if message.state != SENDING:
        return False
    claimed = message.sent_at
    if claimed is None:
        return True
    if claimed.tzinfo is None:
        from datetime import UTC

        claimed = claimed.replace(tzinfo=UTC)
    return now - claimed > INTERRUPTED_AFTER


def _row(message: OutboxMessage, now: datetime) -> OutboxRow:
    return OutboxRow(
        id=message.id,
        kind=message.kind,
        to_address=message.to_address,
        subject=message.subject,
        state=message.state,
        attempts=message.attempts,
        last_error=message.last_error,
        created_at=message.created_at,
        sent_at=message.sent_at if message.state == SENT else None,
        related_id=message.related_id,
        interrupted=_interrupted(message, now),
    )


OUTBOX_VIEWS: dict[str, tuple[str, tuple[str, ...]]] = {
    # view: (label, states)
    "waiting": ("To send", (QUEUED, SENDING, FAILED)),
    "sent": ("Sent", (SENT,)),
    "stopped": ("Not needed", (STOPPED,)),
    "all": ("All", ()),
}
"""What the outbox screen can show; "To send" is what a clerk needs to act on."""


def outbox_page(
    desk: Desk,
    view: str = "all",
    *,
    before: tuple[datetime, str] | None = None,
    limit: int = 100,
) -> list[OutboxRow]:
    """Newest first, one page at a time: pass the last row's (created_at, id) for the next.

    A single state is read along the (state, created_at) index; "all" walks the table's
    creation order (keys are time-ordered, so the primary key serves it)."""
    if view not in OUTBOX_VIEWS:
        raise ValidationError.single("view", f"There is no outbox view called {view!r}")
    states = OUTBOX_VIEWS[view][1]
    query = select(OutboxMessage)
    if states:
        query = query.where(col(OutboxMessage.state).in_(states))
    if before is not None:
        at, message_id = before
        query = query.where(
            (col(OutboxMessage.created_at) < at)
            | ((col(OutboxMessage.created_at) == at) & (col(OutboxMessage.id) < message_id))
        )
    query = query.order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
    now = clock.now()
    with desk.store.read() as session:
        return [_row(m, now) for m in session.exec(query.limit(limit))]


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    queued: int = 0
    sending: int = 0
    interrupted: int = 0
    sent: int = 0
    failed: int = 0
    stopped: int = 0
    waiting_for_address: int = 0

    @property
    def to_send(self) -> int:
        return self.queued

    def summary(self) -> str:
        parts = [f"{self.queued:,} queued"]
        if self.waiting_for_address:
            parts.append(f"{self.waiting_for_address:,} without an address")
        if self.failed:
            parts.append(f"{self.failed:,} failed")
        if self.interrupted:
            parts.append(f"{self.interrupted:,} interrupted")
        elif self.sending:
            parts.append(f"{self.sending:,} sending")
        parts.append(f"{self.sent:,} sent")
        if self.stopped:
            parts.append(f"{self.stopped:,} not needed")
        return " · ".join(parts)


def outbox_counts(desk: Desk) -> OutboxCounts:
    """How many messages are in each state (one grouped count over the state index)."""
    with desk.store.read() as session:
        by_state: dict[str, int] = {
            state: n
            for state, n in session.exec(
                select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
            )
        }
        no_address = session.exec(
            select(func.count()).where(
                OutboxMessage.state == QUEUED, OutboxMessage.to_address == ""
            )
        ).one()
        interrupted = 0
        if by_state.get(SENDING):
            now = clock.now()
            interrupted = sum(
                _interrupted(m, now)
                for m in session.exec(select(OutboxMessage).where(OutboxMessage.state == SENDING))
            )
    return OutboxCounts(
        queued=by_state.get(QUEUED, 0),
        sending=by_state.get(SENDING, 0),
        interrupted=interrupted,
        sent=by_state.get(SENT, 0),
        failed=by_state.get(FAILED, 0),
        stopped=by_state.get(STOPPED, 0),
        waiting_for_address=no_address,
    )


def _conference_of(session: Session, message: OutboxMessage) -> str | None:
    """The conference a message is about, so its record's history shows the e-mail."""
    if message.related_id is None:
        return None
    for model in (AdvocacyReferral, Invitee):
        conference_id = session.exec(
            select(model.conference_id).where(model.id == message.related_id)
        ).first()
        if conference_id is not None:
            return conference_id
    return None


def outbox_message(desk: Desk, message_id: str) -> OutboxDetail:
    with desk.store.read() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None:
            raise NotFound("That message is not in the outbox")
        return OutboxDetail(
            _row(message, clock.now()), message.body, _conference_of(session, message)
        )


def requeue(desk: Desk, message_id: str) -> None:
    """Queue again a message that failed, was not needed, or was interrupted while sending
    (after the clerk has checked it did not arrive: it will be sent again)."""
    with desk.store.write() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None:
            raise NotFound("That message is not in the outbox")
        row = _row(message, clock.now())
        if not row.can_requeue:
            raise ValidationError.single(
                "state",
                f"Only a failed, interrupted or not-needed message can be queued again; "
                f"this one is {row.state_label.lower()}",
            )
        before = audit.snapshot(message)
        message.state = QUEUED
        message.sent_at = None
        session.add(message)
        audit.record(
            session,
            desk.actor,
            "queue e-mail again",
            message,
            before=before,
            conference_id=_conference_of(session, message),
        )


# --- Mail server settings -------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send. The password only ever comes from the environment."""

    host: str
    port: int = 587
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    security: str = "starttls"
    timeout: float = DEFAULT_TIMEOUT
    cafile: str | None = None

    @property
    def from_address(self) -> str:
        return self.sender or (self.user if "@" in self.user else "")

    def describe(self) -> str:
        """One line for the outbox screen and the command line (never the password)."""
        how = {"starttls": "STARTTLS", "ssl": "TLS", "none": "no encryption"}.get(
            self.security, self.security
        )
        login = f" as {self.user}" if self.user else ""
        if self.user and not self.password:
            login += f" (no password: set {ENV_PASSWORD})"
        return f"{self.host}:{self.port} · {how}{login}"


class MailNotConfigured(ServiceError):
    """No mail server is set, so nothing can be sent (export still works)."""


def smtp_config(desk: Desk, environ: Mapping[str, str] | None = None) -> SmtpConfig | None:
    """The mail server from the settings, each overridden by ``SIU_SMTP_HOST``, ``_PORT``,
    ``_USER``, ``_SENDER``, ``_SECURITY`` when set (one machine may send through another
    server); the password from ``SIU_SMTP_PASSWORD`` only. None when no host is set."""
    from siu_tui.services.settings import PREFERENCE_DEFAULTS, load_settings

    env = os.environ if environ is None else environ
    stored = load_settings(desk.store)

    def pick(name: str) -> str:
        value = env.get(f"{ENV_PREFIX}{name.upper()}")
        if value is None or not value.strip():
            value = stored.get(f"smtp_{name}", PREFERENCE_DEFAULTS[f"smtp_{name}"])
        return str(value).strip()

    host = pick("host")
    if not host:
        return None
    try:
        port = int(pick("port"))
    except ValueError:
        raise MailNotConfigured(f"The mail server port {pick('port')!r} is not a number") from None
    try:
        timeout = float(env.get(ENV_TIMEOUT) or DEFAULT_TIMEOUT)
    except ValueError:
        timeout = DEFAULT_TIMEOUT
    security = pick("security").lower()
    if security not in ("starttls", "ssl", "none"):
        raise MailNotConfigured(
            f"Mail connection security {security!r} is not starttls, ssl or none"
        )
    return SmtpConfig(
        host=host,
        port=port,
        user=pick("user"),
        password=env.get(ENV_PASSWORD, ""),
        sender=pick("sender"),
        security=security,
        timeout=timeout,
        cafile=env.get(ENV_CAFILE) or None,
    )


def not_configured_message() -> str:
    return (
        "No mail server is set: enter it in Settings (Mail server) or set SIU_SMTP_HOST. "
        "Until then `siu outbox export DIR` writes the queued messages as .eml files."
    )


# --- Building and exporting -----------------------------------------------------------------


def message_id(outbox_id: str) -> str:
    """The same Message-ID whenever a message is built, so a copy sent twice (by hand after
    an interrupted send) can be recognised as the same e-mail."""
    return f"<{outbox_id}@{MESSAGE_ID_DOMAIN}>"


def build_email(message: OutboxMessage, sender: str = "") -> EmailMessage:
    """The e-mail as it goes out (or into a .eml file). The Subject shows any control
    character as a symbol; an address that is not one line raises ValueError, and that
    message alone is marked failed."""
    email = EmailMessage()
    if sender:
        email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = visible(message.subject)
    created = message.created_at
    if created.tzinfo is None:
        from datetime import UTC

        created = created.replace(tzinfo=UTC)
    email["Date"] = format_datetime(created)
    email["Message-ID"] = message_id(message.id)
    email["X-SIU-Outbox-Id"] = message.id
    email.set_content(message.body)
    return email


INVITING_KINDS = ("invitation", "conference moved")
"""E-mails that ask an invitee to come to a conference: worth sending only while it is booked."""


def stop_stale_invitations(desk: Desk) -> int:
    """Mark not needed, with the reason and an audit event, every queued invitation whose
    conference is no longer booked, before anything is sent or exported. Holding, standing
    down or cancelling a conference already withdraws its invitations; this catches any left
    queued by an older SIU Desk or a copy brought back from a laptop. Returns how many."""
    query = (
        select(OutboxMessage, Conference)
        .join(Invitee, col(Invitee.id) == OutboxMessage.related_id)
        .join(Conference, col(Conference.id) == Invitee.conference_id)
        .where(OutboxMessage.state == QUEUED)
        .where(col(OutboxMessage.kind).in_(INVITING_KINDS))
        .where(Conference.status != ConferenceStatus.BOOKED.value)
    )
    with desk.store.read() as session:
        if session.exec(query.limit(1)).first() is None:
            return 0  # the usual case: no write lock taken
    with desk.store.write() as session:
        stale = list(session.exec(query))
        for message, conference in stale:
            status = ConferenceStatus(conference.status).label.lower()
            stop_message(
                session, desk.actor, message, f"the conference was {status}", conference.id
            )
        return len(stale)


def stop_message(
    session: Session, actor: str, message: OutboxMessage, why: str, conference_id: str | None
) -> None:
    """A waiting e-mail that is no longer wanted: marked not needed with the reason ("Not
    sent: ..."), kept, never sent or exported, and recorded in the history. The one way the
    invitations, the advocacy referrals and the outbox's own guard withdraw a message."""
    before = audit.snapshot(message)
    message.state = STOPPED
    message.last_error = f"Not sent: {why}"
    session.add(message)
    audit.record(session, actor, "stop e-mail", message, before=before, conference_id=conference_id)


@dataclass(frozen=True, slots=True)
class ExportResult:
    written: list[Path]
    skipped: list[str]
    """Why some messages were not written (no address yet)."""
    marked_sent: bool


def export_queued(
    desk: Desk,
    directory: Path,
    *,
    mark_sent: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write every queued message as ``<date>-<id>.eml`` in ``directory`` (made if needed).

    The files open as unsent drafts (``X-Unsent: 1``) in the common mail clients. Messages
    stay queued unless ``mark_sent``: only the clerk knows whether they were sent by hand.
    """
    stop_stale_invitations(desk)
    config = smtp_config(desk)
    sender = config.from_address if config else ""
    make_private_dir(directory)
    written: list[Path] = []
    skipped: list[str] = []
    with desk.store.read() as session:
        queued = list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.state == QUEUED)
                .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
            )
        )
    for n, message in enumerate(queued, start=1):
        if not message.to_address:
            skipped.append(f"{message.subject}: no address yet (set it in Settings)")
        else:
            try:
                email = build_email(message, sender)
                email["X-Unsent"] = "1"
                data = email.as_bytes(policy=SMTP_POLICY)
            except (ValueError, TypeError) as exc:  # this message only: the others go on
                reason = f"Cannot be written as an e-mail: {exc}"
                _mark_failed(desk, message, reason)
                skipped.append(f"{message.subject}: {reason} (marked failed)")
            else:
                created = clock.local(message.created_at)
                path = directory / f"{created:%Y%m%d-%H%M%S}-{message.id}.eml"
                write_private(path, data)
                written.append(path)
        if progress is not None:
            progress(n, len(queued))
    if mark_sent and written:
        done = {p.stem.rsplit("-", 1)[-1] for p in written}
        with desk.store.write() as session:
            for message_id_ in sorted(done):
                message = session.get(OutboxMessage, message_id_)
                if message is None or message.state != QUEUED:
                    continue
                before = audit.snapshot(message)
                message.state = SENT
                message.sent_at = clock.now()
                message.last_error = f"Exported to {directory} to be sent by hand"
                session.add(message)
                _after_sent(session, message)
                audit.record(
                    session,
                    desk.actor,
                    "export e-mail",
                    message,
                    before=before,
                    conference_id=_conference_of(session, message),
                )
    return ExportResult(written, skipped, mark_sent)


def _mark_failed(desk: Desk, message: OutboxMessage, reason: str) -> None:
    """A message that cannot be built (a header that is not one line) fails on its own, with
    the reason, so it never stops the rest of the queue."""
    with desk.store.write() as session:
        row = session.get(OutboxMessage, message.id)
        if row is None or row.state != QUEUED:
            return
        before = audit.snapshot(row)
        row.state = FAILED
        row.last_error = reason
        session.add(row)
        audit.record(
            session,
            desk.actor,
            "e-mail refused",
            row,
            before=before,
            conference_id=_conference_of(session, row),
        )


# --- Sending --------------------------------------------------------------------------------


def _referral_notified(session: Session, message: OutboxMessage) -> None:
    if message.related_id is None:
        return
    referral = session.get(AdvocacyReferral, message.related_id)
    if referral is not None and referral.notified_at is None:
        referral.notified_at = message.sent_at
        session.add(referral)


ON_SENT: dict[str, Callable[[Session, OutboxMessage], None]] = {
    "advocacy": _referral_notified,
}
"""What a kind of message records once it has gone (the referral's notified date)."""


def _after_sent(session: Session, message: OutboxMessage) -> None:
    hook = ON_SENT.get(message.kind)
    if hook is not None:
        hook(session, message)


@dataclass
class SendResult:
    """What one run of sending did, in words a clerk can act on."""

    sent: int = 0
    failed: int = 0
    """Refused by the server for good (a bad address): marked failed, kept."""
    still_queued: int = 0
    error: str | None = None
    """Why the run stopped early (the server could not be reached, the login failed)."""
    interrupted: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.failed == 0

    def lines(self) -> list[str]:
        out = [f"Sent {self.sent} message(s)."]
        if self.failed:
            out.append(f"{self.failed} refused by the mail server (marked failed):")
            out += [f"  {p}" for p in self.problems]
        if self.error:
            out.append(f"Stopped: {self.error}")
        if self.still_queued:
            out.append(f"{self.still_queued} message(s) still queued; they go on the next try.")
        if self.interrupted:
            out.append(
                f"{self.interrupted} message(s) were interrupted while sending and may have "
                "gone: check with the recipient, then queue them again in the outbox (b)."
            )
        return out


class _Transient(Exception):
    """Worth trying again later: the server, network or login, not this message."""


class _Permanent(Exception):
    """The server refused this message for good (for example its address)."""


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=config.cafile)
    smtp: smtplib.SMTP
    if config.security == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        smtp.ehlo()
        if config.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise _Transient(
                    f"{config.host} does not offer STARTTLS; nothing is sent unencrypted "
                    "(set security to none only for a relay on this machine)"
                )
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.user:
            smtp.login(config.user, config.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _describe_error(exc: BaseException, config: SmtpConfig) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"the mail server refused the login for {config.user} (check {ENV_PASSWORD})"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"the mail server answered {exc.smtp_code} {text}".strip()
    if isinstance(exc, TimeoutError | smtplib.SMTPServerDisconnected) and "timed out" in str(exc):
        return f"no answer from {config.host}:{config.port} within {config.timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return f"could not connect to {config.host}:{config.port} (connection refused)"
    if isinstance(exc, ssl.SSLError):
        return f"secure connection to {config.host} failed ({exc.reason or exc})"
    if isinstance(exc, OSError):
        return f"could not reach {config.host}:{config.port} ({exc.strerror or exc})"
    return f"{type(exc).__name__}: {exc}"


def _send_one(
    smtp: smtplib.SMTP, email: EmailMessage, sender: str, to: str, claim: Callable[[], bool]
) -> bool:
    """Hand one message to the server: the envelope first, then ``claim()`` (the message is
    ``sending`` from here on), then the DATA. False when another run claimed it meanwhile."""
    try:
        data = email.as_bytes(policy=SMTP_POLICY)
        options = [f"size={len(data)}"] if smtp.has_extn("size") else []
        code, answer = smtp.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, answer, sender)
        code, answer = smtp.rcpt(to)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({to: (code, answer)})
        if not claim():
            smtp.rset()
            return False
        code, answer = smtp.data(data)
        if code != 250:
            raise smtplib.SMTPDataError(code, answer)
    except (smtplib.SMTPNotSupportedError, UnicodeError, ValueError) as exc:
        # Refused before anything was handed over (an address this server cannot take).
        _reset(smtp)
        raise _Permanent(str(exc) or type(exc).__name__) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        _reset(smtp)
        codes = [code for code, _ in exc.recipients.values()]
        if all(400 <= code < 500 for code in codes):
            raise _Transient(str(exc)) from exc
        raise _Permanent(str(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        _reset(smtp)
        if 500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError):
            raise _Permanent(str(exc)) from exc
        raise
    return True


def _reset(smtp: smtplib.SMTP) -> None:
    """Forget a refused envelope, so the connection can carry the next message."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.rset()


def _alive(smtp: smtplib.SMTP) -> bool:
    try:
        return smtp.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        smtp.close()
        return False


def _next_queued(desk: Desk, passed: set[str]) -> tuple[OutboxMessage, dict[str, Any]] | None:
    """The oldest queued message with an address not yet tried in this run (a read: nothing
    is claimed until the server has accepted its envelope)."""
    with desk.store.read() as session:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.state == QUEUED, OutboxMessage.to_address != "")
            .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
        )
        if passed:
            query = query.where(col(OutboxMessage.id).not_in(passed))
        candidate = session.exec(query.limit(1)).first()
        if candidate is None:
            return None
        before = audit.snapshot(candidate)
        session.expunge(candidate)
        return candidate, before


def _claim(desk: Desk, message_id: str) -> bool:
    """Mark the message ``sending`` (one more attempt, the claim time in ``sent_at``) if it is
    still queued: the conditional update makes the claim safe against another sender."""
    with desk.store.write() as session:
        claimed = session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.state) == QUEUED)
            .values(state=SENDING, attempts=OutboxMessage.attempts + 1, sent_at=clock.now())
        )
        return claimed.rowcount == 1  # type: ignore[attr-defined]


def _finish(
    desk: Desk,
    message: OutboxMessage,
    before: dict[str, Any],
    state: str,
    error: str | None,
    *,
    claimed: bool = True,
) -> None:
    """Record how the attempt ended, in its own transaction, with the audit event. A message
    that was never claimed (the server refused it or went away before its DATA) counts the
    attempt here, if no other run has claimed it meanwhile."""
    with desk.store.write() as session:
        row = session.get(OutboxMessage, message.id)
        if row is None or row.state != (SENDING if claimed else QUEUED):
            return
        if not claimed:
            row.attempts += 1
        row.state = state
        row.last_error = error
        row.sent_at = clock.now() if state == SENT else None
        session.add(row)
        if state == SENT:
            _after_sent(session, row)
        action = {SENT: "send e-mail", FAILED: "e-mail refused"}.get(state, "e-mail not sent")
        audit.record(
            session,
            desk.actor,
            action,
            row,
            before=before,
            conference_id=_conference_of(session, row),
        )


def _note_waiting(desk: Desk, error: str, tried: str) -> int:
    """Tell every other queued message why it is still waiting (attempts unchanged: it was not
    tried); returns how many are waiting."""
    with desk.store.write() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.state) == QUEUED, col(OutboxMessage.id) != tried)
            .values(last_error=f"Not tried: {error}")
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def send_queued(
    desk: Desk,
    config: SmtpConfig | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    connect: Callable[[SmtpConfig], smtplib.SMTP] = _connect,
) -> SendResult:
    """Send every queued message over one SMTP connection, oldest first.

    Stops at the first problem that is not the message's own (server unreachable, timeout,
    login refused): that message goes back to the queue with the error and one more attempt,
    the others keep their place with a note of why. Raises ``MailNotConfigured`` when no mail
    server is set.
    """
    config = config or smtp_config(desk)
    if config is None:
        raise MailNotConfigured(not_configured_message())
    sender = config.from_address
    if not sender:
        raise MailNotConfigured(
            "Set the address mail is sent from (Settings: Send mail from, or SIU_SMTP_SENDER)"
        )
    stop_stale_invitations(desk)
    result = SendResult()
    total = outbox_counts(desk).queued
    smtp: smtplib.SMTP | None = None
    done = 0
    try:
        passed: set[str] = set()
        while True:
            found = _next_queued(desk, passed)
            if found is None:
                break
            message, before = found
            passed.add(message.id)
            handed_over = False

            def claim(message_id: str = message.id) -> bool:
                nonlocal handed_over
                handed_over = _claim(desk, message_id)
                return handed_over

            try:
                email = build_email(message, sender)
            except (ValueError, TypeError) as exc:  # this message only: the others go on
                _finish(desk, message, before, FAILED, f"Cannot be sent: {exc}", claimed=False)
                result.failed += 1
                result.problems.append(f"{message.to_address}: cannot be sent ({exc})")
                done += 1
                if progress is not None:
                    progress(done, max(total, done))
                continue
            try:
                if smtp is not None and not _alive(smtp):
                    smtp = None  # the server closed an idle connection: open a new one
                if smtp is None:
                    smtp = connect(config)
                if not _send_one(smtp, email, sender, message.to_address, claim):
                    continue  # another run is sending it
            except _Permanent as exc:
                _finish(desk, message, before, FAILED, f"Refused: {exc}", claimed=handed_over)
                result.failed += 1
                result.problems.append(f"{message.to_address}: {exc}")
            except Exception as exc:  # the server, network or login: try again later
                reason = str(exc) if isinstance(exc, _Transient) else _describe_error(exc, config)
                answered = isinstance(exc, _Transient | smtplib.SMTPResponseException)
                if handed_over and not answered:
                    # The connection broke mid-message: the server may have taken it, so it is
                    # left for a clerk to check rather than sent a second time.
                    _finish(
                        desk,
                        message,
                        before,
                        SENDING,
                        f"Interrupted while sending ({reason}): it may have gone",
                    )
                    reason = f"interrupted while sending ({reason})"
                    result.still_queued = _note_waiting(desk, reason, message.id)
                else:
                    _finish(desk, message, before, QUEUED, reason, claimed=handed_over)
                    result.still_queued = 1 + _note_waiting(desk, reason, message.id)
                result.error = reason
                break
            else:
                _finish(desk, message, before, SENT, None)
                result.sent += 1
            done += 1
            if progress is not None:
                progress(done, max(total, done))
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except Exception:
                smtp.close()
    counts = outbox_counts(desk)
    result.interrupted = counts.interrupted
    if result.error is None:
        result.still_queued = counts.queued
    return result
