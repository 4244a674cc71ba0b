"""Reading one table: header to columns, each row's cells to one validated record, every problem placed.

Rows stream from the source and become records as they come; only the records, the line each started on
and the first `MAX_LISTED` problems of each severity are kept (the rest are counted, so that a large file of
bad rows costs no more memory than a good one). A problem names the header as the planner wrote it, what was
expected and what was found, at `file:line:column`. Headers the table does not know are listed as notes (never
read, never copied anywhere), or as warnings when they look like a misspelt known one.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from pydantic import BaseModel, StringConstraints, ValidationError
from pydantic.fields import FieldInfo

from allocate.errors import Bounded, Problem, Severity, record_said
from allocate.io.cells import TEXT, CellError, TierCell, limit
from allocate.io.columns import Column, Table, header_key
from allocate.io.names import closest
from allocate.io.sources import Overflow, Rows, Sheet, SourceError, header_width
from allocate.schema.case import Text, default_id
from allocate.schema.records import Records
from allocate.text import restore

TIER_FIELDS = frozenset({"tier", "reserved_for"})
"""Fields whose cells name a tier of the policy, by its name or by the label the report shows for it."""
QUOTE_MAX = 60
CHUNK = 1024
"""Rows checked together: enough for a column's checks to run in C, few enough to stay in the processor's cache
(on generated L, 1,024 rows read fastest of 256 to 8,192)."""
SEEN_MAX = 1000
"""Values of distinct texts kept per column from chunk to chunk: most columns repeat a few (`1`, `normal`)."""
_BAD = object()  # a cell at fault
_DERIVE = object()  # an id left blank, made of two other cells
_EDGE = re.compile(r"(?:^|\0)(?:[\s']|\0|$)|\s(?:\0|$)")
"""In a column's texts joined by NUL: a cell that is blank, starts or ends with a space, or starts with `'`."""
_SPACE_ASCII = "".join(chr(c) for c in range(128) if chr(c).isspace())
_EDGE_ASCII = _SPACE_ASCII + "'\0"  # as a column's first or last character: a space, a `'`, or a blank cell
_TRIMMED = StringConstraints(strip_whitespace=True, min_length=1)
_TEXTS = (str, str | None, Text | None)


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
    values: dict[str, list[Any]] = field(default_factory=dict)  # field -> its value in each row read
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

    def __post_init__(self) -> None:
        self.values = {name: [] for name in self.sheet.table.model.model_fields}

    def table(self) -> Records[Any]:
        """The rows read, as the table a `Case` holds."""
        return Records(self.sheet.table.model, self.values)

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
        out.values = {name: [] for name in out.values}
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


