"""Indexes for paged lists, the home screen and the week view.

Revision ID: 0002_list_indexes
Revises: 0001_initial
"""

from __future__ import annotations

from alembic import op

revision = "0002_list_indexes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_record", "audit_event", ["record_type", "record_id", "at"], unique=False
    )
    op.create_index("ix_outbox_state_created", "outbox", ["state", "created_at"], unique=False)
    op.create_index("ix_child_names", "child", ["last_name", "first_name"], unique=False)
    op.create_index("ix_conference_chair_date", "conference", ["chair_id", "date"], unique=False)
    op.create_index(
        "ix_conference_date_time", "conference", ["date", "start_time", "id"], unique=False
    )
    op.create_index(
        "ix_conference_status_deadline", "conference", ["status", "deadline"], unique=False
    )
    op.create_index("ix_cp_plan_dates", "cp_plan", ["start_date", "end_date"], unique=False)
    op.create_index("ix_minutes_stage_due", "minutes", ["stage", "distribution_due"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_minutes_stage_due", table_name="minutes")
    op.drop_index("ix_cp_plan_dates", table_name="cp_plan")
    op.drop_index("ix_conference_status_deadline", table_name="conference")
    op.drop_index("ix_conference_date_time", table_name="conference")
    op.drop_index("ix_conference_chair_date", table_name="conference")
    op.drop_index("ix_child_names", table_name="child")
    op.drop_index("ix_outbox_state_created", table_name="outbox")
    op.drop_index("ix_audit_record", table_name="audit_event")
