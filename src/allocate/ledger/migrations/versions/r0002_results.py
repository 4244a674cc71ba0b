"""What really happened: volunteers' results per visit, and the lots each round was planned from; append-only.

Revision ID: 0002_results
Revises: 0001_ledger
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_results"
down_revision: str | None = "0001_ledger"
branch_labels: str | None = None
depends_on: str | None = None

TABLES = ("round_lots", "result_batches", "round_results")


def upgrade() -> None:
    op.create_table(
        "round_lots",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("lot_id", sa.Text, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("lot", sa.Text, nullable=False),
    )
    op.create_table(
        "result_batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), nullable=False),
        sa.Column("batch", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.UniqueConstraint("round_id", "batch", name="uq_result_batches_round_batch"),
    )
    op.create_table(
        "round_results",
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("result_batches.id"), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("volunteer_id", sa.Text, nullable=False),
        sa.Column("household_id", sa.Text, nullable=False),
        sa.Column("item", sa.Text, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("planned", sa.Integer, nullable=False),
        sa.Column("delivered", sa.Integer, nullable=False),
        sa.Column("line", sa.Integer, nullable=True),
    )
    dialect = op.get_bind().dialect.name
    for table in TABLES:  # append-only, as 0001's tables (on PostgreSQL its function is reused)
        if dialect == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {table} rows are never "
                    f"{'updated' if action == 'UPDATE' else 'deleted'}'); END"
                )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION allocate_ledger_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION allocate_ledger_append_only()"
            )


def downgrade() -> None:
    raise NotImplementedError("the ledger is never downgraded: an older allocate refuses a newer ledger instead")
