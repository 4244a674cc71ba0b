"""`report.html`: one self-contained page a planner opens offline and prints on A4, in English or Chinese.

The page is the Jinja2 template `templates/report.html.j2` (its stylesheet `report.css` inlined), rendered with
autoescape: every value the template prints is HTML-escaped unless it is `Markup`, which only the hand-made SVG
charts (`allocate.report.charts`) are. Escaping is the standard library's `html.escape` (`&quot;`, `&#x27;`), the
entities the page has always used, so the same summary gives the same bytes. The page has no scripts, no
external CSS, fonts or images. Words come from `allocate.catalog`, numbers from `allocate.report.numbers`.

Every number comes from the summary (`build_summary`), so the page and summary.json agree; only the unmet
list is read from the explanation, shown highest tier first and capped at `UNMET_ROWS` rows. This module picks
and orders what the template shows; the template lays it out.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2

from allocate.catalog import Lang, message, tier_label
from allocate.explain import Explanation, Shortfall
from allocate.report import charts
from allocate.report.numbers import DASH, hours, pct, points, ratio, thousands
from allocate.report.templating import page_environment
from allocate.schema import Records

UNMET_ROWS = 200
"""Rows of the unmet list shown on the page; the rest are in unmet.csv."""

HELP_ROWS = 15
"""Rows of "what would help most"; the rest are in summary.json."""

NOBODY_NAMED = 20
"""Items and grids named in the note on what would help nobody; the rest are counted."""


def render_html(summary: Mapping[str, Any], explanation: Explanation, *, lang: Lang) -> str:
    """The report page for `summary` (from `build_summary`) and the unmet list of `explanation`, in `lang`.

    Deterministic: the same arguments give the same text. Numbers are formatted alike in both languages.
    """
    ranks = {t["tier"]: t["rank"] for t in summary["tiers"]}
    solver = summary["solver"]
    template = _environment().get_template("report.html.j2")
    return template.render(
        s=summary,
        html_lang=message("html_lang", lang),
        t=lambda key, **fields: message(key, lang, **fields),
        tier_label=lambda name: tier_label(name, lang),
        engine=solver["backend"] + ("" if solver["version"] is None else f" {solver['version']}"),
        termination=_termination(summary, lang),
        colour={
            "min": charts.MIN_COLOUR,
            "mean": charts.MEAN_COLOUR,
            "allocated": charts.ALLOCATED_COLOUR,
            "short": charts.SHORT_COLOUR,
        },
        tier_chart=charts.tier_chart(summary["tiers"], lang),
        item_scale=max([1, *(i["requested"] for i in summary["items"])]),
        item_cell=charts.item_cell,
        fill_cell=charts.fill_cell,
        volunteers=_volunteers(summary, lang),
        help=_help(summary, ranks, lang),
        offer=lambda kind, name, mv: _offer(kind, name, mv, lang),
        fairness=_fairness(summary, lang),
        unmet=_unmet(explanation.shortfalls, ranks),
        about=_about(summary, lang),
    )


@cache
def _environment() -> jinja2.Environment:
    """The template environment (`allocate.report.templating`), built once."""
    return page_environment(
        "allocate.report", {"thousands": thousands, "pct": pct, "hours": hours, "points": points, "ratio": ratio}
    )


# --- what each section shows ----------------------------------------------------------------------------------


def _termination(summary: Mapping[str, Any], lang: Lang) -> dict[str, Any] | None:
    """When the plan is not proven best: why, and how far each tier may be from the best possible (its certified
    bound), in words."""
    term = summary.get("termination")
    if summary["status"] == "optimal" or term is None:
        return None
    why = message(f"reason_{term['reason']}", lang)
    if term["steps"]:
        steps = message("list_sep", lang).join(message(f"step_{s}", lang) for s in term["steps"])
        why += message("colon", lang) + steps
    lines = []
    for t in summary["tiers"]:
        if t["reached"] is None or not (t["needs"] or t["services"]):
            continue
        name = tier_label(t["tier"], lang)
        if t["at_bounds"]:
            lines.append(message("tier_best", lang, tier=name))
            continue
        words = []
        if t["reached"] < t["reached_bound"]:
            words.append(message("tier_within", lang, n=str(t["reached_bound"] - t["reached"])))
        if (t["min_fill"] or 0.0) < (t["min_fill_bound"] or 0.0):
            words.append(message("tier_worst", lang, low=pct(t["min_fill"]), top=pct(t["min_fill_bound"])))
        lines.append(message("tier_short", lang, tier=name, what=message("list_sep", lang).join(words)))
    return {"why": why, "lines": lines}


def _volunteers(summary: Mapping[str, Any], lang: Lang) -> dict[str, Any] | None:
    """The legend and bar of the hours offered: used for deliveries, for services, and not used."""
    v = summary["volunteers"]
    if v is None:
        return None
    unused = max(v["hours_offered"] - v["hours_used"], 0.0)
    parts = (
        (v["delivery_hours"], charts.ALLOCATED_COLOUR, message("deliveries", lang)),
        (v["service_hours"], charts.SERVICE_COLOUR, message("service_visits", lang)),
        (unused, charts.TRACK_COLOUR, message("unused_hours", lang)),
    )
    return {
        "legend": [(colour, f"{name} {hours(h)}") for h, colour, name in parts],
        "chart": charts.hours_chart([(h, colour) for h, colour, _ in parts], max(v["hours_offered"], v["hours_used"])),
    }


def _help(summary: Mapping[str, Any], ranks: Mapping[str, int], lang: Lang) -> dict[str, Any]:
    """Items and grids' volunteer hours ranked by what one more unit or hour would do (see `_help_key`), the first
    `HELP_ROWS` of them, and the notes on the rest."""
    offers: list[tuple[str, str, Mapping[str, Any]]] = [
        ("item", i["item"], i["marginal_value"]) for i in summary["items"] if i["marginal_value"] is not None
    ]
    offers += [
        ("hour", g["grid"], g["marginal_value_of_hour"])
        for g in summary["grids"]
        if g["marginal_value_of_hour"] is not None
    ]
    helpful = sorted((o for o in offers if _helps(o[2])), key=lambda o: _help_key(o, ranks))
    unmeasured = sum(1 for o in offers if not o[2]["measured"])
    # short of it, yet one more would raise nobody's fill (an all-or-nothing need wants more than one, say): worth
    # knowing before asking a donor; what nobody is short of is already plain from the tables
    nobody = [
        _offer(kind, name, mv, lang)
        for kind, name, mv in offers
        if mv["measured"] and mv["tier"] is not None and not _helps(mv)
    ]
    notes = []
    if len(helpful) > HELP_ROWS:
        notes.append(message("more_help", lang, n=thousands(len(helpful) - HELP_ROWS)))
    if nobody:
        shown = message("enum_comma", lang).join(nobody[:NOBODY_NAMED])
        more = message("and_more", lang, n=thousands(len(nobody) - NOBODY_NAMED)) if len(nobody) > NOBODY_NAMED else ""
        notes.append(message("helps_nobody", lang, n=thousands(len(nobody)), names=shown + more))
    if unmeasured:
        notes.append(message("not_measured", lang, n=thousands(unmeasured)))
    return {"rows": helpful[:HELP_ROWS], "unmeasured": unmeasured, "notes": notes}


def _offer(kind: str, name: str, mv: Mapping[str, Any], lang: Lang) -> str:
    """What to add, in words: one unit of an item, or one hour of a volunteer in a grid, with the skills and
    designation the measured volunteer had (the short services' skills; designated for quarantined households)."""
    if kind == "item":
        return message("one_unit", lang, name=name)
    skills = mv.get("skills") or []
    what = message("with_skills", lang, skills=message("enum_comma", lang).join(skills)) if skills else ""
    if mv.get("designated"):
        what = message("designated_volunteer", lang) + what
    return message("one_hour", lang, name=name, who=what)


def _fairness(summary: Mapping[str, Any], lang: Lang) -> list[str]:
    """How evenly each tier was served, in words: its worst-served need or service, the same leaving out items
    nobody donated, and the median; the Gini and Jain indices stay in summary.json."""
    out = []
    for tier in summary["tiers"]:
        if tier["min_fill"] is None:
            continue
        apart = ""
        if tier["no_supply"] and tier["min_fill_supplied"] is not None:
            apart = message("fair_apart", lang, n=thousands(tier["no_supply"]), fill=pct(tier["min_fill_supplied"]))
        out.append(
            message(
                "fair_line",
                lang,
                tier=tier_label(tier["tier"], lang),
                low=pct(tier["min_fill"]),
                apart=apart,
                median=pct(tier["median_fill"]),
            )
        )
    return out


def _helps(mv: Mapping[str, Any]) -> bool:
    """Whether a measured marginal value says one more unit or hour would raise some tier's fill."""
    return mv["measured"] and mv["tier"] is not None and (mv["min_fill_gain"] > 0 or mv["mean_fill_gain"] > 0)


def _help_key(offer: tuple[str, str, Mapping[str, Any]], ranks: Mapping[str, int]) -> tuple[Any, ...]:
    """Highest-priority tier helped first (strict priority), then larger rise of its lowest fill (leximin), then
    of its mean fill; ties by items before hours, then name, so the order is stable."""
    kind, name, mv = offer
    return (ranks.get(mv["tier"], len(ranks)), -mv["min_fill_gain"], -mv["mean_fill_gain"], kind != "item", name)


def _unmet(shortfalls: Records[Shortfall], ranks: Mapping[str, int]) -> dict[str, Any]:
    """The shortfalls, highest tier and lowest fill first, capped at `UNMET_ROWS`, and how many more there are
    (sorted by their columns: only the rows shown are made records)."""
    keys = zip(
        [ranks.get(t, len(ranks)) for t in shortfalls.column("tier")],
        [
            g / r if r else 0.0
            for g, r in zip(shortfalls.column("received"), shortfalls.column("requested"), strict=True)
        ],
        *map(shortfalls.column, ("grid", "household_id", "id")),
        range(len(shortfalls)),
        strict=True,
    )
    first = heapq.nsmallest(UNMET_ROWS, keys)
    return {"rows": [shortfalls[k[-1]] for k in first], "more": max(len(shortfalls) - UNMET_ROWS, 0)}


def _about(summary: Mapping[str, Any], lang: Lang) -> list[tuple[str, str]]:
    """The policy, input digests and versions: what anyone needs to re-run and compare.

    Timings stay in summary.json only, so that the same input gives a byte-identical page.
    """
    policy = summary["policy"]
    inputs = ", ".join(f"{name} {digest[:16]}" for name, digest in summary["inputs"].items())
    return [
        (message("policy_tiers", lang), " › ".join(tier_label(t["name"], lang) for t in policy["tiers"])),
        (message("fairness", lang), message(f"fairness_{policy['fairness']}", lang)),
        (message("visit_hours", lang), hours(policy["visit_hours"])),
        (message("version", lang), summary["solver"]["allocate"] or DASH),
        (message("inputs", lang), inputs or message("none", lang)),
    ]
