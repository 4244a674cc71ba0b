"""A simulation's results as files and as text: CSV tables, the printed comparison and an SVG plot by hand.

`simulation.csv` is the comparison (per policy and tier, after the last round: pairs, worst cumulative fill,
largest gap, mean; and the policy's units wasted), `rounds.csv` the same per round (what the plot draws), and
`supply.csv` each round's units supplied, given out and wasted. `simulation.svg` plots, for the lowest tier, the
worst cumulative fill and the largest gap round by round, one line per policy (hand-written SVG, as the report's
charts: no plotting library, the same bytes for the same numbers). Written all at once (`atomic_folder`).
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from allocate.catalog import Lang, message, tier_label
from allocate.files import atomic_folder, write_csv
from allocate.simulate.measure import POLICIES, Simulation, TierResult
from allocate.text import pad

COLOURS = ("#7f7f7f", "#1f4e79", "#2e75b6", "#e07b1f")
"""One line colour per policy of `POLICIES`: each round alone in grey, fairness over rounds in blues and orange."""
DASHES = ("", "", "7 4", "2 3")
"""One dash pattern per policy, so that lines lying on one another stay told apart."""
FILES = ("simulation.csv", "rounds.csv", "supply.csv", "simulation.svg")
"""What `write_simulation` writes (and may replace with `overwrite`)."""


def policy_name(policy: str, lang: Lang) -> str:
    """A compared policy as a planner reads it."""
    return message(f"sim_policy_{policy.replace('.', '_')}", lang)


def write_simulation(
    sim: Simulation, folder: str | os.PathLike[str], *, lang: Lang = "en", overwrite: bool = False
) -> Path:
    """Write the simulation's tables and plot into `folder`, all at once; returns the folder."""
    with atomic_folder(folder, overwrite=overwrite, replaceable=FILES) as tmp:
        final = sim.final()
        write_csv(
            tmp / "simulation.csv",
            ("policy", "tier", "pairs", "worst_fill", "largest_gap", "mean_fill", "units_wasted"),
            [(t.policy, t.tier, t.pairs, _f(t.worst), _f(t.gap), _f(t.mean), sim.wasted(t.policy)) for t in final],
        )
        write_csv(
            tmp / "rounds.csv",
            ("policy", "round", "tier", "pairs", "worst_fill", "largest_gap", "mean_fill"),
            [(t.policy, t.round, t.tier, t.pairs, _f(t.worst), _f(t.gap), _f(t.mean)) for t in sim.tiers],
        )
        write_csv(
            tmp / "supply.csv",
            ("policy", "round", "supplied", "given", "wasted"),
            [(s.policy, s.round, s.supplied, s.given, s.wasted) for s in sim.supply],
        )
        (tmp / "simulation.svg").write_text(plot(sim, lang), encoding="utf-8", newline="\n")
    return Path(folder)


def simulation_table(sim: Simulation, lang: Lang = "en") -> str:
    """The comparison as a printed table: per policy and tier the worst cumulative fill, the largest gap and the
    mean after the last round, and per policy the units wasted."""
    header = [message(k, lang) for k in ("sim_h_policy", "sim_h_tier", "sim_h_worst", "sim_h_gap", "sim_h_mean")]
    header.append(message("sim_h_wasted", lang))
    rows = [
        [policy_name(t.policy, lang), tier_label(t.tier, lang), _pct(t.worst), _pct(t.gap), _pct(t.mean), ""]
        for t in sim.final()
    ]
    seen: set[str] = set()
    for row, t in zip(rows, sim.final(), strict=True):  # the waste on each policy's first line
        if t.policy not in seen:
            row[5] = f"{sim.wasted(t.policy):,}"
            seen.add(t.policy)
    widths = [max(_width(r[k]) for r in [header, *rows]) for k in range(len(header))]
    lines = [message("sim_title", lang, households=sim.households, rounds=sim.rounds, seed=sim.seed), ""]
    for r in [header, *rows]:
        cells = [pad(c, w, "<" if k < 2 else ">") for k, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def plot(sim: Simulation, lang: Lang) -> str:
    """Two panels, worst cumulative fill and largest gap of the lowest tier by round, one line per policy."""
    tier = sim.final()[-1].tier if sim.final() else ""
    width, height, panel_w, panel_h, left, top = 680, 300, 280, 200, 44, 34
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-size="11" '
        'font-family="sans-serif">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for p, (key, field) in enumerate((("sim_plot_worst", "worst"), ("sim_plot_gap", "gap"))):
        x0 = left + p * (panel_w + left + 16)
        title = message(key, lang, tier=tier_label(tier, lang))
        parts.append(f'<text x="{x0}" y="{top - 14}" fill="#111" font-weight="bold">{_e(title)}</text>')
        for q in range(5):
            y = top + panel_h * (1 - q / 4)
            parts.append(f'<line x1="{x0}" y1="{y:g}" x2="{x0 + panel_w}" y2="{y:g}" stroke="#dddddd"/>')
            parts.append(f'<text x="{x0 - 6}" y="{y + 4:g}" text-anchor="end" fill="#333">{q * 25}%</text>')
        step = panel_w / max(sim.rounds - 1, 1)
        for r in range(1, sim.rounds + 1):
            x = x0 + step * (r - 1)
            parts.append(f'<text x="{x:.1f}" y="{top + panel_h + 14}" text-anchor="middle" fill="#333">{r}</text>')
        axis = message("sim_plot_round", lang)
        parts.append(
            f'<text x="{x0 + panel_w / 2:.1f}" y="{top + panel_h + 28}" text-anchor="middle" fill="#333">'
            f"{_e(axis)}</text>"
        )
        for (policy, _), colour, dash in zip(POLICIES, COLOURS, DASHES, strict=True):
            points = [
                (x0 + step * (t.round - 1), top + panel_h * (1 - min(max(_value(t, field), 0.0), 1.0)))
                for t in sim.tiers
                if t.policy == policy and t.tier == tier
            ]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashed}/>')
    legend_y = height - 18
    x = left
    for (policy, _), colour in zip(POLICIES, COLOURS, strict=True):
        name = policy_name(policy, lang)
        parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="14" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{legend_y - 4}" fill="#111">{_e(name)}</text>')
        x += 24 + 7 * _width(name)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _value(t: TierResult, field: str) -> float:
    return t.worst if field == "worst" else t.gap


def _f(x: float) -> str:
    """A fill in a CSV: four decimals, the same text for the same number."""
    return f"{x:.4f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _width(text: str) -> int:
    from allocate.text import display_width

    return display_width(text)


def _e(text: str) -> str:
    return escape(text, quote=True)
