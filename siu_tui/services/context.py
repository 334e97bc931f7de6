"""Who is acting on which database: handed to every use case."""

from __future__ import annotations

from dataclasses import dataclass, field

from siu_tui.db.engine import Store
from siu_tui.domain.roles import ALL_ROLES, Role
from siu_tui.domain.settings import Rules


@dataclass
class Desk:
    """One user's view of one store. Rules are read from the settings table once, then cached.

    ``actor`` is the name the audit trail records; ``roles`` what the services let this person
    do. The app and the command line make a Desk only from a sign-in, which sets all three
    from the account; the defaults (every role, no account) serve tests, benchmarks and
    the sample database's set-up.
    """

    store: Store
    actor: str
    roles: frozenset[Role] = ALL_ROLES
    account_id: str | None = None
    staff_id: str | None = None
    _rules: Rules | None = field(default=None, repr=False)

    @classmethod
    def open(cls, url: str, actor: str, *, migrate: bool = True) -> Desk:
        """Open a database, bringing its schema up to date first (copying it aside if needed)."""
        store = Store(url)
        if migrate:
            from siu_tui.db.migrate import ensure_current

            ensure_current(store)
        return cls(store, actor)

    @property
    def rules(self) -> Rules:
        if self._rules is None:
            from siu_tui.services.settings import load_rules

            self._rules = load_rules(self.store)
        return self._rules

    def forget_rules(self) -> None:
        self._rules = None

    def close(self) -> None:
        self.store.dispose()
