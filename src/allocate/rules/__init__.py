"""The rules of who may make which visit, each one module, read by the engine, the verifier and the explainer.

`VISIT_RULES` lists them in the order the explainer tests them: a household nobody may visit is short for the
reason of the first rule that leaves it nobody (no volunteer covers its grid before no designated one does).
The brute-force and MIP oracles of the tests do not read this list: they restate each rule themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from allocate.rules.base import DELIVERY, BoolArray, Cap, IntArray, VisitFacts, VisitRule
from allocate.rules.coverage import COVERAGE
from allocate.rules.infection import INFECTION_CONTROL
from allocate.rules.skills import SKILLS

VISIT_RULES: tuple[VisitRule, ...] = (COVERAGE, SKILLS, INFECTION_CONTROL)
"""Every visit rule, in the explainer's order."""

__all__ = ["DELIVERY", "VISIT_RULES", "Cap", "VisitFacts", "VisitRule", "allowed", "visit_cap", "visit_classes"]


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
    keys = np.stack([rule.household_key(facts) for rule in rules], axis=1)
    _, first, of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    return of.reshape(-1).astype(np.int64), first.astype(np.int64)


def visit_cap(facts: VisitFacts, rules: Sequence[VisitRule] = VISIT_RULES) -> Cap | None:
    """The one cap the rules set on some visits per volunteer, or None (two caps would need a model of both)."""
    caps = [c for rule in rules if (c := rule.cap(facts)) is not None]
    if len(caps) > 1:
        raise NotImplementedError("the engine honours one cap on visits per volunteer")
    return caps[0] if caps else None
