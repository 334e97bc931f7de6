"""Imports write in chunks, each row tagged with its import, so a failed one can be undone.

A large history file used to be written in one transaction that held the write lock for
minutes, so other clerks' saves gave up. It is now written a few thousand rows at a time; to
keep the import all-or-nothing, each import has an ``import_batch`` row (writing, done or
undone) and the families, children and conferences it adds carry its id (everything else it
adds hangs off those). A batch left "writing" by an import that died is undone by the next
import or ``siu db check``.

Revision ID: 0010_import
Revises: 0009_moves
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0010_import"
down_revision = "0009_moves"
branch_labels = None
depends_on = None

TAGGED = ("family", "child", "conference")


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("touched_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_import_batch_state", "import_batch", ["state"])
    # ALTER TABLE ... ADD/DROP COLUMN on both databases (as 0008 drops its columns) rather
    # than a batch, which would rebuild the tables every conference points at.
    for table in TAGGED:
        op.add_column(table, sa.Column("import_batch_id", sa.String(length=32), nullable=True))
        op.create_index(f"ix_{table}_import_batch_id", table, ["import_batch_id"])


def downgrade() -> None:
    for table in TAGGED:
        op.drop_index(f"ix_{table}_import_batch_id", table_name=table)
        op.drop_column(table, "import_batch_id")
    op.drop_index("ix_import_batch_state", table_name="import_batch")
    op.drop_table("import_batch")
