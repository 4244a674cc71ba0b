"""The rule lists (`allocate.rules`): each rule is wired to a verifier code, an explainer reason and documented
columns, and the lists say exactly what the oracles restate in their own words."""

from __future__ import annotations

import random

import numpy as np
import pytest

from allocate.explain import Reason
from allocate.io.columns import TABLES
from allocate.rules import (
    DELIVERY,
    GOODS_RULES,
    VISIT_RULES,
    GoodsFacts,
    GoodsRule,
    VisitFacts,
    VisitRule,
    allowed,
    goods_allowed,
    goods_lot_groups,
    goods_signatures,
    visit_classes,
)
from allocate.schema import Case, Policy
from allocate.verify import Rule
from support.brute_force import eligible
from support.tiny_cases import DAY, RandomPicker, tiny_case

CASES = [tiny_case(RandomPicker(random.Random(seed))) for seed in range(300)]
COLUMNS = {f"{t.name}.{c.name}" for t in TABLES for c in t.columns} | {f"policy.{f}" for f in Policy.model_fields}


@pytest.mark.parametrize("rule", [*GOODS_RULES, *VISIT_RULES], ids=lambda r: type(r).__name__)
def test_each_rule_names_its_code_reason_and_columns(rule: GoodsRule | VisitRule) -> None:
    """A rule's code is a verifier rule, its reason an explainer reason, and every column it reads exists."""
    assert Rule(rule.code).value == rule.code
    assert Reason(rule.reason).value == rule.reason
    assert set(rule.columns) <= COLUMNS


def test_goods_rules_allow_exactly_what_the_oracle_restates() -> None:
    """On every (lot, need) pair of 300 tiny cases the rules agree with brute force's own eligibility test."""
    pairs = 0
    for case in CASES:
        facts = GoodsFacts(case, DAY)
        lot, need = np.meshgrid(np.arange(len(case.lots)), np.arange(len(case.needs)), indexing="ij")
        got = goods_allowed(facts, lot.ravel(), need.ravel())
        want = [
            eligible(case, case.needs[n], case.lots[k], DAY) for k, n in zip(lot.ravel(), need.ravel(), strict=True)
        ]
        assert got.tolist() == want
        pairs += got.size
    assert pairs > 1000


def test_visit_rules_allow_exactly_the_restated_rules() -> None:
    """On every (volunteer, household, delivery or service) of the tiny cases the rules agree with the rules said
    directly: covers the grid, has the skill, designated for a quarantined household."""
    checked = 0
    for case in CASES:
        if case.volunteers is None:
            continue
        facts = VisitFacts(case)
        for k, vol in enumerate(case.volunteers):
            for h, home in enumerate(case.households):
                direct = vol.covers(home.grid) and (vol.designated or not home.quarantined)
                assert allowed(facts, np.array([k]), np.array([h]), np.array([DELIVERY]))[0] == direct
                checked += 1
            for s, service in enumerate(case.services):
                h = case.household_index[service.household_id]
                home = case.households[h]
                direct = (
                    vol.covers(home.grid) and service.skill in vol.skills and (vol.designated or not home.quarantined)
                )
                skill = facts.service_skill[s : s + 1]
                assert allowed(facts, np.array([k]), np.array([h]), skill)[0] == direct
                checked += 1
    assert checked > 500


def test_goods_rules_read_only_item_tier_and_grid_of_a_need() -> None:
    """The verifier's optimality checks reason over (item, grid, tier) cells of needs; a goods rule that read more
    of a need would have to extend them. Signatures never split a cell."""
    for case in CASES:
        facts = GoodsFacts(case, DAY)
        sig, _ = goods_signatures(facts)
        cell = np.stack([facts.need_item, facts.need_grid, facts.need_tier], axis=1)
        _, cell_id = np.unique(cell, axis=0, return_inverse=True)
        assert len(set(zip(cell_id.ravel().tolist(), sig.tolist(), strict=True))) == len(set(cell_id.ravel().tolist()))


