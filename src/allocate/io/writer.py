"""Writing a case as a folder of CSV tables a planner can open in Excel or WPS, and read back unchanged.

Everything goes into a temporary sibling folder that is renamed into place at the end, so a failure never
leaves a half-written case behind.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel

from allocate.errors import AllocateError
from allocate.io.cells import Lang
from allocate.io.columns import HOUSEHOLDS, NEEDS, POLICY_FILE, SERVICES, SUPPLIES, VOLUNTEERS, Table
from allocate.io.policy_file import policy_toml
from allocate.schema import Case, Policy


class FolderNotEmptyError(AllocateError):
    """The target folder already holds files; we never overwrite a planner's data."""


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
    write_tables(folder, tables, case.policy, lang)


def write_tables(
    folder: str | os.PathLike[str],
    tables: Iterable[tuple[Table, Sequence[BaseModel]]],
    policy: Policy,
    lang: Lang,
) -> None:
    """Write `tables` and the policy atomically: all into a temporary sibling, then renamed into place."""
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FolderNotEmptyError(f"{target} already exists and is not an empty folder; choose a new folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        for table, rows in tables:
            _write_table(tmp / f"{table.stem(lang)}.csv", table, rows, lang)
        (tmp / POLICY_FILE).write_text(policy_toml(policy, lang), encoding="utf-8")
        if target.exists():
            target.rmdir()  # empty, checked above; a rename cannot replace a folder everywhere
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_table(path: Path, table: Table, rows: Sequence[BaseModel], lang: Lang) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)  # CRLF line ends, as Excel writes
        out.writerow([c.header(lang) for c in table.columns])
        out.writerows([c.cell.format(getattr(row, c.name), lang) for c in table.columns] for row in rows)
