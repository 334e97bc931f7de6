"""The minutes workflow: who minutes went to, managers' weekly reviews, week-view indexes

Revision ID: 0004_minutes_review
Revises: 0003_booking
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_minutes_review"
down_revision = "0003_booking"
branch_labels = None
depends_on = None

# Each step's deadline with its done date, and the reverse: the week view reads a week's
# tasks, and those carried into it, from these alone.
MINUTES_INDEXES: tuple[tuple[str, list[str]], ...] = (
    ("ix_minutes_letter_due", ["decision_letter_due", "decision_letter_at"]),
    ("ix_minutes_letter_done", ["decision_letter_at", "decision_letter_due"]),
    ("ix_minutes_draft_due", ["draft_due", "draft_to_chair_at"]),
    ("ix_minutes_draft_done", ["draft_to_chair_at", "draft_due"]),
    ("ix_minutes_distribution_due", ["distribution_due", "distributed_at"]),
    ("ix_minutes_distribution_done", ["distributed_at", "distribution_due"]),
)


def upgrade() -> None:
    op.create_table(
        "minutes_recipient",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("minutes_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("invitee_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("agency", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("emailed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["minutes_id"], ["minutes.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_minutes_recipient_minutes_id", "minutes_recipient", ["minutes_id"], unique=False
    )
    op.create_table(
        "minutes_week_review",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("reviewed_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_start"),
    )
    for name, columns in MINUTES_INDEXES:
        op.create_index(name, "minutes", columns, unique=False)


def downgrade() -> None:
    for name, _columns in reversed(MINUTES_INDEXES):
        op.drop_index(name, table_name="minutes")
    op.drop_table("minutes_week_review")
    op.drop_index("ix_minutes_recipient_minutes_id", table_name="minutes_recipient")
    op.drop_table("minutes_recipient")
