"""Typed, frozen models of the case and the policy; no numpy, no solvers, no files."""

from allocate.schema.case import (
    ALL_GRIDS,
    Case,
    CaseOverview,
    Household,
    Lot,
    Need,
    Service,
    Volunteer,
    overview,
    tier_rank,
)
from allocate.schema.policy import DEFAULT_TIERS, Clause, Policy, Tier, Urgency, default_policy

__all__ = [
    "ALL_GRIDS",
    "DEFAULT_TIERS",
    "Case",
    "CaseOverview",
    "Clause",
    "Household",
    "Lot",
    "Need",
    "Policy",
    "Service",
    "Tier",
    "Urgency",
    "Volunteer",
    "default_policy",
    "overview",
    "tier_rank",
]
