"""Grid coverage: a volunteer visits only households of the grids they cover (`*` covers every grid)."""

from __future__ import annotations

from dataclasses import dataclass

from allocate.rules.base import BoolArray, Cap, IntArray, VisitFacts


@dataclass(frozen=True)
class Coverage:
    """Deliveries and services alike go only to households of a grid the volunteer covers."""

    code: str = "visit_not_covering_grid"
    reason: str = "no_volunteer"
    columns: tuple[str, ...] = ("households.grid", "volunteers.grids")

    def household_key(self, facts: VisitFacts) -> IntArray:
        """The household's grid."""
        return facts.hh_grid

    def allows(self, facts: VisitFacts, volunteer: IntArray, household: IntArray, skill: IntArray) -> BoolArray:
        """Whether each volunteer covers each household's grid."""
        return facts.covers[volunteer, facts.hh_grid[household]]

    def message(self, facts: VisitFacts, volunteer: int, household: int, skill: int, service_id: str | None) -> str:
        """`volunteer V delivers to household H in grid G, which they do not cover` (or does service S)."""
        vid = facts.case.volunteers[volunteer].volunteer_id if facts.case.volunteers else ""
        hh = facts.case.households[household]
        if service_id is None:
            return f"volunteer {vid} delivers to household {hh.household_id} in grid {hh.grid}, which they do not cover"
        return f"volunteer {vid} does service {service_id} in grid {hh.grid}, which they do not cover"

    def cap(self, facts: VisitFacts) -> Cap | None:
        """No cap."""
        return None


COVERAGE = Coverage()
