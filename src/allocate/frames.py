"""DataFrames in and out, for apps built on pandas or polars, without depending on either.

In: `case_from_frames` reads each table from a frame through the same reader as a CSV file. Each cell becomes
the text a CSV export of it would hold (a whole float `3.0` is `3`, a date `2026-03-01`, a list `a;b`), and
None, NaN, NaT, pandas' NA and empty or blank strings are blank cells. So columns may be named in English or
Chinese, values written as in the files (是/否, 紧急, full-width digits), and every problem comes back in one
`InputError` as `table:line:column: message`: the table's name in place of a file, line 1 the header and line 2
the frame's first row (as a spreadsheet counts), column 1 the frame's first column.

Out: `plan_frames` (and `allocate.Result.frames`) give a plan's allocations, its unmet needs and services and its
visits as frames with the columns of `allocation.csv`, `unmet.csv` and `visits.csv`.

Why duck typing rather than an adapter library (narwhals): reading needs only a frame's column names and its
rows (polars' `iter_rows`, pandas' `itertuples`), and writing only each library's frame constructor from a dict
of columns: long-stable API of both, a few lines here, where an adapter would be one more dependency for every
user. pandas or polars is imported only when a frame of it is asked for.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from typing import Any, Literal

import numpy as np

from allocate.checks import check_path, fail
from allocate.explain import Explanation, shortfalls
from allocate.io.cells import native_text
from allocate.io.columns import TABLES
from allocate.io.reader import read_found
from allocate.io.sources import Found, Rows, Sheet
from allocate.outputs import UNMET_COLUMNS
from allocate.plan import ALLOCATION_COLUMNS, VISIT_COLUMNS, Plan
from allocate.schema import Case, Policy

Frame = Any
"""A pandas or polars DataFrame (or a list of dicts, one a row); typed loosely, as neither is a dependency."""

Kind = Literal["pandas", "polars"]

_INTS = frozenset({"quantity"})
_FLOATS = frozenset({"hours", "requested", "received", "shortfall"})
"""Output columns that hold numbers; every other column holds text (None where a cell is blank)."""


def case_from_frames(
    *,
    households: Frame,
    needs: Frame,
    supplies: Frame,
    volunteers: Frame | None = None,
    services: Frame | None = None,
    policy: Policy | str | os.PathLike[str] | None = None,
    earlier: Frame | None = None,
) -> Case:
    """A case from one frame per table (pandas or polars DataFrames, or lists of dicts); InputError lists every
    problem at `table:line:column`, as `read_case` lists a file's.

    Columns and values are those of the case's CSV tables (see the module docstring for how cells are read);
    a named pandas index counts as columns. `volunteers=None` means no volunteers table (deliveries are not
    limited); `services` needs volunteers. `policy` is a Policy, the path of a policy.toml, or None for the
    default policy. `earlier`, the earlier rounds fairness over rounds counts (`Case.earlier`), may be left out.
    """
    if policy is not None and not isinstance(policy, Policy):
        try:
            check_path(policy, "policy", "case_from_frames")
        except ValueError:
            raise fail("policy", "case_from_frames", "a Policy, the path of a policy.toml, or None", policy) from None
    given = {
        "households": households,
        "needs": needs,
        "supplies": supplies,
        "volunteers": volunteers,
        "services": services,
        "earlier": earlier,
    }
    sheets = []
    for table in TABLES:
        frame = given[table.name]
        if frame is None and not table.required:
            continue
        header, rows = _columns_and_rows(frame, table.name)
        sheets.append(Sheet(table, table.name, _sheet_rows(header, rows)))
    return read_found(Found(sheets, [], None, nullcontext()), policy)[0]


def _columns_and_rows(frame: Frame, param: str) -> tuple[list[str], Iterable[Sequence[object]]]:
    """A frame's column names and its rows (each a sequence of values in column order)."""
    if callable(getattr(frame, "iter_rows", None)) and hasattr(frame, "columns"):  # polars
        return [str(c) for c in frame.columns], frame.iter_rows()
    if callable(getattr(frame, "itertuples", None)) and hasattr(frame, "columns"):  # pandas
        if any(name is not None for name in getattr(frame.index, "names", ())):
            frame = frame.reset_index()  # `set_index("household_id")` keeps the column, as an index
        return [str(c) for c in frame.columns], frame.itertuples(index=False, name=None)
    if isinstance(frame, list | tuple) and all(isinstance(r, Mapping) for r in frame):
        keys = list(dict.fromkeys(k for r in frame for k in r))
        return [str(k) for k in keys], ([r.get(k) for k in keys] for r in frame)
    expected = "a pandas or polars DataFrame (a polars LazyFrame collected), or a list of dicts, one a row"
    raise fail(param, "case_from_frames", expected, frame)


def _sheet_rows(header: list[str], rows: Iterable[Sequence[object]]) -> Callable[[], Rows]:
    """The rows a `Sheet` gives: the header on line 1, then each row as cells of text from line 2 on."""

    def lines() -> Rows:
        yield 1, header
        for line, row in enumerate(rows, start=2):
            yield line, [_text(v) for v in row]

    return lines


