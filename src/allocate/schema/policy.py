"""The policy: ordered priority tiers, and the few settings that shape a plan (SPEC section 2).

A planner must be able to read it, so it is plain data: each tier has `when` clauses, a clause holds when
all its conditions hold, and a need's tier is the first tier with a clause that holds.

What a policy may hold is bounded (`MAX_TIERS`, `MAX_CLAUSES`, `MAX_LIST`, `MAX_NAME`) far above any real one,
so that a policy file cannot make reading or solving run for minutes; each bound is checked before what it
bounds is read, and says what it is.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import (
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from allocate.errors import SaidError
from allocate.schema.checked import Checked

SECOND = 1 / 3600
"""The engine counts volunteer time in whole seconds: a visit or service must take at least one."""

MAX_TIERS = 100
"""Tiers a policy may have; each is solved in turn, and a real policy has a handful."""
MAX_CLAUSES = 100
"""`when` clauses one tier may have."""
MAX_LIST = 1000
"""Entries of one condition's list (`urgency`, `grids`)."""
MAX_NAME = 100
"""Characters of a tier name, which messages, reports and sheets print."""
MAX_RESERVES = 100
"""Reserves a policy may have; each is a stage of its item's solve, and a real policy has one or two."""
MAX_WINDOW = 10_000
"""Earlier rounds fairness over rounds may count; a real operation has tens."""


def _at_most(values: Any, most: int, what: str, where: str) -> Any:
    """`values` if it is not a list longer than `most`; else the error that says so, before its entries are read."""
    if isinstance(values, list | tuple) and len(values) > most:
        raise SaidError(
            f"{where} may have at most {most} {what}; this one has {len(values):,}",
            f"too_many_{what.split()[-1]}",
            most=str(most),
            n=f"{len(values):,}",
        )
    return values


class Urgency(StrEnum):
    """How urgent a need or service is, as the household or grid worker reported it."""

    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Clause(Checked):
    """Conditions that must all hold; an unset condition does not constrain.

    `urgency` reads the need or service; every other condition reads the household.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    problem_table: ClassVar[str] = "policy"

    urgency: tuple[Urgency, ...] | None = None
    min_age: int | None = Field(default=None, ge=0, le=130)
    max_age: int | None = Field(default=None, ge=0, le=130)
    lives_alone: bool | None = None
    disabled: bool | None = None
    chronic_illness: bool | None = None
    grids: tuple[str, ...] | None = None
    min_members: int | None = Field(default=None, ge=1)

    @field_validator("urgency", "grids", mode="before")
    @classmethod
    def _short(cls, values: Any) -> Any:
        return _at_most(values, MAX_LIST, "entries", "a condition's list")

    @model_validator(mode="after")
    def _not_empty(self) -> Clause:
        if not self.model_fields_set:
            raise SaidError(
                "a clause needs at least one condition; leave out `when` for a catch-all tier", "empty_clause"
            )
        return self

    def holds(
        self,
        *,
        urgency: Urgency,
        oldest_age: int | None,
        lives_alone: bool,
        disabled: bool,
        chronic_illness: bool,
        grid: str,
        members: int,
    ) -> bool:
        """Whether every set condition holds; an unknown age satisfies no age condition."""
        if self.urgency is not None and urgency not in self.urgency:
            return False
        if self.min_age is not None and (oldest_age is None or oldest_age < self.min_age):
            return False
        if self.max_age is not None and (oldest_age is None or oldest_age > self.max_age):
            return False
        if self.lives_alone is not None and lives_alone != self.lives_alone:
            return False
        if self.disabled is not None and disabled != self.disabled:
            return False
        if self.chronic_illness is not None and chronic_illness != self.chronic_illness:
            return False
        if self.grids is not None and grid not in self.grids:
            return False
        return self.min_members is None or members >= self.min_members


class Tier(Checked):
    """A priority tier; without `when` it matches everything (the catch-all, which must come last)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    problem_table: ClassVar[str] = "policy"

    name: str = Field(min_length=1)
    when: tuple[Clause, ...] | None = None

    @field_validator("name")
    @classmethod
    def _trim(cls, name: str) -> str:
        name = name.strip()
        if not name:
            raise SaidError("a tier needs a name", "tier_unnamed")
        if len(name) > MAX_NAME:
            raise SaidError(
                f"a tier name may have at most {MAX_NAME} characters; this one has {len(name):,}",
                "tier_name_long",
                most=str(MAX_NAME),
                n=f"{len(name):,}",
            )
        return name

    @field_validator("when", mode="before")
    @classmethod
    def _few_clauses(cls, when: Any) -> Any:
        return _at_most(when, MAX_CLAUSES, "clauses", "a tier")

    @property
    def catch_all(self) -> bool:
        """True when the tier has no conditions and so matches every need."""
        return not self.when


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier(name="critical", when=(Clause(urgency=(Urgency.CRITICAL,)),)),
    Tier(
        name="vulnerable",
        when=(Clause(min_age=60, lives_alone=True), Clause(disabled=True), Clause(min_age=80)),
    ),
    Tier(name="elderly", when=(Clause(min_age=60), Clause(chronic_illness=True))),
    Tier(name="general"),
)


