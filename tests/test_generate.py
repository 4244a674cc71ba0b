"""The synthetic case generator: deterministic for a seed, valid, and realistic at the rates it promises."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from allocate.generate import GRID_SIZE, PLAN_DATE, Population, generate, population
from allocate.io import read_case, write_case
from allocate.schema import ALL_GRIDS, Case, Urgency

N = 20_000
SEED = 7


@pytest.fixture(scope="module")
def big() -> Case:
    """A 20,000-household case, large enough for rates to settle."""
    return generate(N, SEED)


@pytest.fixture(scope="module")
def people() -> Population:
    """The residents behind `big`."""
    return population(N, SEED)


def _demand_supply(case: Case) -> tuple[Counter[str], Counter[str]]:
    demand: Counter[str] = Counter()
    supply: Counter[str] = Counter()
    for n in case.needs:
        demand[n.item] += n.quantity
    for lot in case.lots:
        supply[lot.item] += lot.quantity
    return demand, supply


def test_same_seed_same_case() -> None:
    """A seed always gives an equal case."""
    assert generate(600, 3) == generate(600, 3)


def test_same_seed_same_files(tmp_path: Path) -> None:
    """A seed always gives byte-identical written files."""
    write_case(generate(600, 3), tmp_path / "a")
    write_case(generate(600, 3), tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_different_seed_different_case() -> None:
    """Another seed gives another case."""
    a, b = generate(600, 3), generate(600, 4)
    assert a != b
    assert a.needs != b.needs
    assert a.lots != b.lots


def test_written_case_reads_back_equal(tmp_path: Path) -> None:
    """What the generator writes is a valid case that reads back as the very same case."""
    case = generate(700, 11)
    write_case(case, tmp_path / "case")
    assert read_case(tmp_path / "case") == case


def test_one_household() -> None:
    """Even a single household gives a valid case with a grid and a volunteer."""
    case = generate(1, 5)
    assert len(case.households) == 1
    assert case.volunteers


@pytest.mark.parametrize("households", [2, 13, 151, 451, 3_000])
def test_small_cases_keep_the_invariants(households: int) -> None:
    """At any size: grids of about 300, one unsupplied item, a grid-limited, a reserved and an expired lot."""
    case = generate(households, 1)
    assert len({h.grid for h in case.households}) == max(1, round(households / GRID_SIZE))
    demand, supply = _demand_supply(case)
    assert len(set(demand) - set(supply)) == 1
    assert any(lot.grids for lot in case.lots)
    assert any(lot.reserved_for for lot in case.lots)
    assert any(not lot.usable_on(PLAN_DATE) for lot in case.lots)


def test_no_households_is_refused() -> None:
    """Zero households is a usage error that says what is expected."""
    with pytest.raises(ValueError, match="at least 1"):
        generate(0)


def test_households_summarise_their_residents(big: Case, people: Population) -> None:
    """The households' columns are what their residents imply."""
    assert [h.members for h in big.households] == people.members.tolist()
    assert [h.oldest_age for h in big.households] == people.oldest_age.tolist()
    assert [h.disabled for h in big.households] == (people.disabled > 0).tolist()
    assert [h.lives_alone for h in big.households] == (people.members == 1).tolist()
    elder_households = np.array([(h.oldest_age or 0) >= 60 for h in big.households])
    assert (elder_households == (people.elders > 0)).all()


def test_a_fifth_of_residents_are_elderly(people: Population) -> None:
    """About a fifth of residents are 60 or older."""
    assert people.elders.sum() / people.members.sum() == pytest.approx(0.20, abs=0.015)


def test_one_in_ten_elderly_lives_alone(people: Population) -> None:
    """Roughly one in ten residents aged 60+ lives alone."""
    alone = ((people.members == 1) & (people.elders > 0)).sum()
    assert alone / people.elders.sum() == pytest.approx(0.10, abs=0.015)


def test_six_percent_disabled(people: Population) -> None:
    """About 6% of residents are disabled."""
    assert people.disabled.sum() / people.members.sum() == pytest.approx(0.06, abs=0.008)


def test_household_sizes(big: Case) -> None:
    """Households have 1 to 6 members, mostly 1 to 5, averaging about 2.6 as in the 2020 census."""
    members = np.array([h.members for h in big.households])
    assert members.min() == 1
    assert members.max() == 6
    assert (members <= 5).mean() > 0.9
    assert members.mean() == pytest.approx(2.6, abs=0.1)


def test_some_chronic_illness_and_manual_raises(big: Case) -> None:
    """Some households have chronic illness, and a few were raised by hand to a tier."""
    chronic = sum(h.chronic_illness for h in big.households) / N
    raised = [h.tier for h in big.households if h.tier is not None]
    assert 0.1 < chronic < 0.4
    assert 0 < len(raised) < 0.01 * N
    assert set(raised) <= set(big.policy.tier_names)


def test_grids_of_about_300(big: Case) -> None:
    """Grids hold about 300 households each, within a fifth either way, ids prefixed by their grid."""
    sizes = Counter(h.grid for h in big.households)
    assert len(sizes) == round(N / GRID_SIZE)
    assert min(sizes.values()) >= 0.8 * GRID_SIZE - 5
    assert max(sizes.values()) <= 1.2 * GRID_SIZE + 5
    assert all(h.household_id.startswith(f"{h.grid}-") for h in big.households)


