"""The ledger of an operation: its rounds, kept in a database (SQLite in a file, or PostgreSQL).

An operation plans round after round; each round's inputs (SHA-256), policy, plan, status, summary and outputs
(SHA-256) are recorded once, in one transaction, and never changed: a correction is a new record that supersedes
the round's current one. `Operation` is the library's way in (`allocate round` the command's); `Ledger` is the
store beneath it. See docs/ledger.md.

Modules: `tables` (the schema), `migrate` and `migrations/` (Alembic, run on open), `engine` (URLs and
connections), `store` (transactions), `digest` (content hashes), `records` (what comes back), `results`
(volunteers' results read back), `operation` (planning a round), `command` (`allocate round`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use, so `import allocate` and the command line do not load SQLAlchemy
    from allocate.ledger.errors import LedgerError, LedgerTooNewError
    from allocate.ledger.operation import Operation
    from allocate.ledger.records import AllocationRow, FileHash, ResultBatch, ResultRow, RoundRecord, VisitRow
    from allocate.ledger.results import VisitReport
    from allocate.ledger.store import Ledger

__all__ = [
    "AllocationRow",
    "FileHash",
    "Ledger",
    "LedgerError",
    "LedgerTooNewError",
    "Operation",
    "ResultBatch",
    "ResultRow",
    "RoundRecord",
    "VisitReport",
    "VisitRow",
]

_WHERE = {
    "AllocationRow": "records",
    "FileHash": "records",
    "Ledger": "store",
    "LedgerError": "errors",
    "LedgerTooNewError": "errors",
    "Operation": "operation",
    "ResultBatch": "records",
    "ResultRow": "records",
    "RoundRecord": "records",
    "VisitReport": "results",
    "VisitRow": "records",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'allocate.ledger' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"allocate.ledger.{_WHERE[name]}"), name)
