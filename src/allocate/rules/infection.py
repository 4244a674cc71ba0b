"""Infection control: a quarantined household (隔离) is visited only by designated volunteers (防疫专班).

In an epidemic lockdown a household under home quarantine is served contact-free, by the community's
epidemic-control team only: goods are left at the door, services are done by the team's trained members. Every
such visit is a contact risk, so the policy may cap how many visits to quarantined households one volunteer makes
in a plan (`Policy.max_quarantined_visits`), spreading them over the team. A quarantined household that no
designated volunteer covering its grid can visit is short for `no_designated_volunteer`.
"""

from __future__ import annotations

from dataclasses import dataclass

from allocate.rules.base import BoolArray, Cap, IntArray, VisitFacts


@dataclass(frozen=True)
class InfectionControl:
    """Visits to quarantined households only by designated volunteers, at most the policy's cap each."""

    code: str = "not_designated"
    reason: str = "no_designated_volunteer"
    columns: tuple[str, ...] = ("households.quarantined", "volunteers.designated", "policy.max_quarantined_visits")

    def household_key(self, facts: VisitFacts) -> IntArray:
        """Whether the household is quarantined (1) or not (0)."""
        return facts.column("households", "quarantined").astype("int64")

    def allows(self, facts: VisitFacts, volunteer: IntArray, household: IntArray, skill: IntArray) -> BoolArray:
        """Any visit to a household not quarantined; to a quarantined one, a designated volunteer's."""
        return (
            ~facts.column("households", "quarantined")[household] | facts.column("volunteers", "designated")[volunteer]
        )

    def message(self, facts: VisitFacts, volunteer: int, household: int, skill: int, service_id: str | None) -> str:
        """`volunteer V, not designated, delivers to quarantined household H` (or does service S there)."""
        vid = facts.case.volunteers[volunteer].volunteer_id if facts.case.volunteers else ""
        hid = facts.case.households[household].household_id
        what = "delivers to" if service_id is None else f"does service {service_id} at"
        return f"volunteer {vid} {what} quarantined household {hid} but is not a designated volunteer"

    def cap(self, facts: VisitFacts) -> Cap | None:
        """The policy's cap on visits to quarantined households per volunteer, if it sets one."""
        limit = facts.case.policy.max_quarantined_visits
        if limit is None:
            return None
        return Cap(households=facts.column("households", "quarantined"), limit=limit, reason=self.reason)


INFECTION_CONTROL = InfectionControl()
