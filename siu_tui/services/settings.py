"""The unit's settings: the numbers in its safeguarding procedures, kept in the database.

Storing them with the data means every clerk sharing a database works to the same rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from siu_tui.clock import now
from siu_tui.db.engine import Store
from siu_tui.db.models import OutboxMessage, Setting
from siu_tui.domain.references import validate_email
from siu_tui.domain.settings import RULE_LABELS, Rules, on_this_machine
from siu_tui.domain.text import line_problem
from siu_tui.services import audit
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError

PREFERENCE_KEYS = {
    "advocacy_email",
    "theme",
    "smtp_host",
    "smtp_port",
    "smtp_user",
    "smtp_sender",
    "smtp_security",
}
"""Settings that are not rules (strings rather than numbers)."""

SMTP_SECURITY = ("starttls", "ssl", "none")
"""How the connection to the mail server is protected: STARTTLS on the submission port (the
usual), TLS from the start (port 465), or none (a relay on this machine only)."""


def load_settings(store: Store) -> dict[str, object]:
    with store.read() as session:
        return {row.key: json.loads(row.value) for row in session.exec(select(Setting))}


def load_rules(store: Store) -> Rules:
    values = {k: v for k, v in load_settings(store).items() if k not in PREFERENCE_KEYS}
    return Rules.from_mapping(values)


def save_setting(desk: Desk, key: str, value: object) -> None:
    """Change one setting; a rule is checked against the others before anything is written."""
    if "password" in key.lower():
        raise ValidationError.single(
            key,
            "Passwords are never kept in the database: set SIU_SMTP_PASSWORD in the "
            "environment of the machine that sends the mail",
        )
    if key in _PREFERENCE_CHECKS:
        try:
            value = _PREFERENCE_CHECKS[key](value)
        except ValueError as exc:
            raise ValidationError.single(key, str(exc)) from None
    elif key not in PREFERENCE_KEYS:
        if key not in Rules().as_dict():
            raise ValidationError.single(key, f"There is no setting called {key!r}")
        if not str(value).strip():
            raise ValidationError.single(key, "Enter a whole number")
        try:
            current = desk.rules.as_dict()
            current[key] = value  # type: ignore[assignment]
            value = Rules.from_mapping(current).as_dict()[key]
        except ValueError as exc:
            # Shown next to the field, which already carries the setting's name.
            message = str(exc).removeprefix(f"{RULE_LABELS[key]} ({key}) ")
            raise ValidationError.single(key, message[:1].upper() + message[1:]) from None
    with desk.store.write() as session:
        _check_security(session, key, value)
        row = session.get(Setting, key)
        if row is not None and json.loads(row.value) == value:
            return  # nothing changes, so nothing to record
        if key == "advocacy_email" and value:
            _address_waiting_referrals(session, desk.actor, str(value))
        before = audit.snapshot(row) if row else None
        if row is None:
            row = Setting(key=key, value=json.dumps(value))
            session.add(row)
            action = "create"
        else:
            row.value = json.dumps(value)
            row.updated_at = now()
            action = "update"
        audit.record(session, desk.actor, action, row, before=before)
    desk.forget_rules()


@dataclass(frozen=True, slots=True)
class SettingRow:
    key: str
    label: str
    value: object
    default: object

    @property
    def changed(self) -> bool:
        return self.value != self.default


PREFERENCE_LABELS = {
    "advocacy_email": "Advocacy service e-mail address",
    "smtp_host": "Mail server (SMTP host; empty: no sending)",
    "smtp_port": "Mail server port",
    "smtp_user": "Mail server login (password: SIU_SMTP_PASSWORD)",
    "smtp_sender": "Send mail from (address)",
    "smtp_security": "Mail connection security (starttls, ssl, none)",
}
PREFERENCE_DEFAULTS: dict[str, object] = {
    "advocacy_email": "",
    "smtp_host": "",
    "smtp_port": 587,
    "smtp_user": "",
    "smtp_sender": "",
    "smtp_security": "starttls",
}


def _optional_email(value: object) -> str:
    return validate_email(str(value)) if str(value).strip() else ""


_HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")


def _host(value: object) -> str:
    text = str(value).strip()
    if len(text) > 253 or set(text) - _HOST_CHARACTERS:
        raise ValueError("Enter the mail server's name, like smtp.example.org")
    return text


_CLEAR_TEXT = (
    "Security none sends the password and the e-mails unencrypted: it is only for a mail "
    "server on this machine (localhost)"
)


def _check_security(session: Session, key: str, value: object) -> None:
    """Security ``none`` only with a mail server on this machine, whichever is set first."""
    if key not in ("smtp_host", "smtp_security"):
        return
    stored = {
        row.key: json.loads(row.value)
        for row in session.exec(
            select(Setting).where(col(Setting.key).in_(("smtp_host", "smtp_security")))
        )
    }
    stored[key] = value
    host = str(stored.get("smtp_host", PREFERENCE_DEFAULTS["smtp_host"]))
    security = stored.get("smtp_security", PREFERENCE_DEFAULTS["smtp_security"])
    if security == "none" and host and not on_this_machine(host):
        raise ValidationError.single(
            key, _CLEAR_TEXT if key == "smtp_security" else f"{_CLEAR_TEXT}; choose starttls first"
        )


def _port(value: object) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError("A port is a whole number from 1 to 65535 (usually 587)")
    return int(text)


def _user(value: object) -> str:
    text = str(value).strip()
    problem = line_problem(text, 254)
    if problem is not None:
        raise ValueError(f"The login {problem}")
    if any(ch.isspace() for ch in text):
        raise ValueError("A login cannot contain spaces")
    return text


def _security(value: object) -> str:
    text = str(value).strip().lower()
    if text not in SMTP_SECURITY:
        raise ValueError(f"Choose one of: {', '.join(SMTP_SECURITY)}")
    return text


_PREFERENCE_CHECKS = {
    "advocacy_email": _optional_email,
    "smtp_host": _host,
    "smtp_port": _port,
    "smtp_user": _user,
    "smtp_sender": _optional_email,
    "smtp_security": _security,
}
"""Each preference's check, returning the value to store (tidied)."""


def _address_waiting_referrals(session: Session, actor: str, address: str) -> None:
    """Referral e-mails queued while the advocacy service had no address get it now, so the
    clerk who fills in the setting does not have to touch each message."""
    waiting = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.kind == "advocacy",
            OutboxMessage.state == "queued",
            OutboxMessage.to_address == "",
        )
    ).all()
    for message in waiting:
        before = audit.snapshot(message)
        message.to_address = address
        session.add(message)
        audit.record(session, actor, "address e-mail", message, before=before)


def describe_settings(desk: Desk) -> list[SettingRow]:
    """Every setting a clerk can change, with its current value and the documented default."""
    stored = load_settings(desk.store)
    rules = Rules.from_mapping({k: v for k, v in stored.items() if k not in PREFERENCE_KEYS})
    defaults = Rules().as_dict()
    rows = [
        SettingRow(key, RULE_LABELS[key], value, defaults[key])
        for key, value in rules.as_dict().items()
    ]
    rows += [
        SettingRow(key, label, stored.get(key, PREFERENCE_DEFAULTS[key]), PREFERENCE_DEFAULTS[key])
        for key, label in PREFERENCE_LABELS.items()
    ]
    return rows
