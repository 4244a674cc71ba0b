"""What a rule is, and the arrays of a case the rules read.

A *goods rule* says which lot may give to which need (the item matches, the lot has not expired, its earmark and
its grid limit allow the need); the engine (`allocate.core.index`), the verifier and the explainer read the one
list `allocate.rules.GOODS_RULES`. A rule answers for many (lot, need) pairs at once (`allows`), and says what it
reads of a need (`need_key`): needs with equal keys under every rule may use the same lots, which is what the
engine's eligibility *signatures* are. It says as much of a lot (`lot_key`), so the engine asks the rules about one
lot of each group of lots they treat alike (a city's many open lots of an item), not about every lot.

A *visit rule* says which volunteer may make which visit: a delivery to a household, or a service (a skill) at
one. Each rule is one object in one module of this package, and the engine (`allocate.core.volunteers`), the
verifier (`allocate.verify`) and the explainer (`allocate.explain.reasons`) all read the same list,
`allocate.rules.VISIT_RULES`, so a new rule is one module plus its tests.

A rule answers for many visits at once (`allows` takes aligned arrays), and allows a service at a household only
to volunteers it allows to deliver there (a skill narrows who may visit, never widens it: the engine looks for a
service's doers among the household's deliverers, which keeps that search linear in the case). It says which
household attributes it reads (`household_key`): households with equal keys under every rule are
interchangeable for visits, so the engine plans over these *visit classes* instead of households. A rule may
also cap how many visits of some households one volunteer makes (`cap`): the engine, the verifier and the
explainer honour one such cap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np
import numpy.typing as npt

from allocate.schema import ALL_GRIDS, Case

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DELIVERY = -1
"""The skill code of a delivery visit (a service visit's is the index of its skill in `VisitFacts.skills`)."""


@dataclass(frozen=True)
class _Facts:
    """What both kinds of rule read: the households' grids."""

    case: Case

    @cached_property
    def grids(self) -> tuple[str, ...]:
        """The households' grids, sorted."""
        return tuple(sorted(set(self.case.households.column("grid"))))

    @cached_property
    def hh_grid(self) -> IntArray:
        """Per household, its grid's position in `grids`."""
        code = {g: i for i, g in enumerate(self.grids)}
        homes = self.case.households
        return np.fromiter(map(code.__getitem__, homes.column("grid")), np.int64, len(homes))


@dataclass(frozen=True)
class VisitFacts(_Facts):
    """The case's households, volunteers and services as the arrays visit rules read; built once per case.

    Grids are the households' grids, sorted; skills the services' skills, sorted. Columns a rule does not read
    cost nothing: each is computed on first use.
    """

    _flags: dict[tuple[str, str], BoolArray] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def skills(self) -> tuple[str, ...]:
        """The skills services ask for, sorted."""
        return tuple(sorted(set(self.case.services.column("skill"))))

    @cached_property
    def service_hh(self) -> IntArray:
        """Per service, its household's row."""
        at = self.case.household_index
        services = self.case.services
        return np.fromiter(map(at.__getitem__, services.column("household_id")), np.int64, len(services))

    @cached_property
    def service_skill(self) -> IntArray:
        """Per service, its skill's position in `skills`."""
        code = {k: i for i, k in enumerate(self.skills)}
        return np.fromiter(map(code.__getitem__, self.case.services.column("skill")), np.int64, len(self.case.services))

    @property
    def volunteers(self) -> Sequence[object]:
        """The volunteers (empty without a volunteers table)."""
        return self.case.volunteers or ()

    @cached_property
    def covers(self) -> BoolArray:
        """Volunteer x grid: whether the volunteer covers the grid (`*` covers every grid)."""
        vols, code = self.case.volunteers, {g: i for i, g in enumerate(self.grids)}
        grids = () if vols is None else vols.column("grids")
        out = np.zeros((len(grids), len(self.grids)), np.bool_)
        for k, mine in enumerate(grids):
            if ALL_GRIDS in mine:
                out[k] = True
            else:
                out[k, [code[g] for g in mine if g in code]] = True
        return out

    @cached_property
    def has_skill(self) -> BoolArray:
        """Volunteer x skill (of `skills`): whether the volunteer has it."""
        vols, code = self.case.volunteers, {k: i for i, k in enumerate(self.skills)}
        skills = () if vols is None else vols.column("skills")
        out = np.zeros((len(skills), len(self.skills)), np.bool_)
        for k, mine in enumerate(skills):
            out[k, [code[x] for x in mine if x in code]] = True
        return out

    def column(self, table: str, name: str) -> BoolArray:
        """A yes/no column of the households or volunteers, as an array (for rules that read one flag); built
        once, since rules ask for it at every call."""
        found = self._flags.get((table, name))
        if found is None:
            rows = self.case.households if table == "households" else self.case.volunteers
            values = () if rows is None else rows.column(name)
            found = self._flags[table, name] = np.fromiter(map(bool, values), np.bool_, len(values))
        return found


@dataclass(frozen=True)
class Cap:
    """At most `limit` visits per volunteer to the households marked in `households` (deliveries and services);
    `reason` is the explainer's when the cap is 0 and so nobody may visit them."""

    households: BoolArray
    limit: int
    reason: str


class Rule(Protocol):
    """What every rule names: how the verifier and the explainer call it, and what it reads."""

    @property
    def code(self) -> str:
        """The verifier's code for a visit or an allocation that breaks it (`allocate.verify.Rule`)."""
        ...

    @property
    def reason(self) -> str:
        """The explainer's reason (`allocate.explain.Reason`) when it leaves a household nobody to visit it, or a
        need no lot."""
        ...

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns it reads, as `table.column`."""
        ...


class VisitRule(Rule, Protocol):
    """One rule on who may make which visit (module docstring)."""

    def household_key(self, facts: VisitFacts) -> IntArray:
        """Per household, a code of what the rule reads of it: equal codes, equal answers."""
        ...

    def allows(self, facts: VisitFacts, volunteer: IntArray, household: IntArray, skill: IntArray) -> BoolArray:
        """Whether each volunteer may make each visit (aligned arrays; `skill` is `DELIVERY` for a delivery). A
        service may be allowed only where a delivery to the same household by the same volunteer is."""
        ...

    def message(self, facts: VisitFacts, volunteer: int, household: int, skill: int, service_id: str | None) -> str:
        """Why the verifier refuses one visit it does not allow, in words."""
        ...

    def cap(self, facts: VisitFacts) -> Cap | None:
        """A cap on some visits per volunteer, or None."""
        ...


@dataclass(frozen=True)
class GoodsFacts(_Facts):
    """The case's needs and lots as the arrays goods rules read, for one plan date; built once per case.

    Items are the needs' and the lots' items, sorted; grids the households' grids, sorted. Each array is built on
    first use.
    """

    plan_date: dt.date

    @cached_property
    def items(self) -> tuple[str, ...]:
        """Every item asked for or donated, sorted."""
        return tuple(sorted({*self.case.needs.column("item"), *self.case.lots.column("item")}))

    @cached_property
    def need_item(self) -> IntArray:
        """Per need, its item's position in `items`."""
        code = {k: i for i, k in enumerate(self.items)}
        return np.fromiter(map(code.__getitem__, self.case.needs.column("item")), np.int64, len(self.case.needs))

    @cached_property
    def lot_item(self) -> IntArray:
        """Per lot, its item's position in `items`."""
        code = {k: i for i, k in enumerate(self.items)}
        return np.fromiter(map(code.__getitem__, (lot.item for lot in self.case.lots)), np.int64, len(self.case.lots))

    @cached_property
    def need_tier(self) -> IntArray:
        """Per need, its tier's rank (0 is the highest priority)."""
        return np.asarray(self.case.need_tiers, np.int64).reshape(-1)

    @cached_property
    def need_hh(self) -> IntArray:
        """Per need, its household's row."""
        at, needs = self.case.household_index, self.case.needs
        return np.fromiter(map(at.__getitem__, needs.column("household_id")), np.int64, len(needs))

    @cached_property
    def need_grid(self) -> IntArray:
        """Per need, its household's grid's position in `grids`."""
        return self.hh_grid[self.need_hh]

    @cached_property
    def lot_usable(self) -> BoolArray:
        """Per lot, whether it may still be given out on the plan date."""
        lots = self.case.lots
        return np.fromiter((lot.usable_on(self.plan_date) for lot in lots), np.bool_, len(lots))

    @cached_property
    def lot_reserve(self) -> IntArray:
        """Per lot, the lowest-priority tier rank it may give to (its `reserved_for`, or the last tier)."""
        policy, last = self.case.policy, len(self.case.policy.tiers) - 1
        lots = self.case.lots
        return np.fromiter(
            (last if lot.reserved_for is None else policy.rank(lot.reserved_for) for lot in lots), np.int64, len(lots)
        )

    @cached_property
    def lot_reach(self) -> BoolArray:
        """Lot x grid (of `grids`): whether the lot may give to households of the grid."""
        lots, code = self.case.lots, {g: i for i, g in enumerate(self.grids)}
        out = np.ones((len(lots), len(self.grids)), np.bool_)
        for k, lot in enumerate(lots):
            if lot.grids is not None:
                out[k] = False
                out[k, [code[g] for g in lot.grids if g in code]] = True
        return out


class GoodsRule(Rule, Protocol):
    """One rule on which lot may give to which need (module docstring)."""

    def need_key(self, facts: GoodsFacts) -> IntArray:
        """Per need, a code of what the rule reads of it: equal codes, equal answers."""
        ...

    def lot_key(self, facts: GoodsFacts) -> IntArray:
        """Per lot, a code of what the rule reads of it: equal codes, equal answers."""
        ...

    def allows(self, facts: GoodsFacts, lot: IntArray, need: IntArray) -> BoolArray:
        """Whether each lot may give to each need (aligned arrays)."""
        ...

    def message(self, facts: GoodsFacts, lot: int, need: int, units: str) -> str:
        """Why the verifier refuses an allocation of `units` (in words) from `lot` to `need`."""
        ...

    def refusal(self, facts: GoodsFacts, lot: int) -> tuple[str, dict[str, object]]:
        """Why `lot` may not give to a need it refuses, for the explainer: a catalog key and its fields (a field
        `tier` is a tier name, `grids` a list of grids; the explainer puts both into words)."""
        ...
