"""allocate: fair, verifiable allocation of donated supplies and volunteer time to household needs.

The public surface: read a case (`read_case`), build one from the typed models or from frames
(`allocate.frames.case_from_frames`), and `run` it for the whole product (plan, verification, reasons,
marginal values, summary, the output files); or take the steps one by one: `solve` it into a `Plan`, and
`verify` any plan against the case. Everything not named here (or in `allocate.frames`) is private.
"""

from allocate.backends import BackendUnavailable
from allocate.checks import InvalidParameterError
from allocate.errors import AllocateError, InputError, OutputExistsError, Problem, VerificationError
from allocate.io import read_case
from allocate.plan import Allocation, Plan, Status, Visit
from allocate.run import Result, run
from allocate.schema import Case, Clause, Household, Lot, Need, Policy, Records, Service, Tier, Urgency, Volunteer
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
    "OutputExistsError",
    "Plan",
    "Policy",
    "Problem",
    "Records",
    "Result",
    "Service",
    "Status",
    "Tier",
    "Urgency",
    "Verification",
    "VerificationError",
    "Visit",
    "Volunteer",
    "read_case",
    "run",
    "solve",
    "verify",
]
