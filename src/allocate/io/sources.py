"""Where a case's tables come from: CSV files in a folder or sheets of one xlsx workbook.

A table in a folder may also be a `.txt` file, as Excel saves "Unicode text" (UTF-16 with a BOM) or "Text (Tab
delimited)": its cells are separated by tabs, and it is read by the same rules as a CSV file with a tab for the
comma. A workbook takes `policy.toml` from its own folder, as a folder of CSV tables does.

Both give the same thing, a `Sheet`: the table it holds, the name problems use for it, and a stream of
`(line, cells)` with cells as text, so one table reader serves both.

A CSV file is read strictly, so that no row is ever lost to a double quote left open: Python's csv reader
otherwise lets a cell that opens a quote run on over the following lines, taking rows into it, to the next
quote or the end of the file. A quote must close where its cell ends (before a comma or the end of a line),
and must close before the end of the file. A cell that spans lines is kept only when it cannot be rows taken
in by a quote left open and closed by another one rows later (`spanning_trouble`): its row has as many cells as
the header, and the cell holds fewer commas than a row and does not end with a comma or a line break. Any error
is placed where the quote opened, and the table is not read past it.

A workbook sheet is read by its cells, as they are stored: a row with one cell at column XFD is one cell, not
16,384 (openpyxl's rows are padded to the sheet's widest).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from allocate.catalog import message
from allocate.errors import Bounded, Problem
from allocate.io.cells import native_text
from allocate.io.columns import POLICY_FILE, TABLES, Table, header_key
from allocate.io.encoding import UndecodableError, detect_encoding
from allocate.io.names import closest

Rows = Iterator[tuple[int, list[str]]]

SCAN_MAX = 1 << 22
"""Characters of a record looked at to place a quoting error (a runaway cell stops at csv's field limit,
131,072 characters, long before this)."""

QUOTE_FIX = 'close it where the cell ends, or write a double quote inside a cell as two ("")'

TABLE_FILES = {".csv": ",", ".txt": "\t"}
"""File endings a folder's tables may have, and the character that separates their cells."""
_SEPARATOR_NAMES = {",": ("comma", "commas"), "\t": ("tab", "tabs")}


class SourceError(ValueError):
    """A table cannot be read on from `line` on (bad encoding, broken CSV quoting, corrupt workbook).

    `column` is the cell (1-based) where the trouble starts, when known: the cell a stray quote opened.
    """

    def __init__(
        self, message: str, line: int | None, column: int | None = None, key: str | None = None, **words: str
    ) -> None:
        super().__init__(message)
        self.line, self.column, self.key, self.words = line, column, key, words


class Overflow(list[str]):
    """A workbook row's cells up to the header's width, then the first non-blank cell beyond it.

    That last cell is really at `column` (1-based), perhaps far beyond: the cells between are not made.
    """

    column: int


