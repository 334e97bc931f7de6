"""The unit's settings: the numbers in its safeguarding procedures, kept in the database.

Storing them with the data means every clerk sharing a database works to the same rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import select

from siu_tui.clock import now
from siu_tui.db.engine import Store
from siu_tui.db.models import Setting
from siu_tui.domain.references import validate_email
from siu_tui.domain.settings import RULE_LABELS, Rules
from siu_tui.services import audit
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError

PREFERENCE_KEYS = {"advocacy_email", "theme"}
"""Settings that are not rules (strings rather than numbers)."""


def load_settings(store: Store) -> dict[str, object]:
    with store.read() as session:
        return {row.key: json.loads(row.value) for row in session.exec(select(Setting))}


def load_rules(store: Store) -> Rules:
    values = {k: v for k, v in load_settings(store).items() if k not in PREFERENCE_KEYS}
    return Rules.from_mapping(values)


def save_setting(desk: Desk, key: str, value: object) -> None:
    """Change one setting; a rule is checked against the others before anything is written."""
    if key == "advocacy_email":
        try:
            value = validate_email(str(value)) if str(value).strip() else ""
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
        row = session.get(Setting, key)
        if row is not None and json.loads(row.value) == value:
            return  # nothing changes, so nothing to record
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


PREFERENCE_LABELS = {"advocacy_email": "Advocacy service e-mail address"}
PREFERENCE_DEFAULTS: dict[str, object] = {"advocacy_email": ""}


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
