"""Where a case's tables come from: CSV files in a folder or sheets of one xlsx workbook.

Both give the same thing, a `Sheet`: the table it holds, the name problems use for it, and a stream of
`(line, cells)` with cells as text, so one table reader serves both.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass, field
from typing import Any

from allocate.errors import Problem
from allocate.io.cells import native_text
from allocate.io.columns import POLICY_FILE, TABLES, Table, header_key
from allocate.io.encoding import UndecodableError, detect_encoding
from allocate.io.names import closest

Rows = Iterator[tuple[int, list[str]]]


class SourceError(ValueError):
    """A table cannot be read on from `line` on (bad encoding, broken CSV quoting, corrupt workbook)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Sheet:
    """One table of a case as found: which table, its name in problems, and its rows (opened when called)."""

    table: Table
    file: str
    rows: Callable[[], Rows]


@dataclass(frozen=True)
class Found:
    """The tables found at a path, what is missing or twice, a `policy.toml` if there is one, and what to close.

    `warnings` are notes on files or sheets that hold no table, or warnings where one looks like a misspelt
    table name.
    """

    sheets: list[Sheet]
    problems: list[Problem]
    policy: str | None
    resource: AbstractContextManager[Any]
    warnings: list[Problem] = field(default_factory=list)


def find_tables(path: str | os.PathLike[str]) -> Found:
    """The tables of a case folder of CSV files or of one `.xlsx` workbook."""
    where = os.fspath(path)
    if os.path.isdir(where):
        return _find_csv(where)
    if where.lower().endswith((".xlsx", ".xlsm")) and os.path.isfile(where):
        return _find_xlsx(where)
    what = "does not exist" if not os.path.exists(where) else "is neither a folder of CSV tables nor an .xlsx workbook"
    return Found([], [Problem(file=where, message=f"the case {what}")], None, nullcontext())


def _match(stems: dict[str, str], where: str, kind: str) -> tuple[dict[str, str], list[Problem], list[str]]:
    """Table name -> the one entry (by its stem) that holds it, in English or Chinese; what is missing or twice;
    and the entries that hold no table."""
    found: dict[str, str] = {}
    problems: list[Problem] = []
    matched: set[str] = set()
    for table in TABLES:
        keys = {header_key(table.name), header_key(table.alias)}
        hits = [name for stem, name in stems.items() if header_key(stem) in keys]
        matched.update(hits)
        if len(hits) > 1:
            msg = f"{' and '.join(hits)} both hold the {table.name} table; keep one"
            problems.append(Problem(file=where, table=table.name, message=msg))
        elif hits:
            found[table.name] = hits[0]
        elif table.required:
            msg = f"missing the {table.name} table: expected a {kind} named {table.name} or {table.alias}"
            problems.append(Problem(file=where, table=table.name, message=msg))
    return found, problems, [stem for stem, name in stems.items() if name not in matched]


def _not_tables(files: dict[str, str]) -> list[Problem]:
    """A note for each file or sheet (stem -> where) that is no table; a warning where its name looks misspelt."""
    names = {name: table for table in TABLES for name in (table.name, table.alias)}
    out: list[Problem] = []
    for stem, where in files.items():
        meant = closest(stem, names)
        if meant is None:
            out.append(Problem(file=where, message="not a table of a case: ignored", severity="note"))
        else:
            table = names[meant]
            msg = f"not a table of a case, so it is ignored; did you mean {table.name} ({table.alias})?"
            out.append(Problem(file=where, message=msg, severity="warning"))
    return out


def _find_csv(folder: str) -> Found:
    entries = sorted(e.name for e in os.scandir(folder) if e.is_file())
    stems = {n[:-4]: n for n in entries if n.lower().endswith(".csv")}
    by_table, problems, others = _match(stems, folder, ".csv file")
    files = {name: os.path.join(folder, entry) for name, entry in by_table.items()}
    sheets = [Sheet(table, files[table.name], csv_rows(files[table.name])) for table in TABLES if table.name in files]
    policy = next((os.path.join(folder, n) for n in entries if n.lower() == POLICY_FILE), None)
    warnings = _not_tables({stem: os.path.join(folder, stems[stem]) for stem in others})
    return Found(sheets, problems, policy, nullcontext(), warnings)


def csv_rows(file: str) -> Callable[[], Rows]:
    """Rows of one CSV file, its encoding detected first; problems raise SourceError with the line."""

    def rows() -> Rows:
        line = 1
        try:
            with open(file, "rb") as raw:
                encoding = detect_encoding(raw)
            with open(file, encoding=encoding, newline="") as text:
                reader = csv.reader(text)
                for cells in reader:
                    yield line, cells
                    line = reader.line_num + 1
        except UndecodableError as e:
            raise SourceError(str(e), e.line) from e
        except csv.Error as e:
            raise SourceError(f"cannot read the CSV from here on ({e}); is a double quote left open?", line) from e
        except OSError as e:
            raise SourceError(f"cannot read the file: {e.strerror}", None) from e

    return rows


def _find_xlsx(file: str) -> Found:
    import openpyxl  # only xlsx cases pay for importing it

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a file that is not a workbook
        problem = Problem(file=file, message=f"cannot open the workbook ({type(e).__name__}: {e}); save it as .xlsx")
        return Found([], [problem], None, nullcontext())
    by_table, problems, others = _match({n: n for n in book.sheetnames}, file, "sheet")
    sheets = [
        Sheet(table, f"{file}[{by_table[table.name]}]", _xlsx_rows(book[by_table[table.name]]))
        for table in TABLES
        if table.name in by_table
    ]
    return Found(sheets, problems, None, closing(book), _not_tables({n: f"{file}[{n}]" for n in others}))


def _xlsx_rows(sheet: Any) -> Callable[[], Rows]:
    def rows() -> Rows:
        line = 0
        try:
            for line, values in enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
                yield line, [native_text(v) for v in values]
        except Exception as e:  # a corrupt sheet fails inside openpyxl's XML parsing
            raise SourceError(f"cannot read the sheet ({type(e).__name__}: {e})", line + 1) from e

    return rows
