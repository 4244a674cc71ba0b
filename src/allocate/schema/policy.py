"""The policy: ordered priority tiers, and the few settings that shape a plan (SPEC section 2).

A planner must be able to read it, so it is plain data: each tier has `when` clauses, a clause holds when
all its conditions hold, and a need's tier is the first tier with a clause that holds.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Urgency(StrEnum):
    """How urgent a need or service is, as the household or grid worker reported it."""

    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Clause(BaseModel):
    """Conditions that must all hold; an unset condition does not constrain.

    `urgency` reads the need or service; every other condition reads the household.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    urgency: tuple[Urgency, ...] | None = None
    min_age: int | None = Field(default=None, ge=0, le=130)
    max_age: int | None = Field(default=None, ge=0, le=130)
    lives_alone: bool | None = None
    disabled: bool | None = None
    chronic_illness: bool | None = None
    grids: tuple[str, ...] | None = None
    min_members: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _not_empty(self) -> Clause:
        if not self.model_fields_set:
            raise ValueError("a clause needs at least one condition; leave out `when` for a catch-all tier")
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


class Tier(BaseModel):
    """A priority tier; without `when` it matches everything (the catch-all, which must come last)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    when: tuple[Clause, ...] | None = None

    @field_validator("name")
    @classmethod
    def _trim(cls, name: str) -> str:
        name = name.strip()
        if not name:
            raise ValueError("a tier needs a name")
        return name

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


class Policy(BaseModel):
    """How to prioritise and share; the default is SPEC section 2's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plan_date: dt.date | None = None  # None: the day the plan is made
    visit_hours: float = Field(default=0.25, gt=0, le=24, allow_inf_nan=False)
    fairness: Literal["leximin", "none"] = "leximin"
    seed: int = 0
    tiers: tuple[Tier, ...] = DEFAULT_TIERS

    @model_validator(mode="after")
    def _tiers_well_formed(self) -> Policy:
        if not self.tiers:
            raise ValueError("the policy needs at least one tier")
        names = [t.name for t in self.tiers]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"tier names must be unique; repeated: {', '.join(dup)}")
        if not self.tiers[-1].catch_all:
            raise ValueError(
                f"the last tier ({self.tiers[-1].name!r}) must have no `when`, so that every need has a tier"
            )
        early = [t.name for t in self.tiers[:-1] if t.catch_all]
        if early:
            raise ValueError(
                f"tier {early[0]!r} has no `when` and so matches everything; only the last tier may do that"
            )
        return self

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
