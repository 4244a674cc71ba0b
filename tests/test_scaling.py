"""benchmarks/scaling.py's measurement of one child process: its own peak memory, in MiB; a failure is an error."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def scaling(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/scaling.py as a module (benchmarks/ is a folder of scripts, not a package)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module("scaling")


def test_peak_memory_is_the_childs_in_mib(scaling: ModuleType) -> None:
    """A child that touches 200 MiB peaks above 200 MiB; a bare interpreter far below: units and process are right."""
    _, big = scaling.timed([sys.executable, "-c", "b = bytearray(200 * 2**20)"])
    _, small = scaling.timed([sys.executable, "-c", "pass"])
    assert small < 100 < 200 < big < 400


def test_a_failing_child_is_an_error(scaling: ModuleType) -> None:
    with pytest.raises(RuntimeError, match="exited 3"):
        scaling.timed([sys.executable, "-c", "import sys; sys.exit(3)"])