def _text(value: object) -> str:
    """A frame's cell as the text a CSV export of it would hold; "" for a blank (None, NaN, NaT, NA)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):  # a list column: grids, skills
        entries = [_text(v) for v in value]
        return ";".join(sorted(entries) if isinstance(value, set | frozenset) else entries)
    try:
        if value != value:  # NaN, NaT
            return ""
    except (TypeError, ValueError):  # pandas' NA, whose truth is "ambiguous"
        return ""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        x = float(value)
        return "" if math.isnan(x) else native_text(x)
    if isinstance(value, np.datetime64):
        return native_text(value.astype("datetime64[us]").item())
    return native_text(value)


def plan_frames(plan: Plan, *, kind: Kind = "pandas", explanation: Explanation | None = None) -> dict[str, Any]:
    """A plan as frames of `kind`: `allocation`, `unmet` and `visits`, each with its CSV file's columns.

    Rows are in the files' order. Numbers are numbers (`quantity` whole; `hours`, `requested`, `received` and
    `shortfall` floats), the rest text; a cell the files leave blank (the `service_id` of a delivery, the grid
    of a need the case does not know) is missing (None; pandas may show it as NaN, as its text columns do).
    `visits` is empty without a volunteers table. `unmet` is taken
    from `explanation` when given, else worked out (`allocate.explain.shortfalls`).
    """
    if kind not in ("pandas", "polars"):
        raise fail("kind", "plan_frames", '"pandas" or "polars"', kind)
    rows = explanation.shortfalls if explanation is not None else shortfalls(plan)
    unmet = list(
        zip(
            *map(rows.column, UNMET_COLUMNS[:-1]),
            [r.value for r in rows.column("reason")],
            strict=True,
        )
    )
    build = _pandas if kind == "pandas" else _polars
    return {
        "allocation": build(ALLOCATION_COLUMNS, _allocation_rows(plan)),
        "unmet": build(UNMET_COLUMNS, unmet),
        "visits": build(VISIT_COLUMNS, _visit_rows(plan)),
    }


def _allocation_rows(plan: Plan) -> list[tuple[object, ...]]:
    """allocation.csv's rows as values: the need's household, grid, tier and item beside each allocation."""
    case = plan.case
    hh, hh_index, names = case.households, case.household_index, case.policy.tier_names
    need_ids, owners, items = (case.needs.column(f) for f in ("need_id", "household_id", "item"))
    need_at = dict(zip(need_ids, range(len(need_ids)), strict=True))
    grids = hh.column("grid")
    out: list[tuple[object, ...]] = []
    allocs = plan.allocations
    for need_id, lot_id, quantity in zip(*map(allocs.column, ("need_id", "lot_id", "quantity")), strict=True):
        i = need_at.get(need_id)
        if i is None:
            out.append((need_id, None, None, None, None, lot_id, quantity))
            continue
        grid = grids[hh_index[owners[i]]]
        out.append((need_id, owners[i], grid, names[case.need_tiers[i]], items[i], lot_id, quantity))
    return out


def _visit_rows(plan: Plan) -> list[tuple[object, ...]]:
    """visits.csv's rows as values: the household's grid beside each visit."""
    grids, hh_index, visits = plan.case.households.column("grid"), plan.case.household_index, plan.visits
    homes = visits.column("household_id")
    return list(
        zip(
            visits.column("volunteer_id"),
            homes,
            [None if row is None else grids[row] for row in map(hh_index.get, homes)],
            visits.column("kind"),
            visits.column("service_id"),
            visits.column("hours"),
            strict=True,
        )
    )


def _columns(names: Sequence[str], rows: Sequence[tuple[object, ...]]) -> Iterator[tuple[str, list[object]]]:
    """Each column's name and values, from rows."""
    values: list[list[object]] = [[] for _ in names]
    for row in rows:
        for column, v in zip(values, row, strict=True):
            column.append(v)
    return zip(names, values, strict=True)


def _pandas(names: Sequence[str], rows: Sequence[tuple[object, ...]]) -> Any:
    """A pandas DataFrame: whole numbers int64, other numbers float64, text as pandas makes it."""
    try:
        import pandas
    except ImportError as e:
        raise ImportError("frames of kind 'pandas' need pandas: pip install pandas") from e
    dtypes = {n: "int64" if n in _INTS else "float64" if n in _FLOATS else None for n in names}
    return pandas.DataFrame(
        {n: pandas.Series(v, dtype=dtypes[n] or (object if not v else None)) for n, v in _columns(names, rows)}
    )


def _polars(names: Sequence[str], rows: Sequence[tuple[object, ...]]) -> Any:
    """A polars DataFrame: whole numbers Int64, other numbers Float64, text String."""
    try:
        import polars
    except ImportError as e:
        raise ImportError("frames of kind 'polars' need polars: pip install polars") from e
    schema = {n: polars.Int64 if n in _INTS else polars.Float64 if n in _FLOATS else polars.String for n in names}
    return polars.DataFrame(dict(_columns(names, rows)), schema=schema)
