"""The page's charts as hand-written inline SVG, not a chart library.

The page needs a handful of bar charts, which take a few dozen lines, while a library would add a dependency and
(for the usual JavaScript ones) a script to inline and a page that draws only after running it. Inline SVG is
vector, so it prints crisply at any zoom, needs no network and no script, and its bytes are deterministic. Each
builder escapes the case text it writes and returns `Markup`, which the template inserts as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from allocate.catalog import Lang, message, tier_label
from allocate.report.numbers import DASH, pct

MIN_COLOUR = "#1f4e79"  # lowest fill: dark blue
MEAN_COLOUR = "#9dc3e6"  # mean fill: light blue
ALLOCATED_COLOUR = "#2e75b6"
SHORT_COLOUR = "#e07b1f"
SERVICE_COLOUR = "#70ad47"
TRACK_COLOUR = "#e7e7e7"
CHART_WIDTH = 680  # SVG user units; charts scale to the page width


def tier_chart(tiers: Sequence[Mapping[str, Any]], lang: Lang) -> Markup:
    """Horizontal bars, two per tier (lowest and mean fill), on a 0-100% axis with quarter gridlines."""
    left, right, top, row, bar = 170, 56, 6, 34, 12
    span = CHART_WIDTH - left - right
    height = top + row * len(tiers) + 18
    parts = [
        f'<svg viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}" role="img" aria-label="{_e(message("tiers_h", lang))}" '
        'font-size="11" font-family="inherit">'
    ]
    axis_y = top + row * len(tiers)
    for q in range(5):
        x = left + span * q / 4
        parts.append(f'<line x1="{x:g}" y1="{top}" x2="{x:g}" y2="{axis_y}" stroke="#cfcfcf" stroke-width="1"/>')
        parts.append(f'<text x="{x:g}" y="{axis_y + 13}" text-anchor="middle" fill="#333">{q * 25}%</text>')
    for k, t in enumerate(tiers):
        y = top + row * k + 4
        name = _shorten(tier_label(t["tier"], lang), 22)
        parts.append(f'<text x="{left - 8}" y="{y + bar + 3}" text-anchor="end" fill="#111">{_e(name)}</text>')
        for j, (key, colour) in enumerate((("min_fill", MIN_COLOUR), ("mean_fill", MEAN_COLOUR))):
            value = t[key]
            yy = y + j * (bar + 1)
            if value is None:
                parts.append(f'<text x="{left + 4}" y="{yy + bar - 2}" fill="#333">{DASH}</text>')
                continue
            w = span * min(max(value, 0.0), 1.0)
            parts.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar}" fill="{colour}"/>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{yy + bar - 2}" fill="#111">{pct(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def hours_chart(parts: Sequence[tuple[float, str]], total: float) -> Markup:
    """One stacked horizontal bar of volunteer hours, full width = `total`."""
    height = 22
    x = 0.0
    rects = []
    for hours, colour in parts:
        w = CHART_WIDTH * hours / total if total > 0 else 0.0
        if w > 0:
            rects.append(f'<rect x="{x:.1f}" y="2" width="{w:.1f}" height="{height - 4}" fill="{colour}"/>')
        x += w
    return Markup(
        f'<svg viewBox="0 0 {CHART_WIDTH} {height}" width="{CHART_WIDTH}" '
        f'height="{height}" role="img">{"".join(rects)}</svg>'
    )


def item_cell(allocated: float, shortage: float, scale: float) -> Markup:
    """A small in-table bar of an item: allocated and shortage side by side, `scale` filling the cell."""
    return _stacked_cell(((allocated, ALLOCATED_COLOUR), (shortage, SHORT_COLOUR)), scale)


def fill_cell(min_fill: float | None, mean_fill: float | None) -> Markup:
    """A small in-table bar: mean fill, with the lowest fill as a dark mark."""
    if min_fill is None or mean_fill is None:
        return Markup("")
    low = min(max(min_fill, 0.0), 1.0) * 100
    return _cell(
        f'<rect x="0" y="0" width="100" height="10" fill="{TRACK_COLOUR}"/>'
        f'<rect x="0" y="0" width="{mean_fill * 100:.2f}" height="10" fill="{MEAN_COLOUR}"/>'
        f'<rect x="{max(low - 0.75, 0):.2f}" y="0" width="1.5" height="10" fill="{MIN_COLOUR}"/>'
    )


def _stacked_cell(parts: Iterable[tuple[float, str]], scale: float) -> Markup:
    """A small in-table bar: `parts` (value, colour) side by side, `scale` filling the cell."""
    x = 0.0
    rects = []
    for value, colour in parts:
        w = 100 * value / scale
        if w > 0:
            rects.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="10" fill="{colour}"/>')
        x += w
    return _cell("".join(rects))


def _cell(content: str) -> Markup:
    return Markup(
        f'<svg class="cell" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">{content}</svg>'
    )


def _e(text: str) -> str:
    """HTML-escape case text (tier names may hold `<`, `&`, quotes)."""
    return escape(text, quote=True)


def _shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis: chart labels must not run into the bars."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
