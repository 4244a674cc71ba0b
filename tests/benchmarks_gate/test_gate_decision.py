"""The regression gate's decision rules (benchmarks/gate.py), on made-up timings."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/gate.py as a module (benchmarks/ is a folder of scripts, not a package)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("gate")


def result(gate: ModuleType, size: str, baseline: list[float], candidate: list[float]) -> object:
    return gate.SizeResult(size, tuple(baseline), tuple(candidate))


def test_median_of_paired_ratios(gate: ModuleType) -> None:
    """The ratio is taken per pair, then the median: one pair hit by a load spike does not move it."""
    r = result(gate, "M", [1.0, 1.0, 2.0, 1.0, 1.0], [1.1, 1.0, 1.0, 1.2, 5.0])
    assert r.ratios == pytest.approx([1.1, 1.0, 0.5, 1.2, 5.0])
    assert r.median_ratio == pytest.approx(1.1)
    assert r.passed(1.25)


def test_passes_without_rerun_when_every_size_is_unsuspicious(gate: ModuleType) -> None:
    """No confirming rerun is needed when every median ratio is at most SUSPECT."""
    first = [result(gate, "M", [1.0] * 3, [1.1] * 3), result(gate, "S", [1.0] * 3, [0.9] * 3)]
    assert not gate.suspicious(first)
    assert gate.verdict(first, None, 1.25)


def test_suspicious_needs_a_rerun(gate: ModuleType) -> None:
    """A median above SUSPECT, even under the threshold, cannot be decided without the rerun."""
    first = [result(gate, "M", [1.0] * 3, [1.2] * 3)]
    assert gate.suspicious(first)
    with pytest.raises(ValueError, match="confirming rerun"):
        gate.verdict(first, None, 1.25)
    assert gate.verdict(first, [result(gate, "M", [1.0] * 3, [1.2] * 3)], 1.25)


def test_one_slow_comparison_is_not_a_failure(gate: ModuleType) -> None:
    """Over the threshold once, normal in the rerun: the pooled median (1.2) passes."""
    first = [result(gate, "M", [1.0] * 3, [1.4] * 3)]
    rerun = [result(gate, "M", [1.0] * 3, [1.0] * 3)]
    assert gate.verdict(first, rerun, 1.25)


def test_confirmed_slowdown_fails(gate: ModuleType) -> None:
    """Slow in both comparisons fails the gate, even when the rerun alone stays just under the threshold."""
    first = [result(gate, "M", [1.0] * 3, [1.3] * 3), result(gate, "S", [1.0] * 3, [1.0] * 3)]
    rerun = [result(gate, "M", [1.0] * 3, [1.22] * 3), result(gate, "S", [1.0] * 3, [1.0] * 3)]
    assert not gate.verdict(first, rerun, 1.25)


def test_different_sizes_over_once_each_pass(gate: ModuleType) -> None:
    """M slow in the first comparison and S slow in the rerun is noise, not a confirmed slowdown."""
    first = [result(gate, "M", [1.0] * 3, [1.4] * 3), result(gate, "S", [1.0] * 3, [1.0] * 3)]
    rerun = [result(gate, "M", [1.0] * 3, [1.0] * 3), result(gate, "S", [1.0] * 3, [1.4] * 3)]
    assert gate.verdict(first, rerun, 1.25)
