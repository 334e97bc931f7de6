"""A child's name is found by its first letters quickly on PostgreSQL too.

A search for "ro" asks for the children whose folded first or last name starts with "ro".
On PostgreSQL that is written ``LIKE 'ro%'`` (see ``services.matching``), which an ordinary
index can answer only in a database whose collation is "C"; an office database made in
en_GB.UTF-8 read every child instead. The two folded-name indexes are made again with
``varchar_pattern_ops``, which compare bytes as LIKE does, so the search reads only the
names it finds. SQLite's indexes answer its searches already and are left alone.

Revision ID: 0011_search
Revises: 0009_moves
"""

from __future__ import annotations

from alembic import op

revision = "0011_search"
down_revision = "0009_moves"
branch_labels = None
depends_on = None

NAMES = ("first_name_folded", "last_name_folded")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in NAMES:
        op.drop_index(f"ix_child_{name}", table_name="child")
        op.create_index(
            f"ix_child_{name}",
            "child",
            [name],
            unique=False,
            postgresql_ops={name: "varchar_pattern_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in NAMES:
        op.drop_index(f"ix_child_{name}", table_name="child")
        op.create_index(f"ix_child_{name}", "child", [name], unique=False)
