"""Search without accents or case: a folded copy of family and child names, indexed.

"zoe" finds Zoë and "slezak" Ślęzak because searches compare what was typed, folded
(``siu_tui.domain.folding``), with a folded copy of each name. The copies of the names
already on record are filled in here, a few thousand rows per statement so that a large
unit's upgrade never holds the whole table in memory; the indexes are made once they are
filled. The case-insensitive indexes on the children's names are no longer read by any
search and go.

Revision ID: 0008_folded
Revises: 0007_report_order
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from siu_tui.domain.folding import fold

revision = "0008_folded"
down_revision = "0007_report_order"
branch_labels = None
depends_on = None

BATCH = 5_000
LENGTH = 480
FOLDED = {
    "family": ("name",),
    "child": ("first_name", "last_name"),
}


def upgrade() -> None:
    for table, names in FOLDED.items():
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.add_column(
                    sa.Column(
                        f"{name}_folded",
                        sa.String(length=LENGTH),
                        nullable=False,
                        server_default="",
                    )
                )
        _fill(table, names)
    op.create_index("ix_family_name_folded_id", "family", ["name_folded", "id"], unique=False)
    op.create_index("ix_child_first_name_folded", "child", ["first_name_folded"], unique=False)
    op.create_index("ix_child_last_name_folded", "child", ["last_name_folded"], unique=False)
    op.drop_index("ix_child_first_name_lower", table_name="child")
    op.drop_index("ix_child_last_name_lower", table_name="child")


def _fill(table: str, names: tuple[str, ...]) -> None:
    """Every row's folded names, in batches read in key order after the last one written."""
    bind = op.get_bind()
    rows = sa.table(
        table,
        sa.column("id", sa.String),
        *(sa.column(name, sa.String) for name in names),
        *(sa.column(f"{name}_folded", sa.String) for name in names),
    )
    update = (
        rows.update()
        .where(rows.c.id == sa.bindparam("key"))
        .values({f"{name}_folded": sa.bindparam(f"f_{name}") for name in names})
    )
    after = ""
    while True:
        batch = bind.execute(
            sa.select(rows.c.id, *(rows.c[name] for name in names))
            .where(rows.c.id > after)
            .order_by(rows.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        bind.execute(
            update,
            [
                {
                    "key": key,
                    **{
                        f"f_{name}": fold(value)[:LENGTH]
                        for name, value in zip(names, values, strict=True)
                    },
                }
                for key, *values in batch
            ],
        )
        after = batch[-1][0]


def downgrade() -> None:
    op.drop_index("ix_child_last_name_folded", table_name="child")
    op.drop_index("ix_child_first_name_folded", table_name="child")
    op.drop_index("ix_family_name_folded_id", table_name="family")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later) rather than a batch, which would
    # rebuild the family table that every conference points at.
    for table, names in FOLDED.items():
        for name in names:
            op.drop_column(table, f"{name}_folded")
    op.create_index(
        "ix_child_first_name_lower", "child", [sa.text("lower(first_name)")], unique=False
    )
    op.create_index(
        "ix_child_last_name_lower", "child", [sa.text("lower(last_name)")], unique=False
    )
