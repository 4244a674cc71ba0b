"""allocate: fair, verifiable allocation of donated supplies and volunteer time to household needs.

The public surface: read a case (`read_case`) or build one from the typed models, `solve` it into a `Plan`,
and `verify` any plan against the case. Everything not named here is private.
"""

from allocate.backends import BackendUnavailable
from allocate.checks import InvalidParameterError
from allocate.errors import AllocateError, InputError, NoPlanError, OutputExistsError, Problem
from allocate.io import read_case
from allocate.plan import Allocation, Plan, Status, Visit
from allocate.schema import Case, Clause, Household, Lot, Need, Policy, Service, Tier, Urgency, Volunteer
from allocate.solve import solve
from allocate.verify import Verification, verify

__all__ = [
    "AllocateError",
    "Allocation",
    "BackendUnavailable",
    "Case",
    "Clause",
    "Household",
    "InputError",
    "InvalidParameterError",
    "Lot",
    "Need",
    "NoPlanError",
    "OutputExistsError",
    "Plan",
    "Policy",
    "Problem",
    "Service",
    "Status",
    "Tier",
    "Urgency",
    "Verification",
    "Visit",
    "Volunteer",
    "read_case",
    "solve",
    "verify",
]
