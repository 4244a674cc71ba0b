"""Shared test settings: hypothesis draws the same examples on every run, so CI is deterministic.

The "deterministic" profile (the default) seeds each property test from its own code (`derandomize`), with no
deadline, since brute force and the exact MIP take uneven time. For a longer random search set
`HYPOTHESIS_PROFILE=explore`: fresh examples each run, failures kept in `.hypothesis/` and replayed first.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "deterministic", derandomize=True, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))
