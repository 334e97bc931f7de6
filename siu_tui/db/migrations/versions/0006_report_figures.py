"""The thematic report: plan periods (categories over time) and the indexes its figures read.

Plan periods are filled in from the conferences already held, so a unit upgrading keeps its
history in the quarter-end figures.

Revision ID: 0006_report_figures
Revises: 0005_minutes_review
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from siu_tui.db.models import new_id

revision = "0006_report_figures"
down_revision = "0005_minutes_review"
branch_labels = None
depends_on = None

BATCH = 5_000
COVERING = (
    ("ix_sw_report_receipts", "sw_report", ["conference_id", "to_parents_at", "to_chair_at"]),
    ("ix_minutes_distribution", "minutes", ["conference_id", "distribution_due", "distributed_at"]),
    (
        "ix_advocacy_referral_report",
        "advocacy_referral",
        ["conference_id", "withdrawn_at", "automatic", "outcome", "supported", "child_id"],
    ),
    ("ix_child_report", "child", ["id", "ethnicity", "date_of_birth"]),
)
"""Indexes that hold all a report join needs, so a year's rows are read without the tables
(the report's queries name them for SQLite: see ``siu_tui.db.engine._sqlite_index_hint``)."""
FLAGS = ("neglect", "physical", "emotional", "sexual")


def upgrade() -> None:
    op.create_table(
        "cp_plan_period",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("child_id", sa.String(length=32), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("neglect", sa.Boolean(), nullable=False),
        sa.Column("physical", sa.Boolean(), nullable=False),
        sa.Column("emotional", sa.Boolean(), nullable=False),
        sa.Column("sexual", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["cp_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_cp_plan_period_dates",
        "cp_plan_period",
        ["end_date", "start_date", "child_id", "neglect", "physical", "emotional", "sexual"],
        unique=False,
    )
    op.create_index(op.f("ix_cp_plan_period_plan_id"), "cp_plan_period", ["plan_id"], unique=False)
    op.create_index(
        "ix_conference_status_date_type",
        "conference",
        ["status", "date", "type", "deadline", "late_reason", "id"],
        unique=False,
    )
    op.create_index("ix_cp_plan_end", "cp_plan", ["end_date", "end_conference_id"], unique=False)
    for name, table, columns in COVERING:
        op.create_index(name, table, columns, unique=False)
    _fill_periods()


def _fill_periods() -> None:
    """One period per held conference that made or continued a plan, ending where the next
    one begins (or where the plan ended)."""
    bind = op.get_bind()
    period = sa.table(
        "cp_plan_period",
        sa.column("id", sa.String),
        sa.column("plan_id", sa.String),
        sa.column("child_id", sa.String),
        sa.column("start_date", sa.Date),
        sa.column("end_date", sa.Date),
        *(sa.column(flag, sa.Boolean) for flag in FLAGS),
    )
    rows = bind.execute(
        sa.text(
            """
            SELECT p.id, p.child_id, c.date,
                   LEAD(c.date) OVER (PARTITION BY p.id ORDER BY c.date, c.start_time, c.id),
                   p.end_date, cc.neglect, cc.physical, cc.emotional, cc.sexual
            FROM cp_plan p
            JOIN conference_child cc
              ON cc.child_id = p.child_id AND cc.decision IN ('plan', 'continue')
            JOIN conference c ON c.id = cc.conference_id AND c.status = 'held'
            WHERE c.date >= p.start_date AND (p.end_date IS NULL OR c.date < p.end_date)
            """
        ).columns(
            sa.column("plan_id", sa.String),
            sa.column("child_id", sa.String),
            sa.column("start_date", sa.Date),
            sa.column("next_date", sa.Date),
            sa.column("plan_end", sa.Date),
            *(sa.column(flag, sa.Boolean) for flag in FLAGS),
        )
    )
    batch: list[dict[str, object]] = []
    for plan_id, child_id, start, next_start, plan_end, *flags in rows:
        batch.append(
            {
                "id": new_id(),
                "plan_id": plan_id,
                "child_id": child_id,
                "start_date": start,
                "end_date": next_start or plan_end,
                **dict(zip(FLAGS, (bool(f) for f in flags), strict=True)),
            }
        )
        if len(batch) >= BATCH:
            bind.execute(period.insert(), batch)
            batch = []
    if batch:
        bind.execute(period.insert(), batch)
        batch = []
    # A plan with no conference row to read (made by hand before this version): one period
    # from its start, with the categories it holds now.
    orphans = bind.execute(
        sa.text(
            "SELECT id, child_id, start_date, end_date, latest_categories FROM cp_plan "
            "WHERE id NOT IN (SELECT plan_id FROM cp_plan_period)"
        ).columns(
            sa.column("id", sa.String),
            sa.column("child_id", sa.String),
            sa.column("start_date", sa.Date),
            sa.column("end_date", sa.Date),
            sa.column("latest_categories", sa.String),
        )
    )
    for plan_id, child_id, start, end, categories in orphans:
        chosen = set((categories or "").split(";"))
        batch.append(
            {
                "id": new_id(),
                "plan_id": plan_id,
                "child_id": child_id,
                "start_date": start,
                "end_date": end,
                **{flag: flag in chosen for flag in FLAGS},
            }
        )
    if batch:
        bind.execute(period.insert(), batch)


def downgrade() -> None:
    for name, table, _columns in COVERING:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_cp_plan_end", table_name="cp_plan")
    op.drop_index("ix_conference_status_date_type", table_name="conference")
    op.drop_index(op.f("ix_cp_plan_period_plan_id"), table_name="cp_plan_period")
    op.drop_index("ix_cp_plan_period_dates", table_name="cp_plan_period")
    op.drop_table("cp_plan_period")