def test_volunteers(big: Case) -> None:
    """About one volunteer per 20 households, 2-8 hours, every grid covered, most only their own grid."""
    vols = big.volunteers
    assert vols is not None
    assert len(vols) / N == pytest.approx(1 / 20, rel=0.12)
    assert all(2 <= v.hours <= 8 for v in vols)
    grids = {h.grid for h in big.households}
    assert all(any(v.covers(g) for v in vols) for g in grids)
    single = sum(len(v.grids) == 1 and ALL_GRIDS not in v.grids for v in vols)
    assert single / len(vols) > 0.8
    assert any(ALL_GRIDS in v.grids for v in vols)
    assert any(len(v.grids) > 1 for v in vols)
    assert sum(not v.skills for v in vols) / len(vols) > 0.5  # delivery only


def test_services(big: Case) -> None:
    """A few percent of households ask for 0.5-2 hours of a skill that some volunteer has."""
    share = len({s.household_id for s in big.services}) / N
    assert 0.02 <= share <= 0.06
    assert all(0.5 <= s.hours <= 2 for s in big.services)
    skills = {s for v in big.volunteers or () for s in v.skills}
    assert {s.skill for s in big.services} <= skills


def test_items_and_units() -> None:
    """Every case asks for 10 to 40 items."""
    for seed in range(6):
        items = {n.item for n in generate(300, seed).needs}
        assert 10 <= len(items) <= 40


def test_exactly_one_item_unsupplied(big: Case) -> None:
    """Exactly one item is asked for and supplied by no lot."""
    demand, supply = _demand_supply(big)
    assert len(set(demand) - set(supply)) == 1


def test_mixed_scarcity(big: Case) -> None:
    """Some items are plentiful, some short (supply 30-80% of demand)."""
    demand, supply = _demand_supply(big)
    ratios = [supply[i] / demand[i] for i in demand if i in supply]
    assert any(r >= 1.2 for r in ratios)
    assert any(0.3 <= r <= 0.8 for r in ratios)


def test_lots_from_several_donors_with_earmarks(big: Case) -> None:
    """Lots come from several donors; some are reserved for a tier, limited to grids, or expiring."""
    lots = big.lots
    assert len({lot.donor for lot in lots}) >= 5
    assert any(lot.reserved_for for lot in lots)
    assert {lot.reserved_for for lot in lots if lot.reserved_for} <= set(big.policy.tier_names)
    limited = [lot.grids for lot in lots if lot.grids is not None]
    assert limited
    assert all(1 <= len(g) <= 3 for g in limited)
    assert any(lot.expires is not None and lot.usable_on(PLAN_DATE) for lot in lots)
    assert big.policy.plan_date == PLAN_DATE


def test_a_few_lots_expired(big: Case) -> None:
    """A few lots expired before the plan date: at least one, at most a tenth."""
    expired = [lot for lot in big.lots if not lot.usable_on(PLAN_DATE)]
    assert 1 <= len(expired) <= 0.1 * len(big.lots)


def test_urgency_spread_and_all_or_nothing(big: Case) -> None:
    """Needs span every urgency with a few critical, and some must be met whole."""
    urgency = Counter(n.urgency for n in big.needs)
    assert set(urgency) == set(Urgency)
    assert 0 < urgency[Urgency.CRITICAL] / len(big.needs) < 0.03
    assert any(n.all_or_nothing for n in big.needs)


def test_only_expected_warnings(big: Case) -> None:
    """The case's warnings are the unsupplied item and the expired lots, nothing else (every grid covered)."""
    messages = [w.message for w in big.warnings]
    assert sum("no lot supplies" in m for m in messages) == 1
    assert all("no lot supplies" in m or "expired" in m for m in messages)


def test_districts_none_is_the_single_district_case() -> None:
    """`districts=None` (the default) gives exactly the case generate always gave."""
    assert generate(600, 3, districts=None) == generate(600, 3)


def test_city_districts_are_deterministic_and_local() -> None:
    """A city: the same seed gives the same case; every grid, household, district lot and volunteer is named after
    its district, district lots stay in their district's grids, and city-wide lots have no grid limit."""
    from allocate.generate import generate_city_lots, generate_district

    city = generate(2_000, 4, districts=3)
    assert city == generate(2_000, 4, districts=3)
    districts = {h.grid.split("/")[0] for h in city.households}
    assert districts == {"D01", "D02", "D03"}
    for lot in city.lots:
        if lot.lot_id.startswith("CITY/"):
            assert lot.grids is None
        else:
            assert lot.grids is not None
            assert {g.split("/")[0] for g in lot.grids} == {lot.lot_id.split("/")[0]}
    for v in city.volunteers or ():
        assert {g.split("/")[0] for g in v.grids} == {v.volunteer_id.split("/")[0]}
    parts = [generate_district(2_000, 4, 3, d) for d in range(3)]
    assert tuple(h for p in parts for h in p.households) == city.households
    assert tuple(lot for p in parts for lot in p.lots) + generate_city_lots(2_000, 4, 3) == city.lots
