"""LP/MIP engines behind one small interface, and the registry that names them ("auto" picks HiGHS)."""

from __future__ import annotations

from allocate.backends.base import (
    Backend,
    BackendError,
    BackendUnavailable,
    LinearProgram,
    Solution,
    SolveStatus,
)
from allocate.backends.highs import HighsBackend
from allocate.backends.ortools import OrtoolsBackend
from allocate.backends.pulp_cbc import PulpCbcBackend

BACKENDS: dict[str, Backend] = {b.name: b for b in (HighsBackend(), OrtoolsBackend(), PulpCbcBackend())}
"""Every known backend by name, in the order "auto" tries them."""


def available_backends() -> list[str]:
    """Names of the backends whose library is installed."""
    return [name for name, b in BACKENDS.items() if b.is_available()]


def get_backend(name: str = "auto") -> Backend:
    """The backend called `name`; "auto" is the first available (HiGHS by default)."""
    if name == "auto":
        for b in BACKENDS.values():
            if b.is_available():
                return b
        raise BackendUnavailable("no LP/MIP backend is installed; install the default one with: pip install highspy")
    if name not in BACKENDS:
        raise BackendUnavailable(
            f"The 'backend' parameter of solve must be one of auto, {', '.join(BACKENDS)}. Got {name!r} instead."
        )
    b = BACKENDS[name]
    if not b.is_available():
        raise BackendUnavailable(
            f"backend {name!r} is not installed in a version allocate supports; install it with: {b.install}"
        )
    return b


__all__ = [
    "BACKENDS",
    "Backend",
    "BackendError",
    "BackendUnavailable",
    "LinearProgram",
    "Solution",
    "SolveStatus",
    "available_backends",
    "get_backend",
]
