"""A child's name is found by its first letters quickly on PostgreSQL too.

A search for "ro" asks for the children whose folded first or last name starts with "ro".
On PostgreSQL it is now written ``LIKE 'ro%'`` alone (see ``services.matching``): written as
a range beside the LIKE, it was estimated at a hundredth of the children it finds, and the
planner chose its plans for the conference list accordingly badly. An ordinary index answers
that LIKE only in a database whose collation is "C", and an office database is made in
en_GB.UTF-8; so the two folded-name indexes are made again with ``varchar_pattern_ops``, which
compare bytes as LIKE does. SQLite's searches and indexes are unchanged.

Revision ID: 0011_search
Revises: 0010_import
"""

from __future__ import annotations

from alembic import op

revision = "0011_search"
down_revision = "0010_import"
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
