"""`report.html`: one self-contained page a planner opens offline and prints on A4, in English or Chinese.

Charts are hand-written inline SVG, not a chart library: the page needs a handful of bar charts, which take a
few dozen lines, while a library would add a dependency and (for the usual JavaScript ones) a script to inline
and a page that draws only after running it. Inline SVG is vector, so it prints crisply at any zoom, needs no
network and no script, and its bytes are deterministic. The page has no scripts, no external CSS, fonts or
images, and every piece of case text is HTML-escaped.

Every number comes from the summary (`build_summary`), so the page and summary.json agree; only the unmet
list is read from the explanation, shown highest tier first and capped at `UNMET_ROWS` rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from allocate.explain import Explanation, Reason, Shortfall
from allocate.report.i18n import Lang, label, tier_label

UNMET_ROWS = 200
"""Rows of the unmet list shown on the page; the rest are in unmet.csv."""

HELP_ROWS = 15
"""Rows of "what would help most"; the rest are in summary.json."""

DASH = "–"
"""Shown where there is nothing to measure (a tier without needs)."""

_MIN_COLOUR = "#1f4e79"  # lowest fill: dark blue
_MEAN_COLOUR = "#9dc3e6"  # mean fill: light blue
_ALLOCATED_COLOUR = "#2e75b6"
_SHORT_COLOUR = "#e07b1f"
_SERVICE_COLOUR = "#70ad47"
_TRACK_COLOUR = "#e7e7e7"
_CHART_WIDTH = 680  # SVG user units; charts scale to the page width

_CSS = """
@page { size: A4; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { background: #fff; }
body { margin: 0 auto; max-width: 186mm; padding: 8mm 0; color: #111; background: #fff;
  font: 10pt/1.45 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue",
  Arial, sans-serif; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5px solid #1f4e79;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1mm 0 2mm; }
.meta { color: #333; margin-bottom: 3mm; }
.note { color: #444; font-size: 8.5pt; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2.5mm; }
.card { border: 1px solid #bfbfbf; border-radius: 2mm; padding: 2mm 3mm; break-inside: avoid; }
.card .label { font-size: 8.5pt; color: #333; }
.card .value { font-size: 15pt; font-weight: 700; line-height: 1.25; }
.card .sub { font-size: 8.5pt; color: #444; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; margin: 1mm 0 2mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #d9d9d9; padding: 1mm 1.5mm; text-align: left; vertical-align: middle;
  overflow-wrap: break-word; }
table.unmet td { overflow-wrap: anywhere; }
td.name { word-break: keep-all; }
table.about th { width: 32%; }
table.unmet td.n, table.unmet td.kind { overflow-wrap: normal; }
th { background: #f2f2f2; font-weight: 600; }
td.n, th.n { text-align: right; white-space: nowrap; }
td.bar { width: 22%; min-width: 20mm; }
svg { display: block; max-width: 100%; height: auto; }
figure svg { width: 100%; }
svg.cell { width: 100%; height: 3mm; }
figure { margin: 1mm 0 2mm; break-inside: avoid; page-break-inside: avoid; }
.legend span { display: inline-block; margin-right: 4mm; font-size: 8.5pt; }
.swatch { display: inline-block; width: 3mm; height: 3mm; margin-right: 1mm; vertical-align: -0.3mm; }
code { font-size: 8pt; }
@media print { body { padding: 0; max-width: none; } }
"""


def render_html(summary: Mapping[str, Any], explanation: Explanation, *, lang: Lang) -> str:
    """The report page for `summary` (from `build_summary`) and the unmet list of `explanation`, in `lang`.

    Deterministic: the same arguments give the same text. Numbers are formatted alike in both languages.
    """
    title = label("title", lang)
    ranks = {t["tier"]: t["rank"] for t in summary["tiers"]}
    body = [
        f"<h1>{_e(title)}</h1>",
        _meta(summary, lang),
        _headline(summary, lang),
        _tiers(summary, lang),
        _items(summary, lang),
        _grids(summary, lang),
        _volunteers(summary, lang),
        _help(summary, ranks, lang),
        _unmet(summary, explanation.shortfalls, ranks, lang),
        _about(summary, lang),
    ]
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} · {_e(summary['plan_date'])}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


# --- sections -----------------------------------------------------------------------------------------------


def _meta(summary: Mapping[str, Any], lang: Lang) -> str:
    """Plan date, status in plain words and solver, under the title; when the plan is not proven best, why, and
    how far each tier may be from the best possible (its certified bound)."""
    status = label(f"status_{summary['status']}", lang)
    solver = summary["solver"]
    engine = solver["backend"] + ("" if solver["version"] is None else f" {solver['version']}")
    parts = [
        f"{_e(label('plan_date', lang))}: <b>{_e(summary['plan_date'])}</b>",
        f'{_e(label("status", lang))}: <b data-key="status">{_e(status)}</b>',
        f"{_e(label('solver', lang))}: {_e(engine)}",
    ]
    out = f'<p class="meta">{" · ".join(parts)}</p>'
    term = summary.get("termination")
    if summary["status"] == "optimal" or term is None:
        return out
    why = label(f"reason_{term['reason']}", lang)
    if term["steps"]:
        why += label("colon", lang) + label("list_sep", lang).join(label(f"step_{s}", lang) for s in term["steps"])
    lines = []
    for t in summary["tiers"]:
        if t["reached"] is None or not (t["needs"] or t["services"]):
            continue
        name = tier_label(t["tier"], lang)
        if t["at_bounds"]:
            lines.append(label("tier_best", lang, tier=name))
            continue
        words = []
        if t["reached"] < t["reached_bound"]:
            words.append(label("tier_within", lang, n=str(t["reached_bound"] - t["reached"])))
        if (t["min_fill"] or 0.0) < (t["min_fill_bound"] or 0.0):
            words.append(label("tier_worst", lang, low=_pct(t["min_fill"]), top=_pct(t["min_fill_bound"])))
        lines.append(label("tier_short", lang, tier=name, what=label("list_sep", lang).join(words)))
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    return out + f'<p class="meta" data-key="termination">{_e(why)}</p><ul class="meta">{items}</ul>'


def _headline(summary: Mapping[str, Any], lang: Lang) -> str:
    """The numbers a planner reads first, as cards."""
    t = summary["totals"]
    cards = [
        (
            "households_fully_served",
            label("hh_fully", lang),
            _int(t["households_fully_served"]),
            label("of_with_requests", lang, n=_int(t["households_with_requests"])),
        ),
        (
            "households_receiving",
            label("hh_receiving", lang),
            _int(t["households_receiving"]),
            label("of_with_requests", lang, n=_int(t["households_with_requests"])),
        ),
        (
            "needs_fully_served",
            label("needs_fully", lang),
            _int(t["needs_fully_served"]),
            label("of_n", lang, n=_int(t["needs"])),
        ),
        (
            "units_allocated",
            label("units_allocated", lang),
            _int(t["units_allocated"]),
            label("of_n", lang, n=_int(t["units_requested"])),
        ),
        ("unmet", label("unmet", lang), _int(t["unmet"]), label("unmet_sub", lang)),
    ]
    if t["services"]:
        cards.insert(
            3,
            (
                "services_done",
                label("services_done", lang),
                _int(t["services_done"]),
                label("of_n", lang, n=_int(t["services"])),
            ),
        )
    volunteers = summary["volunteers"]
    if volunteers is not None:
        cards.append(
            (
                "hours_used",
                label("hours_used", lang),
                _hours(volunteers["hours_used"]),
                label("of_n", lang, n=_hours(volunteers["hours_offered"])),
            )
        )
    html = [f"<h2>{_e(label('headline', lang))}</h2>", '<div class="cards">']
    for key, name, value, sub in cards:
        html.append(
            f'<div class="card" data-key="{key}"><div class="label">{_e(name)}</div>'
            f'<div class="value">{_e(value)}</div><div class="sub">{_e(sub)}</div></div>'
        )
    html.append("</div>")
    return "\n".join(html)


def _tiers(summary: Mapping[str, Any], lang: Lang) -> str:
    """Bar chart of lowest and mean fill per tier, then the table with counts and fairness indices."""
    tiers = summary["tiers"]
    fair = summary["fairness"]
    rows = []
    for t in tiers:
        f = fair["tiers"].get(t["tier"], {})
        rows.append(
            f'<tr data-tier="{_e(t["tier"])}"><td>{_e(tier_label(t["tier"], lang))}</td>'
            f'<td class="n">{_int(t["needs"])}</td><td class="n">{_int(t["services"])}</td>'
            f'<td class="n">{_int(t["households"])}</td><td class="n min-fill">{_pct(t["min_fill"])}</td>'
            f'<td class="n mean-fill">{_pct(t["mean_fill"])}</td><td class="n">{_int(t["fully_served"])}</td>'
            f'<td class="n">{_index(f.get("gini"))}</td><td class="n">{_index(f.get("jain"))}</td></tr>'
        )
    overall = fair["overall"]
    rows.append(
        f'<tr><td><b>{_e(label("overall", lang))}</b></td><td class="n">{_int(summary["totals"]["needs"])}</td>'
        f'<td class="n">{_int(summary["totals"]["services"])}</td><td></td><td></td><td></td><td></td>'
        f'<td class="n">{_index(overall["gini"])}</td><td class="n">{_index(overall["jain"])}</td></tr>'
    )
    head = _head(
        lang,
        ("tier", False),
        ("needs", True),
        ("services", True),
        ("households", True),
        ("min_fill", True),
        ("mean_fill", True),
        ("fully_served", True),
        ("gini", True),
        ("jain", True),
    )
    return "\n".join(
        [
            f"<h2>{_e(label('tiers_h', lang))}</h2>",
            _legend((_MIN_COLOUR, label("min_fill", lang)), (_MEAN_COLOUR, label("mean_fill", lang))),
            f"<figure>{_tier_chart(tiers, lang)}</figure>",
            f"<table>{head}<tbody>{''.join(rows)}</tbody></table>",
            f'<p class="note">{_e(label("fill_note", lang))} {_e(label("fairness_note", lang))}</p>',
        ]
    )


def _items(summary: Mapping[str, Any], lang: Lang) -> str:
    """Per item table with a bar of allocated and shortage units, all bars to the largest request."""
    items = summary["items"]
    html = [f"<h2>{_e(label('items_h', lang))}</h2>"]
    if not items:
        html.append(f"<p>{_e(label('no_items', lang))}</p>")
        return "\n".join(html)
    scale = max(max(i["requested"] for i in items), 1)
    rows = [
        f'<tr data-item="{_e(i["item"])}"><td class="name">{_e(i["item"])}</td><td class="n">{_int(i["supplied"])}</td>'
        f'<td class="n">{_int(i["requested"])}</td><td class="n">{_int(i["allocated"])}</td>'
        f'<td class="n shortage">{_int(i["shortage"])}</td><td class="n">{_int(i["unused"])}</td>'
        f'<td class="bar">{_stacked_cell(((i["allocated"], _ALLOCATED_COLOUR), (i["shortage"], _SHORT_COLOUR)), scale)}'
        "</td></tr>"
        for i in items
    ]
    head = _head(
        lang,
        ("item", False),
        ("supplied", True),
        ("requested", True),
        ("allocated", True),
        ("shortage", True),
        ("unused", True),
        ("", False),
    )
    html += [
        _legend((_ALLOCATED_COLOUR, label("allocated", lang)), (_SHORT_COLOUR, label("shortage", lang))),
        f"<table>{head}<tbody>{''.join(rows)}</tbody></table>",
        f'<p class="note">{_e(label("items_note", lang))}</p>',
    ]
    return "\n".join(html)


def _grids(summary: Mapping[str, Any], lang: Lang) -> str:
    """Per grid table: counts, fills with a bar (mean, lowest marked), units, volunteer hours."""
    with_hours = summary["volunteers"] is not None
    rows = []
    for g in summary["grids"]:
        hours = ""
        if with_hours:
            hours = f'<td class="n">{_hours(g["volunteer_hours_used"])} / {_hours(g["volunteer_hours_offered"])}</td>'
        rows.append(
            f'<tr data-grid="{_e(g["grid"])}"><td class="name">{_e(g["grid"])}</td>'
            f'<td class="n">{_int(g["households"])}</td>'
            f'<td class="n">{_int(g["needs"])}</td><td class="n min-fill">{_pct(g["min_fill"])}</td>'
            f'<td class="n mean-fill">{_pct(g["mean_fill"])}</td>'
            f'<td class="bar">{_fill_cell(g["min_fill"], g["mean_fill"])}</td>'
            f'<td class="n">{_int(g["units_received"])} / {_int(g["units_requested"])}</td>{hours}</tr>'
        )
    columns = [
        ("grid", False),
        ("households", True),
        ("needs", True),
        ("min_fill", True),
        ("mean_fill", True),
        ("", False),
        ("received_asked", True),
    ]
    if with_hours:
        columns.append(("hours_used_offered", True))
    return "\n".join(
        [
            f"<h2>{_e(label('grids_h', lang))}</h2>",
            f"<table>{_head(lang, *columns)}<tbody>{''.join(rows)}</tbody></table>",
            f'<p class="note">{_e(label("grids_note", lang))}</p>',
        ]
    )


def _volunteers(summary: Mapping[str, Any], lang: Lang) -> str:
    """One bar of the hours offered: used for deliveries, for services, and not used."""
    v = summary["volunteers"]
    html = [f"<h2>{_e(label('volunteers_h', lang))}</h2>"]
    if v is None:
        html.append(f"<p>{_e(label('no_volunteers', lang))}</p>")
        return "\n".join(html)
    unused = max(v["hours_offered"] - v["hours_used"], 0.0)
    parts = (
        (v["delivery_hours"], _ALLOCATED_COLOUR, label("deliveries", lang)),
        (v["service_hours"], _SERVICE_COLOUR, label("service_visits", lang)),
        (unused, _TRACK_COLOUR, label("unused_hours", lang)),
    )
    html += [
        f'<p data-key="volunteer_hours">{_e(label("used", lang))} <b>{_hours(v["hours_used"])}</b> / '
        f"{_e(label('offered', lang))} <b>{_hours(v['hours_offered'])}</b> · "
        f"{_e(label('volunteers_count', lang, n=_int(v['volunteers'])))}</p>",
        _legend(*((colour, f"{name} {_hours(h)}") for h, colour, name in parts)),
        f"<figure>{_hours_chart([(h, colour) for h, colour, _ in parts], max(v['hours_offered'], v['hours_used']))}"
        "</figure>",
    ]
    return "\n".join(html)


def _help(summary: Mapping[str, Any], ranks: Mapping[str, int], lang: Lang) -> str:
    """Items and grids' volunteer hours ranked by what one more unit or hour would do (see `_help_key`)."""
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
    html = [f"<h2>{_e(label('help_h', lang))}</h2>"]
    if not helpful:
        html.append(f"<p>{_e(label('nothing_helps', lang))}</p>")
        if unmeasured:
            html.append(f'<p class="note">{_e(label("not_measured", lang, n=_int(unmeasured)))}</p>')
        return "\n".join(html)
    rows = [
        f'<tr data-resource="{_e(kind)}:{_e(name)}">'
        f"<td>{_e(label('one_unit' if kind == 'item' else 'one_hour', lang, name=name))}</td>"
        f'<td>{_e(tier_label(mv["tier"], lang))}</td><td class="n">{_hours(mv["shortage"])}</td>'
        f'<td class="n">{_points(mv["min_fill_gain"])}</td><td class="n">{_points(mv["mean_fill_gain"])}</td>'
        f"<td>{_e(label('method_' + mv['method'], lang))}</td></tr>"
        for kind, name, mv in helpful[:HELP_ROWS]
    ]
    head = _head(
        lang,
        ("resource", False),
        ("tier_helped", False),
        ("short_of_it", True),
        ("min_gain", True),
        ("mean_gain", True),
        ("method", False),
    )
    html += [
        f'<p class="note">{_e(label("help_intro", lang))}</p>',
        f"<table>{head}<tbody>{''.join(rows)}</tbody></table>",
        f'<p class="note">{_e(label("methods_note", lang))}</p>',
    ]
    notes = []
    if len(helpful) > HELP_ROWS:
        notes.append(label("more_help", lang, n=_int(len(helpful) - HELP_ROWS)))
    if len(offers) - unmeasured > len(helpful):
        notes.append(label("helps_nobody", lang, n=_int(len(offers) - unmeasured - len(helpful))))
    if unmeasured:
        notes.append(label("not_measured", lang, n=_int(unmeasured)))
    if notes:
        html.append(f'<p class="note">{_e(" ".join(notes))}</p>')
    return "\n".join(html)


def _unmet(summary: Mapping[str, Any], shortfalls: Sequence[Shortfall], ranks: Mapping[str, int], lang: Lang) -> str:
    """Counts per reason, then the shortfalls, highest tier and lowest fill first, capped at `UNMET_ROWS`."""
    html = [f"<h2>{_e(label('unmet_h', lang))}</h2>"]
    if not shortfalls:
        html.append(f'<p data-key="all_served">{_e(label("all_served", lang))}</p>')
        return "\n".join(html)
    counts = summary["shortfalls"]["by_reason"]
    reason_rows = [
        f'<tr data-reason="{_e(code)}"><td>{_e(label("reason_" + code, lang))}</td>'
        f'<td>{_e(label("why_" + code, lang))}</td><td><code>{_e(code)}</code></td><td class="n">{_int(n)}</td></tr>'
        for code, n in counts.items()
        if n
    ]
    reason_head = _head(lang, ("reason", False), ("meaning", False), ("code", False), ("count", True))
    html += [
        f"<h3>{_e(label('by_reason', lang))}</h3>",
        f"<table>{reason_head}<tbody>{''.join(reason_rows)}</tbody></table>",
    ]
    order = sorted(
        shortfalls,
        key=lambda s: (
            ranks.get(s.tier, len(ranks)),
            s.received / s.requested if s.requested else 0.0,
            s.grid,
            s.household_id,
            s.id,
        ),
    )
    rows = [
        f'<tr><td class="kind">{_e(label("kind_" + s.kind, lang))}</td><td>{_e(s.id)}</td>'
        f"<td>{_e(s.household_id)}</td>"
        f"<td>{_e(s.grid)}</td><td>{_e(tier_label(s.tier, lang))}</td><td>{_e(s.item_or_skill)}</td>"
        f'<td class="n">{_hours(s.requested)}</td><td class="n">{_hours(s.received)}</td>'
        f'<td class="n">{_hours(s.shortfall)}</td><td>{_e(_reason(s.reason, lang))}</td></tr>'
        for s in order[:UNMET_ROWS]
    ]
    head = _head(
        lang,
        ("kind", False),
        ("id", False),
        ("household", False),
        ("grid", False),
        ("tier", False),
        ("item_or_skill", False),
        ("requested", True),
        ("received", True),
        ("shortfall", True),
        ("reason", False),
    )
    html += [
        f'<p class="note">{_e(label("unmet_order", lang))}</p>',
        f'<table class="unmet">{head}<tbody>{"".join(rows)}</tbody></table>',
    ]
    if len(order) > UNMET_ROWS:
        html.append(f'<p data-key="more_unmet">{_e(label("more_rows", lang, n=_int(len(order) - UNMET_ROWS)))}</p>')
    return "\n".join(html)


def _about(summary: Mapping[str, Any], lang: Lang) -> str:
    """The policy, input digests and versions: what anyone needs to re-run and compare.

    Timings stay in summary.json only, so that the same input gives a byte-identical page.
    """
    policy = summary["policy"]
    tiers = " › ".join(tier_label(t["name"], lang) for t in policy["tiers"])
    rows = [
        (label("policy_tiers", lang), tiers),
        (label("fairness", lang), label(f"fairness_{policy['fairness']}", lang)),
        (label("visit_hours", lang), _hours(policy["visit_hours"])),
        (label("version", lang), summary["solver"]["allocate"] or DASH),
    ]
    inputs = ", ".join(f"{name} {digest[:16]}" for name, digest in summary["inputs"].items())
    rows.append((label("inputs", lang), inputs or label("none", lang)))
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return "\n".join(
        [
            f"<h2>{_e(label('about_h', lang))}</h2>",
            f'<table class="about"><tbody>{body}</tbody></table>',
            f'<p class="note">{_e(label("files_note", lang))}</p>',
        ]
    )


# --- charts -------------------------------------------------------------------------------------------------


def _tier_chart(tiers: Sequence[Mapping[str, Any]], lang: Lang) -> str:
    """Horizontal bars, two per tier (lowest and mean fill), on a 0-100% axis with quarter gridlines."""
    left, right, top, row, bar = 170, 56, 6, 34, 12
    span = _CHART_WIDTH - left - right
    height = top + row * len(tiers) + 18
    parts = [
        f'<svg viewBox="0 0 {_CHART_WIDTH} {height}" '
        f'width="{_CHART_WIDTH}" height="{height}" role="img" aria-label="{_e(label("tiers_h", lang))}" '
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
        for j, (key, colour) in enumerate((("min_fill", _MIN_COLOUR), ("mean_fill", _MEAN_COLOUR))):
            value = t[key]
            yy = y + j * (bar + 1)
            if value is None:
                parts.append(f'<text x="{left + 4}" y="{yy + bar - 2}" fill="#333">{DASH}</text>')
                continue
            w = span * min(max(value, 0.0), 1.0)
            parts.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar}" fill="{colour}"/>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{yy + bar - 2}" fill="#111">{_pct(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _hours_chart(parts: Sequence[tuple[float, str]], total: float) -> str:
    """One stacked horizontal bar of volunteer hours, full width = `total`."""
    height = 22
    x = 0.0
    rects = []
    for hours, colour in parts:
        w = _CHART_WIDTH * hours / total if total > 0 else 0.0
        if w > 0:
            rects.append(f'<rect x="{x:.1f}" y="2" width="{w:.1f}" height="{height - 4}" fill="{colour}"/>')
        x += w
    return (
        f'<svg viewBox="0 0 {_CHART_WIDTH} {height}" width="{_CHART_WIDTH}" '
        f'height="{height}" role="img">{"".join(rects)}</svg>'
    )


def _stacked_cell(parts: Iterable[tuple[float, str]], scale: float) -> str:
    """A small in-table bar: `parts` (value, colour) side by side, `scale` filling the cell."""
    x = 0.0
    rects = []
    for value, colour in parts:
        w = 100 * value / scale
        if w > 0:
            rects.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="10" fill="{colour}"/>')
        x += w
    return _cell("".join(rects))


def _fill_cell(min_fill: float | None, mean_fill: float | None) -> str:
    """A small in-table bar: mean fill, with the lowest fill as a dark mark."""
    if min_fill is None or mean_fill is None:
        return ""
    low = min(max(min_fill, 0.0), 1.0) * 100
    return _cell(
        f'<rect x="0" y="0" width="100" height="10" fill="{_TRACK_COLOUR}"/>'
        f'<rect x="0" y="0" width="{mean_fill * 100:.2f}" height="10" fill="{_MEAN_COLOUR}"/>'
        f'<rect x="{max(low - 0.75, 0):.2f}" y="0" width="1.5" height="10" fill="{_MIN_COLOUR}"/>'
    )


def _cell(content: str) -> str:
    return f'<svg class="cell" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">{content}</svg>'


# --- small pieces -------------------------------------------------------------------------------------------


def _head(lang: Lang, *columns: tuple[str, bool]) -> str:
    """A table head from (label key or "" for none, right-aligned) pairs."""
    cells = []
    for key, numeric in columns:
        attr = ' class="n"' if numeric else ""
        cells.append(f"<th{attr}>{_e(label(key, lang)) if key else ''}</th>")
    return f"<thead><tr>{''.join(cells)}</tr></thead>"


def _legend(*entries: tuple[str, str]) -> str:
    spans = "".join(
        f'<span><i class="swatch" style="background:{colour}"></i>{_e(text)}</span>' for colour, text in entries
    )
    return f'<p class="legend">{spans}</p>'


def _helps(mv: Mapping[str, Any]) -> bool:
    """Whether a measured marginal value says one more unit or hour would raise some tier's fill."""
    return mv["measured"] and mv["tier"] is not None and (mv["min_fill_gain"] > 0 or mv["mean_fill_gain"] > 0)


def _help_key(offer: tuple[str, str, Mapping[str, Any]], ranks: Mapping[str, int]) -> tuple[Any, ...]:
    """Highest-priority tier helped first (strict priority), then larger rise of its lowest fill (leximin), then
    of its mean fill; ties by items before hours, then name, so the order is stable."""
    kind, name, mv = offer
    return (ranks.get(mv["tier"], len(ranks)), -mv["min_fill_gain"], -mv["mean_fill_gain"], kind != "item", name)


def _reason(reason: Reason, lang: Lang) -> str:
    return label(f"reason_{reason.value}", lang)


def _e(text: object) -> str:
    """HTML-escape case text (ids and items may hold `<`, `&`, quotes)."""
    return escape(str(text), quote=True)


def _int(n: int) -> str:
    return f"{n:,}"


def _pct(fill: float | None) -> str:
    """A fill as a percentage with one decimal, rounded down so that 100.0% means fully served."""
    if fill is None:
        return DASH
    return f"{math.floor(round(fill * 1000, 6)) / 10:.1f}%"


def _points(gain: float) -> str:
    """A fill gain in percentage points, signed (a mean can fall while the lowest fill rises), two decimals."""
    return f"{gain * 100 + 0.0:+.2f}"


def _hours(x: float) -> str:
    """Hours (or units of a shortfall) with at most two decimals and no trailing zeros: 78.5, 86, 0.25."""
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _index(x: float | None) -> str:
    return DASH if x is None else f"{x:.3f}"


def _shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis: chart labels must not run into the bars."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
