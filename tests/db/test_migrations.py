"""Migrations: a clerk's existing records survive every upgrade, and the schema matches the models.

Every test works on a real SQLite file. Data that an earlier SIU Desk wrote is inserted with raw
SQL (not the current models), as an older version of the app would have left it.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import textwrap
import warnings
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Boolean, CheckConstraint, Column, MetaData, Table, func, inspect, text
from sqlmodel import SQLModel, select

import siu_tui.db.migrate as migrate
from siu_tui.config import data_dir
from siu_tui.db.engine import Store
from siu_tui.db.migrate import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    ensure_current,
    script_head,
    upgrade,
)
from siu_tui.db.models import AuditEvent, Child, Conference, ConferenceChild, Family, Staff
from siu_tui.services.admin import check_database
from siu_tui.services.errors import DatabaseTooNew, WriteConflict

FIRST_REVISION = "0001_initial"

INDEXES_0002 = {
    "ix_audit_record",
    "ix_outbox_state_created",
    "ix_child_names",
    "ix_conference_chair_date",
    "ix_conference_date_time",
    "ix_conference_status_deadline",
    "ix_cp_plan_dates",
    "ix_minutes_stage_due",
}

# Rows as SIU Desk 0001 stored them: dates as ISO text, times and moments in SQLAlchemy's
# SQLite formats, booleans as 0/1.
RAW_ROWS: list[tuple[str, dict[str, object]]] = [
    (
        "staff",
        {
            "id": "a" * 32,
            "name": "Iris Reed",
            "role": "iro",
            "email": "iris.reed@example.org",
            "active": 1,
        },
    ),
    (
        "family",
        {
            "id": "b" * 32,
            "reference": "FAM-0001",
            "name": "Smith",
            "locality_team": "North",
            "social_worker": "Sam Worker",
            "social_worker_email": "sam.worker@example.org",
            "team_manager": None,
            "team_manager_email": None,
        },
    ),
    (
        "child",
        {
            "id": "c" * 32,
            "case_reference": "CR1001",
            "family_id": "b" * 32,
            "first_name": "Amy",
            "last_name": "Smith",
            "date_of_birth": "2015-03-01",
            "expected_date_of_birth": None,
            "sex": "F",
            "ethnicity": "WBRI",
        },
    ),
    (
        "conference",
        {
            "id": "d" * 32,
            "reference": "CPC-270106-ABCDE",
            "type": "initial",
            "family_id": "b" * 32,
            "date": "2027-01-06",
            "start_time": "10:00:00.000000",
            "duration_minutes": 90,
            "venue": "Civic Centre",
            "room_id": None,
            "chair_id": "a" * 32,
            "clerk_id": None,
            "status": "booked",
            "trigger_date": "2026-12-14",
            "deadline": "2027-01-07",
            "rebooks_id": None,
            "late_reason": None,
            "late_note": None,
            "cancel_reason": None,
            "quorate": None,
            "inquorate_decision": None,
            "inquorate_note": None,
            "created_at": "2026-11-20 09:00:00.000000",
            "updated_at": "2026-11-20 09:00:00.000000",
        },
    ),
    (
        "conference_child",
        {
            "id": "e" * 32,
            "conference_id": "d" * 32,
            "child_id": "c" * 32,
            "decision": None,
            "neglect": 1,
            "physical": 0,
            "emotional": 1,
            "sexual": 0,
            "participation": None,
        },
    ),
    (
        "audit_event",
        {
            "id": "f" * 32,
            "at": "2026-11-20 09:00:00.000000",
            "actor": "clerk.anna",
            "action": "book",
            "record_type": "conference",
            "record_id": "d" * 32,
            "conference_id": "d" * 32,
            "before": None,
            "after": '{"reference": "CPC-270106-ABCDE"}',
        },
    ),
]


def insert_raw(store: Store) -> None:
    """Insert ``RAW_ROWS`` with plain SQL; PostgreSQL takes the 0/1 flags as true/false."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        for name, row in RAW_ROWS:
            table = Table(name, MetaData(), autoload_with=conn)
            values = {
                key: bool(value) if isinstance(table.c[key].type, Boolean) else value
                for key, value in row.items()
            }
            conn.execute(
                text(
                    f"INSERT INTO {name} ({', '.join(row)}) "
                    f"VALUES ({', '.join(':' + key for key in row)})"
                ),
                values,
            )


def dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (but Alembic's own), read with plain SQL; tables with no
    rows are left out, so a migration that adds an empty table compares equal."""
    with store.engine.connect() as conn:
        found = inspect(conn)
        tables = sorted(set(found.get_table_names()) - {"alembic_version"})
        rows = {
            t: [
                tuple(r)
                for r in conn.exec_driver_sql(f"SELECT {_kept(found, t)} FROM {t} ORDER BY 1")
            ]
            for t in tables
        }
    return {t: r for t, r in rows.items() if r}


DERIVED = {"name_folded", "first_name_folded", "last_name_folded", "import_batch_id"}
"""Columns a migration fills in from others (the names folded for search) or adds empty (the
import that added a record): left out of the dumps that compare records before and after,
and checked on their own."""


def _kept(found: Any, table: str) -> str:
    return ", ".join(c["name"] for c in found.get_columns(table) if c["name"] not in DERIVED)


def index_names(store: Store) -> set[str]:
    """Every index's name, those on expressions too (which SQLite's reflection leaves out)."""
    catalogue = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if store.engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    )
    with store.engine.connect() as conn:
        return {str(name) for (name,) in conn.exec_driver_sql(catalogue)}


def stored_revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def sqlite_dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    backup = Store(f"sqlite:///{path}")
    try:
        return dump(backup)
    finally:
        backup.dispose()


def sqlite_index_names(path: Path) -> set[str]:
    backup = Store(f"sqlite:///{path}")
    try:
        return index_names(backup)
    finally:
        backup.dispose()


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.before-*.bak"))


def schema_differences(store: Store) -> list[object]:
    """What autogenerate finds between the models and the migrated database. It cannot reflect
    SQLite's expression indexes (it warns and skips them), so those are checked by
    ``test_expression_indexes_match_the_models`` instead."""
    with store.engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*expression-based index")
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


@pytest.fixture
def old_database(store: Store) -> Store:
    """A database made by SIU Desk at revision 0001, holding a booked conference."""
    upgrade(store, FIRST_REVISION)
    assert current_revision(store) == FIRST_REVISION
    insert_raw(store)
    return store


def test_head_revision_constant_matches_the_scripts() -> None:
    assert script_head() == HEAD_REVISION


@pytest.mark.sqlite_only("the copy aside is a SQLite file; PostgreSQL's is pg_dump's, below")
def test_upgrade_from_0001_keeps_every_row_and_backs_up_first(
    old_database: Store, db_path: Path
) -> None:
    before = dump(old_database)
    assert sum(len(rows) for rows in before.values()) == len(RAW_ROWS)

    result = ensure_current(old_database)

    assert result.before == FIRST_REVISION
    assert result.after == HEAD_REVISION
    assert result.changed
    assert current_revision(old_database) == HEAD_REVISION
    assert dump(old_database) == before
    assert index_names(old_database) >= INDEXES_0002

    # The copy taken before the upgrade sits beside the database and is a working database
    # at the old revision with the same records.
    assert result.backup is not None
    assert result.backup.parent == db_path.parent
    assert backups(db_path) == [result.backup]
    assert stored_revision(result.backup) == FIRST_REVISION
    assert sqlite_dump(result.backup) == before
    assert not INDEXES_0002 & sqlite_index_names(result.backup)
    conn = sqlite3.connect(result.backup)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


@pytest.mark.postgresql_only("pg_dump's copy of an office database")
def test_upgrade_on_postgresql_dumps_the_database_first(old_database: Store) -> None:
    before = dump(old_database)

    result = ensure_current(old_database)

    assert result.after == HEAD_REVISION
    assert dump(old_database) == before
    assert result.note is None
    assert result.backup is not None
    assert result.backup.parent == data_dir() / "backups"
    assert result.backup.stat().st_mode & 0o777 == 0o600
    assert result.backup.parent.stat().st_mode & 0o777 == 0o700
    # A real dump of the 0001 database, holding its rows.
    listing = subprocess.run(
        ["pg_restore", "--list", str(result.backup)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA public conference" in listing
    assert "alembic_version" in listing


@pytest.mark.postgresql_only("without pg_dump, an office database's backups are its DBA's")
def test_upgrade_on_postgresql_without_pg_dump_says_backups_are_the_administrators(
    old_database: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    result = ensure_current(old_database)
    assert result.after == HEAD_REVISION
    assert result.backup is None
    assert result.note is not None
    assert "pg_dump is not on the PATH" in result.note
    assert "administrator" in result.note
    assert not (data_dir() / "backups").exists()


def test_rows_written_by_0001_read_back_through_the_models(old_database: Store) -> None:
    ensure_current(old_database)
    with old_database.read() as session:
        conference = session.get(Conference, "d" * 32)
        assert conference is not None
        assert conference.date == date(2027, 1, 6)
        assert conference.start_time == time(10, 0)
        assert conference.deadline == date(2027, 1, 7)
        assert conference.created_at.tzinfo is not None
        link = session.exec(select(ConferenceChild)).one()
        assert (link.neglect, link.physical, link.emotional, link.sexual) == (
            True,
            False,
            True,
            False,
        )
        child = session.get(Child, "c" * 32)
        assert child is not None
        assert child.date_of_birth == date(2015, 3, 1)
        assert session.get(Staff, "a" * 32) is not None
        assert session.get(Family, "b" * 32) is not None
        assert session.exec(select(func.count()).select_from(AuditEvent)).one() == 1
    assert check_database(old_database.url).ok


def test_brand_new_database_is_not_backed_up(store: Store, tmp_path: Path) -> None:
    result = ensure_current(store)
    assert result.before is None
    assert result.after == HEAD_REVISION
    assert result.backup is None
    assert result.note is None
    assert not any(tmp_path.rglob("*.bak")) and not any(tmp_path.rglob("*.dump"))


@pytest.mark.sqlite_only("counts the SQLite copies beside the file")
def test_up_to_date_database_is_not_copied_again(old_database: Store, db_path: Path) -> None:
    first = ensure_current(old_database)
    assert first.backup is not None
    second = ensure_current(old_database)
    assert second.backup is None
    assert not second.changed
    assert backups(db_path) == [first.backup]

    # Opening it again from another Store (the next start of the app) copies nothing either.
    again = Store(old_database.url)
    try:
        assert ensure_current(again).backup is None
    finally:
        again.dispose()
    assert backups(db_path) == [first.backup]


def test_migrated_schema_matches_the_models(store: Store) -> None:
    ensure_current(store)
    # No filtering needed: SQLModel's AutoString/UTCDateTime reflect as VARCHAR/DATETIME and
    # compare equal with compare_type on, so any difference here is a real one.
    assert schema_differences(store) == []


def test_migrated_schema_has_the_models_check_constraints(store: Store) -> None:
    """Autogenerate does not compare CHECK constraints, so check them by name."""
    ensure_current(store)
    with store.engine.connect() as conn:
        inspector = inspect(conn)
        stored = {
            (table, str(check["name"]))
            for table in inspector.get_table_names()
            for check in inspector.get_check_constraints(table)
        }
    expected = [
        (table.name, constraint.name)
        for table in SQLModel.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    ]
    assert {name for _, name in expected} >= {
        "ck_staff_role",
        "ck_child_sex",
        "ck_conference_status",
    }
    for table, name in expected:
        assert (table, name) in stored


INDEXES_0003 = {
    "ix_conference_status_date",
    "ix_conference_family_date",
    "ix_conference_child_child",
    "ix_family_name_id",
}
"""0003 also made lower() indexes on the children's names, which 0008 replaced."""
INDEXES_0008 = {
    "ix_family_name_folded_id",
    "ix_child_first_name_folded",
    "ix_child_last_name_folded",
}


