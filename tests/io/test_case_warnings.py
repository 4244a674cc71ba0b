"""Warnings of the case placed at their cells: grids named in lots and volunteers that no household is in."""

from __future__ import annotations

from pathlib import Path

from allocate.io import read_case_with_warnings

DATA = Path(__file__).parent.parent / "data"


def test_unknown_grids_are_warned_at_the_cell() -> None:
    """G09 in a lot's grids and g03 (grids are case-sensitive) in a volunteer's; `*` and known grids are fine."""
    _, found = read_case_with_warnings(DATA / "io_unknown_grid")
    assert [str(p).removeprefix(f"{DATA}/") for p in found] == [
        "io_unknown_grid/supplies.csv:3:4: grids: lot 'L2' names grid 'G09', which no household is in "
        "(grids are: 'G01', 'G02', 'G03')",
        "io_unknown_grid/volunteers.csv:3:2: grids: volunteer 'V2' names grid 'g03', which no household is in "
        "(grids are: 'G01', 'G02', 'G03')",
    ]
    assert {p.severity for p in found} == {"warning"}
