"""Skills: a service is done only by a volunteer with its skill; a delivery needs none."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.rules.base import DELIVERY, BoolArray, Cap, IntArray, VisitFacts


@dataclass(frozen=True)
class Skills:
    """A service visit needs a volunteer with the service's skill."""

    code: str = "service_skill"
    reason: str = "no_volunteer"
    columns: tuple[str, ...] = ("services.skill", "volunteers.skills")

    def household_key(self, facts: VisitFacts) -> IntArray:
        """Nothing of the household: the skill belongs to the service."""
        return np.zeros(len(facts.case.households), np.int64)

    def allows(self, facts: VisitFacts, volunteer: IntArray, household: IntArray, skill: IntArray) -> BoolArray:
        """Deliveries always; a service when the volunteer has its skill."""
        delivery = np.asarray(skill == DELIVERY, np.bool_)
        if not facts.skills:
            return delivery
        return np.asarray(delivery | facts.has_skill[volunteer, np.maximum(skill, 0)], np.bool_)

    def message(self, facts: VisitFacts, volunteer: int, household: int, skill: int, service_id: str | None) -> str:
        """`volunteer V does service S without its skill K`."""
        vid = facts.case.volunteers[volunteer].volunteer_id if facts.case.volunteers else ""
        return f"volunteer {vid} does service {service_id} without its skill {facts.skills[skill]}"

    def cap(self, facts: VisitFacts) -> Cap | None:
        """No cap."""
        return None


SKILLS = Skills()
