"""summary.json and report.html (SPEC section 4): the plan's numbers as data, and a page people read and print."""

from allocate.catalog import Lang
from allocate.report.html import render_html
from allocate.report.summary import SCHEMA_VERSION, build_summary, gini, jain, summary_json

__all__ = ["SCHEMA_VERSION", "Lang", "build_summary", "gini", "jain", "render_html", "summary_json"]
