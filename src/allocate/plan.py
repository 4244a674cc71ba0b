"""The frozen result of a solve: who gets which units of which lot, which volunteer visits whom.

A plan carries the case it answers, so that it can say fills, tiers and grids on its own; `verify` reads only
`allocations` and `visits` (and the case), so a plan made by hand or by another tool is checked the same way.

Its allocations and visits are held as columns (`Records`), as a case's tables are: a plan for 100,000 households
has about half a million allocations, and as pydantic records they would cost a validation each when the solver
makes them and a loop over records in every reader (the verifier, explanations, files, sheets). `solve` builds the
columns straight from its arrays, whose values are valid by construction; a plan built from records or dicts
(`Plan(...)`, `model_validate`, `read_plan`'s checked cells, `model_copy`) has every row checked first.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

from allocate.checks import check_flag, check_path
from allocate.errors import OutputExistsError
from allocate.files import atomic_folder, write_columns
from allocate.gc_pause import collector_paused
from allocate.schema import Case, Records
from allocate.text import display_width, pad


class Status(StrEnum):
    """How good the plan is known to be."""

    OPTIMAL = "optimal"  # proven optimal in the sense of SPEC section 3
    FEASIBLE = "feasible"  # feasible and verified; `Plan.termination` says why it is not proven, `Plan.bounds` how far


class Reason(StrEnum):
    """Why the search for a plan ended where it did (MathOpt keeps this apart from the status, and so do we)."""

    PROVEN = "proven"  # optimal: nothing was contested, or an exact model proved it
    HEURISTIC = "heuristic"  # a heuristic step's choice stands and no exact search was made (see `steps`)
    TIME_LIMIT = "time_limit"  # the exact search was stopped by its time or effort limit
    SIZE_LIMIT = "size_limit"  # a part of the case was larger than the exact model may be


class Termination(BaseModel):
    """Why a solve ended: the reason, the heuristic steps whose choices stand unproven, and the detail in words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: Reason
    steps: tuple[str, ...] = ()  # "volunteers" (who gets the hours), "all_or_nothing" (which whole needs are given),
    # "total_fill" (a fairness "none" tier's total)
    detail: str = ""


class TierBound(BaseModel):
    """A tier's result beside a certified bound on the best any plan could do for it.

    `reached` counts the tier's needs and services with a positive fill (the first thing leximin compares: an entry
    left at zero). No plan that reaches at least as many entries as this one in every higher tier reaches more than
    `reached_bound` in this one, and no plan at all gives this tier a smallest fill above `min_fill_bound`. When
    the plan is proven optimal both bounds equal the plan's own values.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tier: str
    entries: int
    reached: int
    reached_bound: int
    min_fill: float | None  # None when the tier is empty
    min_fill_bound: float | None

    @property
    def at_bounds(self) -> bool:
        """Whether the tier meets both bounds: no plan reaches more of it or lifts its worst fill higher. (The fills
        above the worst may still be shared better: only `Status.OPTIMAL` says they cannot.)"""
        return self.reached >= self.reached_bound and (self.min_fill or 0.0) >= (self.min_fill_bound or 0.0)


class Allocation(BaseModel):
    """`quantity` whole units of lot `lot_id` to need `need_id`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    need_id: str
    lot_id: str
    quantity: int = Field(ge=1)


class Visit(BaseModel):
    """A volunteer's visit: a delivery (all of a household's goods) or one service."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    volunteer_id: str
    household_id: str
    kind: Literal["delivery", "service"]
    service_id: str | None = None  # set exactly when kind == "service"
    hours: float = Field(gt=0, allow_inf_nan=False)


class Previous(BaseModel):
    """A published plan that a plan of the same round should change as little as possible (a correction): its
    allocations and visits. `solve(..., previous=...)` keeps the policy's optimum first and, among plans equally good
    for households, keeps as many of these rows as it can."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allocations: tuple[Allocation, ...] = ()
    visits: tuple[Visit, ...] = ()

    @classmethod
    def of(cls, plan: Plan) -> Previous:
        """The allocations and visits of `plan`."""
        return cls(allocations=tuple(plan.allocations), visits=tuple(plan.visits))


