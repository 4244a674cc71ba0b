"""`allocate simulate`: a lockdown of several rounds on a generated community, policies compared, end to end."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from allocate.cli import cli
from allocate.simulate import POLICIES, community, simulate


def test_the_community_asks_again_and_supplies_come_in_waves() -> None:
    """Every round has the same needs and new lots; the short rounds give less than is asked, the plentiful more."""
    place = community(60, 8, seed=3)
    asked = sum(n.quantity for n in place.base.needs)
    supplied = [sum(lot.quantity for lot in lots) for lots in place.lots]
    assert len(supplied) == 8
    assert min(supplied) < asked / 2 < asked < max(supplied)
    assert all(place.round(r).needs == place.base.needs for r in range(8))


def test_the_simulation_counts_what_each_policy_gave() -> None:
    """Per policy every round's units given plus wasted are its supply, the same supply for every policy; the
    result has one row per policy and tier, and counting earlier rounds never leaves a tier's worst household
    further behind here than sharing each round alone."""
    sim = simulate(60, 8, seed=3)
    assert {t.policy for t in sim.final()} == {name for name, _ in POLICIES}
    tiers = {t.tier for t in sim.final()}
    assert len(sim.final()) == len(POLICIES) * len(tiers)
    supply = {(s.policy, s.round): s for s in sim.supply}
    for name, _ in POLICIES:
        assert [supply[name, r].supplied for r in range(1, 9)] == [
            supply["each_round", r].supplied for r in range(1, 9)
        ]
        assert all(0 <= supply[name, r].given <= supply[name, r].supplied for r in range(1, 9))
    worst = {(t.policy, t.tier): t.worst for t in sim.final()}
    assert all(worst["cumulative", tier] >= worst["each_round", tier] for tier in tiers)


def test_the_command_writes_the_same_files_for_the_same_seed(tmp_path: Path) -> None:
    """`allocate simulate OUT` prints the table and writes four files; the same seed gives the same bytes, an
    OUT with files is refused without --force."""
    runner = CliRunner()
    args = ["simulate", "--households", "40", "--rounds", "8", "--seed", "5"]
    first = runner.invoke(cli, [*args, str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    assert "worst cumulative fill" in first.output
    assert "over rounds" in first.output
    again = runner.invoke(cli, [*args, str(tmp_path / "b")])
    assert again.exit_code == 0
    for name in ("simulation.csv", "rounds.csv", "supply.csv", "simulation.svg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    with open(tmp_path / "a" / "rounds.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {int(r["round"]) for r in rows} == set(range(1, 9))
    assert (tmp_path / "a" / "simulation.svg").read_text("utf-8").count("<polyline") == 2 * len(POLICIES)
    refused = runner.invoke(cli, [*args, str(tmp_path / "a")])
    assert refused.exit_code != 0
    assert runner.invoke(cli, [*args, "--force", str(tmp_path / "a")]).exit_code == 0
