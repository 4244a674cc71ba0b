"""Writing a case as a folder of CSV tables a planner can open in Excel or WPS, and read back unchanged.

Everything goes into a temporary sibling folder that is renamed into place at the end, so a failure never
leaves a half-written case behind. A cell that could start a spreadsheet formula (an id such as `=HYPERLINK(...)`)
is written with a leading `'` (`allocate.files.neutralise`, inside `write_csv`); readers undo it with
`allocate.files.restore`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from allocate.files import atomic_folder, write_csv
from allocate.io.cells import Lang
from allocate.io.columns import EARLIER, HOUSEHOLDS, NEEDS, POLICY_FILE, SERVICES, SUPPLIES, VOLUNTEERS, Table
from allocate.io.policy_file import policy_toml
from allocate.schema import Case, Policy


def write_case(case: Case, folder: str | os.PathLike[str], *, lang: Lang = "en") -> None:
    """Write the case's tables (CSV, UTF-8 with BOM) and a commented `policy.toml` into a new or empty folder."""
    tables: list[tuple[Table, Sequence[BaseModel]]] = [
        (HOUSEHOLDS, case.households),
        (NEEDS, case.needs),
        (SUPPLIES, case.lots),
    ]
    if case.volunteers is not None:
        tables.append((VOLUNTEERS, case.volunteers))
    if case.services:
        tables.append((SERVICES, case.services))
    if case.earlier:
        tables.append((EARLIER, case.earlier))
    write_tables(folder, tables, case.policy, lang)


def write_tables(
    folder: str | os.PathLike[str],
    tables: Iterable[tuple[Table, Sequence[BaseModel]]],
    policy: Policy,
    lang: Lang,
    *,
    every_column: bool = False,
) -> None:
    """Write `tables` and the policy atomically: all into a temporary sibling, then renamed into place. A sparse
    column (quarantined, designated) is left out when no row sets it, so a case that does not use it reads as
    before; `every_column` keeps it (a template shows every column a planner may fill)."""
    with atomic_folder(folder) as tmp:
        for table, rows in tables:
            columns = [
                c for c in table.columns if every_column or not c.sparse or any(getattr(row, c.name) for row in rows)
            ]
            write_csv(
                tmp / f"{table.stem(lang)}.csv",
                [c.header(lang) for c in columns],
                ([c.cell.format(getattr(row, c.name), lang) for c in columns] for row in rows),
            )
        (tmp / POLICY_FILE).write_text(policy_toml(policy, lang), encoding="utf-8")
