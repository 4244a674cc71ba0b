"""Writing the notice: four files into one folder, all at once, the same bytes for the same inputs.

`donors.html` (a page per donor) and `notice.html` (a page per grid, to post) are for print on A4; `donors.csv`
(one row per item, grid and tier given, and per lot expired unused) and `notice.csv` (one row per need, household
ids masked) hold the same for a spreadsheet, with headers in the language asked for. Written as the sheets are
(`allocate.files.atomic_folder`): a temporary folder renamed into place, so a failure leaves nothing; an existing
folder is replaced only when asked and only when it holds nothing but these files; CSV cells are guarded against
formulas.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from allocate.catalog import Lang, message
from allocate.checks import check_flag, check_path, check_type, fail
from allocate.files import atomic_folder, write_csv
from allocate.notice.build import Notice, build_notice
from allocate.notice.html import render_donors, render_notice
from allocate.plan import Plan
from allocate.sheets.write import BrokenPlanError
from allocate.verify import verify

DONORS_HTML, DONORS_CSV = "donors.html", "donors.csv"
NOTICE_HTML, NOTICE_CSV = "notice.html", "notice.csv"
NOTICE_FILES = frozenset({DONORS_HTML, DONORS_CSV, NOTICE_HTML, NOTICE_CSV})
"""Every file `write_notice` writes: a folder holding only these may be replaced (`overwrite`)."""


def write_notice(
    folder: str | os.PathLike[str],
    plan: Plan,
    *,
    lang: Lang = "zh",
    overwrite: bool = False,
) -> Path:
    """Write the donor statements and the grid notices of `plan` (for `plan.case`) into `folder`, all at once.

    The plan is checked against its case first (`verify`); one that breaks a rule raises `BrokenPlanError` and
    nothing is written. An existing non-empty folder is refused (`OutputExistsError`) unless `overwrite`, and
    even then unless it holds nothing but notice files (`NOTICE_FILES`). Returns the folder.
    """
    check_path(folder, "folder", "write_notice")
    check_type(plan, Plan, "plan", "write_notice", "a Plan")
    check_flag(overwrite, "overwrite", "write_notice")
    if lang not in ("en", "zh"):
        raise fail("lang", "write_notice", '"en" or "zh"', lang)
    check = verify(plan.case, plan)
    if not check.ok:
        raise BrokenPlanError(check.violations)
    notice = build_notice(plan.case, plan, lang)
    with atomic_folder(folder, overwrite=overwrite, replaceable=NOTICE_FILES) as tmp:
        (tmp / DONORS_HTML).write_text(render_donors(notice), encoding="utf-8")
        (tmp / NOTICE_HTML).write_text(render_notice(notice), encoding="utf-8")
        write_csv(tmp / DONORS_CSV, _donor_header(lang), _donor_rows(notice))
        write_csv(tmp / NOTICE_CSV, _notice_header(lang), _notice_rows(notice))
    return Path(folder)


def _donor_header(lang: Lang) -> list[str]:
    keys = ("donor", "kind", "item", "grid", "tier", "lot", "expires", "units")
    return [message(f"notice_csv_{k}", lang) for k in keys]


def _donor_rows(notice: Notice) -> Iterator[list[str]]:
    """Per donor: a row per item, grid and tier given, then a row per lot expired unused."""
    given, expired = message("notice_kind_given", notice.lang), message("notice_kind_expired", notice.lang)
    for d in notice.donors:
        for g in d.given:
            yield [d.donor, given, g.item, g.grid, g.tier_words, "", "", str(g.units)]
        for e in d.expired:
            yield [d.donor, expired, e.item, "", "", e.lot_id, e.expires.isoformat(), str(e.units)]


def _notice_header(lang: Lang) -> list[str]:
    keys = ("grid", "household", "tier", "item", "asked", "received", "rule")
    return [message(f"notice_csv_{k}", lang) for k in keys]


def _notice_rows(notice: Notice) -> Iterator[list[str]]:
    for g in notice.grids:
        for r in g.rows:
            yield [g.grid, r.masked_id, r.tier_words, r.item, str(r.asked), str(r.received), notice.rule]
