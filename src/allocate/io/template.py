"""`write_template`: empty tables a planner fills in, each with its headers and one example row.

The example rows form a small valid case (they refer to each other), so a planner can check the template
with `allocate validate` before replacing them with real data. The tables are CSV files, or with `xlsx` the
sheets of one workbook, `case.xlsx`, which takes the `policy.toml` written beside it (`allocate.io.sources`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from allocate.files import atomic_folder
from allocate.io.cells import NUMBER, WHOLE, Cell, Lang
from allocate.io.columns import EARLIER, POLICY_FILE, TABLES, Table
from allocate.io.writer import write_tables
from allocate.schema import Policy
from allocate.text import display_width

WORKBOOK = "case.xlsx"
"""The workbook `write_template(..., xlsx=True)` writes; the CSV template's tables are its sheets."""
FIXED_TIME = dt.datetime(2000, 1, 1)
"""The time a template workbook says it was made, and its parts' zip times: the same template, the same bytes."""


def write_template(folder: str | os.PathLike[str], *, lang: Lang = "en", xlsx: bool = False) -> None:
    """Write every table with headers in `lang` and one example row, and the commented default policy; as CSV
    files, or with `xlsx` as the sheets of one workbook (`WORKBOOK`) beside the policy."""
    examples = [(t, [_example(t, lang)]) for t in TABLES if t is not EARLIER]  # earlier rounds: allocate round's
    if not xlsx:
        write_tables(folder, examples, Policy(), lang, every_column=True)
        return
    with tempfile.TemporaryDirectory() as scratch:  # the CSV template first: the workbook holds exactly its cells
        tables = Path(scratch) / "tables"
        write_tables(tables, examples, Policy(), lang, every_column=True)
        data = _workbook(tables, lang)
        policy = (tables / POLICY_FILE).read_bytes()
    with atomic_folder(folder) as tmp:
        (tmp / WORKBOOK).write_bytes(data)
        (tmp / POLICY_FILE).write_bytes(policy)


def _example(table: Table, lang: Lang) -> BaseModel:
    """The table's example row as a record, read from the examples its columns declare."""
    data: dict[str, Any] = {}
    for c in table.columns:
        text = c.example_zh if lang == "zh" else c.example
        if text:
            data[c.name] = c.cell.parse(text)
    return table.model.model_validate(data)


def _workbook(tables: Path, lang: Lang) -> bytes:
    """The CSV template in `tables` as a workbook's bytes: a sheet per file, named as the file is, its header row
    frozen, its columns wide enough to read; numbers stored as numbers, every other cell as the CSV has it."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = FIXED_TIME
    for table in TABLES:
        file = tables / f"{table.stem(lang)}.csv"
        if not file.is_file():
            continue
        with open(file, encoding="utf-8-sig", newline="") as f:
            header, *rows = csv.reader(f)
        kinds = {c.header(lang): c.cell for c in table.columns}
        sheet = book.create_sheet(table.stem(lang))
        sheet.freeze_panes = "A2"
        for i, name in enumerate(header, start=1):
            widest = max(display_width(text) for text in [name, *(row[i - 1] for row in rows)])
            sheet.column_dimensions[get_column_letter(i)].width = widest + 4
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(text, kinds.get(name)) for name, text in zip(header, row, strict=True)])
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # not `book.save`, which stamps the time of writing
    return _fixed_times(raw.getvalue())


def _cell(text: str, kind: Cell | None) -> object:
    """A number as a number (Excel marks digits stored as text); any other cell as its CSV text, which no
    formula can start (`write_csv` neutralised it)."""
    if text and kind in (WHOLE, NUMBER):
        return kind.parse(text)
    return text


def _fixed_times(data: bytes) -> bytes:
    """The same zip with every part dated `FIXED_TIME`, so that writing a template twice gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info))
    return out.getvalue()
