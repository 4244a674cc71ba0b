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
    """A row of `visits.csv`: a volunteer's delivery or service visit to a household."""

    volunteer_id: str
    household_id: str
    grid: str
    kind: str
    service_id: str | None
    hours: float

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
