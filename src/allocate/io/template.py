"""`write_template`: empty tables a planner fills in, each with its headers and one example row.

The example rows form a small valid case (they refer to each other), so a planner can check the template
with `allocate validate` before replacing them with real data.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel

from allocate.io.cells import Lang
from allocate.io.columns import TABLES, Table
from allocate.io.writer import write_tables
from allocate.schema import Policy


def write_template(folder: str | os.PathLike[str], *, lang: Lang = "en") -> None:
    """Write every table with headers in `lang` and one example row, and the commented default policy."""
    write_tables(folder, [(t, [_example(t, lang)]) for t in TABLES], Policy(), lang)


def _example(table: Table, lang: Lang) -> BaseModel:
    """The table's example row as a record, read from the examples its columns declare."""
    data: dict[str, Any] = {}
    for c in table.columns:
        text = c.example_zh if lang == "zh" else c.example
        if text:
            data[c.name] = c.cell.parse(text)
    return table.model.model_validate(data)
