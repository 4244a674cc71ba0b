"""No row is ever lost to a double quote left open: it is an error at the line and cell where the quote opened.

Python's csv reader lets a cell that opens a quote run on over the following lines, taking rows into it, to the
next quote or to the end of the file; the reader must say so, in any column (ignored ones included), and still
read cells that really span lines (an address over two lines).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate.errors import InputError, Problem
from allocate.io import read_case
from allocate.io.sources import SourceError, csv_rows

FIX = 'close it where the cell ends, or write a double quote inside a cell as two ("")'


def _case(folder: Path, **tables: str) -> Path:
    """A small valid case in `folder`, with the tables given replaced by their text."""
    files = {
        "households": "household_id,grid\nH1,north\nH2,north\n",
        "needs": "household_id,item,quantity\nH1,rice,1\nH2,rice,1\n",
        "supplies": "lot_id,item,quantity,donor\nL1,rice,5,Red Cross\n",
    }
    files.update(tables)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def _problems(folder: Path) -> list[Problem]:
    try:
        read_case(folder)
    except InputError as e:
        return list(e.problems)
    raise AssertionError("expected an InputError")


def _lots(n: int, stray: int, donor: str) -> str:
    """A supplies table of `n` lots, lot `stray` with `donor` written as it is (a stray quote in it)."""
    rows = [f"L{i},rice,10,{donor if i == stray else 'Red Cross'}" for i in range(1, n + 1)]
    return "lot_id,item,quantity,donor\n" + "\n".join(rows) + "\n"


def test_quote_never_closed_is_placed_where_it_opened(tmp_path: Path) -> None:
    """The issue's donor note: a quote opened in row 6 of 63 and never closed is an error at 7:4, not 5 lots."""
    supplies = _lots(63, 6, '"Sunshine Charity Foundation, a note call before 9am')
    problems = _problems(_case(tmp_path, supplies=supplies))
    assert [(p.line, p.column, p.message) for p in problems] == [
        (7, 4, f"a double quote opens a cell here and is never closed, so lines 7-64 would be one cell; {FIX}")
    ]


def test_quote_in_an_ignored_column(tmp_path: Path) -> None:
    """A column the reader ignores (a note) loses rows like any other: 153 needs are not read as 10."""
    notes = {11: '"call before 9am'}
    rows = [f"H1,item{i},1,{notes.get(i, 'ok')}" for i in range(1, 154)]
    problems = _problems(_case(tmp_path, needs="household_id,item,quantity,note\n" + "\n".join(rows) + "\n"))
    assert [(p.file, p.line, p.column) for p in problems] == [(str(tmp_path / "needs.csv"), 12, 4)]


def test_quote_closed_later_by_a_quote_inside_text(tmp_path: Path) -> None:
    """A quote closed rows later by one that is not at a cell's end: placed where it opened, naming the close."""
    supplies = _lots(9, 3, '"Sunshine') + 'L10,rice,1,"Red Cross" Shanghai\n'
    problems = _problems(_case(tmp_path, supplies=supplies))
    assert [(p.line, p.column, p.message) for p in problems] == [
        (
            4,
            4,
            f"a double quote opens a cell here and closes on line 11 followed by 'R', not by a comma or the end of "
            f"the line; {FIX}",
        )
    ]


def test_space_after_a_closing_quote(tmp_path: Path) -> None:
    """`"Red Cross" ,5` is not read as `Red Cross ` silently: the quote must close at the cell's end."""
    problems = _problems(_case(tmp_path, supplies='lot_id,donor,item,quantity\nL1,"Red Cross" ,rice,5\n'))
    assert [(p.line, p.column, p.message) for p in problems] == [
        (
            2,
            2,
            "a double quote opens a cell here and closes on the same line followed by ' ', not by a comma or the "
            f"end of the line; {FIX}",
        )
    ]


def test_quote_closed_cleanly_rows_later_in_the_same_column(tmp_path: Path) -> None:
    """Opened in the donor of row 3 and closed at the end of the donor of row 5: the 'cell' holds two rows'
    commas, so rows 4 and 5 are not lost inside it."""
    supplies = 'lot_id,item,quantity,donor\nL1,rice,1,a\nL2,rice,1,"b\nL3,rice,1,c\nL4,rice,1,d"\nL5,rice,1,e\n'
    problems = _problems(_case(tmp_path, supplies=supplies))
    assert [(p.line, p.column) for p in problems] == [(3, 4)]
    assert problems[0].message.startswith(
        "a double quote opens a cell here that runs over lines 3-5 and holds 6 commas"
    )


