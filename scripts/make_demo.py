"""Rewrite the bundled demo case in src/allocate/demo/ from `allocate.generate.write_demo`.

Run after changing the demo's rules: `.venv/bin/python scripts/make_demo.py`. Only the case files are replaced;
the package's own module stays.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from allocate.generate import write_demo

DEMO = Path(__file__).resolve().parent.parent / "src" / "allocate" / "demo"
CASE_FILES = ("*.csv", "policy.toml")


def main() -> None:
    """Write the demo into a scratch folder, then swap its files in, so a failure leaves the old ones."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "demo"
        write_demo(fresh)
        for pattern in CASE_FILES:
            for old in DEMO.glob(pattern):
                old.unlink()
        for new in sorted(fresh.iterdir()):
            shutil.copyfile(new, DEMO / new.name)
            print(DEMO / new.name)


if __name__ == "__main__":
    main()
