"""Typed, frozen models of the case and the policy; no numpy, no solvers, no files."""

from allocate.schema.case import ALL_GRIDS, Case, Household, Lot, Need, Service, Volunteer, tier_rank
from allocate.schema.policy import DEFAULT_TIERS, Clause, Policy, Tier, Urgency, default_policy

__all__ = [
    "ALL_GRIDS",
    "DEFAULT_TIERS",
    "Case",
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
    "tier_rank",
]
