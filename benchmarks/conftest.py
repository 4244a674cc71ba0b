"""Options of the benchmark suite: which case sizes to run (L and XL are opt-in) and the peer's time limit."""

from __future__ import annotations

import pytest

from cases import DEFAULT_SIZES, parse_sizes


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("allocate benchmarks")
    group.addoption(
        "--sizes", default=",".join(DEFAULT_SIZES), help="case sizes to run, e.g. S,M,L or XL (default S,M)"
    )
    group.addoption("--peer-time-limit", type=float, default=120.0, help="seconds per CBC solve of the peer model")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise every benchmark taking `size` with the chosen sizes."""
    if "size" in metafunc.fixturenames:
        metafunc.parametrize("size", parse_sizes(metafunc.config.getoption("--sizes")))
