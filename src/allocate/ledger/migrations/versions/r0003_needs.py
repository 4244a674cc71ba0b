"""What each round asked: the needs of the case a round was planned from, per household and item; append-only.

Fairness over rounds (`[over_rounds]`) counts what a household asked for and received in earlier rounds; the
ledger keeps the asking here (received is in `round_allocations` and the volunteers' results).

Revision ID: 0003_needs
Revises: 0002_results
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_needs"
down_revision: str | None = "0002_results"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "round_needs",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("household_id", sa.Text, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("requested", sa.Integer, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":  # append-only, as the tables before it (on PostgreSQL 0001's function is reused)
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER round_needs_no_{action.lower()} BEFORE {action} ON round_needs "
                f"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: round_needs rows are never "
                f"{'updated' if action == 'UPDATE' else 'deleted'}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER round_needs_append_only BEFORE UPDATE OR DELETE ON round_needs "
            "FOR EACH ROW EXECUTE FUNCTION allocate_ledger_append_only()"
        )
        op.execute(
            "CREATE TRIGGER round_needs_no_truncate BEFORE TRUNCATE ON round_needs "
            "FOR EACH STATEMENT EXECUTE FUNCTION allocate_ledger_append_only()"
        )


def downgrade() -> None:
    raise NotImplementedError("the ledger is never downgraded: an older allocate refuses a newer ledger instead")
