"""The minutes workflow: who minutes went to, managers' weekly reviews, week-view indexes

Revision ID: 0005_minutes_review
Revises: 0004_invites
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_minutes_review"
down_revision = "0004_invites"
branch_labels = None
depends_on = None

STEPS: tuple[tuple[str, str, str], ...] = (
    ("letter", "decision_letter_due", "decision_letter_at"),
    ("draft", "draft_due", "draft_to_chair_at"),
    ("distribution", "distribution_due", "distributed_at"),
)
"""(step, deadline column, done column): the week view reads each step's tasks due in a week
from ``ix_minutes_<step>_due`` and those carried into it (not done, or done late) from the
partial ``ix_minutes_<step>_open``, both covering, so no minutes row is read."""


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
    # The week view's clerk and chair filters: a person's conferences' keys, and a clerk's week.
    op.create_index(
        "ix_conference_clerk_date_ids", "conference", ["clerk_id", "date", "id"], unique=False
    )
    op.create_index("ix_conference_chair_ids", "conference", ["chair_id", "id"], unique=False)
    for step, due, done in STEPS:
        condition = sa.text(f"{done} IS NULL OR {done} > {due}")
        op.create_index(
            f"ix_minutes_{step}_due", "minutes", [due, done, "id", "conference_id"], unique=False
        )
        op.create_index(
            f"ix_minutes_{step}_open",
            "minutes",
            [done, due, "id", "conference_id"],
            unique=False,
            sqlite_where=condition,
            postgresql_where=condition,
        )


def downgrade() -> None:
    for step, _due, _done in reversed(STEPS):
        op.drop_index(f"ix_minutes_{step}_open", table_name="minutes")
        op.drop_index(f"ix_minutes_{step}_due", table_name="minutes")
    op.drop_index("ix_conference_chair_ids", table_name="conference")
    op.drop_index("ix_conference_clerk_date_ids", table_name="conference")
    op.drop_table("minutes_week_review")
    op.drop_index("ix_minutes_recipient_minutes_id", table_name="minutes_recipient")
    op.drop_table("minutes_recipient")