def index_sql(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return dict(
            conn.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql NOT NULL")
        )
    finally:
        conn.close()


@pytest.mark.sqlite_only("reads SQLite's stored index SQL; autogenerate compares PostgreSQL's")
def test_no_expression_index_is_left(store: Store, db_path: Path) -> None:
    """Autogenerate skips expression indexes on SQLite; the last ones (lower() of the child's
    names) went with 0008, when searches moved to the folded names."""
    ensure_current(store)
    assert not [
        index
        for table in SQLModel.metadata.sorted_tables
        for index in table.indexes
        if any(not isinstance(e, Column) for e in index.expressions)
    ]
    assert not {"ix_child_first_name_lower", "ix_child_last_name_lower"} & set(index_sql(db_path))


def test_upgrade_to_0008_folds_the_names_on_record(old_database: Store) -> None:
    """Names written before 0008 get their folded copies, so old families are found too."""
    with old_database.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE family SET name = 'Ślęzak'")
        conn.exec_driver_sql("UPDATE child SET first_name = 'Zoë', last_name = 'Ślęzak'")
    ensure_current(old_database)
    with old_database.engine.connect() as conn:
        assert [tuple(r) for r in conn.exec_driver_sql("SELECT name, name_folded FROM family")] == [
            ("Ślęzak", "slezak")
        ]
        assert [
            tuple(r)
            for r in conn.exec_driver_sql("SELECT first_name_folded, last_name_folded FROM child")
        ] == [("zoe", "slezak")]
        if conn.dialect.name != "sqlite":
            return
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM child "
            "WHERE last_name_folded >= 'sle' AND last_name_folded < 'slf'"
        ).fetchall()
    assert "ix_child_last_name_folded" in " ".join(str(row[-1]) for row in plan)


