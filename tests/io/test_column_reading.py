"""The column reader (`io.tables._Chunks`) against reading every row on its own (`io.tables._row`).

Rows are checked a column at a time, and a row is read on its own only when some check finds fault with it. That
is only right if the bulk checks accept exactly the rows `_row` accepts, with the same values, and leave every
other row to `_row`, so that each problem is said as before at its `file:line:column`. These tests build tables of
awkward cells (blanks, spaces around, full-width digits, formula guards, Chinese, out of range, rows short and
long) and compare the two readers cell for cell.
"""

from __future__ import annotations

import subprocess
import sys
from array import array
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate.generate import generate
from allocate.io import tables
from allocate.io.cells import TierCell
from allocate.io.columns import EARLIER, HOUSEHOLDS, NEEDS, SERVICES, SUPPLIES, VOLUNTEERS, Table
from allocate.io.reader import read_case
from allocate.io.sources import Overflow, Rows, Sheet, header_width
from allocate.io.writer import write_case
from allocate.schema import Records

TEXT = ["H1", "H2", " H1", "H1 ", "", "  ", "'=x", "'", "户1", "\u3000户2", "a b", "x\ty", "Ｈ１", "'H1"]
KINDS: dict[str, list[str]] = {
    "text": TEXT,
    "a whole number": ["1", "2", "0", "-1", "１２", "1.0", " 3 ", "x", "", "131", "99999999999999999999", "+4"],
    "a finite number": ["1", "0.5", "0", "1e-9", "0.0001", "１.５", "nan", "inf", "-2", "", "10001", " 2 "],
    "true/false, yes/no, y/n, 1/0 or 是/否": ["true", "否", "是", "YES", " n ", "1", "2", "", "maybe"],
    "a date like 2026-03-01": ["2026-03-01", "2026/3/1", "2026年3月1日", "2026-02-30", "", "3/1", " 2026-03-01 "],
    "one of critical, high, normal, low (紧急, 高, 普通, 低)": ["high", "紧急", "Normal", "", "urgent", " low "],
    "a list separated by ;": ["G1", "G1;G2", "*", ";", "；；", "", " G1 ， G2 ", "G1;G1"],
    "a tier of the policy": ["vulnerable", "困难群体", "general", "nobody", "", " priority "],
}


def _cell(kind: str) -> st.SearchStrategy[str]:
    """A cell of a kind: mostly its first, clean texts, so that a column is often clean but for one cell (the
    case the bulk checks must see), sometimes an awkward one."""
    texts = KINDS[kind]
    return st.one_of(st.sampled_from(texts[:2]), st.sampled_from(texts[:2]), st.sampled_from(texts))


def _cells(table: Table) -> st.SearchStrategy[list[str]]:
    """One row of `table`'s columns, each cell drawn from awkward texts of its kind; sometimes short or long."""
    columns = [_cell(c.cell.noun) for c in table.columns]
    row = st.tuples(*columns).map(list)
    return st.one_of(
        row,
        row.map(lambda r: r[:-1]),
        row.map(lambda r: [*r, ""]),
        row.map(lambda r: [*r, "extra"]),
        st.just([""] * len(table.columns)),
    )


def _one_by_one(sheet: Sheet, tiers: TierCell) -> tables.TableRead:
    """What `read_table` gave before the column reader: every row read on its own by `_row`."""
    out = tables.TableRead(sheet)
    rows = sheet.rows()
    header = next(rows)[1]
    width = header_width(header)
    plan, stand_ins = tables._header(out, sheet.table, header[:width])
    plan = [(i, tables.replace(c, cell=tiers) if c.name in tables.TIER_FIELDS else c, h) for i, c, h in plan]
    for line, cells in rows:
        record = tables._row(out, plan, stand_ins, width, line, cells)
        if record is not None:
            for name, value in record.__dict__.items():
                out.values[name].append(value)
            out.lines.append(line)
    out.finish()
    return out


