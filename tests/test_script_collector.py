"""The `allocate` script runs with the cyclic garbage collector off; a caller of `main(argv)` keeps its own."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from allocate.cli import main

PROBE = """
import gc, sys
from allocate.cli import main
sys.argv = ["allocate", "--version"]
try:
    main()
except SystemExit:
    pass
print(gc.isenabled())
"""


def test_the_script_runs_with_the_collector_off() -> None:
    """As the console script (no argv) the command runs without the collector: its records hold no cycles, and
    every step that turned it back on paid a full pass over them."""
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    assert out.split()[-1] == "False"


def test_main_with_arguments_leaves_the_callers_collector_alone() -> None:
    """Called in process with arguments (tests, apps), `main` does not touch the collector."""
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--version"])
    assert gc.isenabled()
