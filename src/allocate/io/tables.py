"""Reading one table: header to columns, each row's cells to one validated record, every problem placed.

Rows stream from the source and become records as they come; only the records, the line each started on
and the first `MAX_LISTED` problems of each severity are kept (the rest are counted, so that a large file of
bad rows costs no more memory than a good one). A problem names the header as the planner wrote it, what was
expected and what was found, at `file:line:column`. Headers the table does not know are listed as notes (never
read, never copied anywhere), or as warnings when they look like a misspelt known one.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from allocate.errors import Bounded, Problem, Severity, record_said
from allocate.io.cells import TEXT, CellError, TierCell, limit
from allocate.io.columns import Column, Table, header_key
from allocate.io.names import closest
from allocate.io.sources import Overflow, Rows, Sheet, SourceError, header_width
from allocate.text import restore

TIER_FIELDS = frozenset({"tier", "reserved_for"})
"""Fields whose cells name a tier of the policy, by its name or by the label the report shows for it."""
QUOTE_MAX = 60
SEEN_MAX = 1000
"""Parsed values kept per column: most cells of a column repeat a few texts (`1`, `normal`, `false`)."""
_UNSEEN = object()


@dataclass
class TableRead:
    """What reading one table gave: its records with their lines, where each field's column is, and problems.

    `complete` is False when the table could not be read as a whole (no header, a missing column, a bad
    encoding): then it has no records, and cross-table checks that need it are left out. Its rows are still
    checked as far as its header allows. `rejected_ids` are the ids of rows with problems, so that other
    tables' references to them are not reported again as unknown. `warnings` holds warnings and notes. Past
    `MAX_LISTED` of a severity, problems are only counted; `finish` lists them, with an entry for the rest.
    """

    sheet: Sheet
    records: list[BaseModel] = field(default_factory=list)
    lines: array[int] = field(default_factory=lambda: array("q"))
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)  # field -> (1-based column, header)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected_ids: set[str] = field(default_factory=set)
    complete: bool = True
    found: dict[Severity, Bounded] = field(default_factory=lambda: {s: Bounded() for s in ("error", "warning", "note")})

    def problem(
        self,
        line: int | None,
        column: int | None,
        message: str,
        name: str | None = None,
        severity: Severity = "error",
        **said: Any,
    ) -> None:
        """Record a problem (or a warning or note) at a position of this table (`name`: the field of the cell);
        `said` is how other languages say it (`Problem.key`, `words`, `header`).

        Past `MAX_LISTED` of a severity it is only counted; `finish` puts every problem kept into `problems`
        and `warnings`, with an entry counting the rest.
        """
        self.found[severity].add(
            file=self.sheet.file,
            line=line,
            column=column,
            table=self.sheet.table.name,
            field=name,
            message=message,
            severity=severity,
            **said,
        )

    def finish(self) -> None:
        """Move the problems found into `problems` (errors) and `warnings` (warnings and notes)."""
        self.problems += self.found["error"].listed()
        self.warnings += self.found["warning"].listed() + self.found["note"].listed()
        self.found = {s: Bounded() for s in ("error", "warning", "note")}

    def locate(self, p: Problem) -> Problem:
        """A problem the case gave as `table[row].field`, placed at this table's `file:line:column`."""
        line = self.lines[p.row] if p.row is not None else 1
        column, header = self.columns.get(p.field or "", (None, p.field))
        message = f"{header}: {p.message}" if header else p.message
        placed = {"file": self.sheet.file, "line": line, "column": column, "message": message}
        return p.model_copy(update={**placed, "header": header or None} if p.key else placed)


def _quote(text: str) -> str:
    """A cell's text as messages quote it, cut when long: the position already says which cell it is."""
    text = text.strip()
    return f'"{text}"' if len(text) <= QUOTE_MAX else f'"{text[:QUOTE_MAX]}…"'


