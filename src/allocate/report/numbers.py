"""How numbers read on the page, alike in both languages: the template's filters and the charts' labels."""

from __future__ import annotations

import math

DASH = "–"
"""Shown where there is nothing to measure (a tier without needs)."""


def thousands(n: int) -> str:
    """A count with thousands separators: 12,345."""
    return f"{n:,}"


def pct(fill: float | None) -> str:
    """A fill as a percentage with one decimal, rounded down so that 100.0% means fully served."""
    if fill is None:
        return DASH
    return f"{math.floor(round(fill * 1000, 6)) / 10:.1f}%"


def points(gain: float) -> str:
    """A fill gain in percentage points, signed (a mean can fall while the lowest fill rises), two decimals."""
    return f"{gain * 100 + 0.0:+.2f}"


def hours(x: float) -> str:
    """Hours (or units of a shortfall) with at most two decimals and no trailing zeros: 78.5, 86, 0.25."""
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def ratio(x: float | None) -> str:
    """A Gini or Jain index with three decimals."""
    return DASH if x is None else f"{x:.3f}"
