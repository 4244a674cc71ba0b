"""Why each need or service was not fully served, and what one more unit or volunteer hour would do.

Three jobs, one module each: `reasons` gives every shortfall one reason code of SPEC section 4, computed from the
plan and the case, never guessed; `marginal` measures by solving again what one more unit or hour would do;
`household` puts both in plain words, in English or Chinese, for one household. `explain` returns the first two
together. The words come from `allocate.catalog`.
"""

from allocate.catalog import Lang
from allocate.explain.explanation import Explanation, explain
from allocate.explain.household import UnknownHouseholdError, explain_household
from allocate.explain.marginal import DEFAULT_LIMIT, MarginalValue, marginal_values
from allocate.explain.reasons import (
    HOURS_TOLERANCE,
    SUPPLY_REASONS,
    VOLUNTEER_REASONS,
    Reason,
    Shortfall,
    shortfalls,
)

__all__ = [
    "DEFAULT_LIMIT",
    "HOURS_TOLERANCE",
    "SUPPLY_REASONS",
    "VOLUNTEER_REASONS",
    "Explanation",
    "Lang",
    "MarginalValue",
    "Reason",
    "Shortfall",
    "UnknownHouseholdError",
    "explain",
    "explain_household",
    "marginal_values",
    "shortfalls",
]
