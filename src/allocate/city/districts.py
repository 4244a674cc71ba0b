"""Which district each grid lies in: the one fact a city adds to a case.

A district is a set of grids. By default it is read from the grid's name: the text before the first `/`, so grid
`D03/G001` lies in district `D03` (what `allocate generate --districts N` writes); a grid without `/` is a district
of its own. Any other grouping is given as a mapping from grid to district (`allocate city --districts FILE`, a
CSV of `grid,district`). A case needs no new column: households already name their grid, lots may be limited to
grids and volunteers cover grids, and each of those grids now names its district.
"""

from __future__ import annotations

from collections.abc import Mapping

from allocate.checks import fail

SEPARATOR = "/"
"""A grid's district is its name up to the first SEPARATOR (when no mapping is given)."""


class Districts:
    """The district of each grid: by name (`D03/G001` is in `D03`), or by a mapping of grid to district.

    With a mapping every grid a household is in must be mapped (`missing` lists those that are not); a grid that only
    a lot or a volunteer names, and no household is in, reaches nobody and needs no district.
    """

    __slots__ = ("_mapping",)

    def __init__(self, mapping: Mapping[str, str] | None = None) -> None:
        if mapping is not None and not isinstance(mapping, Mapping):
            raise fail("districts", "solve_city", "None or a mapping of grid to district", mapping)
        self._mapping = None if mapping is None else {str(g): str(d) for g, d in mapping.items()}

    def __repr__(self) -> str:
        return "Districts(by name)" if self._mapping is None else f"Districts({len(self._mapping)} grids mapped)"

    def of(self, grid: str) -> str | None:
        """The district of `grid`, or None when a mapping is given and does not name it."""
        if self._mapping is not None:
            return self._mapping.get(grid)
        return grid.split(SEPARATOR, 1)[0]

    def missing(self, grids: list[str]) -> list[str]:
        """The grids of `grids` that have no district (always none without a mapping)."""
        return [g for g in grids if self.of(g) is None]