def test_visit_classes_group_households_the_rules_treat_alike() -> None:
    """Households of one visit class get the same answer from every rule, for every volunteer and skill."""
    for case in CASES:
        if case.volunteers is None or not case.households:
            continue
        facts = VisitFacts(case)
        classes, first = visit_classes(facts)
        n_v = len(case.volunteers)
        for h in range(len(case.households)):
            rep = int(first[classes[h]])
            for skill in [DELIVERY, *range(len(facts.skills))]:
                a = allowed(facts, np.arange(n_v), np.full(n_v, h), np.full(n_v, skill))
                b = allowed(facts, np.arange(n_v), np.full(n_v, rep), np.full(n_v, skill))
                assert a.tolist() == b.tolist()


@pytest.mark.parametrize("rule", GOODS_RULES, ids=lambda r: type(r).__name__)
def test_lots_of_one_group_get_the_same_answer_from_each_goods_rule(rule: GoodsRule) -> None:
    """A goods rule's lot key says all it reads of a lot: lots with equal keys are allowed the same needs."""
    grouped = 0
    for case in CASES:
        facts = GoodsFacts(case, DAY)
        key, n = rule.lot_key(facts), len(case.needs)
        for lot in range(len(case.lots)):
            for other in np.flatnonzero(key == key[lot]).tolist():
                a = rule.allows(facts, np.full(n, lot), np.arange(n))
                assert a.tolist() == rule.allows(facts, np.full(n, other), np.arange(n)).tolist()
                grouped += other != lot
    assert grouped > 100


def test_lot_groups_are_the_lots_every_goods_rule_treats_alike() -> None:
    for case in CASES:
        facts = GoodsFacts(case, DAY)
        group, first = goods_lot_groups(facts)
        assert group.size == len(case.lots)
        for lot in range(len(case.lots)):
            rep, n = int(first[group[lot]]), len(case.needs)
            a = goods_allowed(facts, np.full(n, lot), np.arange(n))
            assert a.tolist() == goods_allowed(facts, np.full(n, rep), np.arange(n)).tolist()


def test_an_empty_case_has_no_signatures_or_classes() -> None:
    case = Case(households=[], needs=[], lots=[], volunteers=[])
    assert goods_signatures(GoodsFacts(case, DAY))[0].size == 0
    assert goods_lot_groups(GoodsFacts(case, DAY))[0].size == 0
    assert visit_classes(VisitFacts(case))[0].size == 0


@pytest.mark.parametrize("rule", VISIT_RULES, ids=lambda r: type(r).__name__)
def test_each_visit_rule_allows_a_service_only_where_it_allows_a_delivery(rule: VisitRule) -> None:
    """The contract the engine's search for a service's doers stands on (`VisitRule.allows`): on every
    (volunteer, household, skill) of the tiny cases, a rule that allows the service allows the delivery too."""
    checked = 0
    for case in CASES:
        if case.volunteers is None or not case.services:
            continue
        facts = VisitFacts(case)
        n_v, n_h, n_k = len(case.volunteers), len(case.households), len(facts.skills)
        v, h, k = (a.ravel() for a in np.meshgrid(np.arange(n_v), np.arange(n_h), np.arange(n_k), indexing="ij"))
        service = rule.allows(facts, v, h, k)
        delivery = rule.allows(facts, v, h, np.full(v.size, DELIVERY))
        assert not (service & ~delivery).any()
        checked += int(service.sum())
    assert checked > 100


@pytest.mark.parametrize("high", [3, 50, 10**9])
def test_groups_number_rows_as_a_lexicographic_sort_of_their_keys_would(high: int) -> None:
    """Small key spans are grouped by a table, large ones by a sort: both as `np.unique(axis=0)` groups rows."""
    from allocate.rules import _groups

    rng = np.random.default_rng(high)
    for n in (1, 7, 400):
        columns = [rng.integers(0, high, n), rng.integers(0, 4, n), rng.integers(0, high, n)]
        of, first = _groups(columns)
        _, want_first, want_of = np.unique(np.stack(columns, axis=1), axis=0, return_index=True, return_inverse=True)
        assert of.tolist() == want_of.reshape(-1).tolist()
        assert first.tolist() == want_first.tolist()
