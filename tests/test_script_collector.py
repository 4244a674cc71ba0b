"""The `allocate` script runs with the cyclic garbage collector off; a caller of `main(argv)` keeps its own."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize("enabled", [True, False])
def test_main_with_arguments_leaves_the_callers_collector_alone(enabled: bool, tmp_path: Path) -> None:
    """Called in process with arguments (tests, apps), a real command runs and the collector is as the caller left
    it, on or off."""
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(SystemExit) as done:
            main(["template", str(tmp_path / "blank")])
        assert done.value.code == 0
        assert (tmp_path / "blank").is_dir()
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