class ReserveKind(StrEnum):
    """How a reserve counts what its beneficiaries would have had anyway (Pathak, Sönmez, Ünver and Yenmez)."""

    MINIMUM_GUARANTEE = "minimum_guarantee"  # the reserve is given first: beneficiaries get at least it
    OVER_AND_ABOVE = "over_and_above"  # the reserve is given after the open pool: on top of what they get there


BENEFICIARY_TRAITS = ("quarantined", "lives_alone", "disabled", "chronic_illness")
"""The household columns (yes/no) a reserve may name its beneficiaries by."""


class Reserve(Checked):
    """A share of an item set aside for some needs (its beneficiaries), and how it is counted (docs/reserves.md).

    `units` (whole units) or `share` (a fraction of the item's usable units, rounded down) of `item`; the
    beneficiaries are the needs of `tier` and/or of households whose yes/no columns match every trait set. A
    minimum guarantee is shared among the beneficiaries before the open pool; an over-and-above reserve after it,
    on top of what they got there. What a reserve's beneficiaries cannot use returns to everyone.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    problem_table: ClassVar[str] = "policy"

    name: str = Field(min_length=1, max_length=MAX_NAME)
    item: str = Field(min_length=1)
    kind: ReserveKind = ReserveKind.MINIMUM_GUARANTEE
    units: int | None = Field(default=None, ge=0, le=10**12)
    share: float | None = Field(default=None, gt=0, le=1, allow_inf_nan=False)
    lot: str | None = None
    tier: str | None = None
    quarantined: bool | None = None
    lives_alone: bool | None = None
    disabled: bool | None = None
    chronic_illness: bool | None = None

    @field_validator("name", "item", "tier", "lot")
    @classmethod
    def _trim(cls, value: str | None) -> str | None:
        return None if value is None else value.strip()

    @model_validator(mode="after")
    def _well_formed(self) -> Reserve:
        if (self.units is None) == (self.share is None):
            raise SaidError(
                f"reserve {self.name!r} needs exactly one of `units` (whole units) or `share` (a fraction up to 1)",
                "reserve_amount",
                name=repr(self.name),
            )
        if self.lot is not None:
            raise SaidError(
                f"reserve {self.name!r}: a reserve of one lot (`lot`) is not supported yet; reserve a share of the "
                "item instead",
                "reserve_lot",
                name=repr(self.name),
            )
        if self.tier is None and all(getattr(self, t) is None for t in BENEFICIARY_TRAITS):
            raise SaidError(
                f"reserve {self.name!r} needs beneficiaries: a `tier`, or a household trait "
                f"({', '.join(BENEFICIARY_TRAITS)})",
                "reserve_beneficiaries",
                name=repr(self.name),
                traits=", ".join(BENEFICIARY_TRAITS),
            )
        return self

    def units_of(self, usable: int) -> int:
        """The reserved units when the item has `usable` units: `units` or `share` of them rounded down, at most
        `usable`."""
        if self.units is not None:
            return min(self.units, usable)
        assert self.share is not None
        return min(math.floor(self.share * usable + 1e-9), usable)


class CreditRule(Checked):
    """How confirmed visits credit volunteers' service hours (time-bank practice: one hour given, one credit).

    A visit's credit is its hours times the weight of its kind (`delivery`, `service`), times `quarantined` for a
    visit to a household quarantined in the round's case and `night` for a stop reported made at night, rounded half
    up to a multiple of `step` hours (0.25: quarter hours; 0.3125 h is 0.25, 0.375 h is 0.5). `missed`: whether a
    delivery trip to a household reported not at home or refusing counts (the volunteer gave the time).
    docs/ledger.md.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    problem_table: ClassVar[str] = "policy"

    step: float = Field(default=0.25, ge=SECOND, le=24, allow_inf_nan=False)
    delivery: float = Field(default=1.0, ge=0, le=100, allow_inf_nan=False)
    service: float = Field(default=1.0, ge=0, le=100, allow_inf_nan=False)
    quarantined: float = Field(default=1.0, ge=0, le=100, allow_inf_nan=False)
    night: float = Field(default=1.0, ge=0, le=100, allow_inf_nan=False)
    missed: bool = True


