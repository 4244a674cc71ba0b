"""The papers volunteers and the warehouse carry: a page per volunteer and a pick list per grid (`allocate sheets`).

    from allocate import read_case, run
    from allocate.sheets import read_contacts, write_sheets

    case = read_case("my-case")
    result = run(case)
    write_sheets("my-sheets", result.plan, contacts=read_contacts("my-case", ["address", "phone"]), lang="zh")

`build_sheets` gives the same as data (`Sheets`); `allocate.sheets.build` says how stops and picks are ordered.
Contact columns come only from `read_contacts`, which reads the columns named and nothing else: `read_case`
never reads them, so no other output can hold them.
"""

from allocate.io.contacts import ADDRESS_WORDS, Contacts, contact_names, is_address, read_contacts
from allocate.sheets.build import (
    Goods,
    Pick,
    PickList,
    Sheets,
    Stop,
    Task,
    VolunteerSheet,
    build_sheets,
)
from allocate.sheets.html import render_pick_lists, render_volunteers
from allocate.sheets.write import SHEET_FILES, BrokenPlanError, write_sheets

__all__ = [
    "ADDRESS_WORDS",
    "SHEET_FILES",
    "BrokenPlanError",
    "Contacts",
    "Goods",
    "Pick",
    "PickList",
    "Sheets",
    "Stop",
    "Task",
    "VolunteerSheet",
    "build_sheets",
    "contact_names",
    "is_address",
    "read_contacts",
    "render_pick_lists",
    "render_volunteers",
    "write_sheets",
]
