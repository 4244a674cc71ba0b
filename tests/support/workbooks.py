"""Small .xlsx workbooks written by the tests themselves (no committed binaries)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

Rows = list[list[object]]


def workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    """A workbook at `path` with one sheet per entry, its rows appended in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path
