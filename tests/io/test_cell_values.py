"""Cell kinds one by one: what each accepts, what it refuses, and that what it writes it reads back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from allocate.io.cells import BOOL, DATE, LIST, NUMBER, TEXT, URGENCY, WHOLE, Cell, CellError, native_text
from allocate.schema import Urgency

ACCEPTED = [
    (WHOLE, "3", 3),
    (WHOLE, "３", 3),
    (WHOLE, "3.0", 3),
    (WHOLE, "+3", 3),
    (WHOLE, "-2", -2),
    (NUMBER, "0.25", 0.25),
    (NUMBER, "４.５", 4.5),
    (NUMBER, ".5", 0.5),
    (NUMBER, "1e3", 1000.0),
    (BOOL, "Yes", True),
    (BOOL, "Ｙ", True),
    (BOOL, "是", True),
    (BOOL, "FALSE", False),
    (BOOL, "0", False),
    (BOOL, "否", False),
    (DATE, "2026-03-05", dt.date(2026, 3, 5)),
    (DATE, "2026/3/5", dt.date(2026, 3, 5)),
    (DATE, "2026.3.5", dt.date(2026, 3, 5)),
    (DATE, "2026年3月5日", dt.date(2026, 3, 5)),
    (DATE, "２０２６-０３-０５", dt.date(2026, 3, 5)),
    (DATE, "2026-03-05 00:00:00", dt.date(2026, 3, 5)),
    (URGENCY, "Critical", Urgency.CRITICAL),
    (URGENCY, "紧急", Urgency.CRITICAL),
    (URGENCY, "低", Urgency.LOW),
    (LIST, "a;b", ("a", "b")),
    (LIST, "a；b、c，d, e", ("a", "b", "c", "d", "e")),
    (LIST, ";;", ()),
    (TEXT, "Rice", "Rice"),
]

REFUSED = [
    (WHOLE, "3.5"),
    (WHOLE, "abc"),
    (WHOLE, "inf"),
    (WHOLE, "nan"),
    (WHOLE, "1e400"),
    (WHOLE, "1,000"),
    (WHOLE, "1_000"),
    (WHOLE, "1" * 19),
    (NUMBER, "inf"),
    (NUMBER, "-inf"),
    (NUMBER, "nan"),
    (NUMBER, "1e400"),
    (NUMBER, "1,5"),
    (BOOL, "maybe"),
    (BOOL, "2"),
    (DATE, "05/03/2026"),
    (DATE, "2026-13-01"),
    (DATE, "2026-03-05 10:30"),
    (URGENCY, "urgent"),
]


@pytest.mark.parametrize(("cell", "text", "value"), ACCEPTED)
def test_accepted(cell: Cell, text: str, value: Any) -> None:
    """Each accepted spelling reads as the value."""
    assert cell.parse(text) == value


@pytest.mark.parametrize(("cell", "text"), REFUSED)
def test_refused(cell: Cell, text: str) -> None:
    """Each refused text raises CellError saying what was expected."""
    with pytest.raises(CellError) as info:
        cell.parse(text)
    assert info.value.expected


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("cell", "_", "value"), [a for a in ACCEPTED if a[0] is not LIST or a[2]])
def test_format_reads_back(cell: Cell, _: str, value: Any, lang: str) -> None:
    """What a cell kind writes, in either language, it reads back to the same value."""
    assert cell.parse(cell.format(value, lang)) == value  # type: ignore[arg-type]


def test_native_spreadsheet_values() -> None:
    """Native xlsx values become the text a CSV export would hold."""
    assert [native_text(v) for v in (None, True, 3, 3.0, 2.5, dt.datetime(2026, 3, 5), dt.date(2026, 3, 5))] == [
        "",
        "true",
        "3",
        "3",
        "2.5",
        "2026-03-05",
        "2026-03-05",
    ]