def read_table(sheet: Sheet, tiers: TierCell | None = None) -> TableRead:
    """Read `sheet` into records of its table's model; never raises for anything in the file's content.

    `tiers`, the policy's tiers when it is known, reads the cells of `TIER_FIELDS`: a label such as 困难群体
    becomes the tier's name (`vulnerable`)."""
    out = TableRead(sheet)
    table = sheet.table
    try:
        rows = sheet.rows()
        header_row = next(rows, None)
        if header_row is None:
            headers = ", ".join(c.name for c in table.columns)
            said = f"the table is empty; expected a header row with {headers}"
            out.problem(1, None, said, key="empty_table", words={"headers": headers})
            out.complete = False
        else:
            width = header_width(header_row[1])
            plan, stand_ins = _header(out, table, header_row[1][:width])
            if tiers is not None:
                plan = [(i, replace(c, cell=tiers) if c.name in TIER_FIELDS else c, h) for i, c, h in plan]
            _rows(out, plan, stand_ins, width, rows)
    except SourceError as e:
        out.finish()  # so that what stopped the table is listed, however many problems came before it
        out.problem(e.line, e.column, str(e), key=e.key, words=e.words)
        out.complete = False
    if not out.complete:
        out.records.clear()
        out.lines = array("q")
    out.finish()
    return out


def _header(out: TableRead, table: Table, cells: list[str]) -> tuple[list[tuple[int, Column, str]], dict[str, Any]]:
    """Match header cells (up to the last one not blank) to columns: (0-based index, column, header as written)
    for each column present.

    Also a stand-in value (the column's example) for each required column that is missing, so that the
    other cells of every row are still checked; the table is then incomplete and keeps no records.
    """
    by_key = {header_key(n): c for c in table.columns for n in (c.name, *c.aliases)}
    at: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for i, text in enumerate(cells):
        col = by_key.get(header_key(text.lstrip("\ufeff")))
        if col is None:
            unknown.append((i, text.strip().lstrip("\ufeff")))
        elif col.name in at:
            first = cells[at[col.name]].strip()
            out.problem(
                1,
                i + 1,
                f'{text.strip()}: column {col.name} is given twice (also as "{first}" in column '
                f"{at[col.name] + 1}); keep one",
                key="column_twice",
                words={"text": text.strip(), "first": first, "at": str(at[col.name] + 1)},
            )
        else:
            at[col.name] = i
    stand_ins: dict[str, Any] = {}
    for col in table.columns:
        if col.required and col.name not in at:
            names = " or ".join((col.name, *col.aliases))
            out.problem(1, None, f"missing column {names}", key="missing_column", words={"names": names})
            out.complete = False
            stand_ins[col.name] = col.cell.parse(col.example)
    _unknown_headers(out, table, [c for c in table.columns if c.name not in at], unknown)
    plan = [(at[c.name], c, cells[at[c.name]].strip().lstrip("\ufeff")) for c in table.columns if c.name in at]
    out.columns = {c.name: (i + 1, h) for i, c, h in plan}
    return plan, stand_ins


def _unknown_headers(out: TableRead, table: Table, absent: list[Column], unknown: list[tuple[int, str]]) -> None:
    """A note for each column not read (a name, a phone number), a warning where it looks like an absent one."""
    names = {name: col for col in absent for name in (col.name, *col.aliases)}
    for i, text in unknown:
        if not text:
            said = f"column {i + 1} has no header; its cells are ignored"
            out.problem(1, i + 1, said, severity="note", key="no_header", words={"n": str(i + 1)})
            continue
        meant = closest(text, names)
        if meant is None:
            out.problem(
                1,
                i + 1,
                f"column '{text}' is not a column of {table.name}: ignored, never copied into any output",
                severity="note",
                key="column_ignored",
                words={"text": text, "table": table.name, "alias": table.alias},
            )
        else:
            col = names[meant]
            also = f"'{meant}' / {col.name}" if meant != col.name else f"'{col.name}'"
            message = f"column '{text}' is not a known column of {table.name}; did you mean {also}?"
            words = {"text": text, "table": table.name, "alias": table.alias, "also": also}
            out.problem(1, i + 1, message, severity="warning", key="column_meant", words=words)


