"""Invite lists: an index for one clerk's upcoming conferences in date order

Revision ID: 0004_invites
Revises: 0003_booking
"""

from __future__ import annotations

from alembic import op

revision = "0004_invites"
down_revision = "0003_booking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The reports outstanding list (and the conference list) filtered by clerk read that
    # clerk's booked conferences in date order from here, instead of testing every booked
    # conference's clerk.
    op.create_index(
        "ix_conference_clerk_status_date",
        "conference",
        ["clerk_id", "status", "date", "start_time", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_conference_clerk_status_date", table_name="conference")
