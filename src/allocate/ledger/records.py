"""What the ledger gives back: frozen records of rounds, their files and their plan rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FileHash:
    """A file a round read or wrote: its name, SHA-256 (hex) and size in bytes."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class AllocationRow:
    """A row of `allocation.csv`: `quantity` units of lot `lot_id` to need `need_id`."""

    need_id: str
    household_id: str
    grid: str
    tier: str
    item: str
    lot_id: str
    quantity: int

    def as_tuple(self) -> tuple[str, str, str, str, str, str, int]:
        return (self.need_id, self.household_id, self.grid, self.tier, self.item, self.lot_id, self.quantity)


@dataclass(frozen=True)
class VisitRow:
    """A row of `visits.csv`: a volunteer's delivery or service visit to a household. `quarantined` (the
    household) and `organisation` (the volunteer's) are the round's case facts that credit reads; None for rows
    recorded before the ledger kept them (schema 0004). They are facts of the case, not of the plan: the plan's
    digest (`as_tuple`) leaves them out."""

    volunteer_id: str
    household_id: str
    grid: str
    kind: str
    service_id: str | None
    hours: float
    quarantined: bool | None = None
    organisation: str | None = None

    def as_tuple(self) -> tuple[str, str, str, str, str | None, float]:
        return (self.volunteer_id, self.household_id, self.grid, self.kind, self.service_id, self.hours)


@dataclass(frozen=True)
class RoundRecord:
    """One record of a round in the ledger: a plan, or a correction of one that `supersedes` an earlier record.

    `number` is the round's place in the operation (1, 2, ...), `revision` counts its records (1, then one more
    per correction); `current` is False once a later record supersedes this one. `recorded_at` is when it was
    written (UTC, for people: it is in no digest). `plan_sha256` is the digest of the plan (status, termination,
    rows) and `record_sha256` of the whole record's content (`allocate.ledger.digest`); the same inputs and
    policy give the same digests anywhere.
    """

    operation: str
    number: int
    revision: int
    id: int
    supersedes: int | None
    superseded_by: int | None
    note: str | None
    recorded_at: dt.datetime
    plan_date: dt.date
    status: str
    termination: Mapping[str, Any]
    policy_toml: str
    policy_sha256: str
    inputs: tuple[FileHash, ...]
    outputs: tuple[FileHash, ...]
    folder: str
    allocate_version: str
    plan_sha256: str
    record_sha256: str
    summary: Mapping[str, Any] = field(repr=False)
    allocations: tuple[AllocationRow, ...] = field(repr=False)
    visits: tuple[VisitRow, ...] = field(repr=False)

    @property
    def current(self) -> bool:
        """Whether this is the round's current record (no correction supersedes it)."""
        return self.superseded_by is None

    @property
    def units(self) -> int:
        """Units allocated in this round."""
        return sum(a.quantity for a in self.allocations)

    def __str__(self) -> str:
        """One line: round, revision, date, status, size, and whether a correction replaced it."""
        rev = f" (revision {self.revision})" if self.revision > 1 else ""
        old = " [superseded]" if not self.current else ""
        return (
            f"round {self.number}{rev}: {self.plan_date.isoformat()}, {self.status}, {len(self.allocations)} "
            f"allocations ({self.units} units), {len(self.visits)} visits, plan {self.plan_sha256[:12]}{old}"
        )


OUTCOMES = ("delivered", "not_home", "refused", "partial")
"""What a visit came to: everything delivered, nobody at home, refused at the door, or partly delivered."""


@dataclass(frozen=True)
class ResultRow:
    """What a volunteer reported for one item of a visit (`item` None: a visit with no goods, a service).

    `planned` units were on the sheet, `delivered` reached the household; `outcome` is one of `OUTCOMES`.
    `line` is where the results file said it (None for rows given in code). `night`: the stop was made at night, as
    reported (None for rows recorded before the ledger kept it, schema 0004)."""

    volunteer_id: str
    household_id: str
    item: str | None
    outcome: str
    planned: int
    delivered: int
    line: int | None = None
    night: bool | None = None

    @property
    def undelivered(self) -> int:
        """Units planned that did not reach the household."""
        return self.planned - self.delivered


@dataclass(frozen=True)
class ResultBatch:
    """One results file (or set of rows) recorded for a round: `batch` counts them per round record (1, 2, ...);
    a visit reported again in a later batch has that batch's result (a correction supersedes, nothing changes)."""

    round_number: int
    round_revision: int
    batch: int
    recorded_at: dt.datetime
    source: str
    source_sha256: str
    note: str | None
    rows: tuple[ResultRow, ...] = field(repr=False)

    @property
    def visits(self) -> int:
        """Visits this batch reports."""
        return len({(r.volunteer_id, r.household_id) for r in self.rows})

    def __str__(self) -> str:
        return (
            f"results {self.batch} of round {self.round_number}: {self.visits} visits, "
            f"{sum(r.delivered for r in self.rows)} of {sum(r.planned for r in self.rows)} units delivered"
        )
