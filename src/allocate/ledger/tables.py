"""The ledger's tables, as SQLAlchemy Core declares them: the schema the newest migration leaves.

Append-only: rows are inserted and never updated or deleted (the migrations add database triggers that refuse
both). A correction is a new `rounds` row whose `supersedes` names the row it replaces; the current record of a
round number is the one no row supersedes. A round's files, allocations and visits belong to its row and are
written in the same transaction. Times of day (`recorded_at`, `created_at`) are stored for people and are in no
digest; `plan_sha256` and `record_sha256` are computed from the content alone (`allocate.ledger.digest`).

Changing a table here needs a new migration in `migrations/versions/` (tests/ledger checks the two agree).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

operations = sa.Table(
    "operations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", sa.String(40), nullable=False),  # ISO 8601, UTC; for people, in no digest
)
"""An operation: the rounds of one community over a crisis. Its name is unique in the ledger."""

rounds = sa.Table(
    "rounds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("operation_id", sa.Integer, sa.ForeignKey("operations.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),  # 1, 2, 3 ... in the operation
    sa.Column("revision", sa.Integer, nullable=False),  # 1, then one more for each correction of the round
    sa.Column("supersedes", sa.Integer, sa.ForeignKey("rounds.id"), nullable=True, unique=True),
    sa.Column("note", sa.Text, nullable=True),  # why a correction was made, in the planner's words
    sa.Column("recorded_at", sa.String(40), nullable=False),  # ISO 8601, UTC; for people, in no digest
    sa.Column("plan_date", sa.String(10), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # optimal | feasible
    sa.Column("termination", sa.Text, nullable=False),  # JSON: reason, steps, detail
    sa.Column("policy_toml", sa.Text, nullable=False),  # the policy the plan follows, as policy.toml writes it
    sa.Column("policy_sha256", sa.String(64), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),  # summary.json as written
    sa.Column("folder", sa.Text, nullable=False),  # where the outputs were written
    sa.Column("allocate_version", sa.String(40), nullable=False),
    sa.Column("allocation_count", sa.Integer, nullable=False),
    sa.Column("visit_count", sa.Integer, nullable=False),
    sa.Column("plan_sha256", sa.String(64), nullable=False),
    sa.Column("record_sha256", sa.String(64), nullable=False),
    sa.UniqueConstraint("operation_id", "number", "revision", name="uq_rounds_operation_number_revision"),
)
"""A round's record: one plan of an operation, or a correction of one (`supersedes`)."""

round_files = sa.Table(
    "round_files",
    metadata,
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
    sa.Column("role", sa.String(10), primary_key=True),  # input | output
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
)
"""The SHA-256 of every input file a round was read from and every output file it wrote."""

round_allocations = sa.Table(
    "round_allocations",
    metadata,
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
    sa.Column("row", sa.Integer, primary_key=True),  # 0, 1, ... in allocation.csv's order
    sa.Column("need_id", sa.Text, nullable=False),
    sa.Column("household_id", sa.Text, nullable=False),
    sa.Column("grid", sa.Text, nullable=False),
    sa.Column("tier", sa.Text, nullable=False),
    sa.Column("item", sa.Text, nullable=False),
    sa.Column("lot_id", sa.Text, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
)
"""The rows of a round's allocation.csv."""

round_visits = sa.Table(
    "round_visits",
    metadata,
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
    sa.Column("row", sa.Integer, primary_key=True),  # 0, 1, ... in visits.csv's order
    sa.Column("volunteer_id", sa.Text, nullable=False),
    sa.Column("household_id", sa.Text, nullable=False),
    sa.Column("grid", sa.Text, nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),  # delivery | service
    sa.Column("service_id", sa.Text, nullable=True),
    sa.Column("hours", sa.Float, nullable=False),
    sa.Column("quarantined", sa.Boolean, nullable=True),  # the household, in the round's case (0004; NULL before)
    sa.Column("organisation", sa.Text, nullable=True),  # the volunteer's, in the round's case (0004)
)
"""The rows of a round's visits.csv, with what credit weights read of the round's case (schema 0004)."""

round_lots = sa.Table(
    "round_lots",
    metadata,
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
    sa.Column("row", sa.Integer, primary_key=True),  # 0, 1, ... in the case's order
    sa.Column("lot_id", sa.Text, nullable=False),
    sa.Column("item", sa.Text, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("lot", sa.Text, nullable=False),  # the whole lot as JSON (expiry, donor, reserved_for, grids)
)
"""The lots of the case a round was planned from (rounds recorded since schema 0002), so that what is not delivered
can go back to stock with its expiry and donor (`Operation.stock_after`)."""

round_needs = sa.Table(
    "round_needs",
    metadata,
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), primary_key=True),
    sa.Column("row", sa.Integer, primary_key=True),  # 0, 1, ... by (household, item)
    sa.Column("household_id", sa.Text, nullable=False),
    sa.Column("item", sa.Text, nullable=False),
    sa.Column("requested", sa.Integer, nullable=False),
)
"""What a round's case asked, per household and item (rounds recorded since schema 0003), so that fairness over
rounds can count it (`Operation.earlier`)."""

result_batches = sa.Table(
    "result_batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), nullable=False),
    sa.Column("batch", sa.Integer, nullable=False),  # 1, 2, ... per round record
    sa.Column("recorded_at", sa.String(40), nullable=False),  # ISO 8601, UTC; for people
    sa.Column("source", sa.Text, nullable=False),  # the results file's name (or "rows")
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.UniqueConstraint("round_id", "batch", name="uq_result_batches_round_batch"),
)
"""One results file (or set of rows) received for a round record. A visit reported again in a later batch has that
batch's result: the later report supersedes the earlier one, which stays."""

round_results = sa.Table(
    "round_results",
    metadata,
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("result_batches.id"), primary_key=True),
    sa.Column("row", sa.Integer, primary_key=True),
    sa.Column("volunteer_id", sa.Text, nullable=False),
    sa.Column("household_id", sa.Text, nullable=False),
    sa.Column("item", sa.Text, nullable=True),  # None: a visit with no goods (a service)
    sa.Column("outcome", sa.String(20), nullable=False),  # delivered | not_home | refused | partial
    sa.Column("planned", sa.Integer, nullable=False),
    sa.Column("delivered", sa.Integer, nullable=False),
    sa.Column("line", sa.Integer, nullable=True),  # the line of the results file it was read from
    sa.Column("night", sa.Boolean, nullable=True),  # the stop was made at night, as reported (0004; NULL before)
)
"""What a volunteer reported for a visit: per item, the units planned and delivered."""

APPEND_ONLY = (
    "operations",
    "rounds",
    "round_files",
    "round_allocations",
    "round_visits",
    "round_lots",
    "round_needs",
    "result_batches",
    "round_results",
)
"""Tables whose rows are never updated or deleted (database triggers refuse it)."""
