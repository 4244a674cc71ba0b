"""The rules of which lot may give to which need and who may make which visit, each one module, read by the
engine, the verifier and the explainer.

`GOODS_RULES` and `VISIT_RULES` list them in the order the explainer tests them: a need no lot may serve is short
for the reason of the first rule that leaves it none (`no_supply` when no lot holds its item, before
`not_eligible`), a household nobody may visit for the first visit rule that leaves it nobody (no volunteer covers
its grid before no designated one does). The brute-force and MIP oracles of the tests do not read these lists:
they restate each rule themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from allocate.rules.base import DELIVERY, BoolArray, Cap, GoodsFacts, GoodsRule, IntArray, VisitFacts, VisitRule
from allocate.rules.coverage import COVERAGE
from allocate.rules.earmark import EARMARK
from allocate.rules.expiry import EXPIRY
from allocate.rules.infection import INFECTION_CONTROL
from allocate.rules.item import ITEM_MATCH
from allocate.rules.lot_grids import LOT_GRIDS
from allocate.rules.skills import SKILLS

GOODS_RULES: tuple[GoodsRule, ...] = (ITEM_MATCH, EXPIRY, EARMARK, LOT_GRIDS)
"""Every goods rule, in the explainer's order."""

VISIT_RULES: tuple[VisitRule, ...] = (COVERAGE, SKILLS, INFECTION_CONTROL)
"""Every visit rule, in the explainer's order."""

__all__ = [
    "DELIVERY",
    "GOODS_RULES",
    "VISIT_RULES",
    "Cap",
    "GoodsFacts",
    "GoodsRule",
    "VisitFacts",
    "VisitRule",
    "allowed",
    "goods_allowed",
    "goods_lot_groups",
    "goods_signatures",
    "visit_cap",
    "visit_classes",
]


def goods_allowed(
    facts: GoodsFacts, lot: IntArray, need: IntArray, rules: Sequence[GoodsRule] = GOODS_RULES
) -> BoolArray:
    """Whether each lot may give to each need under every one of `rules` (aligned arrays)."""
    ok = np.ones(np.broadcast_shapes(lot.shape, need.shape), np.bool_)
    for rule in rules:
        ok &= rule.allows(facts, lot, need)
    return ok


def goods_signatures(
    facts: GoodsFacts, leading: Sequence[IntArray] = (), rules: Sequence[GoodsRule] = GOODS_RULES
) -> tuple[IntArray, IntArray]:
    """Needs grouped by what the rules read of them (after the `leading` keys, which also order the groups): each
    need's signature, and each signature's first need. Needs of one signature may use exactly the same lots."""
    n = len(facts.case.needs)
    if not n:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _groups([*leading, *(rule.need_key(facts) for rule in rules)])


def goods_lot_groups(facts: GoodsFacts, rules: Sequence[GoodsRule] = GOODS_RULES) -> tuple[IntArray, IntArray]:
    """Lots grouped by what the rules read of them: each lot's group, and each group's first lot. Lots of one group
    may give to exactly the same needs (a city's many open lots of an item, whatever their donor or quantity)."""
    if not len(facts.case.lots):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _groups([rule.lot_key(facts) for rule in rules])


def _groups(columns: Sequence[IntArray]) -> tuple[IntArray, IntArray]:
    """Rows grouped by their values in `columns` (non-negative codes), groups numbered in lexicographic order:
    each row's group and each group's first row. Two columns at a time are folded into one code and compacted,
    without sorting where the codes are few (`_compact`), where `np.unique(axis=0)` sorts rows as records."""
    code = _compact(columns[0])
    for column in columns[1:]:
        code = _compact(code * (int(column.max(initial=0)) + 1) + column)
    first = np.full(int(code.max(initial=-1)) + 1, code.size, np.int64)
    np.minimum.at(first, code, np.arange(code.size, dtype=np.int64))
    return code, first


def _compact(code: IntArray) -> IntArray:
    """Non-negative codes renumbered 0, 1, ... in the order of their values: by a table of the values seen when
    they span no more than a few times as many values as there are rows, else by a sort."""
    span = int(code.max(initial=-1)) + 1
    if span > 4 * code.size + 4096:
        return np.unique(code, return_inverse=True)[1].reshape(-1).astype(np.int64)
    seen = np.zeros(span, np.bool_)
    seen[code] = True
    return (np.cumsum(seen, dtype=np.int64) - 1)[code]


def allowed(
    facts: VisitFacts,
    volunteer: IntArray,
    household: IntArray,
    skill: IntArray,
    rules: Sequence[VisitRule] = VISIT_RULES,
) -> BoolArray:
    """Whether each volunteer may make each visit under every one of `rules` (aligned arrays)."""
    ok = np.ones(np.broadcast_shapes(volunteer.shape, household.shape, skill.shape), np.bool_)
    for rule in rules:
        ok &= rule.allows(facts, volunteer, household, skill)
    return ok


def visit_classes(facts: VisitFacts, rules: Sequence[VisitRule] = VISIT_RULES) -> tuple[IntArray, IntArray]:
    """Households grouped by what the rules read of them: each household's class, and each class's first
    household (its representative). Classes are numbered in the order of their keys, so the grouping does not
    depend on row order."""
    n = len(facts.case.households)
    if not n:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _groups([rule.household_key(facts) for rule in rules])


def visit_cap(facts: VisitFacts, rules: Sequence[VisitRule] = VISIT_RULES) -> Cap | None:
    """The one cap the rules set on some visits per volunteer, or None (two caps would need a model of both)."""
    caps = [c for rule in rules if (c := rule.cap(facts)) is not None]
    if len(caps) > 1:
        raise NotImplementedError("the engine honours one cap on visits per volunteer")
    return caps[0] if caps else None
