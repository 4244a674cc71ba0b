"""What credit weights read: whether a visited household was quarantined and the visiting volunteer's organisation
(per visit row, as the round's case had them), and whether a stop was made at night (per result row, as reported).

Columns added, nullable: rows recorded before this revision hold NULL (not known), and no row is ever updated;
the tables' append-only triggers stay as they are.

Revision ID: 0004_credit_facts
Revises: 0003_needs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_credit_facts"
down_revision: str | None = "0003_needs"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("round_visits", sa.Column("quarantined", sa.Boolean, nullable=True))
    op.add_column("round_visits", sa.Column("organisation", sa.Text, nullable=True))
    op.add_column("round_results", sa.Column("night", sa.Boolean, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the ledger is never downgraded: an older allocate refuses a newer ledger instead")
