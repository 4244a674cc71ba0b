"""Small files cannot take unbounded memory or time: problems past a bound are counted, not kept; workbook rows
are read by their cells; a policy's size, nesting and contents are bounded, each with a clear message.

The hostile inputs are made here by small generators (a few thousand rows), and the tests count rows and
problems, never seconds.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from allocate.errors import MAX_LISTED, InputError, Omitted, Problem
from allocate.io import read_case, read_case_with_warnings, read_policy
from allocate.io.sources import _stored_cells, find_tables
from allocate.schema import MAX_CLAUSES, MAX_LIST, MAX_TIERS
from support.workbooks import workbook

NEEDS = "household_id,item,quantity\nH1,rice,1\n"
SUPPLIES = "lot_id,item,quantity\nL1,rice,5\n"


def _case(folder: Path, **tables: str) -> Path:
    files = {"households": "household_id,grid\nH1,north\n", "needs": NEEDS, "supplies": SUPPLIES} | tables
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_case(path)
    return info.value


def _bad_households(rows: int) -> list[list[object]]:
    """A households table of `rows` rows with three bad cells each (blank grid, words for numbers)."""
    return [["household_id", "grid", "members", "oldest_age"]] + [[f"H{i}", None, "x", "x"] for i in range(rows)]


def _kept_then_counted(problems: tuple[Problem, ...], found: int) -> Omitted:
    """Check that `problems` are the first MAX_LISTED of `found` and one entry counting the rest; return it."""
    assert len(problems) == MAX_LISTED + 1
    last = problems[-1]
    assert isinstance(last, Omitted)
    assert last.count == found - MAX_LISTED
    assert not any(isinstance(p, Omitted) for p in problems[:-1])
    return last


def test_bad_rows_of_a_csv_are_counted_not_kept(tmp_path: Path) -> None:
    """3,000 rows of three bad cells: 100 problems kept, one entry for the other 8,900, and the total exact."""
    rows = _bad_households(3000)
    text = "\n".join(",".join("" if c is None else str(c) for c in row) for row in rows) + "\n"
    error = _error(_case(tmp_path, households=text))
    assert error.total == 9000
    last = _kept_then_counted(error.problems, 9000)
    assert (last.line, last.column, last.severity) == (35, 3, "error")  # row 35's second problem is the 101st
    assert str(last).endswith(
        "households.csv:35:3: and 8,900 more errors like these from here on, not listed (only the first 100 are); "
        "fix those listed and check again"
    )
    assert str(error).startswith("9,000 problems in the input; the first: ")


def test_bad_rows_of_a_workbook_are_counted_not_kept(tmp_path: Path) -> None:
    """The same in a workbook: 2,000 rows of three bad cells keep 100 problems and count the rest."""
    path = workbook(
        tmp_path / "case.xlsx",
        {"households": _bad_households(2000), "needs": [["household_id", "item", "quantity"]], "supplies": []},
    )
    error = _error(path)
    missing = [p for p in error.problems if "supplies" in (p.file or "")]
    problems = tuple(p for p in error.problems if p not in missing)
    assert [p.message for p in missing] == [
        "the table is empty; expected a header row with lot_id, item, quantity, donor, expires, reserved_for, grids"
    ]
    _kept_then_counted(problems, 6000)
    assert error.total == 6001


def test_sparse_workbook_rows_are_read_by_their_cells(tmp_path: Path) -> None:
    """300 rows with one cell each at column XFD (16,384): no row is made 16,384 cells long, and each far cell
    is a problem at its own column."""
    path = workbook(tmp_path / "case.xlsx", {"households": [["household_id", "grid"]], "needs": [], "supplies": []})
    book = openpyxl.load_workbook(path)
    for row in range(2, 302):
        book["households"].cell(row=row, column=16384, value=row)
    book.save(path)
    found = find_tables(path)
    with found.resource:
        households = next(s for s in found.sheets if s.table.name == "households")
        widths = [len(cells) for _, cells in households.rows()]
    assert len(widths) == 301
    assert max(widths) == 3  # the header's two columns, then the one far cell
    error = _error(path)
    far = [p for p in error.problems if p.column == 16384]
    assert far[0].message == 'a value beyond the header\'s 2 columns, found "2"; give its column a header or clear it'
    assert error.total == 300 * 3 + 2  # per row: two blank required cells and the far one; two empty tables


def test_a_workbook_row_count_that_is_wrong_loses_no_rows(tmp_path: Path) -> None:
    """A sheet that claims fewer rows than it holds (a stale `dimension`, as some exporters write) is read to
    its last row; openpyxl's own rows stop where the claim ends."""
    path = workbook(
        tmp_path / "case.xlsx",
        {
            "households": [["household_id", "grid"]] + [[f"H{i}", "north"] for i in range(5)],
            "needs": [["household_id", "item", "quantity"]] + [[f"H{i}", "rice", 1] for i in range(5)],
            "supplies": [["lot_id", "item", "quantity"], ["L1", "rice", 5]],
        },
    )
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C2"', data)
            out.writestr(item, data)
    case = read_case(stale)
    assert (len(case.households), len(case.needs)) == (5, 5)


