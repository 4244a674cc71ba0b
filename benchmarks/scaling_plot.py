"""Draw docs/_static/scaling.svg from benchmarks/scaling.json: wall time and peak memory against households, log-log.

Two panels, allocate's whole command (filled circles) and the peer model (squares). A point that is a lower bound
(the run was stopped or killed before it finished) is drawn open, with an arrow pointing up: the true value is
higher. Hand-written SVG, standard library only; the same JSON always gives the same bytes.

    .venv/bin/python benchmarks/scaling_plot.py

`tests/test_scaling_plot.py` checks that the committed figure is what this draws from the committed JSON.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "scaling.json"
FIGURE = ROOT / "docs" / "_static" / "scaling.svg"

FONT = "font-family='system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif'"
INK, GRID, LIGHT = "#1f2933", "#9aa5b1", "#e4e7eb"
COLOURS = {"allocate": "#3b6fb6", "peer": "#c2410c"}
NAMES = {"allocate": "allocate solve (the whole command)", "peer": "peer model: PuLP + CBC (read, build, solve)"}

PANEL_W, PANEL_H, LEFT, TOP, GAP, RIGHT = 300, 230, 78, 66, 104, 72
"""Plot area of each panel; margins left of the first (tick labels), above both (titles), between the panels and
right of the second (the labels of the largest case's points)."""
ARROW = 26
"""Pixels a lower bound's arrow reaches above its point."""


@dataclass(frozen=True)
class Point:
    """One value of one program at one case size; `lower_bound`: the run did not finish, the truth is higher."""

    program: str
    households: int
    value: float
    lower_bound: bool = False


@dataclass(frozen=True)
class LogAxis:
    """Maps values in [10**lo, 10**hi] to pixels in [start, end] by their logarithm (end may be below start)."""

    lo: int
    hi: int
    start: float
    end: float

    def __call__(self, value: float) -> float:
        return self.start + (math.log10(value) - self.lo) / (self.hi - self.lo) * (self.end - self.start)

    @classmethod
    def spanning(cls, values: Iterable[float], start: float, end: float, headroom: float = 1.0) -> LogAxis:
        """The whole decades around `values`, the top one at least `headroom` times the largest value."""
        values = list(values)
        return cls(math.floor(math.log10(min(values))), math.ceil(math.log10(max(values) * headroom)), start, end)


def points(data: dict[str, Any], key: str) -> list[Point]:
    """Every measured and quoted point that has `key` ("wall_s" or "peak_mib"), by program then size."""
    rows = [*data["measured"]["points"], *data["quoted"]]
    found = [
        Point(r["program"], r["households"], r[key], r.get("lower_bound", False))
        for r in rows
        if r.get(key) is not None
    ]
    return sorted(found, key=lambda p: (p.program, p.households))


def _number(value: float) -> str:
    """1,010 or 31 or 1.7 or 0.85: enough digits to read, no more."""
    if value >= 10:
        return f"{value:,.0f}"
    return f"{value:.2g}"


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "start", fill: str = INK) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' {FONT} font-size='{size}' text-anchor='{anchor}' fill='{fill}'>"
        f"{escape(text)}</text>"
    )


def _marker(p: Point, x: float, y: float, label: str, role: str = "point") -> list[str]:
    """A filled circle (allocate) or square (peer); open, with an arrow up, when it is a lower bound."""
    colour = COLOURS[p.program]
    fill = "white" if p.lower_bound else colour
    kind = "lower-bound" if p.lower_bound else "value"
    out = [f"<g class='{role} {p.program} {kind}' data-households='{p.households}' data-value='{p.value:g}'>"]
    if p.lower_bound:
        out.append(
            f"<line x1='{x:.1f}' y1='{y - 5:.1f}' x2='{x:.1f}' y2='{y - ARROW:.1f}' stroke='{colour}' "
            f"stroke-width='1.5' marker-end='url(#up-{p.program})'/>"
        )
    if p.program == "allocate":
        out.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='4.5' fill='{fill}' stroke='{colour}' stroke-width='1.5'/>")
    else:
        out.append(
            f"<rect x='{x - 4.5:.1f}' y='{y - 4.5:.1f}' width='9' height='9' fill='{fill}' stroke='{colour}' "
            "stroke-width='1.5'/>"
        )
    out.append(_text(x + 8, y + 4, label, size=11, fill=colour))
    out.append("</g>")
    return out


