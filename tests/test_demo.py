"""The bundled demo case: shipped files that match their generator, valid, and scarce where it shows."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from allocate import demo
from allocate.generate import demo_case, write_demo
from allocate.io import read_case
from allocate.schema import Case

CASE_FILES = ("policy.toml", "住户.csv", "需求.csv", "物资.csv", "志愿者.csv", "服务.csv")


@pytest.fixture(scope="module")
def case() -> Case:
    """The demo case as its generator builds it."""
    return demo_case()


def _share(case: Case, item: str) -> float:
    day = case.policy.effective_date()
    supplied = sum(lot.quantity for lot in case.lots if lot.item == item and lot.usable_on(day))
    return supplied / sum(n.quantity for n in case.needs if n.item == item)


def test_shipped_files_are_the_demo() -> None:
    """The files shipped in the package are exactly the case files, nothing more."""
    shipped = {p.name for p in demo.path().iterdir() if p.is_file() and p.suffix in (".csv", ".toml")}
    assert shipped == set(CASE_FILES)


def test_shipped_files_read_back_as_the_generated_case(case: Case) -> None:
    """Reading the shipped files gives the very case `demo_case()` builds."""
    assert read_case(demo.path()) == case


def test_shipped_files_are_up_to_date(tmp_path: Path) -> None:
    """Writing the demo afresh gives the shipped files byte for byte (else run scripts/make_demo.py)."""
    write_demo(tmp_path / "demo")
    for name in CASE_FILES:
        assert (tmp_path / "demo" / name).read_bytes() == (demo.path() / name).read_bytes(), name


def test_extra_column_is_there_and_ignored() -> None:
    """households.csv carries a 户主 column that the reader ignores."""
    with open(demo.path() / "住户.csv", encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    assert header[:2] == ["户号", "户主"]


def test_a_readable_community(case: Case) -> None:
    """Three grids, a few hundred households with building-unit-room ids, volunteers and services."""
    grids = Counter(h.grid for h in case.households)
    assert len(grids) == 3
    assert 200 <= len(case.households) <= 400
    assert all(len(h.household_id.split("-")) == 3 for h in case.households)
    assert case.volunteers
    assert case.services


def test_only_the_intended_warnings(case: Case) -> None:
    """Valid, with two deliberate warnings: one item nobody donated, one lot already expired."""
    messages = [w.message for w in case.warnings]
    assert len(messages) == 2
    assert any("no lot supplies '血糖试纸(盒)'" in m for m in messages)
    assert any("'L06' expired" in m for m in messages)


def test_scarce_where_priority_and_sharing_show(case: Case) -> None:
    """Rice and blood-pressure medicine are short, medicine partly reserved for the vulnerable; masks plentiful."""
    assert 0.5 < _share(case, "大米(袋)") < 0.9
    assert 0.3 < _share(case, "降压药(盒)") < 0.8
    assert any(lot.item == "降压药(盒)" and lot.reserved_for == "vulnerable" for lot in case.lots)
    assert _share(case, "口罩(盒)") > 1.2
    tiers = Counter(case.need_tiers)
    assert len(tiers) == len(case.policy.tiers)  # every tier has needs
