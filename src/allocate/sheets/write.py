"""Writing the papers: four files into one folder, all at once, the same bytes for the same plan.

`volunteers.html` and `pick-lists.html` are for print (A4, a page per volunteer or grid); `volunteers.csv` (one
row per stop, its last two columns, result and delivered, left empty for the volunteer to fill, and a third, night,
when the policy's `[credit]` weights night visits: `allocate round results` reads it back) and `pick-lists.csv` (one
row per grid and lot) hold the same for a spreadsheet, with headers in the language asked for. Written as the plan
is (`allocate.files`): a temporary folder renamed into place, so a failure leaves nothing; an existing folder is
replaced only when asked and only when it holds nothing but these files; CSV cells are guarded against formulas.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from allocate.catalog import Lang, message
from allocate.checks import check_flag, check_path, check_type, fail
from allocate.errors import AllocateError
from allocate.files import atomic_folder, write_csv
from allocate.io.contacts import Contacts
from allocate.plan import Plan, format_hours
from allocate.sheets.build import Sheets, build_sheets
from allocate.sheets.html import render_pick_lists, render_volunteers
from allocate.verify import Violation, verify

VOLUNTEERS_HTML, VOLUNTEERS_CSV = "volunteers.html", "volunteers.csv"
PICK_LISTS_HTML, PICK_LISTS_CSV = "pick-lists.html", "pick-lists.csv"
SHEET_FILES = frozenset({VOLUNTEERS_HTML, VOLUNTEERS_CSV, PICK_LISTS_HTML, PICK_LISTS_CSV})
"""Every file `write_sheets` writes: a folder holding only these may be replaced (`overwrite`)."""


class BrokenPlanError(AllocateError):
    """The plan given to `write_sheets` breaks a rule of its case (`violations`): no papers are made for it.

    A plan from `run` or `solve` always holds; one edited by hand, or read from files that do not match the
    case, may not. `allocate verify CASE PLAN` lists what it breaks.
    """

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations: tuple[Violation, ...] = tuple(violations)
        n = len(self.violations)
        first = f"; the first: {self.violations[0]}" if n else ""
        super().__init__(f"the plan does not hold for its case ({n:,} violation{'s' if n != 1 else ''}){first}")


def write_sheets(
    folder: str | os.PathLike[str],
    plan: Plan,
    *,
    contacts: Contacts | None = None,
    lang: Lang = "en",
    overwrite: bool = False,
) -> Path:
    """Write the volunteer pages and pick lists of `plan` into `folder`, all at once; returns the folder.

    The plan is checked against its case first (`verify`); one that breaks a rule raises `BrokenPlanError` and
    nothing is written. `contacts` (`read_contacts`) puts the named columns of the households table on each
    stop, and nowhere else. An existing non-empty folder is refused (`OutputExistsError`) unless `overwrite`, and
    even then unless it holds nothing but sheet files (`SHEET_FILES`).
    """
    check_path(folder, "folder", "write_sheets")
    check_type(plan, Plan, "plan", "write_sheets", "a Plan")
    check_type(contacts, (Contacts, type(None)), "contacts", "write_sheets", "a Contacts (read_contacts) or None")
    check_flag(overwrite, "overwrite", "write_sheets")
    if lang not in ("en", "zh"):
        raise fail("lang", "write_sheets", '"en" or "zh"', lang)
    check = verify(plan.case, plan)
    if not check.ok:
        raise BrokenPlanError(check.violations)
    sheets = build_sheets(plan, contacts)
    with atomic_folder(folder, overwrite=overwrite, replaceable=SHEET_FILES) as tmp:
        (tmp / VOLUNTEERS_HTML).write_text(render_volunteers(sheets, lang=lang), encoding="utf-8")
        (tmp / PICK_LISTS_HTML).write_text(render_pick_lists(sheets, lang=lang), encoding="utf-8")
        night = plan.case.policy.credit.night != 1  # the volunteer says which stops were at night
        write_csv(tmp / VOLUNTEERS_CSV, _volunteer_header(sheets, lang, night), _volunteer_rows(sheets, lang, night))
        write_csv(tmp / PICK_LISTS_CSV, _pick_header(lang), _pick_rows(sheets))
    return Path(folder)


def _volunteer_header(sheets: Sheets, lang: Lang, night: bool) -> list[str]:
    words = [message(f"sheet_csv_{k}", lang) for k in ("volunteer", "stop", "household", "grid")]
    keys = ("contact_free", "goods", "services", "hours", "result", "delivered") + (("night",) if night else ())
    after = [message(f"sheet_csv_{k}", lang) for k in keys]
    return [*words, *sheets.contact_columns, *after]


def _volunteer_rows(sheets: Sheets, lang: Lang, night: bool) -> Iterator[list[str]]:
    """One row per stop; goods and services each in one cell, as the page shows them."""
    sep = message("list_sep", lang)
    yes = message("sheet_yes", lang)
    for v in sheets.volunteers:
        for s in v.stops:
            goods = sep.join(message("sheet_goods_line", lang, item=g.item, n=g.quantity) for g in s.goods)
            tasks = sep.join(
                message("sheet_task_line", lang, skill=k.skill, hours=format_hours(k.hours)) for k in s.tasks
            )
            yield [
                v.volunteer_id,
                str(s.number),
                s.household_id,
                s.grid,
                *s.contacts,
                yes if s.contact_free else "",
                goods,
                tasks,
                format_hours(s.hours),
                "",  # result: left for the volunteer (allocate round results reads it back)
                "",  # delivered: the units, when partly delivered
                *([""] if night else []),  # night: yes for a stop made at night
            ]


def _pick_header(lang: Lang) -> list[str]:
    keys = ("grid", "expires", "item", "lot", "donor", "quantity", "households")
    return [message(f"sheet_csv_{k}", lang) for k in keys]


def _pick_rows(sheets: Sheets) -> Iterator[list[str]]:
    for p in sheets.pick_lists:
        for r in p.picks:
            expires = r.expires.isoformat() if r.expires else ""
            yield [p.grid, expires, r.item, r.lot_id, r.donor, str(r.quantity), str(r.households)]
