"""Volunteers' results, read back: the delivery sheet (`volunteers.csv` of `allocate sheets`) with its result column
filled, checked against the round's plan and turned into rows per visit and item (`ResultRow`).

A row is one stop: volunteer, household, and what came of it in the `result` column (结果): `delivered` (已送达),
`not_home` (不在家), `refused` (拒收) or `partial` (部分送达). A partly delivered stop says what reached the
household in the `delivered` column (实送), as the goods column writes it (`大米 × 2；食用油 × 1`; items left out
got nothing; a plain number when the stop has one item). An optional `night` column (夜间; on the sheet when the
policy's `[credit]` weights night visits) says yes (是) for a stop made at night. A row whose result is blank is not
reported yet and is skipped; other columns (stop, grid, goods, hours, contacts) restate the sheet and are not read.
The file is CSV (UTF-8 with or without BOM, GB18030, as cases are) or an `.xlsx` workbook (its first sheet).

Every problem is an `InputError` at `file:line:column` in English and Chinese (`Problem.text`): a visit the
round's plan does not have, a result word not known, units above those planned, an item not planned, a night
cell that is not yes or no, a visit reported twice. Nothing is recorded then.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from allocate.catalog import message
from allocate.errors import InputError, Problem
from allocate.io.columns import header_key
from allocate.ledger.records import ResultRow, RoundRecord

COLUMNS: dict[str, tuple[str, ...]] = {
    "volunteer": ("volunteer_id", "volunteer", "志愿者"),
    "household": ("household_id", "household", "户号"),
    "result": ("result", "结果"),
    "delivered": ("delivered", "实送"),
    "night": ("night", "夜间"),
}
"""The columns read, by the headers accepted for each (compared as case headers are)."""
REQUIRED = ("volunteer", "household", "result")

WORDS: dict[str, tuple[str, ...]] = {
    "delivered": ("delivered", "done", "已送达", "送达", "已送"),
    "not_home": ("not_home", "not at home", "not home", "absent", "不在家", "无人在家"),
    "refused": ("refused", "拒收", "拒绝"),
    "partial": ("partial", "partly delivered", "partially delivered", "部分送达", "部分"),
}
"""The words a result cell may hold, for each outcome."""
KNOWN = ", ".join(f"{ws[0]}/{next(w for w in ws if not w.isascii())}" for ws in WORDS.values())
_WORD = {re.sub(r"[\s_\-]", "", header_key(w)): outcome for outcome, words in WORDS.items() for w in words}
_PART = re.compile(r"^(.+?)\s*(?:[×xX*]\s*)?(\d+)\s*(?:份|件|个|units?)?$")
_SEPARATORS = re.compile(r"[;；,，、\n]")


@dataclass(frozen=True)
class VisitReport:
    """What a volunteer reported for one stop: the outcome (`OUTCOMES` or a word of `WORDS`), for `partial` the
    units of each item delivered, and whether the stop was made at `night` (credit may weight it). `line` and
    `columns` place problems (set when read from a file)."""

    volunteer_id: str
    household_id: str
    outcome: str
    delivered: Mapping[str, int] | None = None
    line: int | None = None
    columns: Mapping[str, int] = field(default_factory=dict)
    night: bool = False


def outcome_of(word: str) -> str | None:
    """The outcome a result cell's word means (`已送达` -> `delivered`), or None if it means none."""
    return _WORD.get(re.sub(r"[\s_\-]", "", header_key(word)))