def _rows(
    out: TableRead, plan: list[tuple[int, Column, str]], stand_ins: dict[str, Any], width: int, rows: Rows
) -> None:
    """Each row to one record; a row with any problem goes to `_row`, which says what the problems are.

    This is the loop over every row of a large table, so it does the least it can per cell: a column's cells
    repeat a few texts, so their parsed values are remembered. A value equal to its field's default is left
    out, as a blank cell is: the record is equal, and pydantic's record of the fields set stays small (on
    500,000 needs that is a third of the memory).
    """
    fields = out.sheet.table.model.model_fields
    cells_of: list[tuple[int, str, Callable[[str], Any] | None, bool, Any, dict[str, Any]]] = [
        (i, c.name, None if c.cell is TEXT else c.cell.parse, c.required, fields[c.name].get_default(), {})
        for i, c, _ in plan
    ]
    validate = out.sheet.table.model.model_validate
    records, lines = out.records, out.lines
    for line, cells in rows:
        n = len(cells)
        data: dict[str, Any] = stand_ins.copy()
        try:
            if n > width and any(c.strip() for c in cells[width:]):
                raise CellError("a row no wider than the header")
            for i, name, parse, required, default, seen in cells_of:
                text = cells[i].strip() if i < n else ""
                if text[:1] == "'":  # a `'` allocate put before a formula character (files.neutralise) comes off
                    text = restore(text)
                if not text:
                    if required:
                        raise CellError("a value")
                elif parse is None:
                    data[name] = text
                else:
                    value = seen.get(text, _UNSEEN)
                    if value is _UNSEEN:
                        value = parse(text)
                        if len(seen) < SEEN_MAX:
                            seen[text] = value
                    if value != default:
                        data[name] = value
            records.append(validate(data))
            lines.append(line)
        except (CellError, ValidationError):
            _row(out, plan, stand_ins, width, line, cells)


def _row(
    out: TableRead,
    plan: list[tuple[int, Column, str]],
    stand_ins: dict[str, Any],
    width: int,
    line: int,
    cells: list[str],
) -> None:
    """One row to one record, or all its problems; blank rows are skipped."""
    joined = "".join(cells)
    if not joined.strip():
        return  # a blank row, as spreadsheets leave between blocks
    quoted = "'" in joined  # cells allocate wrote with a formula guard (files.neutralise) read back as they were
    n = len(cells)
    data: dict[str, Any] = stand_ins.copy()
    raw: dict[str, str] = {}
    bad = False
    for i, col, header in plan:
        text = cells[i] if i < n else ""
        if quoted:
            text = restore(text)
        if not text.strip():
            if col.required:
                said = f"{header}: expected {col.cell.noun}, found a blank cell"
                words = {"noun": col.cell.noun}
                out.problem(line, i + 1, said, name=col.name, key="cell_blank", words=words, header=header)
                bad = True
            continue
        raw[col.name] = text
        try:
            data[col.name] = col.cell.parse(text.strip())
        except CellError as e:
            said = f"{header}: expected {e.expected}, found {_quote(text)}"
            words = {"found": _quote(text), **e.words}
            out.problem(line, i + 1, said, name=col.name, key=e.key, words=words, header=header)
            bad = True
    if isinstance(cells, Overflow):
        out.problem(
            line,
            cells.column,
            f"a value beyond the header's {width} columns, found {_quote(cells[-1])}; give its column a header "
            "or clear it",
            key="beyond_header",
            words={"width": str(width), "found": _quote(cells[-1])},
        )
        bad = True
    elif n > width:
        extra = next((j for j in range(width, n) if cells[j].strip()), None)
        if extra is not None:
            out.problem(
                line,
                extra + 1,
                f"a value beyond the header's {width} columns, found {_quote(cells[extra])}; "
                "a cell with a comma in it must be in double quotes",
                key="beyond_header_comma",
                words={"width": str(width), "found": _quote(cells[extra])},
            )
            bad = True
    try:
        record = out.sheet.table.model.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            if bad and name not in data:
                continue  # a consequence of a cell already reported
            column: int | None = None
            msg = str(err["msg"]).removeprefix("Value error, ")
            worded = record_said(err, None)
            if name in out.columns:
                column, header = out.columns[name]
                msg = f"{header}: expected {_expected(err, out.sheet.table, name)}, found {_quote(raw[name])}"
                noun = next(c.cell.noun for c in out.sheet.table.columns if c.name == name)
                worded = record_said(err, _quote(raw[name]), noun) | {"header": header}
            out.problem(line, column, msg, name=name or None, **worded)
        bad = True
    if bad:
        id_field = out.sheet.table.columns[0].name
        if id_field in raw:
            out.rejected_ids.add(raw[id_field].strip())
        return
    out.records.append(record)
    out.lines.append(line)


def _expected(err: Any, table: Table, name: str) -> str:
    """What the model wanted, in the words of the cell kinds: `a whole number >= 1`."""
    noun = next(c.cell.noun for c in table.columns if c.name == name)
    rule = limit(err["type"], err.get("ctx") or {})
    if rule:
        return f"{noun} {rule}"
    if err["type"] == "too_short":
        return "at least one entry"
    return str(err["msg"]).removeprefix("Value error, ").removeprefix("expected ")
