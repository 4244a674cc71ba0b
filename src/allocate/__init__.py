"""allocate: fair, verifiable allocation of donated supplies and volunteer time to household needs."""

from allocate.errors import AllocateError, InputError, Problem
from allocate.schema import Case, Clause, Household, Lot, Need, Policy, Service, Tier, Urgency, Volunteer

__all__ = [
    "AllocateError",
    "Case",
    "Clause",
    "Household",
    "InputError",
    "Lot",
    "Need",
    "Policy",
    "Problem",
    "Service",
    "Tier",
    "Urgency",
    "Volunteer",
]
