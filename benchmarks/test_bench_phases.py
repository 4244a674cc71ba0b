"""Each phase (read, index, solve, verify, write) and end to end in this process, on every chosen size."""

from __future__ import annotations

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from cases import CASES
from phases import SPECS, BenchSpec


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_phase(benchmark: BenchmarkFixture, spec: BenchSpec, size: str) -> None:
    """Time `spec.run` on case `size`; the first round pays lazy imports, so compare medians, not means."""
    if size not in spec.sizes:
        pytest.skip(f"{spec.name} does not run on {size}")
    arg = spec.prepare(size)
    benchmark.group = f"phases {size}"
    benchmark.extra_info.update(case=size, households=CASES[size].households, phase=spec.name)
    benchmark.pedantic(spec.run, args=(arg,), rounds=CASES[size].rounds, iterations=1)
