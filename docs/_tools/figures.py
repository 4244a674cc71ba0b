"""Draw the documentation's figures as small hand-written SVG files in docs/_static/.

The bar charts show what `allocate.solve` really returns for the worked examples of docs/fairness.md, so a
change in the engine shows up here when the figures are drawn again:

    .venv/bin/python docs/_tools/figures.py

`tests/test_docs.py` checks that the committed files are what this script draws.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from allocate import Case, Household, Lot, Need, Policy, solve

STATIC = Path(__file__).resolve().parent.parent / "_static"
DAY = dt.date(2026, 12, 1)

FONT = "font-family='system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif'"
ASKED, GOT, INK, GRID, ACCENT = "#d9dee7", "#3b6fb6", "#1f2933", "#9aa5b1", "#c2410c"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    head = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='{escape(title)}'>"
    )
    return "\n".join([head, f"<title>{escape(title)}</title>", *body, "</svg>", ""])


def bars(title: str, rows: list[tuple[str, int, int]], unit: str, note: str = "") -> str:
    """Horizontal bars: for each (label, asked, received), a light bar of what was asked, a dark one received."""
    scale, left, top, step = 40, 130, 44, 34
    width = left + scale * max(a for _, a, _ in rows) + 150
    height = top + step * len(rows) + (40 if note else 16)
    body = [
        f"<rect width='{width}' height='{height}' fill='white'/>",
        f"<text x='12' y='24' {FONT} font-size='15' font-weight='600' fill='{INK}'>{escape(title)}</text>",
    ]
    for k, (label, asked, got) in enumerate(rows):
        y = top + k * step
        body.append(f"<text x='12' y='{y + 17}' {FONT} font-size='13' fill='{INK}'>{escape(label)}</text>")
        body.append(f"<rect x='{left}' y='{y}' width='{scale * asked}' height='24' fill='{ASKED}' rx='3'/>")
        if got:
            body.append(f"<rect x='{left}' y='{y}' width='{scale * got}' height='24' fill='{GOT}' rx='3'/>")
        for u in range(1, asked):  # whole units: a tick between units
            x = left + scale * u
            body.append(f"<line x1='{x}' y1='{y}' x2='{x}' y2='{y + 24}' stroke='white' stroke-width='2'/>")
        fill = f"{got}/{asked} {unit} = {got / asked:.0%}"
        body.append(
            f"<text x='{left + scale * asked + 10}' y='{y + 17}' {FONT} font-size='13' fill='{INK}'>{fill}</text>"
        )
    if note:
        body.append(f"<text x='12' y='{height - 14}' {FONT} font-size='12' fill='{GRID}'>{escape(note)}</text>")
    return _svg(width, height, body, title)


def _share(stock: int) -> list[tuple[str, int, int]]:
    """The three general households of docs/fairness.md asking 4, 2 and 6 bags, solved with `stock` bags."""
    asks = {"A": 4, "B": 2, "C": 6}
    case = Case(
        households=[Household(household_id=h, grid="east") for h in asks],
        needs=[Need(household_id=h, item="rice", quantity=q) for h, q in asks.items()],
        lots=[Lot(lot_id="R1", item="rice", quantity=stock)],
        policy=Policy(plan_date=DAY),
    )
    got = solve(case).received
    return [(f"household {h}", q, got.get(f"{h}/rice", 0)) for h, q in asks.items()]


def _tiers() -> list[tuple[str, int, int]]:
    """An 82-year-old (vulnerable) and a 35-year-old (general) household each asking 3 bags; 4 in stock."""
    case = Case(
        households=[
            Household(household_id="H1", grid="east", oldest_age=82),
            Household(household_id="H2", grid="east", oldest_age=35),
        ],
        needs=[Need(household_id=h, item="rice", quantity=3) for h in ("H1", "H2")],
        lots=[Lot(lot_id="R1", item="rice", quantity=4)],
        policy=Policy(plan_date=DAY),
    )
    got = solve(case).received
    return [("H1 vulnerable", 3, got["H1/rice"]), ("H2 general", 3, got.get("H2/rice", 0))]


def reserved() -> str:
    """Two lots of milk, one reserved for the vulnerable tier, and two households: the two ways to route them."""
    width, height = 640, 250
    body = [
        f"<rect width='{width}' height='{height}' fill='white'/>",
        f"<text x='12' y='24' {FONT} font-size='15' font-weight='600' fill='{INK}'>"
        "Why the reserved lot goes first</text>",
    ]

    def panel(x0: int, heading: str, arrows: list[tuple[int, int, str]], verdict: str, good: bool) -> None:
        body.append(f"<text x='{x0}' y='56' {FONT} font-size='13' font-weight='600' fill='{INK}'>{heading}</text>")
        lots = [("open lot: 2", ""), ("reserved lot: 2", "for vulnerable only")]
        homes = [("H1 vulnerable: 2", ""), ("H2 general: 2", "")]
        for k, (name, sub) in enumerate(lots):
            y = 76 + k * 70
            body.append(f"<rect x='{x0}' y='{y}' width='120' height='44' rx='5' fill='{ASKED}'/>")
            body.append(f"<text x='{x0 + 8}' y='{y + 19}' {FONT} font-size='12' fill='{INK}'>{name}</text>")
            if sub:
                body.append(f"<text x='{x0 + 8}' y='{y + 35}' {FONT} font-size='10' fill='{INK}'>{sub}</text>")
        for k, (name, _) in enumerate(homes):
            y = 76 + k * 70
            body.append(f"<rect x='{x0 + 180}' y='{y}' width='120' height='44' rx='5' fill='{ASKED}'/>")
            body.append(f"<text x='{x0 + 188}' y='{y + 26}' {FONT} font-size='12' fill='{INK}'>{name}</text>")
        for a, b, colour in arrows:
            y1, y2 = 98 + a * 70, 98 + b * 70
            body.append(
                f"<line x1='{x0 + 120}' y1='{y1}' x2='{x0 + 176}' y2='{y2}' stroke='{colour}' stroke-width='3' "
                "marker-end='url(#arrow)'/>"
            )
        body.append(
            f"<text x='{x0}' y='232' {FONT} font-size='12' fill='{GOT if good else ACCENT}'>{escape(verdict)}</text>"
        )

    body.insert(
        1,
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='6' markerHeight='6' "
        f"orient='auto-start-reverse'><path d='M0 0 L10 5 L0 10 z' fill='{INK}'/></marker></defs>",
    )
    panel(12, "First come, first served", [(0, 0, GOT)], "H2 gets nothing; 2 reserved units wasted", False)
    panel(340, "allocate", [(1, 0, GOT), (0, 1, GOT)], "both households served in full", True)
    return _svg(width, height, body, "Why the reserved lot goes first")


def architecture() -> str:
    """The pipeline of one `allocate solve`, top to bottom, with the module that does each step."""
    steps = [
        ("case folder or .xlsx, policy.toml", "households, needs, supplies, volunteers, services", "files"),
        ("allocate.io", "read_case: encodings, headers, cells; every problem at file:line:column", "io"),
        ("allocate.schema", "Case, Policy: typed, frozen; cross-table checks; each need's tier", "model"),
        ("allocate.core.index", "the case as numpy arrays; classes of needs with the same eligible lots", "core"),
        ("allocate.core.heuristic", "the fast plan, per tier: deliveries, services, leximin goods together", "core"),
        ("allocate.core.parts", "independent parts of the case; which of them the fast plan has not proven", "core"),
        ("allocate.core.exact", "each unproven part exactly: MIPs tier by tier, level by level, within limits", "core"),
        ("allocate.core.lots", "which lot: min-cost flow on expiry rank", "core"),
        ("allocate.core.bounds", "if not proven: a certified bound per tier (reach, goods, volunteer time)", "core"),
        ("allocate.Plan", "allocations and visits, frozen; status, termination, bounds, stats", "model"),
        ("allocate.verify", "every rule of the case, trusting nothing the solver did", "check"),
        ("allocate.explain", "reasons: a code per shortfall · marginal: solve again · household: in words", "io"),
        ("allocate.report", "summary.json; report.html from a template; words from allocate.catalog", "io"),
        ("output folder", "allocation.csv, visits.csv, unmet.csv, summary.json, report.html", "files"),
    ]
    colours = {"files": "#eef1f5", "io": "#e3ecf8", "model": "#fdf0dc", "core": "#dcefe4", "check": "#f8e1dc"}
    width, left, box_w, box_h, gap, top = 790, 20, 520, 46, 14, 44
    height = top + len(steps) * (box_h + gap) + 4
    body = [
        f"<rect width='{width}' height='{height}' fill='white'/>",
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='6' markerHeight='6' "
        f"orient='auto-start-reverse'><path d='M0 0 L10 5 L0 10 z' fill='{INK}'/></marker></defs>",
        f"<text x='{left}' y='26' {FONT} font-size='15' font-weight='600' fill='{INK}'>"
        "One run of allocate solve</text>",
    ]
    for k, (name, what, kind) in enumerate(steps):
        y = top + k * (box_h + gap)
        body.append(
            f"<rect x='{left}' y='{y}' width='{box_w}' height='{box_h}' rx='5' fill='{colours[kind]}' stroke='{GRID}'/>"
        )
        body.append(
            f"<text x='{left + 10}' y='{y + 19}' {FONT} font-size='13' font-weight='600' fill='{INK}'>"
            f"{escape(name)}</text>"
        )
        body.append(f"<text x='{left + 10}' y='{y + 37}' {FONT} font-size='11' fill='{INK}'>{escape(what)}</text>")
        if k:
            body.append(
                f"<line x1='{left + 40}' y1='{y - gap}' x2='{left + 40}' y2='{y - 1}' stroke='{INK}' "
                "stroke-width='1.5' marker-end='url(#arrow)'/>"
            )
    # the backends serve the core steps that may need an LP or a MIP: the fast plan, the exact parts, the bounds
    bx, by = left + box_w + 50, top + 4 * (box_h + gap)
    bh = 4 * (box_h + gap) + box_h
    body.append(f"<rect x='{bx}' y='{by}' width='170' height='{bh}' rx='5' fill='#f3e8fb' stroke='{GRID}'/>")
    lines = [
        "allocate.backends",
        "LP and MIP engines:",
        "highs (auto), ortools,",
        "pulp (CBC)",
        "",
        "max-flow and min-cost",
        "flow: OR-Tools, always",
    ]
    for k, text in enumerate(lines):
        weight = " font-weight='600'" if k == 0 else ""
        size = 13 if k == 0 else 11
        body.append(
            f"<text x='{bx + 10}' y='{by + 20 + 16 * k}' {FONT} font-size='{size}'{weight} fill='{INK}'>"
            f"{escape(text)}</text>"
        )
    for k in (4, 6, 8):
        y = top + k * (box_h + gap) + box_h / 2
        body.append(
            f"<line x1='{bx - 2}' y1='{y}' x2='{left + box_w + 4}' y2='{y}' stroke='{INK}' stroke-width='1.5' "
            "stroke-dasharray='4 3' marker-end='url(#arrow)'/>"
        )
    return _svg(width, height, body, "One run of allocate solve")


def draw() -> dict[str, str]:
    """Every figure: file name -> SVG text."""
    return {
        "fair-share.svg": bars(
            "6 bags for 12 asked: everyone gets half", _share(6), "bags", "light: asked   dark: received"
        ),
        "whole-units.svg": bars(
            "5 bags for 12 asked, in whole bags", _share(5), "bags", "the lowest fill is raised first"
        ),
        "strict-priority.svg": bars(
            "4 bags, two tiers: the higher tier first", _tiers(), "bags", "light: asked   dark: received"
        ),
        "reserved-lot.svg": reserved(),
        "architecture.svg": architecture(),
    }


if __name__ == "__main__":
    for name, svg in draw().items():
        (STATIC / name).write_text(svg, encoding="utf-8")
        print(f"wrote docs/_static/{name}")
