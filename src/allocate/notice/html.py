"""`donors.html` and `notice.html`: pages to print on A4, in English or Chinese.

Jinja2 templates of `templates/` (the sheets' stylesheet inlined) rendered with autoescape, as the sheets are:
every value printed is escaped, the planner's ids, items and donors' names included. A page per donor, a page
per grid; no scripts, no external files. Words come from `allocate.catalog`; the same notice gives the same text.
"""

from __future__ import annotations

from functools import cache

import jinja2

from allocate.catalog import message
from allocate.notice.build import EXPIRY_WINDOW_DAYS, Notice
from allocate.report.numbers import thousands


def render_donors(notice: Notice) -> str:
    """A page per donor: where their lots went by grid and tier, what expired unused, totals per item."""
    return _render("donors.html.j2", notice)


def render_notice(notice: Notice) -> str:
    """A page per grid for posting: each household by masked id, tier, units asked and received, the rule."""
    return _render("notice.html.j2", notice)


def _render(name: str, notice: Notice) -> str:
    lang = notice.lang
    return (
        _environment()
        .get_template(name)
        .render(
            notice=notice,
            window=EXPIRY_WINDOW_DAYS,
            html_lang=message("html_lang", lang),
            t=lambda key, **fields: message(key, lang, **fields),
        )
    )


@cache
def _environment() -> jinja2.Environment:
    """The template environment (`allocate.report.templating`), built once; `sheets.css` comes from the sheets."""
    from allocate.report.templating import page_environment

    env = page_environment("allocate.notice", {"thousands": thousands})
    env.loader = jinja2.ChoiceLoader(
        [jinja2.PackageLoader("allocate.notice", "templates"), jinja2.PackageLoader("allocate.sheets", "templates")]
    )
    return env
