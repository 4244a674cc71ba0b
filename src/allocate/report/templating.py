"""The Jinja2 environment of every printed page (the report, the volunteer sheets and pick lists).

Autoescape, with every printed value escaped by `html.escape` (quotes too) unless it is `Markup` already, so a
planner's ids, items and contact cells can never become markup; undefined names are errors, not blanks; and the
whitespace rules the templates' first comments rely on.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import jinja2
from markupsafe import Markup


def page_environment(package: str, filters: dict[str, Callable[..., Any]]) -> jinja2.Environment:
    """An environment loading the `templates/` folder of `package`, with `filters`."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=escaped,
    )
    env.filters.update(filters)
    return env


def escaped(value: object) -> Markup:
    """Every printed value, escaped by `html.escape` unless it is `Markup` already (autoescape then keeps it)."""
    if isinstance(value, Markup):
        return value
    return Markup(escape(str(value), quote=True))
