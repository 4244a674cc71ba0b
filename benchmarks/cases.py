"""Named benchmark cases by size, generated once and cached as CSV folders.

Benchmarks read the cached CSV (never the in-memory `Case` from the generator), so end-to-end timings include
reading the files, as `allocate solve` will. A cache folder is keyed by size, seed and a hash of the generator's
and the case writer's source, so a change to either makes new cases instead of silently timing stale ones.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cases"
"""Where generated cases live; it ignores itself in git (a `.gitignore` of `*` inside it)."""


@dataclass(frozen=True)
class CaseSpec:
    """A named synthetic case: `households` households drawn by `allocate.generate` with a fixed `seed`."""

    name: str
    households: int
    seed: int
    rounds: int  # timed rounds per phase in pytest-benchmark: fewer for bigger cases


CASES: dict[str, CaseSpec] = {
    spec.name: spec
    for spec in (
        CaseSpec("S", 300, seed=1, rounds=7),
        CaseSpec("M", 5_000, seed=1, rounds=3),
        CaseSpec("L", 100_000, seed=1, rounds=1),
        CaseSpec("XL", 1_000_000, seed=1, rounds=1),
    )
}
DEFAULT_SIZES = ("S", "M")
"""Sizes run unless asked otherwise; L takes minutes and is opt-in (`--sizes S,M,L`)."""
PREPARED_SIZES = ("S", "M", "L")
"""What `python benchmarks/cases.py` makes with no argument: XL (about 2 minutes and 7 GiB to generate, 15 GiB to
solve) is made only when named, and never in CI (the smoke run and the gate use S and M)."""


def generator_version() -> str:
    """A short hash of the generator's and the case writer's source: another generator makes other cases."""
    from allocate import generate, io

    digest = hashlib.sha256(Path(generate.__file__).read_bytes())
    for path in sorted(Path(io.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def case_dir(name: str) -> Path:
    """The CSV folder of case `name`, generated and written on first use."""
    spec = CASES[name]
    folder = CACHE / f"{spec.name}-{spec.households}-seed{spec.seed}-{generator_version()}"
    if folder.is_dir():
        return folder
    from allocate.generate import generate
    from allocate.io import write_case

    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n", encoding="utf-8")
    staging = CACHE / f".{folder.name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    write_case(generate(spec.households, spec.seed), staging)
    try:
        staging.rename(folder)
    except OSError:  # another process finished the same case first: theirs is identical
        shutil.rmtree(staging, ignore_errors=True)
    for stale in CACHE.glob(f"{spec.name}-{spec.households}-seed{spec.seed}-*"):
        if stale != folder:  # made by an older generator or writer: never timed again
            shutil.rmtree(stale, ignore_errors=True)
    return folder


def parse_sizes(text: str) -> tuple[str, ...]:
    """`"S,M,L"` to `("S", "M", "L")`, refusing unknown names with the known ones."""
    sizes = tuple(s.strip().upper() for s in text.split(",") if s.strip())
    unknown = [s for s in sizes if s not in CASES]
    if unknown or not sizes:
        raise ValueError(f"unknown case size(s) {unknown or text!r}; choose from {', '.join(CASES)}")
    return sizes


if __name__ == "__main__":  # python benchmarks/cases.py [S,M,L,XL]: make the cases ahead of a timed run
    for size in parse_sizes(sys.argv[1] if len(sys.argv) > 1 else ",".join(PREPARED_SIZES)):
        print(size, case_dir(size))
