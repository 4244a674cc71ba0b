"""Reading a plan back from its files, so that `verify` can check any plan: ours, hand-edited, or another tool's.

Only the columns that define a plan are read (`need_id, lot_id, quantity` and the visit columns); the others
in `allocation.csv` (household, grid, tier, item) restate the case and are ignored, never trusted. Problems are
reported at `file:line:column` like a case's. Cells are read through `allocate.files.restore`, which undoes the
`'` that guards a cell against formula injection, so a written plan reads back exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from allocate.errors import InputError, Problem
from allocate.io.cells import NUMBER, TEXT, WHOLE
from allocate.io.columns import EARLIER, Column, Table
from allocate.io.sources import Rows, Sheet, csv_rows
from allocate.io.tables import read_table
from allocate.plan import Allocation, Plan, Status, Visit
from allocate.schema import Case, Records
from allocate.text import restore

ALLOCATIONS = Table(
    "allocation",
    "分配",
    Allocation,
    (
        Column("need_id", ("需求编号",), TEXT, True, "H001/rice"),
        Column("lot_id", ("批次",), TEXT, True, "L001"),
        Column("quantity", ("数量",), WHOLE, True, "1"),
    ),
    required=True,
)

VISITS = Table(
    "visits",
    "探访",
    Visit,
    (
        Column("volunteer_id", ("志愿者",), TEXT, True, "V001"),
        Column("household_id", ("户号",), TEXT, True, "H001"),
        Column("kind", ("类型",), TEXT, True, "delivery"),
        Column("service_id", ("服务编号",), TEXT),
        Column("hours", ("时长",), NUMBER, True, "0.5"),
    ),
    required=False,
)


def read_plan(case: Case, folder: str | os.PathLike[str], *, plan_date: dt.date | None = None) -> Plan:
    """The plan in `folder` (`allocation.csv`, and `visits.csv` if present) for `case`; InputError lists problems.

    The plan date is `plan_date` if given, else the one `summary.json` records, else the case policy's.
    """
    where = Path(folder)
    problems: list[Problem] = []
    tables: dict[str, Records[Any]] = {}
    for table in (ALLOCATIONS, VISITS):
        file = where / f"{table.name}.csv"
        if not file.is_file():
            if table.required:
                missing = "missing: a plan needs this file"
                problems.append(Problem(file=str(file), line=0, column=0, message=missing, key="plan_file_missing"))
            continue
        read = read_table(Sheet(table, str(file), _restored(csv_rows(str(file)))))
        problems += read.problems
        tables[table.name] = read.table()  # every cell checked by its field's rule: held as columns as it is
    if problems:
        raise InputError(problems)
    case = _with_earlier(case, where / "earlier.csv")
    day = plan_date or recorded_plan_date(where) or case.policy.effective_date()
    return Plan(
        case=case,
        allocations=tables["allocation"],
        visits=tables.get("visits", ()),
        plan_date=day,
        status=Status.FEASIBLE,
        backend="file",
    )


def _with_earlier(case: Case, file: Path) -> Case:
    """`case` with the earlier rounds a plan was planned with (`earlier.csv` beside it, which `Plan.write` writes
    when its case has them), unless the case has its own: so that a plan made under fairness over rounds is
    verified against the history it was made with."""
    if case.earlier or not file.is_file():
        return case
    read = read_table(Sheet(EARLIER, str(file), _restored(csv_rows(str(file)))))
    if read.problems:
        raise InputError(read.problems)
    try:
        return case.replace(earlier=read.table())
    except InputError as e:
        raise InputError([read.locate(p) for p in e.problems]) from None


def _restored(rows: Callable[[], Rows]) -> Callable[[], Rows]:
    """`rows` with every cell passed through `restore` (the `'` of a formula-guarded cell dropped)."""

    def restored() -> Rows:
        for line, cells in rows():
            yield line, [restore(c) for c in cells]

    return restored


def recorded_plan_date(folder: str | os.PathLike[str]) -> dt.date | None:
    """The plan date `summary.json` in `folder` records, if there is one; an unreadable summary is an InputError."""
    file = Path(folder) / "summary.json"
    if not file.is_file():
        return None
    try:
        return dt.date.fromisoformat(json.loads(file.read_text(encoding="utf-8"))["plan_date"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        said = f"cannot read the plan date: {e}"
        words = {"error": str(e)}
        problem = Problem(file=str(file), line=0, column=0, message=said, key="plan_date_unreadable", words=words)
        raise InputError([problem]) from None