def test_quote_closed_cleanly_in_another_column(tmp_path: Path) -> None:
    """Opened in the last column and closed in the first a row later: the row would have 6 cells, not 4."""
    supplies = 'lot_id,item,quantity,donor\nL1,rice,1,"note\nL2",rice,1,x\nL3,rice,1,y\n'
    problems = _problems(_case(tmp_path, supplies=supplies))
    assert [(p.line, p.column) for p in problems] == [(2, 4)]
    assert "leaves its row 7 cells where the header has 4" in problems[0].message


def test_quote_closed_where_a_later_quoted_cell_opens(tmp_path: Path) -> None:
    """A quote left open in a note is closed by the opening quote of a later row's cell that begins on a new
    line: the 'cell' then ends with the comma before that quote, which no real cell does."""
    households = 'household_id,grid,note\nH1,north,"call me\nH2,"\nnorth",x\nH3,north,\n'
    problems = _problems(_case(tmp_path, households=households))
    assert [(p.line, p.column) for p in problems] == [(2, 3)]
    assert "ends with a comma" in problems[0].message


def test_quote_in_the_header(tmp_path: Path) -> None:
    """A header cell never spans lines: a quote there would take the first rows into the header."""
    problems = _problems(_case(tmp_path, households='household_id,"grid\nH1,north"\nH2,north\n'))
    assert [(p.line, p.column) for p in problems] == [(1, 2)]


def test_cells_that_really_span_lines_are_read(tmp_path: Path) -> None:
    """A quoted address over two lines (and one with CRLF inside) is one cell: every row is read, lines right."""
    households = (
        'household_id,grid,address,members\r\nH1,north,"12 Lane 3,\r\nBlock 2",1\r\nH2,north,"Flat 4\nFloor 2",1\r\n'
        "H3,north,,2\r\n"
    )
    case = read_case(_case(tmp_path, households=households))
    assert [h.household_id for h in case.households] == ["H1", "H2", "H3"]
    households = households.replace("H3,north,,2", "H3,north,,x")
    assert [(p.line, p.column) for p in _problems(_case(tmp_path, households=households))] == [(6, 4)]


def _physical_lines(text: str) -> list[str]:
    """The lines of `text` as the reader counts them: split at CRLF, CR or LF."""
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _starts(text: str) -> list[int]:
    """The line each record of `text` starts on, as csv reads it (line breaks inside quoted cells skipped)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, line = [], 1
    for _ in reader:
        starts.append(line)
        line = reader.line_num + 1
    return starts


@st.composite
def _csv_text(draw: st.DrawFn) -> tuple[str, list[int], bool]:
    """CSV text as a spreadsheet writes it (every row as wide as the header; cells with commas, quotes and line
    breaks quoted), CRLF or LF, perhaps with a BOM, then perhaps stray double quotes put anywhere.

    Returns the text, the line each written row starts on (a stray quote moves no line break: none is put
    inside a CRLF, which would make it two), and whether stray quotes were put in.
    """
    width = draw(st.integers(min_value=1, max_value=5))
    cell = st.text(alphabet='ab ,"\n\r中\ufeff', max_size=6)
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=6))
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
        [[f"c{i}" for i in range(width)], *rows]
    )
    text = out.getvalue()
    starts = _starts(text)
    stray = draw(st.lists(st.integers(min_value=0, max_value=len(text)), max_size=3))
    for at in sorted(stray, reverse=True):
        at -= text[at - 1 : at + 1] == "\r\n"
        text = text[:at] + '"' + text[at:]
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + text, starts, bool(stray)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_csv_text())
def test_every_row_is_read_or_a_line_is_named(
    tmp_path_factory: pytest.TempPathFactory, written: tuple[str, list[int], bool]
) -> None:
    """Whatever the text, either every row written is still a record of its own (none taken into another's
    cell) and the records cover every line, or an error names the line, holding a double quote, where it
    opened."""
    text, starts, stray = written
    file = tmp_path_factory.mktemp("csv") / "table.csv"
    file.write_bytes(text.encode("utf-8"))
    lines = _physical_lines(text.removeprefix("\ufeff"))
    read: list[tuple[int, list[str]]] = []
    try:
        read.extend(csv_rows(str(file))())
    except SourceError as e:
        assert e.line is not None  # noqa: PT017
        assert 1 <= e.line <= len(lines)  # noqa: PT017
        assert '"' in lines[e.line - 1]  # noqa: PT017
        return
    assert set(starts) <= {start for start, _ in read}
    line = 1
    for start, cells in read:
        assert start == line
        line += sum(len(re.findall(r"\r\n|\r|\n", c)) for c in cells) + 1
    assert line == len(lines) + 1
    if not stray:
        assert [cells for _, cells in read] == list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