def test_upgrade_from_0002_adds_teams_and_search_indexes(old_database: Store) -> None:
    upgrade(old_database, "0002_list_indexes")
    before = dump(old_database)
    assert "ix_family_name" in index_names(old_database)

    result = ensure_current(old_database)

    assert result.before == "0002_list_indexes"
    assert dump(old_database) == before
    assert index_names(old_database) >= INDEXES_0002 | INDEXES_0003 | INDEXES_0008
    replaced = {"ix_family_name", "ix_conference_family_id", "ix_conference_child_child_id"}
    assert not replaced & index_names(old_database)
    with old_database.engine.connect() as conn:
        assert "locality_team" in inspect(conn).get_table_names()


def test_upgrade_to_0009_marks_invitations_for_conferences_that_will_not_happen_not_needed(
    old_database: Store,
) -> None:
    """Before 0009, holding, standing down or cancelling a conference left its queued
    invitations queued: `siu outbox send` would have sent them. Only those are stopped."""
    upgrade(old_database, "0007_report_order")
    booked = dict(RAW_ROWS[3][1])
    conferences = {"booked": "d" * 32}
    with old_database.engine.begin() as conn:
        for n, status in enumerate(("held", "stood_down", "cancelled"), start=1):
            row = {**booked, "id": str(n) * 32, "reference": f"CPC-0{n}", "status": status}
            conn.execute(
                text(
                    f"INSERT INTO conference ({', '.join(row)}) "
                    f"VALUES ({', '.join(':' + key for key in row)})"
                ),
                row,
            )
            conferences[status] = str(n) * 32
        for status, conference_id in conferences.items():
            conn.execute(
                text(
                    "INSERT INTO invitee (id, conference_id, name, agency, direct_contact, email, "
                    "response, report_format, invited_via, invited_at) "
                    "VALUES (:id, :conference, 'Ann Nurse', 'school_nurse', :direct, "
                    "'ann@example.org', 'not_known', 'none', 'email', '2026-11-20')"
                ),
                {"id": f"inv-{status}", "conference": conference_id, "direct": True},
            )
        messages = [
            # (id, kind, state, invitee, last error)
            ("m-booked", "invitation", "queued", "inv-booked", None),
            ("m-held", "invitation", "queued", "inv-held", None),
            ("m-stood", "invitation", "queued", "inv-stood_down", None),
            ("m-cancel", "invitation", "queued", "inv-cancelled", "Not tried: no answer"),
            ("m-sent", "invitation", "sent", "inv-held", None),
            ("m-notice", "conference cancelled", "queued", "inv-cancelled", None),
            ("m-advocacy", "advocacy", "queued", None, None),
        ]
        for message_id, kind, state, related, error in messages:
            conn.execute(
                text(
                    "INSERT INTO outbox (id, kind, to_address, subject, body, state, attempts, "
                    "last_error, created_at, related_id) VALUES (:id, :kind, 'ann@example.org', "
                    "'Hello', 'Dear Ann', :state, 0, :error, '2026-11-20 09:00:00', :related)"
                ),
                {
                    "id": message_id,
                    "kind": kind,
                    "state": state,
                    "error": error,
                    "related": related,
                },
            )

    ensure_current(old_database)

    with old_database.engine.connect() as conn:
        states = {
            row[0]: tuple(row[1:])
            for row in conn.exec_driver_sql("SELECT id, state, last_error FROM outbox ORDER BY id")
        }
        events = [
            tuple(row)
            for row in conn.exec_driver_sql(
                "SELECT record_id, conference_id, actor, action, before, after FROM audit_event "
                "WHERE record_type = 'outbox' ORDER BY record_id"
            )
        ]
    assert states == {
        "m-booked": ("queued", None),
        "m-held": ("stopped", "Not sent: the conference was held"),
        "m-stood": ("stopped", "Not sent: the conference was stood down"),
        "m-cancel": ("stopped", "Not sent: the conference was cancelled"),
        "m-sent": ("sent", None),
        "m-notice": ("queued", None),  # the cancellation notice still goes
        "m-advocacy": ("queued", None),
    }
    assert [(e[0], e[1], e[2], e[3]) for e in events] == [
        ("m-cancel", conferences["cancelled"], "siu db upgrade", "stop e-mail"),
        ("m-held", conferences["held"], "siu db upgrade", "stop e-mail"),
        ("m-stood", conferences["stood_down"], "siu db upgrade", "stop e-mail"),
    ]
    assert '"Not tried: no answer"' in str(events[0][4])
    assert '"state": "stopped"' in str(events[0][5])