def panel(
    name: str,
    x0: float,
    title: str,
    found: list[Point],
    xs: LogAxis,
    label: Callable[[float], str],
    tick: Callable[[int], str],
) -> list[str]:
    """One log-log panel (a group with id `name`): decade grid, a line per program, the points labelled."""
    ys = LogAxis.spanning(
        (p.value for p in found), TOP + PANEL_H, TOP, headroom=4.0 if any(p.lower_bound for p in found) else 1.0
    )
    xs = LogAxis(xs.lo, xs.hi, x0, x0 + PANEL_W)
    out = [f"<g id='{name}'>", _text(x0, TOP - 22, title, size=13)]
    for d in range(xs.lo, xs.hi + 1):
        x = xs(10**d)
        out.append(f"<line x1='{x:.1f}' y1='{TOP}' x2='{x:.1f}' y2='{TOP + PANEL_H}' stroke='{LIGHT}'/>")
        out.append(_text(x, TOP + PANEL_H + 16, f"{10**d:,}", size=11, anchor="middle", fill=GRID))
    for d in range(ys.lo, ys.hi + 1):
        y = ys(10.0**d)
        out.append(f"<line x1='{x0}' y1='{y:.1f}' x2='{x0 + PANEL_W}' y2='{y:.1f}' stroke='{LIGHT}'/>")
        out.append(_text(x0 - 6, y + 4, tick(d), size=11, anchor="end", fill=GRID))
    out.append(f"<rect x='{x0}' y='{TOP}' width='{PANEL_W}' height='{PANEL_H}' fill='none' stroke='{GRID}'/>")
    out.append(_text(x0 + PANEL_W / 2, TOP + PANEL_H + 34, "households (log scale)", size=11, anchor="middle"))
    for program in COLOURS:
        mine = [p for p in found if p.program == program]
        if len(mine) > 1:
            path = " ".join(f"{xs(p.households):.1f},{ys(p.value):.1f}" for p in mine)
            dashes = " stroke-dasharray='5 4'" if program == "peer" else ""
            out.append(
                f"<polyline points='{path}' fill='none' stroke='{COLOURS[program]}' stroke-width='1.5' "
                f"stroke-opacity='0.6'{dashes}/>"
            )
    for p in found:
        out += _marker(p, xs(p.households), ys(p.value), f"{'> ' if p.lower_bound else ''}{label(p.value)}")
    return [*out, "</g>"]


def _seconds(value: float) -> str:
    return f"{_number(value)} s"


def _memory(mib: float) -> str:
    """MiB below 1 GiB, GiB above: "905 MiB", "2.9 GiB"."""
    return f"{_number(mib)} MiB" if mib < 1024 else f"{mib / 1024:.3g} GiB"


def _seconds_tick(d: int) -> str:
    return f"{10.0**d:g} s" if d < 0 else f"{10**d:,} s"


def _mib_tick(d: int) -> str:
    return f"{10**d:,} MiB"


def draw(data: dict[str, Any]) -> str:
    """The whole figure as SVG text."""
    times, memory = points(data, "wall_s"), points(data, "peak_mib")
    xs = LogAxis.spanning((p.households for p in times + memory), 0, 1)
    width = LEFT + 2 * PANEL_W + GAP + RIGHT
    legend_y = TOP + PANEL_H + 62
    height = legend_y + 60
    title = "Wall time and peak memory against households, log-log: allocate's whole command and the peer model"
    body = [
        f"<rect width='{width}' height='{height}' fill='white'/>",
        "<defs>",
        *(
            f"<marker id='up-{program}' viewBox='0 0 10 10' refX='5' refY='5' markerWidth='7' markerHeight='7' "
            f"orient='auto'><path d='M0 0 L10 5 L0 10 z' fill='{colour}'/></marker>"
            for program, colour in COLOURS.items()
        ),
        "</defs>",
        _text(12, 22, "How allocate grows with the case (log-log)", size=15),
        *panel("time", LEFT, "wall time", times, xs, _seconds, _seconds_tick),
        *panel("memory", LEFT + PANEL_W + GAP, "peak memory", memory, xs, _memory, _mib_tick),
    ]
    for k, program in enumerate(COLOURS):
        x = LEFT + k * (PANEL_W + GAP)
        body += _marker(Point(program, 0, 1.0), x, legend_y, NAMES[program], role="legend")
    bound_y = legend_y + ARROW + 18  # the arrow stays clear of the row above
    body += _marker(Point("peer", 0, 1.0, lower_bound=True), LEFT, bound_y, "", role="legend")
    body.append(_text(LEFT + 12, bound_y + 4, "open, arrow up: a lower bound (the run was stopped or killed)", 11))
    head = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='{escape(title)}'>"
    )
    return "\n".join([head, f"<title>{escape(title)}</title>", *body, "</svg>", ""])


def main() -> int:
    FIGURE.write_text(draw(json.loads(RESULTS.read_text("utf-8"))), encoding="utf-8", newline="\n")
    print(f"wrote {FIGURE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