_ROWS: dict[str, type[BaseModel]] = {"allocations": Allocation, "visits": Visit}
"""The plan's fields held as columns, and their records' models."""

ALLOCATION_COLUMNS = ("need_id", "household_id", "grid", "tier", "item", "lot_id", "quantity")
"""Header of `allocation.csv` (SPEC section 4)."""

VISIT_COLUMNS = ("volunteer_id", "household_id", "grid", "kind", "service_id", "hours")
"""Header of `visits.csv` (SPEC section 4)."""

EARLIER_COLUMNS = ("household_id", "item", "rounds_ago", "requested", "received")
"""Header of earlier.csv, written beside the plan when its case counts earlier rounds (`Case.earlier`)."""
PLAN_FILES = frozenset(
    {"allocation.csv", "visits.csv", "unmet.csv", "summary.json", "report.html", "earlier.csv", "difference.csv"}
)
"""Every file `allocate` writes into a plan folder (`earlier.csv` only when its case counts earlier rounds,
`difference.csv` only for a correction of a round): a folder holding only these may be replaced (`overwrite`)."""

CASE_MARKS = (("households.csv", "住户.csv"), ("needs.csv", "需求.csv"))
"""Files that make a folder a case: it holds a households table and a needs table (in either language)."""


class Counters(Mapping[str, int]):
    """A read-only mapping of named counts, as `Plan.stats` holds them: a frozen plan's counts cannot be changed
    through it. It equals a dict with the same items, pickles, and serialises as a JSON object."""

    __slots__ = ("_counts",)

    def __init__(self, counts: Mapping[str, int] | Iterable[tuple[str, int]] = ()) -> None:
        self._counts = dict(counts)

    def __getitem__(self, key: str) -> int:
        return self._counts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    def __repr__(self) -> str:
        return f"Counters({self._counts!r})"

    def __eq__(self, other: object) -> bool:
        return dict(self._counts) == dict(other) if isinstance(other, Mapping) else NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._counts.items()))

    def __reduce__(self) -> tuple[type[Counters], tuple[dict[str, int]]]:
        return (Counters, (self._counts,))