def _sheet(table: Table, body: list[list[str]]) -> Sheet:
    header = [c.name for c in table.columns]

    def rows() -> Rows:
        yield 1, header
        yield from enumerate(body, start=2)

    return Sheet(table, f"{table.name}.csv", rows)


def _said(read: tables.TableRead) -> tuple[Any, ...]:
    """Everything a table read gives: values, lines, problems and warnings as said, ids rejected."""
    problems = [(p.line, p.column, p.message, p.key) for p in read.problems + read.warnings]
    return read.values, read.lines, problems, read.rejected_ids


TIERS = TierCell.of(("priority", "vulnerable", "general"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_column_reader_reads_as_row_by_row(data: st.DataObject) -> None:
    """Every table of awkward cells reads the same, value for value and problem for problem, both ways."""
    table = data.draw(st.sampled_from([HOUSEHOLDS, NEEDS, SUPPLIES, VOLUNTEERS, SERVICES, EARLIER]))
    body = data.draw(st.lists(_cells(table), max_size=12))
    sheet = _sheet(table, body)
    assert _said(tables.read_table(sheet, TIERS)) == _said(_one_by_one(sheet, TIERS))


def test_chunks_keep_row_order_and_lines(monkeypatch: Any) -> None:
    """Bad rows read on their own are put back in their place, across chunk boundaries, and so are lines."""
    monkeypatch.setattr(tables, "CHUNK", 3)
    body = [[f"H{i}", "G1" if i % 4 else " G1 ", "1" if i % 5 else "x", "", "", "", "", "", ""] for i in range(20)]
    sheet = _sheet(HOUSEHOLDS, body)
    read = tables.read_table(sheet, TIERS)
    assert _said(read) == _said(_one_by_one(sheet, TIERS))
    assert read.lines == array("q", [i + 2 for i in range(20) if i % 5])
    assert read.values["grid"] == ["G1"] * 16


def test_an_overflow_row_is_read_on_its_own() -> None:
    """A workbook row with a cell far beyond the header is placed at that cell, as before."""
    wide = Overflow(["H1", "G1"])
    wide.append("stray")
    wide.column = 40
    two_columns = Table("households", "住户", HOUSEHOLDS.model, HOUSEHOLDS.columns[:2], True)
    read = tables.read_table(_sheet(two_columns, [wide]))
    assert [(p.line, p.column, p.key) for p in read.problems] == [(2, 40, "beyond_header")]


def test_a_case_holds_columns_and_shares_repeated_texts(tmp_path: Path) -> None:
    """A case read from files holds its tables as columns, and a household's id is one object however many needs
    name it: the memory of a need is its own cells, not copies."""
    write_case(generate(300, seed=3), tmp_path / "case")
    case = read_case(tmp_path / "case")
    assert isinstance(case.needs, Records)
    assert isinstance(case.households, Records)
    ids = {id(h) for h in case.households.column("household_id")}
    assert {id(h) for h in case.needs.column("household_id")} <= ids
    assert len({id(g) for g in case.needs.column("item")}) == len(set(case.needs.column("item")))


MEASURE = """
import gc, sys, tracemalloc
from allocate.io.reader import read_case
gc.collect()
tracemalloc.start()
case = read_case(sys.argv[1])
gc.collect()
rows = len(case.households) + len(case.needs) + len(case.lots) + len(case.volunteers or ()) + len(case.services)
print(tracemalloc.get_traced_memory()[0] / rows)
"""


def test_a_read_case_costs_a_few_hundred_bytes_a_row(tmp_path: Path) -> None:
    """Memory held by a read case of 2,000 households, per row of its tables: as pydantic records it was 763 bytes
    (measured before the column reader), as columns it is 223. Measured in a fresh process, which holds nothing
    that other tests made."""
    write_case(generate(2000, seed=5), tmp_path / "case")
    run = subprocess.run([sys.executable, "-c", MEASURE, str(tmp_path / "case")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert float(run.stdout) < 300