def test_downgrade_to_base_and_upgrade_again(store: Store) -> None:
    ensure_current(store)
    config = alembic_config(store)
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert current_revision(store) is None
    with store.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}

    result = upgrade(store)
    assert result.after == HEAD_REVISION
    assert current_revision(store) == HEAD_REVISION
    assert schema_differences(store) == []


def test_downgrade_to_0001_keeps_the_records(old_database: Store) -> None:
    ensure_current(old_database)
    before = dump(old_database)
    config = alembic_config(old_database)
    with old_database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, FIRST_REVISION)
    assert current_revision(old_database) == FIRST_REVISION
    assert not INDEXES_0002 & index_names(old_database)
    assert dump(old_database) == before
    ensure_current(old_database)
    assert dump(old_database) == before
    assert index_names(old_database) >= INDEXES_0002


def test_database_from_a_newer_desk_is_refused_untouched(store: Store, tmp_path: Path) -> None:
    """An older laptop opening a database a newer SIU Desk upgraded must say so plainly
    (``DatabaseTooNew``), not fail inside Alembic, and must not copy the file on every try."""
    ensure_current(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_a_newer_desk'"))
    before = dump(store)

    with pytest.raises(DatabaseTooNew):
        ensure_current(store)

    assert current_revision(store) == "0099_from_a_newer_desk"
    assert dump(store) == before
    assert not any(tmp_path.rglob("*.bak")) and not any(tmp_path.rglob("*.dump"))


# --- The next migration: run real upgrade() on a copy of the scripts plus one more ----------


def add_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, revision: str, body: str
) -> None:
    """Copy the app's migrations aside, add ``revision`` after HEAD, and point upgrade() at it."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    source = (
        '"""A test migration."""\n\n'
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        f"revision = {revision!r}\n"
        f"down_revision = {HEAD_REVISION!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        "def upgrade() -> None:\n"
        + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
        + "\n\n\ndef downgrade() -> None:\n    pass\n"
    )
    (scripts / "versions" / f"{revision}.py").write_text(source)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)


def test_a_failing_migration_leaves_the_database_as_it_was(
    old_database: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_current(old_database)
    before = dump(old_database)
    add_migration(
        tmp_path,
        monkeypatch,
        "0003_fails",
        """
        op.create_table("scratch", sa.Column("id", sa.Integer, primary_key=True))
        op.execute("UPDATE family SET name = 'Changed'")
        raise RuntimeError("the migration broke half-way")
        """,
    )

    with pytest.raises(RuntimeError, match="half-way"):
        upgrade(old_database, "0003_fails")

    assert current_revision(old_database) == HEAD_REVISION
    assert dump(old_database) == before
    with old_database.engine.connect() as conn:
        assert "scratch" not in inspect(conn).get_table_names()
    if old_database.path is not None:
        assert len(backups(old_database.path)) == 2  # one before 0002, one before the failed 0003
    assert check_database(old_database.url).ok


@pytest.mark.sqlite_only("SQLite's batch rebuild of a table others point to")
def test_a_migration_that_rebuilds_a_referenced_table_keeps_every_row(
    old_database: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite can only alter a column by rebuilding the table (Alembic's batch mode, which
    env.py turns on). Rebuilding ``family``, which children and conferences point to, must work
    on a database that holds records."""
    ensure_current(old_database)
    before = dump(old_database)
    add_migration(
        tmp_path,
        monkeypatch,
        "0003_rebuild_family",
        """
        with op.batch_alter_table("family", recreate="always") as batch_op:
            batch_op.alter_column(
                "name", existing_type=sa.String(120), type_=sa.String(200)
            )
        """,
    )

    upgrade(old_database, "0003_rebuild_family")

    assert current_revision(old_database) == "0003_rebuild_family"
    assert dump(old_database) == before
    with old_database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


