"""Fairness over rounds: the earlier units each need's fill counts (docs/fairness.md, `Policy.over_rounds`).

Under `[over_rounds]`, a need's fill inside its tier is cumulative: (earlier received + units now) / (earlier
requested + quantity now), where the earlier units are its household's for the same item in the case's `earlier`
table, each round weighed by the policy (`OverRounds.weight`: a window of the last rounds, a decay per round back).
Weighed units are counted in hundredths of a unit (`SCALE`), each earlier row rounded half up, so that every fill
is a ratio of whole numbers: the engine, the verifier and the tests' oracle then compare fills exactly.

This module turns the table into those offsets; the engine (`core.goods`) and the verifier (`allocate.verify`)
both read it, and the brute-force oracle of the tests restates it on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from allocate.schema import Case

IntArray = npt.NDArray[np.int64]

SCALE = 100
"""Units are counted in hundredths in a cumulative fill: weighed earlier units are rounded to that."""


@dataclass(frozen=True)
class Offsets:
    """Per need of the case, in hundredths of a unit: what its household received and requested of its item in the
    earlier rounds that count. Empty arrays when the policy counts no earlier round (each round alone)."""

    received: IntArray
    requested: IntArray

    @property
    def active(self) -> bool:
        """Whether any need's fill counts earlier rounds."""
        return bool(self.requested.size) and bool(self.requested.any())

    def numerator(self, units: IntArray) -> IntArray:
        """Per need, its cumulative fill's numerator when it receives `units` now (hundredths)."""
        return self.received + SCALE * units if self.received.size else SCALE * units

    def denominator(self, quantity: IntArray) -> IntArray:
        """Per need, its cumulative fill's denominator for `quantity` asked now (hundredths)."""
        return self.requested + SCALE * quantity if self.requested.size else SCALE * quantity


def weighed(units: int, weight: float) -> int:
    """`units` of an earlier round that weighs `weight`, in hundredths, rounded half up."""
    return math.floor(units * weight * SCALE + 0.5)


def offsets(case: Case) -> Offsets:
    """The earlier units each need's cumulative fill counts (`Offsets`); empty without `[over_rounds]`."""
    rule = case.policy.over_rounds
    if rule is None or not case.earlier:
        return Offsets(np.zeros(0, np.int64), np.zeros(0, np.int64))
    got: dict[tuple[str, str], int] = {}
    asked: dict[tuple[str, str], int] = {}
    for e in case.earlier:
        w = rule.weight(e.rounds_ago)
        key = (e.household_id, e.item)
        got[key] = got.get(key, 0) + weighed(e.received, w)
        asked[key] = asked.get(key, 0) + weighed(e.requested, w)
    keys = list(zip(case.needs.column("household_id"), case.needs.column("item"), strict=True))
    return Offsets(
        np.fromiter((got.get(k, 0) for k in keys), np.int64, len(keys)),
        np.fromiter((asked.get(k, 0) for k in keys), np.int64, len(keys)),
    )