def read_reports(path: str | os.PathLike[str]) -> tuple[list[VisitReport], list[Problem]]:
    """The stops a results file reports (rows with a result), and the problems reading it found."""
    file = os.fspath(path)
    problems: list[Problem] = []
    reports: list[VisitReport] = []
    rows, closing = _rows(file)
    try:
        where: dict[str, int] = {}
        for line, cells in rows:
            cells = [_restore(c) for c in cells]
            if not where:
                keys = [header_key(c) for c in cells]
                for name, headers in COLUMNS.items():
                    for i, k in enumerate(keys):
                        if k in {header_key(h) for h in headers}:
                            where.setdefault(name, i + 1)
                missing = [n for n in REQUIRED if n not in where]
                if missing:
                    said = ", ".join(f"{COLUMNS[n][0]} ({COLUMNS[n][-1]})" for n in missing)
                    problems.append(_problem(file, line, None, "results_missing_columns", columns=said))
                    return [], problems
                continue

            def cell(name: str, cells: list[str] = cells) -> str:
                i = where.get(name)
                return cells[i - 1].strip() if i is not None and i <= len(cells) else ""

            word = cell("result")
            if not word:
                continue
            outcome = outcome_of(word)
            if outcome is None:
                known = KNOWN
                problems.append(_problem(file, line, where["result"], "results_unknown_word", word=word, known=known))
                continue
            delivered: dict[str, int] | None = None
            text = cell("delivered")
            if text:
                delivered = _units(text)
                if delivered is None:
                    problems.append(_problem(file, line, where["delivered"], "results_units_unreadable", text=text))
                    continue
            night = _yes(cell("night"))
            if night is None:
                problems.append(_problem(file, line, where["night"], "results_night_word", text=cell("night")))
                continue
            reports.append(
                VisitReport(cell("volunteer"), cell("household"), outcome, delivered, line, dict(where), night)
            )
    except _SourceError as e:
        problems.append(_problem(file, e.line, e.column, "results_unreadable", why=str(e)))
    finally:
        closing()
    if where and not reports and not problems:
        problems.append(_problem(file, 1, where["result"], "results_empty"))
    if not where and not problems:
        problems.append(
            _problem(file, 1, None, "results_missing_columns", columns="volunteer_id, household_id, result")
        )
    return reports, problems


def results_language(path: str | os.PathLike[str]) -> Literal["en", "zh"] | None:
    """Chinese when a results CSV's header has Chinese characters (志愿者, 结果), English when it has none; None
    when the header cannot be read here (a workbook, a broken file: the locale's language then)."""
    file = os.fspath(path)
    if file.lower().endswith((".xlsx", ".xlsm")):
        return None
    try:
        rows, closing = _rows(file)
        try:
            for _, cells in rows:
                return "zh" if any("\u4e00" <= ch <= "\u9fff" for c in cells for ch in c) else "en"
        finally:
            closing()
    except (InputError, _SourceError):
        return None
    return None


def check_reports(
    reports: Iterable[VisitReport], record: RoundRecord, file: str | None = None
) -> tuple[list[ResultRow], list[Problem]]:
    """The result rows of `reports` for the round record `record`, and what in them does not fit its plan."""
    goods: dict[str, dict[str, int]] = {}  # household -> item -> units planned
    for a in record.allocations:
        per = goods.setdefault(a.household_id, {})
        per[a.item] = per.get(a.item, 0) + a.quantity
    stops: dict[tuple[str, str], bool] = {}  # (volunteer, household) -> whether it delivers goods
    for v in record.visits:
        key = (v.volunteer_id, v.household_id)
        stops[key] = stops.get(key, False) or v.kind == "delivery"
    rows: list[ResultRow] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int | None] = {}
    for k, r in enumerate(reports):
        at = _Place(file, r, k)
        key = (r.volunteer_id, r.household_id)
        outcome = r.outcome if r.outcome in WORDS else outcome_of(r.outcome)
        if outcome is None:
            known = KNOWN
            problems.append(at.problem("result", "results_unknown_word", word=r.outcome, known=known))
            continue
        if key not in stops:
            problems.append(
                at.problem(
                    "household",
                    "results_no_visit",
                    volunteer=r.volunteer_id,
                    household=r.household_id,
                    number=record.number,
                )
            )
            continue
        if key in seen:
            problems.append(at.problem("household", "results_twice", line=seen[key] or "?"))
            continue
        seen[key] = r.line
        planned = goods.get(r.household_id, {}) if stops[key] else {}
        bad = False
        for item, units in (r.delivered or {}).items():
            if len(planned) == 1 and item == "":
                continue
            if item not in planned:
                problems.append(at.problem("delivered", "results_item_not_planned", item=item, planned=_list(planned)))
                bad = True
            elif units > planned[item]:
                words = {"item": item, "units": units, "planned": planned[item]}
                problems.append(at.problem("delivered", "results_above_planned", **words))
                bad = True
        if outcome == "partial" and r.delivered is None and planned:
            problems.append(at.problem("delivered", "results_partial_needs_units", planned=_list(planned)))
            bad = True
        if bad:
            continue
        if not planned:
            rows.append(ResultRow(r.volunteer_id, r.household_id, None, outcome, 0, 0, r.line, r.night))
        for item in sorted(planned):
            units = planned[item]
            if outcome == "delivered":
                got = units
            elif outcome == "partial":
                given = r.delivered or {}
                got = given.get(item, given.get("", 0) if len(planned) == 1 else 0)
            else:
                got = 0
            rows.append(ResultRow(r.volunteer_id, r.household_id, item, outcome, units, got, r.line, r.night))
    return rows, problems