def test_cross_table_problems_are_counted_not_kept(tmp_path: Path) -> None:
    """250 needs of a household that is not there: 100 kept, 150 counted."""
    needs = "household_id,item,quantity\n" + "".join(f"H9,item{i},1\n" for i in range(250))
    error = _error(_case(tmp_path, needs=needs))
    last = _kept_then_counted(error.problems, 250)
    assert (last.line, last.column) == (102, 1)
    assert last.message.startswith("household_id: and 150 more errors like these from here on")


def test_warnings_and_notes_are_counted_not_kept(tmp_path: Path) -> None:
    """250 ignored columns give 100 notes and one counting 150; 250 items no lot supplies, 100 warnings and one
    counting 150."""
    header = "household_id,grid," + ",".join(f"extra{i}" for i in range(250))
    needs = "household_id,item,quantity\n" + "".join(f"H1,item{i},1\n" for i in range(250))
    _, found = read_case_with_warnings(_case(tmp_path, households=f"{header}\nH1,north\n", needs=needs))
    notes = [p for p in found if p.severity == "note"]
    assert len(notes) == MAX_LISTED + 1
    assert isinstance(notes[-1], Omitted)
    assert (notes[-1].count, notes[-1].line, notes[-1].column) == (150, 1, 103)
    warnings = [p for p in found if p.severity == "warning" and "no lot supplies" in p.message]
    assert len(warnings) == MAX_LISTED
    counted = [p for p in found if isinstance(p, Omitted) and p.severity == "warning"]
    assert [(p.count, p.line) for p in counted] == [(150, 102)]


def _policy(tmp_path: Path, text: str) -> list[Problem]:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_policy(path)
    return list(info.value.problems)


def _tiers(n: int, when: str = "when = [{ min_age = 60 }]\n") -> str:
    return "".join(f'[[tiers]]\nname = "t{i}"\n{when}\n' for i in range(n)) + '[[tiers]]\nname = "rest"\n'


def test_too_many_tiers(tmp_path: Path) -> None:
    """5,000 tiers are refused before they are read, at the first one too many."""
    problems = _policy(tmp_path, _tiers(5000))
    assert [(p.line, p.message) for p in problems] == [
        (4 * MAX_TIERS + 1, f"tiers: a policy may have at most {MAX_TIERS} tiers; this one has 5,001")
    ]


def test_too_many_clauses_and_entries(tmp_path: Path) -> None:
    """A tier of 150 clauses, and a clause listing 1,500 grids, are refused at their keys."""
    clauses = ", ".join("{ min_age = 60 }" for _ in range(MAX_CLAUSES + 50))
    grids = ", ".join(f'"G{i}"' for i in range(MAX_LIST + 500))
    text = f'[[tiers]]\nname = "a"\nwhen = [{clauses}]\n[[tiers]]\nname = "b"\nwhen = [{{ grids = [{grids}] }}]\n'
    problems = _policy(tmp_path, text + '[[tiers]]\nname = "rest"\n')
    assert [(p.line, p.column, p.message) for p in problems] == [
        (3, 1, f"tiers[0].when: a tier may have at most {MAX_CLAUSES} clauses; this one has 150"),
        (6, 11, f"tiers[1].when[0].grids: a condition's list may have at most {MAX_LIST} entries; this one has 1,500"),
    ]