class _ReadOnly:
    """Pydantic marker: validate a mapping of str to int, keep it as `Counters`, serialise it as a dict."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        counts = core_schema.dict_schema(core_schema.str_schema(), core_schema.int_schema())
        return core_schema.no_info_after_validator_function(
            Counters,
            counts,
            serialization=core_schema.plain_serializer_function_ser_schema(dict, return_schema=counts),
        )


def format_hours(hours: float) -> str:
    """Hours as written to files: at most 12 significant digits, no trailing zeros (0.25, 2, 0.333333333333).

    A fixed rule rather than `repr`, so outputs are byte-identical across runs; 12 digits keep a written plan
    within the verifier's 1e-9 h tolerance when read back.
    """
    return format(hours, ".12g")


class TierStats(BaseModel):
    """How one priority tier fared, over its needs and services together (a service's fill is 0 or 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tier: str
    rank: int  # 0 = highest priority
    needs: int
    services: int
    households: int  # households with at least one need or service in this tier
    min_fill: float | None  # None when the tier has no needs and no services
    mean_fill: float | None
    fully_served: int  # needs and services with fill >= 1


def tier_stats(
    tier_names: Sequence[str],
    fills: npt.NDArray[np.float64],
    ranks: npt.NDArray[np.int64],
    households: npt.NDArray[np.int64],
    is_need: npt.NDArray[np.bool_],
) -> tuple[TierStats, ...]:
    """Per tier statistics from aligned arrays over needs and services: fill, tier rank, household row, kind.

    Array-based so that `verify` reuses the arrays it already has; `Plan.tiers` builds them from the plan.
    """
    order = np.argsort(ranks, kind="stable")
    bounds = np.searchsorted(ranks[order], np.arange(len(tier_names) + 1))
    out = []
    for rank, name in enumerate(tier_names):
        rows = order[bounds[rank] : bounds[rank + 1]]
        f = fills[rows]
        needs = int(np.count_nonzero(is_need[rows]))
        out.append(
            TierStats(
                tier=name,
                rank=rank,
                needs=needs,
                services=len(rows) - needs,
                households=len(np.unique(households[rows])),
                min_fill=float(f.min()) if len(f) else None,
                mean_fill=float(f.mean()) if len(f) else None,
                fully_served=int(np.count_nonzero(f >= 1.0)),
            )
        )
    return tuple(out)


class Plan(BaseModel):
    """A plan for a case. Rows are in a documented, deterministic order (see `allocate.solve`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case: Case
    allocations: Records[Allocation]  # a tuple or list of allocations (or dicts) is taken too, and checked
    visits: Records[Visit] = Field(default=(), validate_default=True)
    plan_date: dt.date
    status: Status = Status.FEASIBLE  # a plan made by hand or read from files claims nothing
    termination: Termination | None = None  # why the solve ended; None for a plan not made by `solve`
    bounds: tuple[TierBound, ...] = ()  # per tier, highest priority first; empty for a plan not made by `solve`
    backend: str = "manual"
    stats: Annotated[Mapping[str, int], _ReadOnly()] = Field(default_factory=Counters)
    """Deterministic work counters (solves, model sizes), read-only: a `Counters`."""

    def model_post_init(self, context: Any, /) -> None:
        """Keep `stats` read-only and the rows columns also when pydantic builds the plan without validating
        (`model_construct`, which `solve` uses)."""
        if not isinstance(self.stats, Counters):
            self.__dict__["stats"] = Counters(self.stats)
        for name, model in _ROWS.items():
            self.__dict__[name] = Records.taken(model, self.__dict__.get(name, ()))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's copy, not checked again; allocations or visits given in `update` as records (or dicts, which
        are validated) are held as columns, as the constructor would hold them."""
        if update:
            update = {k: Records.taken(_ROWS[k], v) if k in _ROWS else v for k, v in update.items()}
        return super().model_copy(update=update, deep=deep)

    @cached_property
    def received(self) -> dict[str, int]:
        """Units received by each need id (needs that received nothing are absent)."""
        out: dict[str, int] = {}
        allocs = self.allocations
        for need_id, quantity in zip(allocs.column("need_id"), allocs.column("quantity"), strict=True):
            out[need_id] = out.get(need_id, 0) + quantity
        return out

    @cached_property
    def served_services(self) -> frozenset[str]:
        """Ids of the services that a visit does."""
        visits = self.visits
        kinds, ids = visits.column("kind"), visits.column("service_id")
        return frozenset(s for k, s in zip(kinds, ids, strict=True) if k == "service" and s is not None)

    @cached_property
    def need_fills(self) -> tuple[float, ...]:
        """Fill of each need, aligned with `case.needs`."""
        got = self.received
        needs = self.case.needs
        return tuple(map(lambda i, q: got.get(i, 0) / q, needs.column("need_id"), needs.column("quantity")))

    @cached_property
    def service_fills(self) -> tuple[float, ...]:
        """1.0 for each service done, 0.0 otherwise, aligned with `case.services`."""
        done = self.served_services
        return tuple(1.0 if s in done else 0.0 for s in self.case.services.column("service_id"))

    @cached_property
    def tiers(self) -> tuple[TierStats, ...]:
        """Per tier statistics, highest priority first."""
        case = self.case
        owners = [*case.needs.column("household_id"), *case.services.column("household_id")]
        return tier_stats(
            case.policy.tier_names,
            np.array(self.need_fills + self.service_fills, dtype=np.float64),
            np.array(case.need_tiers + case.service_tiers, dtype=np.int64),
            np.array([case.household_index[h] for h in owners], dtype=np.int64),
            np.arange(len(owners)) < len(case.needs),
        )

    def summary(self) -> str:
        """A short readable account: status, how each tier fared, units per item, volunteer hours."""
        case = self.case
        head = f"{self.status.value} plan for {self.plan_date.isoformat()} (backend {self.backend})"
        lines = [head, *self._standing(), ""]
        width = max(len("tier"), *(display_width(t.name) for t in case.policy.tiers))
        lines.append(f"{'tier':<{width}}  needs  services  households  min fill  mean fill  fully served")
        for t in self.tiers:
            low = "-" if t.min_fill is None else f"{t.min_fill:.3f}"
            mean = "-" if t.mean_fill is None else f"{t.mean_fill:.3f}"
            lines.append(
                f"{pad(t.tier, width)}  {t.needs:>5}  {t.services:>8}  {t.households:>10}  {low:>8}  {mean:>9}"
                f"  {t.fully_served:>12}"
            )
        asked: dict[str, int] = {}
        for item, quantity in zip(case.needs.column("item"), case.needs.column("quantity"), strict=True):
            asked[item] = asked.get(item, 0) + quantity
        supplied: dict[str, int] = {}
        lot_item: dict[str, str] = {}
        for lot in case.lots:
            lot_item[lot.lot_id] = lot.item
            if lot.usable_on(self.plan_date):
                supplied[lot.item] = supplied.get(lot.item, 0) + lot.quantity
        given: dict[str, int] = {}
        allocs = self.allocations
        for lot_id, quantity in zip(allocs.column("lot_id"), allocs.column("quantity"), strict=True):
            item = lot_item.get(lot_id)
            if item is not None:
                given[item] = given.get(item, 0) + quantity
        items = sorted(asked.keys() | supplied.keys())
        if items:
            width = max(len("item"), *(display_width(i) for i in items))  # columns, not characters: 大米 is 4
            lines += ["", f"{'item':<{width}}  allocated  asked  usable supply"]
            lines += [
                f"{pad(i, width)}  {given.get(i, 0):>9}  {asked.get(i, 0):>5}  {supplied.get(i, 0):>13}" for i in items
            ]
        if case.volunteers is not None:
            used = sum(self.visits.column("hours"))
            offered = sum(v.hours for v in case.volunteers)
            lines += ["", f"volunteer hours: {format_hours(used)} used of {format_hours(offered)} offered"]
        return "\n".join(lines)

    def _standing(self) -> list[str]:
        """How good the plan is known to be, in words: the reason, then each tier against its bound."""
        t = self.termination
        if t is None:
            return []
        if t.reason is Reason.PROVEN:
            return ["best possible: proven optimal"]
        why = {
            Reason.HEURISTIC: "a heuristic decided",
            Reason.TIME_LIMIT: "the exact search ran out of time",
            Reason.SIZE_LIMIT: "too large for the exact search",
        }[t.reason]
        steps = f" ({', '.join(t.steps)})" if t.steps else ""
        lines = [f"not proven optimal: {why}{steps}" + (f"; {t.detail}" if t.detail else "")]
        for b in self.bounds:
            if not b.entries:
                continue
            if b.at_bounds:
                lines.append(f"  {b.tier}: no plan reaches more, or lifts the worst fill higher")
                continue
            words = []
            if b.reached < b.reached_bound:
                words.append(f"within {b.reached_bound - b.reached} needs or services of the best possible")
            if (b.min_fill or 0.0) < (b.min_fill_bound or 0.0):
                words.append(f"worst fill {b.min_fill:.0%}, at most {b.min_fill_bound:.0%} possible")
            lines.append(f"  {b.tier}: {'; '.join(words)}")
        return lines

    def __str__(self) -> str:
        return self.summary()

    def write(self, folder: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write `allocation.csv` and, with volunteers, `visits.csv` (SPEC section 4) into `folder`, all at once.

        Files are UTF-8 with BOM and CRLF line ends (what Excel opens cleanly), rows in plan order, hours by
        `format_hours`, so writing the same plan twice gives the same bytes; no cell can start a spreadsheet
        formula (see `allocate.files.neutralise`; `read_plan` undoes it). The files are written into a temporary
        sibling folder that is then renamed into place, so a failure leaves nothing half-written. An existing
        non-empty `folder` is refused with `OutputExistsError` unless `overwrite`, and even then unless it holds
        only plan files (`PLAN_FILES`): a folder of anything else, such as the case, is never deleted. A folder
        that is a case or lies inside one is refused too, as `allocate solve` refuses an output in its input.
        Cells the case cannot fill (a need id it does not know) are left blank; `verify` reports such plans.
        Returns the folder.
        """
        check_path(folder, "folder", "Plan.write")
        check_flag(overwrite, "overwrite", "Plan.write")
        target = Path(folder)
        case_dir = _enclosing_case(target)
        if case_dir is not None:
            raise OutputExistsError(
                f"{target} would be inside the case folder {case_dir}; write the plan to a folder of its own"
            )
        with atomic_folder(target, overwrite=overwrite, replaceable=PLAN_FILES) as tmp, collector_paused():
            self.write_tables(tmp)
        return target

    def write_tables(self, into: Path) -> None:
        """Write the plan's CSVs into an existing folder, as part of a larger atomic write (see `write`)."""
        write_columns(into / "allocation.csv", ALLOCATION_COLUMNS, self._allocation_columns())
        if self.case.volunteers is not None:
            write_columns(into / "visits.csv", VISIT_COLUMNS, self._visit_columns())
        if self.case.earlier:  # the earlier rounds it was planned with, so that anyone can verify it again
            write_columns(into / "earlier.csv", EARLIER_COLUMNS, list(map(self.case.earlier.column, EARLIER_COLUMNS)))

    def _allocation_columns(self) -> list[Iterable[Any]]:
        """Columns of allocation.csv: per-need columns picked by each row's need (blank cells for an unknown
        need)."""
        case, allocs = self.case, self.allocations
        households, hh_index, tier_names = case.households, case.household_index, case.policy.tier_names
        owners, grids = case.needs.column("household_id"), households.column("grid")
        per_need = (
            owners,
            [grids[hh_index[h]] for h in owners],
            [tier_names[rank] for rank in case.need_tiers],
            case.needs.column("item"),
        )
        pos = dict(zip(case.needs.column("need_id"), range(len(case.needs)), strict=True))
        need_ids = allocs.column("need_id")
        at = np.fromiter(map(pos.get, need_ids, repeat(-1)), dtype=np.int64, count=len(allocs))
        picked = [np.array([*column, ""], dtype=object)[at] for column in per_need]  # -1 picks the blank
        return [need_ids, *picked, allocs.column("lot_id"), allocs.column("quantity")]

    def _visit_columns(self) -> list[Iterable[Any]]:
        """Columns of visits.csv: each visit's household's grid beside it (blank for an unknown household)."""
        grids, hh_index, visits = self.case.households.column("grid"), self.case.household_index, self.visits
        homes = visits.column("household_id")
        return [
            visits.column("volunteer_id"),
            homes,
            ["" if row is None else grids[row] for row in map(hh_index.get, homes)],
            visits.column("kind"),
            visits.column("service_id"),  # None: a delivery's blank cell
            list(map(format_hours, visits.column("hours"))),
        ]


def _enclosing_case(folder: Path) -> Path | None:
    """The folder that holds a case (`CASE_MARKS`) and is `folder` or one of its parents, if there is one."""
    where = folder.resolve()
    for at in (where, *where.parents):
        if all(any((at / name).is_file() for name in names) for names in CASE_MARKS):
            return at
    return None
