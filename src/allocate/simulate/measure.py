"""Running a community's rounds under each compared policy, and measuring what households received over them.

Each policy plans every round with its own history: what each household asked for and received of each item in
that policy's earlier rounds (the `earlier` table the ledger would supply), so the policies part ways from the
first short round on. Measured on every (household, item) pair: its cumulative fill, all it received over all
rounds over all it asked; per tier, the worst of them, the largest gap between two of them (the envy of Sinclair,
Jain, Banerjee and Yu's sequential fair allocation) and their mean; and per round the units supplied, given out
and wasted (left in lots that do not keep).
"""

from __future__ import annotations

from dataclasses import dataclass

from allocate.schema import Case, Earlier, OverRounds, Policy
from allocate.simulate.community import Community, community
from allocate.solve import solve

POLICIES: tuple[tuple[str, OverRounds | None], ...] = (
    ("each_round", None),
    ("cumulative", OverRounds()),
    ("window_3", OverRounds(window=3)),
    ("decay_0.7", OverRounds(decay=0.7)),
)
"""The policies compared, by name: each round alone, then fairness over rounds counting every round alike, the
last three only, and each round back at 0.7 of the one after it."""


@dataclass(frozen=True)
class TierResult:
    """One tier under one policy, after `round` rounds: its (household, item) pairs' cumulative fills."""

    policy: str
    round: int
    tier: str
    pairs: int
    worst: float
    gap: float
    mean: float


@dataclass(frozen=True)
class RoundSupply:
    """One round under one policy: units its lots held, gave out, and left unused (wasted)."""

    policy: str
    round: int
    supplied: int
    given: int

    @property
    def wasted(self) -> int:
        return self.supplied - self.given


@dataclass(frozen=True)
class Simulation:
    """What `simulate` measured: per policy, tier and round the cumulative fills so far (`tiers`; the last round's
    are the result), and per policy and round the supply (`supply`)."""

    households: int
    rounds: int
    seed: int
    tiers: tuple[TierResult, ...]
    supply: tuple[RoundSupply, ...]

    def final(self) -> tuple[TierResult, ...]:
        """The cumulative fills after the last round, per policy and tier."""
        return tuple(t for t in self.tiers if t.round == self.rounds)

    def wasted(self, policy: str) -> int:
        """Units `policy` left unused over all rounds."""
        return sum(s.wasted for s in self.supply if s.policy == policy)


def simulate(households: int, rounds: int, seed: int = 0) -> Simulation:
    """Plan `rounds` rounds of a generated community of `households` households under every policy of `POLICIES`,
    and measure them (`Simulation`). The same arguments give the same numbers."""
    place = community(households, rounds, seed)
    tiers: list[TierResult] = []
    supply: list[RoundSupply] = []
    for name, rule in POLICIES:
        got, more = _run(place, name, rule)
        tiers += got
        supply += more
    return Simulation(households, rounds, seed, tuple(tiers), tuple(supply))


def _run(place: Community, name: str, rule: OverRounds | None) -> tuple[list[TierResult], list[RoundSupply]]:
    """Every round of `place` under one policy, each fed that policy's own history."""
    base = place.base
    policy = Policy.model_validate({**base.policy.model_dump(), "over_rounds": rule})
    pairs = _pairs(base)
    history: list[tuple[int, dict[tuple[str, str], int]]] = []  # (round, units received per pair)
    asked = {k: q for k, (q, _) in pairs.items()}
    received_total = dict.fromkeys(pairs, 0)
    tiers: list[TierResult] = []
    supply: list[RoundSupply] = []
    for r in range(len(place.lots)):
        earlier = tuple(
            Earlier(household_id=h, item=i, rounds_ago=r - k, requested=asked[h, i], received=got.get((h, i), 0))
            for k, got in history
            for h, i in pairs
        )
        case = place.round(r).replace(policy=policy, earlier=earlier if rule is not None else ())
        plan = solve(case)
        got: dict[tuple[str, str], int] = {}
        for need in case.needs:
            units = plan.received.get(need.need_id, 0)
            got[need.household_id, need.item] = got.get((need.household_id, need.item), 0) + units
        history.append((r, got))
        for k, units in got.items():
            received_total[k] += units
        supplied = sum(lot.quantity for lot in case.lots)
        supply.append(RoundSupply(name, r + 1, supplied, sum(got.values())))
        tiers += _tiers(name, r + 1, pairs, received_total, policy)
    return tiers, supply


def _pairs(case: Case) -> dict[tuple[str, str], tuple[int, int]]:
    """Per (household, item) asked for: the units asked each round and the best tier among its needs."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for need, tier in zip(case.needs, case.need_tiers, strict=True):
        key = (need.household_id, need.item)
        units, best = out.get(key, (0, tier))
        out[key] = (units + need.quantity, min(best, tier))
    return out


def _tiers(
    name: str,
    round_: int,
    pairs: dict[tuple[str, str], tuple[int, int]],
    received: dict[tuple[str, str], int],
    policy: Policy,
) -> list[TierResult]:
    """Per tier with pairs: worst, largest gap and mean of the cumulative fills after round `round_`."""
    fills: dict[int, list[float]] = {}
    for key, (units, tier) in pairs.items():
        fills.setdefault(tier, []).append(received[key] / (units * round_))
    out = []
    for tier in sorted(fills):
        f = fills[tier]
        out.append(TierResult(name, round_, policy.tier_names[tier], len(f), min(f), max(f) - min(f), sum(f) / len(f)))
    return out
