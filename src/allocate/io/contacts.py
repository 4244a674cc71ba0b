"""Contact columns (an address, a phone number) of a case's households table, for the papers volunteers carry.

`read_case` never reads a column the case format does not define: a name, a phone number or an address is a
note in `validate` and reaches no output. The volunteer sheets (`allocate sheets --with 地址,电话`) are the one
place such columns may appear, and only those the planner names. `read_contacts` reads exactly them, from the same
households file or sheet `read_case` reads (same encodings, quoting rules and workbook sheets), keyed by household
id; the case itself is untouched, so nothing else can pick them up.

A named column the table does not have, or has twice, is an `InputError` at `file:line:column`, listing the
columns there are. Names are compared as headers are (NFKC, trimmed, case-insensitive); any column may be named,
known or not. Cells are text as written (trimmed, a formula guard `'` that allocate wrote taken off).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from allocate.checks import check_path, fail
from allocate.errors import InputError, Problem
from allocate.io.columns import HOUSEHOLDS, header_key
from allocate.io.sources import SourceError, find_tables
from allocate.text import restore

NAME_SEPARATORS = re.compile(r"[,，、;；]")
"""What may separate the names in `--with 地址,电话`: commas (also full-width), the Chinese 顿号, semicolons."""

_SHOWN_HEADERS = 20

ADDRESS_WORDS = (
    "地址",
    "住址",
    "门牌",
    "楼",
    "栋",
    "幢",
    "单元",
    "房",
    "室",
    "小区",
    "address",
    "street",
    "building",
    "block",
    "room",
    "flat",
    "apartment",
)
"""A contact column whose header holds one of these is an address: the sheets order their stops by it."""


@dataclass(frozen=True)
class Contacts:
    """Named columns of the households table: `columns`, the headers as the file writes them, and for each
    household id its cells in that order (`of`)."""

    columns: tuple[str, ...]
    by_household: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, household_id: str) -> tuple[str, ...]:
        """The household's cells, in the order of `columns` (blank for a household the file does not list)."""
        return self.by_household.get(household_id, ("",) * len(self.columns))


def is_address(header: str) -> bool:
    """Whether a contact column's header names an address (`ADDRESS_WORDS`), which then orders the stops."""
    key = header_key(header)
    return any(word in key for word in ADDRESS_WORDS)


def contact_names(texts: Iterable[str]) -> tuple[str, ...]:
    """Column names as a planner writes them, `地址,电话` or `地址、电话` (one text or several), trimmed, each once."""
    out: dict[str, None] = {}
    for text in texts:
        for name in NAME_SEPARATORS.split(text):
            if name.strip():
                out.setdefault(name.strip(), None)
    return tuple(out)


def read_contacts(path: str | os.PathLike[str], names: Iterable[str]) -> Contacts:
    """The columns `names` of the households table of the case at `path` (a folder or a workbook), by household
    id; `InputError` with `file:line:column` when a name is not a column of the table, or is one twice."""
    check_path(path, "path", "read_contacts")
    if isinstance(names, str):
        raise fail("names", "read_contacts", 'a list of column names, such as ["地址", "电话"]', names)
    wanted = contact_names(names)
    if not wanted:
        raise fail("names", "read_contacts", "at least one column name", names)
    found = find_tables(path)
    with found.resource:
        sheet = next((s for s in found.sheets if s.table is HOUSEHOLDS), None)
        if sheet is None:
            problems = [p for p in found.problems if p.table == HOUSEHOLDS.name] or found.problems
            raise InputError(problems or [Problem(file=os.fspath(path), message="no households table")])
        try:
            return _read(sheet.file, sheet.rows(), wanted)
        except SourceError as e:
            raise InputError([_problem(sheet.file, e.line, e.column, str(e))]) from None


def _problem(
    file: str, line: int | None, column: int | None, message: str, key: str | None = None, **words: str
) -> Problem:
    return Problem(file=file, line=line, column=column, table=HOUSEHOLDS.name, message=message, key=key, words=words)


def _read(file: str, rows: Iterable[tuple[int, list[str]]], wanted: tuple[str, ...]) -> Contacts:
    """The named columns of one households file's rows (the first row is its header)."""
    it = iter(rows)
    header_row = next(it, None)
    headers = [h.lstrip("\ufeff").strip() for h in (header_row[1] if header_row else [])]
    keys = [header_key(h) for h in headers]
    id_keys = {header_key(n) for n in (HOUSEHOLDS.columns[0].name, *HOUSEHOLDS.columns[0].aliases)}
    problems: list[Problem] = []
    at: list[int] = []
    for name in wanted:
        hits = [i for i, k in enumerate(keys) if k == header_key(name)]
        if len(hits) > 1:
            columns = " and ".join(str(i + 1) for i in hits)
            message = f"{headers[hits[1]]}: the column is given twice (columns {columns}); keep one for the sheets"
            problems.append(
                _problem(file, 1, hits[1] + 1, message, "contact_twice", header=headers[hits[1]], columns=columns)
            )
        elif not hits:
            listed = ", ".join(h for h in headers[:_SHOWN_HEADERS] if h) or "none"
            more = f" and {len(headers) - _SHOWN_HEADERS} more" if len(headers) > _SHOWN_HEADERS else ""
            message = f"no column '{name}' to put on the sheets; the households table's columns are {listed}{more}"
            problems.append(_problem(file, 1, None, message, "contact_missing", name=name, listed=listed + more))
        else:
            at.append(hits[0])
    id_at = next((i for i, k in enumerate(keys) if k in id_keys), None)
    if id_at is None:
        problems.append(
            _problem(
                file, 1, None, "missing column household_id or 户号", "missing_column", names="household_id or 户号"
            )
        )
    if problems:
        raise InputError(problems)
    assert id_at is not None
    out: dict[str, tuple[str, ...]] = {}
    for _, cells in it:
        n = len(cells)
        household = restore(cells[id_at].strip()) if id_at < n else ""
        if household and household not in out:  # a repeated id is the case reader's error, not the sheets'
            out[household] = tuple(restore(cells[i].strip()) if i < n else "" for i in at)
    return Contacts(tuple(headers[i] for i in at), MappingProxyType(out))
