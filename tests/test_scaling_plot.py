"""The scaling figure (benchmarks/scaling_plot.py): points at their log positions, lower bounds drawn as such.

Nothing here is timed: the seconds and MiB are made-up inputs of the drawing, and the assertions are about where
it puts them (the measuring is benchmarks/scaling.py's)."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def plot(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/scaling_plot.py as a module (benchmarks/ is a folder of scripts, not a package)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module("scaling_plot")


def data(measured: list[dict[str, Any]], quoted: list[dict[str, Any]]) -> dict[str, Any]:
    return {"measured": {"points": measured}, "quoted": quoted}


def marker(svg: str, program: str, households: int, panel: str = "time") -> tuple[str, str]:
    """The kind ("value" or "lower-bound") and the SVG of the point of `program` at `households` in `panel`."""
    svg = svg.split(f"<g id='{panel}'>", 1)[1].split("<g id=", 1)[0]
    found = re.findall(
        rf"<g class='point {program} (value|lower-bound)' data-households='{households}'[^>]*>(.*?)</g>", svg, re.S
    )
    assert len(found) == 1, (program, households, found)
    kind, body = found[0]
    return kind, body


def test_log_axis_puts_decades_at_equal_steps(plot: ModuleType) -> None:
    axis = plot.LogAxis(2, 6, 0.0, 400.0)
    assert [axis(10**d) for d in range(2, 7)] == pytest.approx([0, 100, 200, 300, 400])
    assert axis(300) == pytest.approx(100 * (2 + 0.4771 - 2), abs=0.01)  # log10(300) = 2.4771
    upward = plot.LogAxis(0, 2, 300.0, 100.0)  # y grows downward in SVG: larger values higher up
    assert [upward(v) for v in (1, 10, 100)] == pytest.approx([300, 200, 100])


def test_axis_spans_whole_decades_around_the_values(plot: ModuleType) -> None:
    axis = plot.LogAxis.spanning([0.85, 31.0, 1010.0], 0, 1)
    assert (axis.lo, axis.hi) == (-1, 4)
    assert plot.LogAxis.spanning([4.4, 890.0], 0, 1, headroom=4.0).hi == 4  # room for a lower bound's arrow


def test_points_sit_at_their_log_positions(plot: ModuleType) -> None:
    """Households 100 and 10,000 one decade from the edges of 100-1,000,000; 1 s and 100 s at their decades."""
    measured = [
        {"program": "allocate", "households": 100, "wall_s": 1.0, "peak_mib": 10.0},
        {"program": "allocate", "households": 10_000, "wall_s": 100.0, "peak_mib": 1000.0},
    ]
    svg = plot.draw(data(measured, [{"program": "allocate", "households": 1_000_000, "wall_s": 10.0}]))
    xs = plot.LogAxis(2, 6, plot.LEFT, plot.LEFT + plot.PANEL_W)
    ys = plot.LogAxis(0, 2, plot.TOP + plot.PANEL_H, plot.TOP)
    for households, height in [(100, 1.0), (10_000, 100.0), (1_000_000, 10.0)]:
        _, body = marker(svg, "allocate", households)
        circle = re.search(r"<circle cx='([\d.]+)' cy='([\d.]+)'", body)
        assert circle is not None
        assert float(circle[1]) == pytest.approx(xs(households), abs=0.05)
        assert float(circle[2]) == pytest.approx(ys(height), abs=0.05)
    assert f"cx='{plot.LEFT:.1f}'" in marker(svg, "allocate", 100)[1]  # the lowest decade is the left edge
    assert f"cy='{plot.TOP + plot.PANEL_H:.1f}'" in marker(svg, "allocate", 100)[1]  # 1 s at the bottom


def test_a_lower_bound_is_open_with_an_arrow_up(plot: ModuleType) -> None:
    quoted = [
        {"program": "peer", "households": 300, "wall_s": 4.4},
        {"program": "peer", "households": 5000, "wall_s": 493.9, "lower_bound": True},
    ]
    svg = plot.draw(data([{"program": "allocate", "households": 300, "wall_s": 0.9, "peak_mib": 88}], quoted))
    kind, body = marker(svg, "peer", 5000)
    assert kind == "lower-bound"
    square = re.search(r"<rect x='([\d.]+)' y='([\d.]+)' width='9' height='9' fill='white'", body)
    arrow = re.search(
        r"<line x1='[\d.]+' y1='([\d.]+)' x2='[\d.]+' y2='([\d.]+)'[^>]*marker-end='url\(#up-peer\)'", body
    )
    assert square is not None, body
    assert arrow is not None, body
    assert float(arrow[2]) < float(arrow[1]) < float(square[2]) + 4.5  # from the point upward: the truth is higher
    assert "&gt; 494 s" in body
    kind, body = marker(svg, "peer", 300)
    assert kind == "value"
    assert "fill='white'" not in body
    assert "<line" not in body


def test_a_point_without_the_value_is_left_out_of_that_panel(plot: ModuleType) -> None:
    """The peer's memory was not recorded on S: it has a time point and no memory point."""
    rows = data([], [{"program": "peer", "households": 300, "wall_s": 4.4, "peak_mib": None}])
    rows["quoted"].append(
        {"program": "peer", "households": 100_000, "wall_s": 890, "peak_mib": 24576, "lower_bound": True}
    )
    assert [p.households for p in plot.points(rows, "wall_s")] == [300, 100_000]
    assert [p.households for p in plot.points(rows, "peak_mib")] == [100_000]


def test_committed_figure_is_drawn_from_the_committed_json(plot: ModuleType) -> None:
    """Same JSON, same bytes: the figure in docs/_static is what the script draws from benchmarks/scaling.json."""
    drawn = plot.draw(json.loads((ROOT / "benchmarks" / "scaling.json").read_text("utf-8")))
    assert drawn == plot.draw(json.loads((ROOT / "benchmarks" / "scaling.json").read_text("utf-8")))
    committed = (ROOT / "docs" / "_static" / "scaling.svg").read_text("utf-8")
    assert committed == drawn, "redraw with: python benchmarks/scaling_plot.py"