class OverRounds(Checked):
    """Fairness over rounds (docs/fairness.md): inside a tier, leximin on *cumulative* fills, counting what each
    household asked for and received of an item in earlier rounds (the case's `earlier` table), so that a household
    shorted last round comes first this round. Strict priority between tiers stays.

    `window`: only the last `window` rounds count (None: every earlier round); `decay`: a round j rounds back
    weighs `decay ** (j - 1)` (None: 1, every round alike). Both may be set.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    problem_table: ClassVar[str] = "policy"

    window: int | None = Field(default=None, ge=1, le=MAX_WINDOW)
    decay: float | None = Field(default=None, gt=0, le=1, allow_inf_nan=False)

    def weight(self, rounds_ago: int) -> float:
        """How much a round `rounds_ago` rounds back counts (0 outside the window)."""
        if self.window is not None and rounds_ago > self.window:
            return 0.0
        return 1.0 if self.decay is None else self.decay ** (rounds_ago - 1)


class Policy(Checked):
    """How to prioritise and share; the default is SPEC section 2's."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    problem_table: ClassVar[str] = "policy"

    plan_date: dt.date | None = None  # None: the day the plan is made
    visit_hours: float = Field(default=0.25, ge=SECOND, le=24, allow_inf_nan=False)
    fairness: Literal["leximin", "none"] = "leximin"
    seed: int = 0
    tiers: tuple[Tier, ...] = DEFAULT_TIERS
    max_quarantined_visits: int | None = Field(default=None, ge=0, le=1_000_000)
    """Visits (deliveries and services) one volunteer may make to quarantined households in a plan; None: no
    cap. Infection control: each visit is a contact risk, so a team may spread them over its members."""
    reserves: tuple[Reserve, ...] = ()
    """Shares of items set aside for some needs, in their processing order (docs/reserves.md)."""
    credit: CreditRule = CreditRule()
    """How the ledger credits volunteers' hours for confirmed visits (`allocate round credit`); no effect on plans."""
    over_rounds: OverRounds | None = None
    """Fairness over rounds: leximin on fills that count the case's earlier rounds (None: each round alone)."""
    even_load: bool = True
    """Among plans equally good for households, give the larger workloads to the volunteers who gave fewer hours in
    earlier rounds (`solve(..., earlier_load=...)`; `allocate round plan` reads those hours from the ledger)."""

    @field_validator("tiers", mode="before")
    @classmethod
    def _few_tiers(cls, tiers: Any) -> Any:
        return _at_most(tiers, MAX_TIERS, "tiers", "a policy")

    @field_validator("reserves", mode="before")
    @classmethod
    def _few_reserves(cls, reserves: Any) -> Any:
        return _at_most(reserves, MAX_RESERVES, "reserves", "a policy")

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """The fields, leaving out `reserves` when there are none, `credit` when it is the default and `even_load`
        when true (so outputs of a policy without them stay as they were before they existed)."""
        out: dict[str, Any] = handler(self)
        if not self.reserves:
            out.pop("reserves", None)
        if self.credit == CreditRule():
            out.pop("credit", None)
        if self.over_rounds is None:
            out.pop("over_rounds", None)
        if self.even_load:
            out.pop("even_load", None)
        return out

    @model_validator(mode="after")
    def _tiers_well_formed(self) -> Policy:
        if not self.tiers:
            raise SaidError("the policy needs at least one tier", "no_tiers")
        counts = Counter(t.name for t in self.tiers)
        dup = sorted(n for n, k in counts.items() if k > 1)
        if dup:
            raise SaidError(
                f"tier names must be unique; repeated: {', '.join(dup)}", "tiers_repeated", names=", ".join(dup)
            )
        if not self.tiers[-1].catch_all:
            raise SaidError(
                f"the last tier ({self.tiers[-1].name!r}) must have no `when`, so that every need has a tier",
                "last_tier_when",
                name=repr(self.tiers[-1].name),
            )
        early = [t.name for t in self.tiers[:-1] if t.catch_all]
        if early:
            raise SaidError(
                f"tier {early[0]!r} has no `when` and so matches everything; only the last tier may do that",
                "early_catch_all",
                name=repr(early[0]),
            )
        self._reserves_well_formed()
        self._over_rounds_supported()
        return self

    def _over_rounds_supported(self) -> None:
        """Fairness over rounds is a leximin rule, and not combined with reserves' stages yet."""
        if self.over_rounds is None:
            return
        if self.fairness != "leximin":
            raise SaidError(
                "fairness over rounds counts earlier rounds in the leximin of a tier: with [over_rounds], `fairness` "
                'must be "leximin"',
                "over_rounds_fairness",
            )
        if self.reserves:
            raise SaidError(
                "fairness over rounds is not supported together with reserves yet: leave out [over_rounds] or the "
                "[[reserves]]",
                "over_rounds_reserves",
            )

    def _reserves_well_formed(self) -> None:
        """Reserve names unique, tiers known, and leximin sharing (the stages are leximin solves)."""
        if not self.reserves:
            return
        counts = Counter(r.name for r in self.reserves)
        dup = sorted(n for n, k in counts.items() if k > 1)
        if dup:
            raise SaidError(
                f"reserve names must be unique; repeated: {', '.join(dup)}", "reserves_repeated", names=", ".join(dup)
            )
        names = self.tier_names
        for r in self.reserves:
            if r.tier is not None and r.tier not in names:
                raise SaidError(
                    f"reserve {r.name!r} names tier {r.tier!r}, which the policy does not have; its tiers are "
                    f"{', '.join(names)}",
                    "reserve_unknown_tier",
                    name=repr(r.name),
                    tier=repr(r.tier),
                    tiers=", ".join(names),
                )
        if self.fairness != "leximin":
            raise SaidError(
                'reserves are shared by leximin: with reserves, `fairness` must be "leximin" ("none" is not '
                "supported with reserves yet)",
                "reserves_fairness",
            )

    @property
    def tier_names(self) -> tuple[str, ...]:
        """Tier names, highest priority first."""
        return tuple(t.name for t in self.tiers)

    def rank(self, tier: str) -> int:
        """The 0-based priority rank of a tier (0 is highest); KeyError for an unknown name."""
        try:
            return self.tier_names.index(tier)
        except ValueError:
            raise KeyError(tier) from None

    def effective_date(self) -> dt.date:
        """The plan date, or today when the policy leaves it open."""
        return self.plan_date or dt.date.today()


def default_policy() -> Policy:
    """The default policy of SPEC section 2."""
    return Policy()
