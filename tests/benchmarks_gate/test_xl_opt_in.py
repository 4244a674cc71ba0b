"""XL (1,000,000 households: minutes to generate, 15 GiB to solve) runs only when named: never by default or in CI."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def benchmarks(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    """benchmarks/cases.py and gate.py as modules (benchmarks/ is a folder of scripts, not a package)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return {name: importlib.import_module(name) for name in ("cases", "gate")}


def test_xl_is_a_size_of_the_suite(benchmarks: dict[str, ModuleType]) -> None:
    cases = benchmarks["cases"]
    assert cases.CASES["XL"].households == 1_000_000
    assert cases.parse_sizes("xl") == ("XL",)


def test_xl_is_never_chosen_unless_named(benchmarks: dict[str, ModuleType]) -> None:
    """Not the suite's default, not what `cases.py` prepares, not the gate's cases."""
    cases, gate = benchmarks["cases"], benchmarks["gate"]
    assert "XL" not in cases.DEFAULT_SIZES
    assert "XL" not in cases.PREPARED_SIZES
    assert "XL" not in gate.SIZES


def test_ci_runs_the_benchmarks_on_small_cases_only(benchmarks: dict[str, ModuleType]) -> None:
    """Every benchmark command in .ci/run names its sizes (none of them XL) or is the gate on its defaults."""
    commands = [line for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines() if "benchmarks" in line]
    smoke = [c for c in commands if "pytest benchmarks" in c]
    assert smoke, "the CI smoke run of the benchmarks is gone"
    for command in smoke:
        (sizes,) = re.findall(r"--sizes\s+(\S+)", command)
        assert "XL" not in benchmarks["cases"].parse_sizes(sizes)
    assert all("--sizes" not in c for c in commands if "gate.py" in c)


def test_the_gate_refuses_xl(benchmarks: dict[str, ModuleType]) -> None:
    with pytest.raises(SystemExit) as exit_:
        benchmarks["gate"].main(["--sizes", "M,XL"])
    assert exit_.value.code == 2
