"""`volunteers.html` and `pick-lists.html`: pages to print on A4 and carry, in English or Chinese.

Each is a Jinja2 template of `templates/` (the stylesheet `sheets.css` inlined) rendered with autoescape, as the
report is: every value printed is escaped by `html.escape`, the planner's ids, items and contact cells included.
One volunteer (or grid) per printed page; a long round runs on to the next page with its table header repeated.
No scripts, no external files. Words come from `allocate.catalog`; the same sheets give the same text.
"""

from __future__ import annotations

from functools import cache

import jinja2

from allocate.catalog import Lang, message
from allocate.report.numbers import hours, thousands
from allocate.report.templating import page_environment
from allocate.schema.case import ALL_GRIDS
from allocate.sheets.build import Sheets, VolunteerSheet


def render_volunteers(sheets: Sheets, *, lang: Lang) -> str:
    """The volunteer pages of `sheets`, one per volunteer with visits, in `lang`."""
    return _render("volunteers.html.j2", sheets, lang, volunteer_facts=lambda v: _facts(v, lang))


def render_pick_lists(sheets: Sheets, *, lang: Lang) -> str:
    """The pick lists of `sheets`, one per grid that receives goods, in `lang`."""
    return _render("pick-lists.html.j2", sheets, lang)


def _render(name: str, sheets: Sheets, lang: Lang, **more: object) -> str:
    return (
        _environment()
        .get_template(name)
        .render(
            sheets=sheets,
            html_lang=message("html_lang", lang),
            t=lambda key, **fields: message(key, lang, **fields),
            **more,
        )
    )


def _facts(v: VolunteerSheet, lang: Lang) -> list[tuple[str, str]]:
    """The lines under a volunteer's name: grids, skills, hours booked, stops."""
    grids = [message("sheet_all_grids", lang) if g == ALL_GRIDS else g for g in v.grids]
    booked, offered = hours(v.hours_booked), hours(v.hours_offered)
    return [
        (message("sheet_grids", lang), message("enum_comma", lang).join(grids)),
        (message("sheet_skills", lang), message("enum_comma", lang).join(v.skills) or message("sheet_no_skills", lang)),
        (message("sheet_hours", lang), message("sheet_hours_of", lang, booked=booked, offered=offered)),
        (message("sheet_stops", lang), thousands(len(v.stops))),
    ]


@cache
def _environment() -> jinja2.Environment:
    """The template environment (`allocate.report.templating`), built once."""
    return page_environment("allocate.sheets", {"thousands": thousands, "hours": hours})
