"""The policy: ordered priority tiers, and the few settings that shape a plan (SPEC section 2).

A planner must be able to read it, so it is plain data: each tier has `when` clauses, a clause holds when
all its conditions hold, and a need's tier is the first tier with a clause that holds.

What a policy may hold is bounded (`MAX_TIERS`, `MAX_CLAUSES`, `MAX_LIST`, `MAX_NAME`) far above any real one,
so that a policy file cannot make reading or solving run for minutes; each bound is checked before what it
bounds is read, and says what it is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

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

    @field_validator("tiers", mode="before")
    @classmethod
    def _few_tiers(cls, tiers: Any) -> Any:
        return _at_most(tiers, MAX_TIERS, "tiers", "a policy")

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