# --- The connection settings the store relies on ---------------------------------------------


@pytest.mark.sqlite_only("SQLite's PRAGMAs")
def test_store_connections_use_wal_full_sync_and_foreign_keys(store: Store) -> None:
    ensure_current(store)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() > 0
    with store.write() as session:
        conn = session.connection()
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2


def test_foreign_key_violation_is_refused_and_nothing_is_written(store: Store) -> None:
    ensure_current(store)
    with pytest.raises(WriteConflict), store.write() as session:
        session.add(Family(reference="FAM-0001", name="Smith"))
        session.flush()
        session.add(
            Child(
                case_reference="CR1001",
                family_id="no-such-family",
                first_name="Amy",
                last_name="Smith",
                date_of_birth=date(2015, 3, 1),
            )
        )
        session.flush()
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Family)).one() == 0
        assert session.exec(select(func.count()).select_from(Child)).one() == 0


def test_a_read_session_never_commits(store: Store) -> None:
    ensure_current(store)
    with store.read() as session:
        session.add(Family(reference="FAM-0001", name="Smith"))
        session.flush()
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Family)).one() == 0


def test_pg_dump_gets_the_password_in_its_environment_never_on_its_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any user on the server can read another's command line (``ps``); the password is
    handed to pg_dump the way libpq reads it, in PGPASSWORD. (A stand-in pg_dump records what
    it was given: the test server lets its users in without a password.)"""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    seen = tmp_path / "seen"
    stub = bindir / "pg_dump"
    stub.write_text(f'#!/bin/sh\necho "$@" > {seen}\necho "$PGPASSWORD" >> {seen}\n')
    stub.chmod(0o700)
    monkeypatch.setenv("PATH", str(bindir))

    target = migrate.backup_postgresql(
        "postgresql+psycopg://siu_owner:s3cret%40pw@db.example/siu?sslmode=verify-full", "0007"
    )

    assert target is not None and target.stat().st_mode & 0o777 == 0o600
    arguments, password = seen.read_text().splitlines()
    assert "s3cret" not in arguments
    assert "--dbname=postgresql://siu_owner@db.example/siu?sslmode=verify-full" in arguments
    assert password == "s3cret@pw"