def test_many_policy_problems_are_counted_not_kept(tmp_path: Path) -> None:
    """99 tiers with two bad clauses each: 100 problems kept, one counting the other 98."""
    problems = _policy(tmp_path, _tiers(99, "when = [{ min_age = -1 }, { min_age = 200 }]\n"))
    assert len(problems) == MAX_LISTED + 1
    assert problems[-1].count == 98


@pytest.mark.parametrize(
    ("text", "column"),
    [("seed = " + "[" * 100_000 + "]" * 100_000 + "\n", 18), ("x = " + "{ a = " * 5000 + "1" + " }" * 5000, 65)],
    ids=["arrays", "inline-tables"],
)
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path, text: str, column: int) -> None:
    """100,000 nested arrays (or 5,000 inline tables) are an input error at the first bracket too deep, where
    the TOML parser would end in RecursionError; brackets inside strings and comments do not count."""
    problems = _policy(tmp_path, '# [[[[[[[[[[[[\nname = "[[[[[[[[[[[["\n' + text)
    assert [(p.line, p.column, p.message) for p in problems] == [
        (3, column, "nested more than 10 deep in arrays and inline tables; a policy needs at most three")
    ]


def test_policy_file_too_large(tmp_path: Path) -> None:
    """A policy file of more than 1 MiB (here comments) is refused unread."""
    problems = _policy(tmp_path, "# padding\n" * 110_000)
    assert [p.message for p in problems] == [
        "the policy is larger than 1,048,576 bytes, and a policy is a few thousand: is it the right file?"
    ]


def test_long_tier_name(tmp_path: Path) -> None:
    """A tier name of 10,000 characters is refused, and the message quotes it cut short."""
    problems = _policy(tmp_path, f'[[tiers]]\nname = "{"x" * 10_000}"\n')
    assert [(p.line, p.message) for p in problems] == [
        (2, "tiers[0].name: a tier name may have at most 100 characters; this one has 10,000")
    ]


def test_what_stops_a_table_is_listed_after_many_problems(tmp_path: Path) -> None:
    """A quote left open after 200 bad rows is listed after the 100 kept and the entry counting the rest."""
    rows = "".join(f"H{i},,\n" for i in range(200)) + 'H200,"north\n'
    error = _error(_case(tmp_path, households="household_id,grid,note\n" + rows))
    assert len(error.problems) == MAX_LISTED + 2
    assert error.problems[-2].count == 100
    assert (error.problems[-1].line, error.problems[-1].column) == (202, 2)
    assert error.total == 201


def test_a_header_of_many_columns(tmp_path: Path) -> None:
    """20,000 unknown headers are 100 notes and one counting the rest, and a misspelt one among them (far to the
    right) is still a 'did you mean' warning: only names that could be near are compared."""
    header = ["household_id", "grid"] + [f"x{i}" for i in range(20_000)] + ["membres"]
    _, found = read_case_with_warnings(_case(tmp_path, households=",".join(header) + "\nH1,north\n"))
    notes = [p for p in found if p.severity == "note"]
    assert [len(notes), notes[-1].count] == [MAX_LISTED + 1, 20_000 - MAX_LISTED]
    assert [(p.column, p.message) for p in found if p.severity == "warning" and "did you mean" in p.message] == [
        (20_003, "column 'membres' is not a known column of households; did you mean 'members'?")
    ]


def test_sheet_cells_fall_back_to_openpyxl_rows() -> None:
    """Should openpyxl's sheet parser not be there as expected, a sheet's public rows are read instead."""

    class Rows:
        def iter_rows(self, **_: object) -> list[tuple[object, ...]]:
            return [("household_id", "grid"), ("H1", None)]

    assert list(_stored_cells(Rows())) == [(1, [(1, "household_id"), (2, "grid")]), (2, [(1, "H1"), (2, None)])]
