"""The keys file: each account's password opens its own copy of the database key, and only it."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from siu_tui.security.keyring import (
    MAX_FAILURES,
    AccountLocked,
    Keyring,
    KeyringError,
    WrongPassword,
    keys_path,
    new_database_key,
)

NOW = datetime(2026, 12, 2, 9, 30)


@pytest.fixture
def ring(tmp_path: Path) -> tuple[Keyring, bytes, str]:
    key = new_database_key()
    ring, code = Keyring.create(keys_path(tmp_path / "siu.db"), key)
    ring.put(key, "a1", "Ann Admin", "correct horse")
    ring.put(key, "c1", "Colin Clerk", "battery staple")
    return ring, key, code


def test_the_keys_file_sits_beside_the_database_and_only_its_owner_reads_it(
    ring: tuple[Keyring, bytes, str],
) -> None:
    path = ring[0].path
    assert path.name == "siu.db.keys"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "correct horse" not in text and ring[1].hex() not in text


def test_each_password_opens_the_same_key_and_names_match_without_case(
    ring: tuple[Keyring, bytes, str],
) -> None:
    keyring, key, _ = ring
    again = Keyring.load(keyring.path)
    assert again.unlock("ann admin", "correct horse", NOW).key == key
    opened = again.unlock("COLIN CLERK", "battery staple", NOW)
    assert (opened.key, opened.account_id) == (key, "c1")


def test_a_wrong_password_or_an_unknown_name_gets_the_same_sentence(
    ring: tuple[Keyring, bytes, str],
) -> None:
    keyring = ring[0]
    with pytest.raises(WrongPassword) as wrong:
        keyring.unlock("Ann Admin", "battery staple", NOW)
    with pytest.raises(WrongPassword) as unknown:
        keyring.unlock("Nobody", "correct horse", NOW)
    assert (
        str(wrong.value)
        == str(unknown.value)
        == ("That name and password do not match an account.")
    )


def test_five_wrong_passwords_lock_the_account_and_the_next_good_one_reports_them(
    ring: tuple[Keyring, bytes, str],
) -> None:
    keyring = ring[0]
    for attempt in range(MAX_FAILURES - 1):
        with pytest.raises(WrongPassword):
            keyring.unlock("Ann Admin", f"guess {attempt}", NOW)
    with pytest.raises(AccountLocked) as locked:
        keyring.unlock("Ann Admin", "guess last", NOW)
    assert locked.value.until == NOW + timedelta(minutes=5)
    with pytest.raises(AccountLocked):  # even the right password waits
        Keyring.load(keyring.path).unlock("Ann Admin", "correct horse", NOW + timedelta(minutes=4))
    later = Keyring.load(keyring.path).unlock(
        "Ann Admin", "correct horse", NOW + timedelta(minutes=6)
    )
    assert len(later.failures) == MAX_FAILURES
    assert Keyring.load(keyring.path).unlock("Ann Admin", "correct horse", NOW).failures == ()


def test_a_changed_password_reseals_one_copy_and_a_removed_account_opens_nothing(
    ring: tuple[Keyring, bytes, str],
) -> None:
    keyring, key, _ = ring
    keyring.put(key, "c1", "Colin Clerk", "new password")
    with pytest.raises(WrongPassword):
        keyring.unlock("Colin Clerk", "battery staple", NOW)
    assert keyring.unlock("Colin Clerk", "new password", NOW).key == key
    keyring.remove("c1")
    with pytest.raises(WrongPassword):
        Keyring.load(keyring.path).unlock("Colin Clerk", "new password", NOW)
    assert keyring.unlock("Ann Admin", "correct horse", NOW).key == key


def test_the_recovery_code_opens_the_key_however_it_is_typed(
    ring: tuple[Keyring, bytes, str],
) -> None:
    keyring, key, code = ring
    assert keyring.unlock_with_code(code) == key
    assert keyring.unlock_with_code(code.lower().replace("-", "")) == key
    with pytest.raises(WrongPassword):
        keyring.unlock_with_code(code[:-1] + ("A" if code[-1] != "A" else "B"))


def test_a_copy_moved_to_another_account_does_not_open(ring: tuple[Keyring, bytes, str]) -> None:
    keyring = ring[0]
    accounts = keyring.data["accounts"]
    accounts["c1"]["nonce"], accounts["c1"]["sealed"] = (
        accounts["a1"]["nonce"],
        accounts["a1"]["sealed"],
    )
    accounts["c1"]["salt"] = accounts["a1"]["salt"]
    with pytest.raises(WrongPassword):
        keyring.unlock("Colin Clerk", "correct horse", NOW)


def test_a_missing_or_foreign_keys_file_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(KeyringError, match="is missing"):
        Keyring.load(tmp_path / "siu.db.keys")
    (tmp_path / "other.keys").write_text('{"format": 99}')
    with pytest.raises(KeyringError, match="not a SIU Desk keys file"):
        Keyring.load(tmp_path / "other.keys")
    with pytest.raises(KeyringError, match="already exists"):
        Keyring.create(tmp_path / "other.keys", new_database_key())
