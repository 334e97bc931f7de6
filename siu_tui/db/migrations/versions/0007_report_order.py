"""The thematic report reads a year's rows in order: plan periods carry the child's date of
birth and ethnicity, and conferences get an id-ordered index.

With the child's details on the period, the quarter-end figures are added up in one ordered
pass over one index, with no join and no sort (the date-ordered index is no longer read).
Looking up 350,000 conferences' reports, minutes and referrals at random took several times
longer than reading two indexes side by side in the same key order, which the conference's
id-ordered index allows.

Revision ID: 0007_report_order
Revises: 0006_report_figures
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_report_order"
down_revision = "0006_report_figures"
branch_labels = None
depends_on = None

FLAGS = ["neglect", "physical", "emotional", "sexual"]


def upgrade() -> None:
    with op.batch_alter_table("cp_plan_period") as batch:
        batch.add_column(sa.Column("child_date_of_birth", sa.Date(), nullable=True))
        batch.add_column(sa.Column("child_ethnicity", sa.String(length=4), nullable=True))
    op.execute(
        """
        UPDATE cp_plan_period SET
            child_date_of_birth = (
                SELECT child.date_of_birth FROM child WHERE child.id = cp_plan_period.child_id
            ),
            child_ethnicity = (
                SELECT child.ethnicity FROM child WHERE child.id = cp_plan_period.child_id
            )
        """
    )
    op.drop_index("ix_cp_plan_period_dates", table_name="cp_plan_period")
    op.create_index(
        "ix_cp_plan_period_report",
        "cp_plan_period",
        ["child_date_of_birth", *FLAGS, "child_ethnicity", "end_date", "start_date"],
        unique=False,
    )
    op.create_index(
        op.f("ix_cp_plan_period_child_id"), "cp_plan_period", ["child_id"], unique=False
    )
    op.create_index(
        "ix_conference_report_by_id", "conference", ["id", "status", "date", "type"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_conference_report_by_id", table_name="conference")
    op.drop_index(op.f("ix_cp_plan_period_child_id"), table_name="cp_plan_period")
    op.drop_index("ix_cp_plan_period_report", table_name="cp_plan_period")
    op.create_index(
        "ix_cp_plan_period_dates",
        "cp_plan_period",
        ["end_date", "start_date", "child_id", *FLAGS],
        unique=False,
    )
    with op.batch_alter_table("cp_plan_period") as batch:
        batch.drop_column("child_ethnicity")
        batch.drop_column("child_date_of_birth")
