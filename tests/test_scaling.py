"""benchmarks/scaling.py's measurement of one child process: its own peak memory, in MiB; a failure is an error."""

from __future__ import annotations

import importlib
import subprocess
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


def peak_mib(code: str) -> float:
    """The peak of `python -c CODE` as `scaling.timed` measures it, from a small process as scaling.py runs."""
    measure = f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import scaling; "
    measure += f"print(scaling.timed([sys.executable, '-c', {code!r}])[1])"
    proc = subprocess.run([sys.executable, "-c", measure], capture_output=True, text=True, check=True)
    return float(proc.stdout)


def test_peak_memory_is_the_childs_in_mib() -> None:
    """A child that touches 200 MiB peaks above 200 MiB; a bare interpreter far below: units and process are right."""
    assert peak_mib("pass") < 100 < 200 < peak_mib("b = bytearray(200 * 2**20)") < 400


def test_a_failing_child_is_an_error(scaling: ModuleType) -> None:
    with pytest.raises(RuntimeError, match="exited 3"):
        scaling.timed([sys.executable, "-c", "import sys; sys.exit(3)"])
