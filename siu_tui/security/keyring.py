"""The database key, wrapped once for each account, in a 0600 file beside the database.

An encrypted SQLite database is keyed by 256 random bits that nobody types. Each account holds
its own copy of that key, sealed (AES-GCM) with a key derived from the person's password
(argon2id), so signing in both proves who you are and opens the file, and changing one
password re-seals one copy. A recovery copy is sealed with a random code printed once, when the
database is made, for the unit's safe.

The file is ``<database>.keys`` (``siu.db`` → ``siu.db.keys``), JSON, replaced whole on every
change. Failed attempts are counted here rather than in the database, because a wrong password
cannot open the database to count them; the next good sign-in writes them to the audit trail.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from siu_tui.errors import ServiceError
from siu_tui.files import replacing

FORMAT = 1
KEY_BYTES = 32
# argon2id at RFC 9106's second recommended setting (64 MiB, 3 passes): about a tenth of a
# second here, slow enough that guessing a stolen file's passwords is expensive.
KDF = {"name": "argon2id", "time_cost": 3, "memory_cost": 65536, "parallelism": 4}
MAX_FAILURES = 5
LOCK_MINUTES = 5


class KeyringError(ServiceError):
    """The keys file is missing, damaged or refuses this sign-in; the message says which."""


class WrongPassword(KeyringError):
    """The name and password do not open any copy of the key."""


class AccountLocked(KeyringError):
    """Too many wrong passwords in a row; the account opens again at ``until``."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


@dataclass(frozen=True)
class Unlocked:
    """What a good password opened: the database key, whose copy it was, and the failed
    attempts on that account since its last good sign-in (for the audit trail)."""

    key: bytes
    account_id: str
    failures: tuple[datetime, ...]


def keys_path(database: Path) -> Path:
    return database.with_name(database.name + ".keys")


def new_database_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def sqlcipher_key(key: bytes) -> str:
    """The key as SQLCipher's raw-key literal, so SQLCipher skips its own key derivation."""
    return f"x'{key.hex()}'"


