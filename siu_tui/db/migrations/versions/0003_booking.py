"""Booking conferences: locality teams, and indexes for the conference list's searches

Revision ID: 0003_booking
Revises: 0002_list_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003_booking"
down_revision = "0002_list_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "locality_team",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    # A list filtered by status reads each status in date order from this index.
    op.create_index(
        "ix_conference_status_date",
        "conference",
        ["status", "date", "start_time", "id"],
        unique=False,
    )
    # "Name contains" reads (name, id) alone; the old name-only index is then redundant.
    op.create_index("ix_family_name_id", "family", ["name", "id"], unique=False)
    op.drop_index("ix_family_name", table_name="family")
    # A family's conferences, and a child's, read from the index alone; they replace the
    # single-column indexes (and the unique (conference_id, child_id) pair serves the other
    # direction).
    op.create_index(
        "ix_conference_family_date",
        "conference",
        ["family_id", "date", "start_time", "id"],
        unique=False,
    )
    op.drop_index("ix_conference_family_id", table_name="conference")
    op.create_index(
        "ix_conference_child_child", "conference_child", ["child_id", "conference_id"], unique=False
    )
    op.drop_index("ix_conference_child_child_id", table_name="conference_child")
    op.drop_index("ix_conference_child_conference_id", table_name="conference_child")
    # Searches by the start of a child's name, in any case.
    op.create_index(
        "ix_child_first_name_lower", "child", [sa.text("lower(first_name)")], unique=False
    )
    op.create_index(
        "ix_child_last_name_lower", "child", [sa.text("lower(last_name)")], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_child_last_name_lower", table_name="child")
    op.drop_index("ix_child_first_name_lower", table_name="child")
    op.create_index(
        "ix_conference_child_conference_id", "conference_child", ["conference_id"], unique=False
    )
    op.create_index("ix_conference_child_child_id", "conference_child", ["child_id"], unique=False)
    op.drop_index("ix_conference_child_child", table_name="conference_child")
    op.create_index("ix_conference_family_id", "conference", ["family_id"], unique=False)
    op.drop_index("ix_conference_family_date", table_name="conference")
    op.create_index("ix_family_name", "family", ["name"], unique=False)
    op.drop_index("ix_family_name_id", table_name="family")
    op.drop_index("ix_conference_status_date", table_name="conference")
    op.drop_table("locality_team")