def header_width(cells: list[str]) -> int:
    """How many columns a header row gives its table: up to its last cell that is not blank."""
    return max((i + 1 for i, text in enumerate(cells) if text.strip()), default=0)


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
    table name. `policy_note` says where a workbook's `policy.toml` came from, for when it is used (no
    `--policy` given instead).
    """

    sheets: list[Sheet]
    problems: list[Problem]
    policy: str | None
    resource: AbstractContextManager[Any]
    warnings: list[Problem] = field(default_factory=list)
    policy_note: Problem | None = None


def find_tables(path: str | os.PathLike[str]) -> Found:
    """The tables of a case folder of CSV (or tab-separated `.txt`) files or of one `.xlsx` workbook."""
    where = os.fspath(path)
    if os.path.isdir(where):
        return _find_csv(where)
    if where.lower().endswith((".xlsx", ".xlsm")) and os.path.isfile(where):
        return _find_xlsx(where)
    what = "does not exist" if not os.path.exists(where) else "is neither a folder of CSV tables nor an .xlsx workbook"
    key = "case_missing" if not os.path.exists(where) else "case_not_a_case"
    return Found([], [Problem(file=where, message=f"the case {what}", key=key)], None, nullcontext())


def _match(
    stems: dict[str, str], where: str, kind: str, listed: str = "", listed_zh: str = ""
) -> tuple[dict[str, str], list[Problem], list[str]]:
    """Table name -> the one entry (entry -> its stem) that holds it, in English or Chinese; what is missing or
    twice (a missing table's message ends with `listed`, what there is instead); and the entries that hold no
    table."""
    found: dict[str, str] = {}
    problems: list[Problem] = []
    matched: set[str] = set()
    for table in TABLES:
        keys = {header_key(table.name), header_key(table.alias)}
        hits = [name for name, stem in stems.items() if header_key(stem) in keys]
        matched.update(hits)
        if len(hits) > 1:
            msg = f"{' and '.join(hits)} both hold the {table.name} table; keep one"
            words = {"files": "、".join(hits), "alias": table.alias, "table": table.name}
            problems.append(Problem(file=where, table=table.name, message=msg, key="table_twice", words=words))
        elif hits:
            found[table.name] = hits[0]
        elif table.required:
            msg = f"missing the {table.name} table: expected a {kind} named {table.name} or {table.alias}{listed}"
            words = {"name": table.name, "alias": table.alias, "listed": listed_zh}
            key = "table_missing_sheet" if kind == "sheet" else "table_missing_file"
            problems.append(Problem(file=where, table=table.name, message=msg, key=key, words=words))
    return found, problems, [name for name in stems if name not in matched]


def _not_tables(files: dict[str, str]) -> list[Problem]:
    """A note for each file or sheet (where -> stem) that is no table; a warning where its name looks misspelt.

    Past `MAX_LISTED` of each, they are counted (a folder of a hundred thousand files is still read)."""
    names = {name: table for table in TABLES for name in (table.name, table.alias)}
    notes, warnings = Bounded(), Bounded()
    for where, stem in files.items():
        meant = closest(stem, names)
        if meant is None:
            notes.add(file=where, message="not a table of a case: ignored", severity="note", key="not_a_table")
        else:
            table = names[meant]
            msg = f"not a table of a case, so it is ignored; did you mean {table.name} ({table.alias})?"
            words = {"name": table.name, "alias": table.alias}
            warnings.add(file=where, message=msg, severity="warning", key="not_a_table_meant", words=words)
    order = {where: i for i, where in enumerate(files)}
    return sorted(warnings.listed() + notes.listed(), key=lambda p: order[p.file or ""])


def _find_csv(folder: str) -> Found:
    entries = sorted(e.name for e in os.scandir(folder) if e.is_file())
    stems = {n: n[:-4] for n in entries if n[-4:].lower() in TABLE_FILES}
    workbooks = [n for n in entries if n.lower().endswith((".xlsx", ".xlsm")) and not n.startswith("~$")]
    listed = f" (this folder holds {_names(workbooks)}: to read a workbook, give its path)" if workbooks else ""
    listed_zh = message("listed_workbooks", "zh", names=_names(workbooks)) if workbooks else ""
    by_table, problems, others = _match(stems, folder, ".csv file", listed, listed_zh)
    files = {name: os.path.join(folder, entry) for name, entry in by_table.items()}
    sheets = [Sheet(table, files[table.name], csv_rows(files[table.name])) for table in TABLES if table.name in files]
    warnings = _not_tables({os.path.join(folder, name): stems[name] for name in others})
    return Found(sheets, problems, _policy_in(folder, entries), nullcontext(), warnings)


def _policy_in(folder: str, entries: list[str]) -> str | None:
    """The `policy.toml` among a folder's files (any case), or None."""
    return next((os.path.join(folder, n) for n in entries if n.lower() == POLICY_FILE), None)


def _names(names: list[str], most: int = 10) -> str:
    """Names as a list in a message: the first `most`, then how many more."""
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def csv_rows(file: str) -> Callable[[], Rows]:
    """Rows of one CSV file (or tab-separated `.txt` file, which may also be UTF-16), its encoding detected
    first, each with the line it starts on; problems raise SourceError with the line (and, for a quote, the
    cell) where they start."""
    separator = TABLE_FILES.get(file[-4:].lower(), ",")

    def rows() -> Rows:
        line = 1
        encoding = "utf-8-sig"
        try:
            with open(file, "rb") as raw:
                encoding = detect_encoding(raw, utf16=separator == "\t")
            with open(file, encoding=encoding, newline="") as text:
                reader = csv.reader(text, strict=True, delimiter=separator)
                header = next(reader, None)
                if header is None:
                    return
                if reader.line_num != 1:  # a header cell is never more than one line: rows were taken into it
                    spanning = next((i for i, text in enumerate(header) if "\n" in text or "\r" in text), 0)
                    message = f"a double quote opens a header cell here that runs over lines 1-{reader.line_num}: "
                    last = str(reader.line_num)
                    raise SourceError(message + QUOTE_FIX, 1, spanning + 1, "quote_header", end=last)
                yield line, header
                line = 2
                width, cells_in_header = header_width(header), len(header)
                for cells in reader:
                    end = reader.line_num
                    if end != line:  # a quoted cell spans lines: is it one cell, or rows taken in by a stray quote?
                        trouble = spanning_trouble(cells, width, cells_in_header, line, end, separator)
                        if trouble:
                            raise SourceError(*trouble, "quote_spans", start=str(line), end=str(end))
                    yield line, cells
                    line = end + 1
        except UndecodableError as e:
            raise SourceError(str(e), e.line, None, e.key, **e.words) from e
        except csv.Error as e:
            raise SourceError(*_quoting_error(file, encoding, line, str(e), separator)) from e
        except OSError as e:
            raise SourceError(
                f"cannot read the file: {e.strerror}", None, None, "cannot_read", why=str(e.strerror)
            ) from e

    return rows


def spanning_trouble(
    cells: list[str], width: int, most: int, line: int, end: int, separator: str = ","
) -> tuple[str, int, int] | None:
    """Why a record over lines `line`-`end` looks like rows taken into a cell by a stray quote, or None.

    A quote left open is closed by the next quote that ends a cell. If that quote ends a cell of a row k cells
    further left or right, the record has the wrong number of cells: one row has as many cells as the header
    (`width` up to its last named column, `most` with the blank header cells after it). If it is in the same
    column, the cell holds a whole row's commas (`width - 1`). If it opens a quoted cell of a later row, the
    cell ends with the comma or line break before that quote. So a cell that spans lines is one cell only when
    none of these holds. Returns (message, line, column) of the opening quote. `separator` is the comma, or
    the tab of a `.txt` table.
    """
    one, many = _SEPARATOR_NAMES[separator]
    spanning = [i for i, text in enumerate(cells) if "\n" in text or "\r" in text]
    if not spanning:
        return None
    column = spanning[0] + 1
    where = f"a double quote opens a cell here that runs over lines {line}-{end}"
    n = len(cells)
    if n < width or n > max(width, most):
        message = f"{where}, and leaves its row {n} cells where the header has {width}: is a quote left open? "
        return message + QUOTE_FIX, line, column
    commas = sum(cells[i].count(separator) for i in spanning)
    if commas >= width - 1:
        rule = f"may hold at most {width - 2} {many}" if width > 1 else "is not possible in a table of one column"
        message = (
            f"{where} and holds {commas} {many}, as many as a whole row of {width} cells: does a quote left "
            f"open take rows into it? {_fix(separator).capitalize()} (a cell that does span lines {rule})"
        )
        return message, line, column
    ragged = next((i for i in spanning if cells[i].endswith((separator, "\n", "\r"))), None)
    if ragged is not None:
        ends = f"a {one}" if cells[ragged].endswith(separator) else "a line break"
        message = (
            f"a double quote opens a cell here that runs over lines {line}-{end} and ends with {ends}, as a "
            f"quote left open ends where a later row's quoted cell begins: {_fix(separator)} (a cell that does "
            f"span lines must not end with a {one} or a line break)"
        )
        return message, line, ragged + 1
    return None


def _fix(separator: str) -> str:
    """`QUOTE_FIX` for a table whose cells `separator` separates."""
    return QUOTE_FIX if separator == "," else QUOTE_FIX.replace("the cell ends", "the cell ends (before a tab)")


def _quoting_error(
    file: str, encoding: str, line: int, reason: str, separator: str = ","
) -> tuple[str, int, int | None, str | None]:
    """The message, line and cell of a CSV error in the record that starts on `line` (and the catalog key that
    says it in other languages): where its stray quote opened, found by reading that record again (it is short:
    csv stops a runaway cell at its field limit)."""
    fix = _fix(separator)
    one = _SEPARATOR_NAMES[separator][0]
    try:
        with open(file, encoding=encoding, newline="") as text:
            found = _scan_record(islice(text, line - 1, None), separator)
    except (OSError, UnicodeDecodeError):
        found = _Scan()
    if found.long is not None and found.opened is None:
        limit = f"{csv.field_size_limit():,}"
        message = f"a cell here is longer than {limit} characters, more than a table's cell may hold"
        return message, line + found.long[0], found.long[1], "cell_too_long"
    if found.opened is None:  # not a quote after all: csv's own words, placed at the record
        return f"cannot read the CSV from here on ({reason})", line, None, None
    at, column = found.opened
    if found.long is not None:
        limit = f"{csv.field_size_limit():,}"
        message = f"a double quote opens a cell here that runs on past {limit} characters: is it left open? "
        return message + fix.capitalize(), line + at, column, "quote_broken"
    if found.after is None:
        last = line + found.lines - 1
        rest = "the rest of the line" if last == line + at else f"lines {line + at}-{last}"
        message = f"a double quote opens a cell here and is never closed, so {rest} would be one cell; "
        return message + fix, line + at, column, "quote_broken"
    closes = "on the same line" if found.closed == at else f"on line {line + found.closed}"
    message = (
        f"a double quote opens a cell here and closes {closes} followed by {found.after!r}, not by a {one} or "
        f"the end of the line; {fix}"
    )
    return message, line + at, column, "quote_broken"


@dataclass
class _Scan:
    """What following a failed record's quoting found, lines counted from 0 at the record's first."""

    opened: tuple[int, int] | None = None  # (line, cell) of the quote that opened the cell being read
    closed: int = 0  # the line of the quote that closed it
    after: str | None = None  # the character after that quote; None: the cell never closed
    long: tuple[int, int] | None = None  # (line, cell) of a cell longer than csv's field limit
    lines: int = 0  # lines looked at


_START, _FIELD, _QUOTED, _QUOTE = range(4)


def _scan_record(lines: Iterable[str], separator: str = ",") -> _Scan:
    """Follow one record's quoting as csv's strict reader does (`separator` delimits, `"` quotes, `""` is a
    quote inside a quoted cell), up to where it fails: the error path only, and at most SCAN_MAX characters."""
    out = _Scan()
    limit, seen = csv.field_size_limit(), 0
    cell, length, state = 1, 0, _START
    for number, text in enumerate(lines):
        out.lines = number + 1
        for c in text:
            if state == _QUOTE:  # the character after a quote inside a quoted cell
                if c == '"':
                    state, length = _QUOTED, length + 1
                elif c == separator:
                    state, cell, length, out.opened = _START, cell + 1, 0, None
                    continue
                elif c in "\r\n":
                    out.opened = None
                    return out
                else:
                    out.closed, out.after = number, c
                    return out
            elif state == _QUOTED:
                if c == '"':
                    state = _QUOTE
                    continue
                length += 1
            elif c == separator:
                state, cell, length = _START, cell + 1, 0
                continue
            elif c in "\r\n":
                return out  # the record ends here: csv failed for no reason this scan knows
            elif state == _START and c == '"':
                state, out.opened = _QUOTED, (number, cell)
                continue
            else:
                state, length = _FIELD, length + 1
            if length > limit:
                out.long = (number, cell)
                return out
        seen += len(text)
        if seen > SCAN_MAX:
            break
    return out


def _find_xlsx(file: str) -> Found:
    import openpyxl  # only xlsx cases pay for importing it

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a file that is not a workbook
        said = f"cannot open the workbook ({type(e).__name__}: {e}); save it as .xlsx"
        problem = Problem(file=file, message=said, key="workbook_unreadable", words={"why": f"{type(e).__name__}: {e}"})
        return Found([], [problem], None, nullcontext())
    names = list(book.sheetnames)
    listed = f"; the workbook's sheets are {_names(names)}" if names else "; the workbook has no sheets"
    listed_zh = message("listed_sheets", "zh", names=_names(names)) if names else message("listed_no_sheets", "zh")
    by_table, problems, others = _match({n: n for n in names}, file, "sheet", listed, listed_zh)
    sheets = [
        Sheet(table, f"{file}[{by_table[table.name]}]", _xlsx_rows(book[by_table[table.name]]))
        for table in TABLES
        if table.name in by_table
    ]
    policy = policy_beside(file)
    note = None
    if policy is not None:
        msg = f"the policy of {os.path.basename(file)}, read from beside it (a workbook holds no policy of its own)"
        words = {"book": os.path.basename(file)}
        note = Problem(file=policy, message=msg, severity="note", key="workbook_policy", words=words)
    warnings = _not_tables({f"{file}[{n}]": n for n in others})
    return Found(sheets, problems, policy, closing(book), warnings, note)


def policy_beside(file: str) -> str | None:
    """The `policy.toml` in the folder of a workbook, or None: a workbook holds no policy of its own."""
    folder = os.path.dirname(file) or "."
    try:
        return _policy_in(folder, sorted(e.name for e in os.scandir(folder) if e.is_file()))
    except OSError:  # a folder one may read a file in but not list
        return None


def _xlsx_rows(sheet: Any) -> Callable[[], Rows]:
    """Rows of a sheet by their cells: up to the row's last cell within the header's width, and an `Overflow`
    row when a cell beyond it is not blank; a row with one cell at column XFD costs one cell."""

    def rows() -> Rows:
        line = 0
        width: int | None = None
        try:
            for line, stored in _stored_cells(sheet):
                if width is None:
                    if line != 1:  # no header row: the table reader says so
                        width = 0
                        yield 1, []
                    else:
                        header = _row(stored, None)
                        width = header_width(header)
                        yield line, header
                        continue
                yield line, _row(stored, width)
        except Exception as e:  # a corrupt sheet fails inside openpyxl's XML parsing
            raise SourceError(f"cannot read the sheet ({type(e).__name__}: {e})", line + 1) from e

    return rows


def _row(stored: list[tuple[int, object]], width: int | None) -> list[str]:
    """A row's cells as text from `(column, value)` of the cells stored, up to the last one not empty and, if
    `width` is given, no further than it: a non-blank cell beyond it ends an `Overflow` row instead."""
    beyond: tuple[int, str] | None = None
    texts: dict[int, str] = {}
    for column, value in stored:
        if value is None:
            continue
        if width is not None and column > width:
            text = native_text(value)
            if text.strip() and (beyond is None or column < beyond[0]):
                beyond = (column, text)
            continue
        texts[column] = native_text(value)
    cells = [""] * max(texts, default=0)
    for column, text in texts.items():
        cells[column - 1] = text
    if beyond is None:
        return cells
    out = Overflow(cells + [""] * ((width or 0) - len(cells)))
    out.append(beyond[1])
    out.column = beyond[0]
    return out


def _stored_cells(sheet: Any) -> Iterator[tuple[int, list[tuple[int, object]]]]:
    """(row number, [(column, value)]) of the cells a sheet stores, in the order stored.

    openpyxl's read-only rows are padded to the sheet's widest row (16,384 cells for one cell at XFD), and
    stop at the row count the sheet claims; its sheet parser, which those rows are made from, gives each row's
    stored cells. Should openpyxl change inside, the padded rows are used instead.
    """
    try:
        from openpyxl.worksheet._reader import WorkSheetParser

        book, open_source, strings = sheet.parent, sheet._get_source, sheet._shared_strings
        options = {
            "data_only": book.data_only,
            "epoch": book.epoch,
            "date_formats": book._date_formats,
            "timedelta_formats": book._timedelta_formats,
        }
    except (ImportError, AttributeError):
        for line, values in enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
            yield line, list(enumerate(values, start=1))
        return
    with open_source() as source:
        for line, cells in WorkSheetParser(source, strings, **options).parse():
            yield line, [(cell["column"], cell["value"]) for cell in cells]
