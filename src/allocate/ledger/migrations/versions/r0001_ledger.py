"""The first ledger: operations, rounds, their files, allocations and visits; append-only by trigger.

Revision ID: 0001_ledger
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_ledger"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

TABLES = ("operations", "rounds", "round_files", "round_allocations", "round_visits")


def upgrade() -> None:
    op.create_table(
        "operations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("operation_id", sa.Integer, sa.ForeignKey("operations.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("supersedes", sa.Integer, sa.ForeignKey("rounds.id"), nullable=True, unique=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("plan_date", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("termination", sa.Text, nullable=False),
        sa.Column("policy_toml", sa.Text, nullable=False),
        sa.Column("policy_sha256", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("allocate_version", sa.String(40), nullable=False),
        sa.Column("allocation_count", sa.Integer, nullable=False),
        sa.Column("visit_count", sa.Integer, nullable=False),
        sa.Column("plan_sha256", sa.String(64), nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("operation_id", "number", "revision", name="uq_rounds_operation_number_revision"),
    )
    op.create_table(
        "round_files",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "round_allocations",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("need_id", sa.Text, nullable=False),
        sa.Column("household_id", sa.Text, nullable=False),
        sa.Column("grid", sa.Text, nullable=False),
        sa.Column("tier", sa.Text, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("lot_id", sa.Text, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
    )
    op.create_table(
        "round_visits",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("volunteer_id", sa.Text, nullable=False),
        sa.Column("household_id", sa.Text, nullable=False),
        sa.Column("grid", sa.Text, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("service_id", sa.Text, nullable=True),
        sa.Column("hours", sa.Float, nullable=False),
    )
    _append_only()


def _append_only() -> None:
    """Triggers that refuse any UPDATE or DELETE (and, on PostgreSQL, TRUNCATE) of the ledger's rows."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {table} rows are never "
                    f"{'updated' if action == 'UPDATE' else 'deleted'}'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION allocate_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the ledger is append-only: % rows are never updated or deleted', TG_TABLE_NAME; "
            "END $$"
        )
        for table in TABLES:
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