class _SourceError(Exception):
    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


@dataclass(frozen=True)
class _Place:
    file: str | None
    report: VisitReport
    index: int

    def problem(self, column: str, key: str, **words: Any) -> Problem:
        if self.file is not None and self.report.line is not None:
            return _problem(self.file, self.report.line, self.report.columns.get(column), key, **words)
        said = message(key, "en", **words)
        text = {k: str(v) for k, v in words.items()}
        return Problem(table="results", row=self.index, field=column, message=said, key=key, words=text)


def _problem(file: str, line: int | None, column: int | None, key: str, **words: Any) -> Problem:
    text = {k: str(v) for k, v in words.items()}
    return Problem(file=file, line=line, column=column, message=message(key, "en", **words), key=key, words=text)


def _list(planned: Mapping[str, int]) -> str:
    return "; ".join(f"{item} × {n}" for item, n in sorted(planned.items())) or "-"


def _units(text: str) -> dict[str, int] | None:
    """`大米 × 2；油 × 1` as {item: units}; a plain number as {"": units} (the stop's one item); None if unreadable."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return {"": int(text)}
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in _SEPARATORS.split(text))):
        m = _PART.match(part)
        if m is None:
            return None
        out[m.group(1).strip()] = out.get(m.group(1).strip(), 0) + int(m.group(2))
    return out or None


def _yes(text: str) -> bool | None:
    """A night cell: blank is no; yes/no words as case tables take them (是/否, yes/no, y/n, true/false, 1/0);
    None for anything else."""
    from allocate.io.cells import BOOL, CellError

    if not text:
        return False
    try:
        return bool(BOOL.parse(text))
    except CellError:
        return None


def _restore(cell: str) -> str:
    from allocate.text import restore

    return restore(cell)


def _rows(file: str) -> tuple[Iterable[tuple[int, list[str]]], Any]:
    """The rows of a results CSV or the first sheet of a workbook, and what closes it."""
    from allocate.io.sources import SourceError, _xlsx_rows, csv_rows

    def guarded(rows: Iterable[tuple[int, list[str]]]) -> Iterable[tuple[int, list[str]]]:
        try:
            yield from rows
        except SourceError as e:
            raise _SourceError(str(e), e.line, e.column) from None

    if file.lower().endswith((".xlsx", ".xlsm")):
        import openpyxl

        try:
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds on a file that is not a workbook
            raise InputError(
                [_problem(file, None, None, "results_unreadable", why=f"{type(e).__name__}: {e}")]
            ) from None
        return guarded(_xlsx_rows(book.worksheets[0])()), book.close
    if not os.path.isfile(file):
        raise InputError([_problem(file, None, None, "results_unreadable", why="no such file")])
    return guarded(csv_rows(file)()), lambda: None