class _Chunks:
    """Rows to columns, a chunk of rows at a time: each column's cells checked at once, each distinct text of a
    column parsed and checked by its field's rule once (a column's cells repeat a few texts: `1`, `normal`,
    `false`), and texts with nothing to trim taken as they are after one pass over the joined column in C.

    A row any check finds fault with (or one wider than the header) is read again on its own by `_row`, which
    says exactly what is wrong at `file:line:column`, as it always has; the rows that pass are exactly the rows
    `_row` would accept, with the same values, because each field's value is checked by the model's own rule for
    that field (with valid values in the others, made from the columns' examples). The default id of needs and
    services is made here by the schema's `default_id`; a model with a rule across fields (`Earlier`: received at
    most requested) has each row that passed checked whole as well.
    """

    def __init__(self, out: TableRead, plan: list[tuple[int, Column, str]], stand_ins: dict[str, Any], width: int):
        self.out, self.plan, self.stand_ins, self.width = out, plan, stand_ins, width
        table = out.sheet.table
        self.model = model = table.model
        self.template = {c.name: c.cell.parse(c.example) for c in table.columns if c.required} | stand_ins
        base = model.model_validate(self.template).__dict__
        self.id_parts: tuple[str, str, str] | None = getattr(model, "id_parts", None)
        derived = self.id_parts[0] if self.id_parts else None
        read = {c.name for _, c, _ in plan}
        self.absent = {f: base[f] for f in model.model_fields if f not in read and f != derived} | stand_ins
        self.derive_all = derived is not None and derived not in read
        self.defaults = {c.name: _DERIVE if c.name == derived else base[c.name] for _, c, _ in plan}
        self.plain = {c.name: c.cell is TEXT and _plain(model.model_fields[c.name]) for _, c, _ in plan}
        self.shared = {c.name: c.name != derived for _, c, _ in plan}  # texts that repeat share one object
        self.seen: dict[str, dict[str, Any]] = {c.name: {} for _, c, _ in plan}  # text -> value, per column
        validators = model.__pydantic_decorators__.model_validators.values()
        self.across = any(v.info.mode == "after" for v in validators)  # a rule across fields: rows checked whole

    def read(self, chunk: list[tuple[int, list[str]]]) -> None:
        """Check one chunk of rows and add the rows that pass (and those `_row` accepts) to the table."""
        width = self.width
        lines = [line for line, _ in chunk]
        cells = [row for _, row in chunk]
        again: set[int] = set()  # rows for `_row` to read on their own
        if cells and not min(map(len, cells)) == max(map(len, cells)) == width:
            for k, row in enumerate(cells):
                if len(row) < width:
                    cells[k] = row + [""] * (width - len(row))
                elif len(row) > width:
                    cells[k] = row[:width]
                    if any(c.strip() for c in row[width:]):  # an `Overflow` row always has such a cell
                        again.add(k)
        texts = list(zip(*cells, strict=True)) if cells else []
        columns: dict[str, Sequence[Any]] = {}
        for i, col, _ in self.plan:
            columns[col.name], bad = self._column(col, texts[i] if texts else ())
            if bad:
                again.update(k for k, v in enumerate(columns[col.name]) if v is _BAD)
        self._keep(chunk, lines, columns, again)

    def _column(self, col: Column, texts: tuple[str, ...]) -> tuple[Sequence[Any], bool]:
        """The values of one column's cells (`_BAD` for a cell at fault, `_DERIVE` for an id left blank), and
        whether any cell is at fault."""
        name = col.name
        if self.plain[name] and _trimmed("\0".join(texts)):
            return (list(map(sys.intern, texts)) if self.shared[name] else texts), False
        seen = self.seen[name]
        value = {t: seen[t] if t in seen else self._value(col, t) for t in set(texts)}
        if len(seen) < SEEN_MAX:
            seen.update(value)
        return list(map(value.__getitem__, texts)), any(v is _BAD for v in value.values())

    def _value(self, col: Column, cell: str) -> Any:
        """The value of one distinct cell text of a column, or `_BAD`."""
        text = cell.strip()
        if text[:1] == "'":  # a `'` allocate put before a formula character (files.neutralise) comes off
            text = restore(text)
        if not text:
            return _BAD if col.required else self.defaults[col.name]
        try:
            value = col.cell.parse(text)
        except CellError:
            return _BAD
        if self.plain[col.name]:
            return sys.intern(value) if self.shared[col.name] else value
        try:
            return self.model.model_validate({**self.template, col.name: value}).__dict__[col.name]
        except ValidationError:
            return _BAD

    def _keep(
        self,
        chunk: list[tuple[int, list[str]]],
        lines: list[int],
        columns: dict[str, Sequence[Any]],
        again: set[int],
    ) -> None:
        """Add the chunk's rows in order: those that passed from `columns`, the others as `_row` reads them."""
        out, n = self.out, len(lines)
        for name, value in self.absent.items():
            columns[name] = [value] * n
        if self.id_parts is not None:
            name, first, second = self.id_parts
            ids = columns.get(name)
            if self.derive_all or ids is None:
                columns[name] = list(map(default_id, columns[first], columns[second]))
            elif _DERIVE in ids:
                columns[name] = [
                    default_id(a, b) if i is _DERIVE else i
                    for i, a, b in zip(ids, columns[first], columns[second], strict=True)
                ]
        if self.across:
            for k in set(range(n)) - again:
                try:
                    self.model.model_validate({name: column[k] for name, column in columns.items()})
                except ValidationError:
                    again.add(k)
        if not again:
            for name, column in columns.items():
                out.values[name].extend(column)
            out.lines.extend(lines)
            return
        for k in range(n):
            if k in again:
                line, row = chunk[k]
                record = _row(out, self.plan, self.stand_ins, self.width, line, row)
                if record is None:
                    continue
                values = record.__dict__
            else:
                values = {name: column[k] for name, column in columns.items()}
            for name, value in values.items():
                out.values[name].append(value)
            out.lines.append(lines[k])


def _trimmed(joined: str) -> bool:
    """Whether every cell of a column joined by NUL is its value as it is: not blank, nothing to trim, no `'` in
    front. A cell's edges are next to a NUL (or the ends), so for ASCII text a few substring searches in C say
    it; other text takes a regular expression."""
    if not joined.isascii():
        return _EDGE.search(joined) is None
    if not joined or joined[0] in _EDGE_ASCII or joined[-1] in _EDGE_ASCII or "\0\0" in joined or "\0'" in joined:
        return False
    spaces = [c for c in _SPACE_ASCII if c in joined]  # usually none: a search for one character is fast
    return not any(f"\0{c}" in joined or f"{c}\0" in joined for c in spaces)


def _plain(field: FieldInfo) -> bool:
    """Whether a field holds text with no rule but the cell's own (trimmed, not blank): its cells' texts are
    its values, checked in bulk."""
    return field.annotation in _TEXTS and all(m == _TRIMMED for m in field.metadata)


def _rows(
    out: TableRead, plan: list[tuple[int, Column, str]], stand_ins: dict[str, Any], width: int, rows: Rows
) -> None:
    """Every row to the table's columns, `CHUNK` rows at a time (`_Chunks`)."""
    chunks = _Chunks(out, plan, stand_ins, width)
    while True:
        chunk: list[tuple[int, list[str]]] = []
        try:
            chunk.extend(islice(rows, CHUNK))  # what it took stays in `chunk` if the source stops in between
        except SourceError:
            chunks.read(chunk)  # the rows before what stops the table are checked all the same
            raise
        if not chunk:
            return
        chunks.read(chunk)


def _row(
    out: TableRead,
    plan: list[tuple[int, Column, str]],
    stand_ins: dict[str, Any],
    width: int,
    line: int,
    cells: list[str],
) -> BaseModel | None:
    """One row to one record, or None and all its problems; blank rows are skipped."""
    joined = "".join(cells)
    if not joined.strip():
        return None  # a blank row, as spreadsheets leave between blocks
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
        return None
    return record


def _expected(err: Any, table: Table, name: str) -> str:
    """What the model wanted, in the words of the cell kinds: `a whole number >= 1`."""
    noun = next(c.cell.noun for c in table.columns if c.name == name)
    rule = limit(err["type"], err.get("ctx") or {})
    if rule:
        return f"{noun} {rule}"
    if err["type"] == "too_short":
        return "at least one entry"
    return str(err["msg"]).removeprefix("Value error, ").removeprefix("expected ")
