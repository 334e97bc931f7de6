"""The four roles an account can hold (DESIGN.md, "Who may do what")."""

from __future__ import annotations

from typing import Literal

Role = Literal["clerk", "iro", "manager", "admin"]

ROLES: tuple[Role, ...] = ("clerk", "iro", "manager", "admin")
ALL_ROLES: frozenset[Role] = frozenset(ROLES)

ROLE_NAMES: dict[Role, str] = {
    "clerk": "Clerk",
    "iro": "IRO (chair)",
    "manager": "Manager",
    "admin": "Administrator",
}