def name_key(name: str) -> str:
    """How a sign-in name is matched: ``Ann`` and ``ann`` (and composed or decomposed accents)
    are one account."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _password_key(password: str, salt: bytes, kdf: dict[str, Any]) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=int(kdf["time_cost"]),
        memory_cost=int(kdf["memory_cost"]),
        parallelism=int(kdf["parallelism"]),
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _code_key(code: str, salt: bytes) -> bytes:
    """A recovery code already carries 256 random bits, so HKDF is enough to make it a key."""
    material = "".join(code.split("-")).strip().upper().encode("ascii")
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=salt, info=b"siu-recovery").derive(
        material
    )


def _seal(wrapping: bytes, key: bytes, label: str, database_id: str) -> dict[str, str]:
    nonce = secrets.token_bytes(12)
    aad = f"{database_id}\x1f{label}".encode()
    return {"nonce": _b64(nonce), "sealed": _b64(AESGCM(wrapping).encrypt(nonce, key, aad))}


def _open(wrapping: bytes, entry: dict[str, Any], label: str, database_id: str) -> bytes | None:
    aad = f"{database_id}\x1f{label}".encode()
    try:
        return AESGCM(wrapping).decrypt(_unb64(entry["nonce"]), _unb64(entry["sealed"]), aad)
    except (InvalidTag, ValueError, KeyError):
        return None


def new_recovery_code() -> str:
    """32 random bytes as eight groups of base32, easy to copy by hand from paper."""
    text = base64.b32encode(secrets.token_bytes(KEY_BYTES)).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 7] for i in range(0, len(text), 7))


class Keyring:
    """The keys file of one database, read once; every change writes the file whole."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    # -- making and reading -------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, key: bytes) -> tuple[Keyring, str]:
        """A new keys file for ``key``, with its recovery copy; returns the recovery code,
        which is shown once and never stored."""
        if path.exists():
            raise KeyringError(f"{path.name} already exists; it holds the keys of a database.")
        database_id = secrets.token_hex(16)
        code = new_recovery_code()
        salt = secrets.token_bytes(16)
        recovery = {"salt": _b64(salt), **_seal(_code_key(code, salt), key, "", database_id)}
        ring = cls(
            path,
            {
                "format": FORMAT,
                "database_id": database_id,
                "kdf": dict(KDF),
                "recovery": recovery,
                "accounts": {},
            },
        )
        ring.save()
        return ring, code

    @classmethod
    def load(cls, path: Path) -> Keyring:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyringError(
                f"{path.name} is missing: the database beside it is encrypted and cannot be "
                "opened without it (restore it from the backup, or use the recovery code)."
            ) from None
        except (OSError, ValueError) as error:
            raise KeyringError(f"{path.name} cannot be read ({type(error).__name__}).") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise KeyringError(f"{path.name} is not a SIU Desk keys file this version reads.")
        return cls(path, data)

    def save(self) -> None:
        with replacing(self.path, "w", encoding="utf-8") as out:
            json.dump(self.data, out, indent=1, sort_keys=True)

    @property
    def database_id(self) -> str:
        return str(self.data["database_id"])

    def names(self) -> list[str]:
        return sorted(entry["name"] for entry in self.data["accounts"].values())

    def has_account(self, account_id: str) -> bool:
        return account_id in self.data["accounts"]

    # -- accounts ----------------------------------------------------------------------

    def put(self, key: bytes, account_id: str, name: str, password: str) -> None:
        """Seal a copy of ``key`` for this account (new, or re-sealed after a password
        change or reset), clearing its failed attempts."""
        salt = secrets.token_bytes(16)
        wrapping = _password_key(password, salt, self.data["kdf"])
        self.data["accounts"][account_id] = {
            "name": name,
            "match": name_key(name),
            "salt": _b64(salt),
            **_seal(wrapping, key, account_id, self.database_id),
            "failures": [],
            "streak": 0,
            "locked_until": None,
        }
        self.save()

    def rename(self, account_id: str, name: str) -> None:
        entry = self.data["accounts"][account_id]
        entry["name"], entry["match"] = name, name_key(name)
        self.save()

    def remove(self, account_id: str) -> None:
        """A disabled account's copy is destroyed, so its old password opens nothing."""
        if self.data["accounts"].pop(account_id, None) is not None:
            self.save()

    def unlock(self, name: str, password: str, now: datetime) -> Unlocked:
        """Open the key with a name and password, or say why not. Five wrong passwords in a
        row lock the account for a few minutes; the count is kept in this file."""
        found = [
            (account_id, entry)
            for account_id, entry in self.data["accounts"].items()
            if entry.get("match") == name_key(name)
        ]
        if not found:
            # Same sentence as a wrong password, and the same work, so a name's existence is
            # not given away by the answer or its timing.
            _password_key(password, secrets.token_bytes(16), self.data["kdf"])
            raise WrongPassword("That name and password do not match an account.")
        account_id, entry = found[0]
        until = entry.get("locked_until")
        if until and datetime.fromisoformat(until) > now:
            raise AccountLocked(
                f"This account is locked after {MAX_FAILURES} wrong passwords; "
                f"try again after {datetime.fromisoformat(until):%H:%M}.",
                datetime.fromisoformat(until),
            )
        wrapping = _password_key(password, _unb64(entry["salt"]), self.data["kdf"])
        key = _open(wrapping, entry, account_id, self.database_id)
        if key is None:
            entry["failures"] = [*entry.get("failures", []), now.isoformat()]
            entry["streak"] = entry.get("streak", 0) + 1
            if entry["streak"] >= MAX_FAILURES:
                locked = now + timedelta(minutes=LOCK_MINUTES)
                entry["locked_until"], entry["streak"] = locked.isoformat(), 0
                self.save()
                raise AccountLocked(
                    f"That password is wrong. After {MAX_FAILURES} wrong passwords in a row "
                    f"this account is locked until {locked:%H:%M}.",
                    locked,
                )
            self.save()
            raise WrongPassword("That name and password do not match an account.")
        failures = tuple(datetime.fromisoformat(when) for when in entry.get("failures", []))
        if failures or entry.get("locked_until") or entry.get("streak"):
            entry["failures"], entry["locked_until"], entry["streak"] = [], None, 0
            self.save()
        return Unlocked(key, account_id, failures)

    # -- recovery ----------------------------------------------------------------------

    def unlock_with_code(self, code: str) -> bytes:
        entry = self.data["recovery"]
        key = _open(_code_key(code, _unb64(entry["salt"])), entry, "", self.database_id)
        if key is None:
            raise WrongPassword("That recovery code does not open this database.")
        return key


def read_key_file_mode(path: Path) -> int:
    """The keys file's permission bits, for checks that it is still private."""
    return os.stat(path).st_mode & 0o777
