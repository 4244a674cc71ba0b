"""`allocate.frames`: cases from pandas and polars frames through the CSV reader, and plans back as frames."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from allocate import Allocation, Case, InputError, InvalidParameterError, Plan, Policy, read_case, run
from allocate.frames import _text, case_from_frames, plan_frames
from allocate.plan import format_hours

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

DECEMBER = Policy(plan_date=dt.date(2026, 12, 1))

CSV = {
    "households.csv": "户号,网格,年龄,独居,残疾\nH1,east,84,是,\nH2,east,,否,\nH3,west,40,,1\n",
    "needs.csv": "household_id,item,quantity,urgency,all_or_nothing\nH1,rice,2,紧急,\nH2,rice,4,,\nH3,rice,2,high,\n"
    "H3,wheelchair,1,,yes\n",
    "supplies.csv": "lot_id,item,quantity,expires,grids\nR1,rice,5,2027-06-30,\nW1,wheelchair,1,,west\n",
    "volunteers.csv": "volunteer_id,grids,hours,skills\nV1,east;west,2,\n",
}
"""A case as CSV files; the frames below hold the same cells as their own types."""


def pandas_tables() -> dict[str, Any]:
    """`CSV` as pandas frames: NaN and None for blanks, floats for a column with a blank, a date, a list."""
    return {
        "households": pd.DataFrame(
            {
                "户号": ["H1", "H2", "H3"],
                "网格": ["east", "east", "west"],
                "年龄": [84, np.nan, 40],
                "独居": ["是", "否", None],
                "残疾": [None, "", True],
            }
        ),
        "needs": pd.DataFrame(
            {
                "household_id": ["H1", "H2", "H3", "H3"],
                "item": ["rice", "rice", "rice", "wheelchair"],
                "quantity": [2, 4, 2, 1],
                "urgency": ["紧急", None, "high", ""],
                "all_or_nothing": [None, None, None, "yes"],
            }
        ),
        "supplies": pd.DataFrame(
            {
                "lot_id": ["R1", "W1"],
                "item": ["rice", "wheelchair"],
                "quantity": [5, 1],
                "expires": [pd.Timestamp("2027-06-30"), pd.NaT],
                "grids": [None, ["west"]],
            }
        ),
        "volunteers": pd.DataFrame({"volunteer_id": ["V1"], "grids": [["east", "west"]], "hours": [2.0]}),
    }


def polars_tables() -> dict[str, Any]:
    """`CSV` as polars frames: nulls for blanks, typed columns (booleans, dates, lists)."""
    return {
        "households": pl.DataFrame(
            {
                "household_id": ["H1", "H2", "H3"],
                "grid": ["east", "east", "west"],
                "oldest_age": [84, None, 40],
                "lives_alone": [True, False, None],
                "disabled": [None, None, True],
            }
        ),
        "needs": pl.DataFrame(
            {
                "household_id": ["H1", "H2", "H3", "H3"],
                "item": ["rice", "rice", "rice", "wheelchair"],
                "quantity": [2, 4, 2, 1],
                "urgency": ["critical", None, "high", None],
                "all_or_nothing": [False, False, False, True],
            }
        ),
        "supplies": pl.DataFrame(
            {
                "lot_id": ["R1", "W1"],
                "item": ["rice", "wheelchair"],
                "quantity": [5, 1],
                "expires": [dt.date(2027, 6, 30), None],
                "grids": [None, ["west"]],
            }
        ),
        "volunteers": pl.DataFrame({"volunteer_id": ["V1"], "grids": ["east;west"], "hours": [2]}),
    }


@pytest.fixture
def from_csv(tmp_path: Path) -> Case:
    """`CSV` read by `read_case`."""
    folder = tmp_path / "case"
    folder.mkdir()
    for name, text in CSV.items():
        (folder / name).write_text(text, encoding="utf-8")
    return read_case(folder, policy=DECEMBER)


@pytest.mark.parametrize(
    "tables", [pandas_tables, polars_tables, lambda: {k: v.to_dicts() for k, v in polars_tables().items()}]
)
def test_frames_give_the_case_the_files_give(tables: Any, from_csv: Case) -> None:
    """The same cells as pandas, polars or lists of dicts read to the same case as the CSV files."""
    assert case_from_frames(**tables(), policy=DECEMBER) == from_csv


def test_every_blank_is_blank() -> None:
    """None, NaN, NaT, pandas' NA, empty and all-space strings are blank cells: the default, or an error where
    the column is required."""
    blanks = [None, np.nan, pd.NaT, pd.NA, "", "   ", float("nan"), np.datetime64("NaT")]
    assert [_text(b).strip() for b in blanks] == [""] * len(blanks)
    households = pd.DataFrame(
        {
            "household_id": [f"H{i}" for i in range(len(blanks))],
            "grid": "g",
            "oldest_age": pd.Series(blanks, dtype=object),
        }
    )
    case = case_from_frames(
        households=households,
        needs=pd.DataFrame({"household_id": ["H0"], "item": ["x"], "quantity": [1], "urgency": [pd.NA]}),
        supplies=pd.DataFrame({"lot_id": ["L"], "item": ["x"], "quantity": [1]}),
    )
    assert {h.oldest_age for h in case.households} == {None}
    with pytest.raises(InputError) as e:
        case_from_frames(
            households=pd.DataFrame({"household_id": blanks, "grid": "g"}),
            needs=pd.DataFrame({"household_id": [], "item": [], "quantity": []}),
            supplies=pd.DataFrame({"lot_id": [], "item": [], "quantity": []}),
        )
    assert [(p.line, p.column) for p in e.value.problems] == [(line, 1) for line in range(2, 2 + len(blanks))]


def test_cells_read_as_a_csv_export_writes_them() -> None:
    """Whole floats are whole numbers, booleans true/false, dates ISO, lists joined by `;`; numpy's kinds too."""
    values = [3.0, 0.25, np.int64(7), np.float32(1.5), True, np.bool_(False), dt.date(2027, 1, 2)]
    values += [pd.Timestamp("2027-01-02"), np.datetime64("2027-01-02"), ["a", "b"], ("c",), np.array(["d", "e"])]
    assert [_text(v) for v in values] == [
        "3",
        "0.25",
        "7",
        "1.5",
        "true",
        "false",
        "2027-01-02",
        "2027-01-02",
        "2027-01-02",
        "a;b",
        "c",
        "d;e",
    ]


def test_bad_cells_are_placed_at_table_line_column_as_in_files(tmp_path: Path) -> None:
    """Each bad cell is one problem with the CSV reader's words, at `table:line:column` (line 2: first row)."""
    needs_csv = "household_id,item,quantity,urgency\nH1,rice,0,\nH9,rice,1,\n,rice,inf,soon\nH2,rice,1.5,\n"
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "households.csv").write_text("household_id,grid\nH1,east\nH2,east\n", encoding="utf-8")
    (folder / "needs.csv").write_text(needs_csv, encoding="utf-8")
    (folder / "supplies.csv").write_text("lot_id,item,quantity\nR1,rice,3\n", encoding="utf-8")
    with pytest.raises(InputError) as files:
        read_case(folder)
    with pytest.raises(InputError) as frames:
        case_from_frames(
            households=pd.DataFrame({"household_id": ["H1", "H2"], "grid": ["east", "east"]}),
            needs=pd.DataFrame(
                {
                    "household_id": ["H1", "H9", None, "H2"],
                    "item": "rice",
                    "quantity": [0, 1, np.inf, 1.5],
                    "urgency": [None, None, "soon", None],
                }
            ),
            supplies=pd.DataFrame({"lot_id": ["R1"], "item": ["rice"], "quantity": [3]}),
        )
    assert [str(p) for p in frames.value.problems] == [
        'needs:2:3: quantity: expected a whole number >= 1, found "0"',
        "needs:4:1: household_id: expected text, found a blank cell",
        'needs:4:3: quantity: expected a whole number, found "inf"',
        'needs:4:4: urgency: expected one of critical, high, normal, low (紧急, 高, 普通, 低), found "soon"',
        'needs:5:3: quantity: expected a whole number, found "1.5"',
        "needs:3:1: household_id: unknown household 'H9' (not in households)",
    ]
    prefix = str(folder / "needs.csv")
    assert [str(p).replace(prefix, "needs", 1) for p in files.value.problems] == [str(p) for p in frames.value.problems]


def test_missing_columns_and_tables_are_input_errors() -> None:
    """A required column left out is an input error naming the table; so is a table with no header at all."""
    with pytest.raises(InputError) as e:
        case_from_frames(
            households=pl.DataFrame({"household_id": ["H1"]}),
            needs=pl.DataFrame(),
            supplies=[],
        )
    assert [str(p) for p in e.value.problems] == [
        "households:1:0: missing column grid or 网格",
        "needs:1:0: missing column household_id or 户号",
        "needs:1:0: missing column item or 物资",
        "needs:1:0: missing column quantity or 数量",
        "supplies:1:0: missing column lot_id or 批次",
        "supplies:1:0: missing column item or 物资",
        "supplies:1:0: missing column quantity or 数量",
    ]


def test_a_named_index_counts_as_columns() -> None:
    """`df.set_index("household_id")` keeps the ids: a named pandas index is read as columns."""
    households = pd.DataFrame({"household_id": ["H1"], "grid": ["east"]}).set_index("household_id")
    case = case_from_frames(
        households=households,
        needs=pd.DataFrame({"household_id": ["H1"], "item": ["rice"], "quantity": [1]}),
        supplies=pd.DataFrame({"lot_id": ["R1"], "item": ["rice"], "quantity": [1]}),
    )
    assert case.households[0].household_id == "H1"


def test_volunteers_none_is_no_table_and_an_empty_frame_is_no_volunteers() -> None:
    """Without a volunteers frame deliveries are not limited; an empty one (with its columns) means nobody."""
    tables = {k: v for k, v in polars_tables().items() if k != "volunteers"}
    assert case_from_frames(**tables).volunteers is None
    empty = pl.DataFrame(schema={"volunteer_id": pl.String, "grids": pl.String, "hours": pl.Float64})
    assert case_from_frames(**tables, volunteers=empty).volunteers == ()


def test_policy_may_be_a_file(tmp_path: Path) -> None:
    """`policy` takes a policy.toml path as `read_case` does, and a bad one is an input error at its line."""
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text("plan_date = 2026-12-01\n", encoding="utf-8")
    bad.write_text("plan_date = 2026-12-01\nfairness = 'most'\n", encoding="utf-8")
    tables = polars_tables()
    assert case_from_frames(**tables, policy=good).policy.plan_date == dt.date(2026, 12, 1)
    with pytest.raises(InputError) as e:
        case_from_frames(**tables, policy=bad)
    assert e.value.problems[0].line == 2


@pytest.mark.parametrize(
    "frame",
    [None, 5, "households.csv", {"household_id": ["H1"]}, "lazy"],
)
def test_what_is_not_a_frame_is_refused(frame: Any) -> None:
    """A table that is no frame (None for a required one, a dict of columns, a lazy frame) is refused, saying
    what it must be."""
    if frame == "lazy":
        frame = pl.DataFrame({"household_id": ["H1"], "grid": ["g"]}).lazy()
    tables = {**polars_tables(), "households": frame}
    with pytest.raises(InvalidParameterError, match="The 'households' parameter of case_from_frames must be"):
        case_from_frames(**tables)


def test_policy_argument_is_checked() -> None:
    """A policy that is neither a Policy, a path nor None is refused at the call."""
    with pytest.raises(InvalidParameterError, match="The 'policy' parameter of case_from_frames"):
        case_from_frames(**polars_tables(), policy=3)


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _as_written(value: object) -> str:
    """A frame's value as the plan's CSV files write it."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format_hours(value)
    return str(value)


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_plan_frames_hold_what_the_files_hold(kind: str, from_csv: Case, tmp_path: Path) -> None:
    """Each frame has its CSV file's header and, value for value, its rows."""
    result = run(from_csv)
    out = result.write(tmp_path / "out")
    frames = result.frames(kind)  # type: ignore[arg-type]
    assert sorted(frames) == ["allocation", "unmet", "visits"]
    for name, frame in frames.items():
        header, *rows = _csv_rows(out / f"{name}.csv")
        assert list(frame.columns) == header
        records = (
            frame.to_dicts() if kind == "polars" else frame.astype(object).where(frame.notna(), None).to_dict("records")
        )
        assert [[_as_written(r[c]) for c in header] for r in records] == rows, name
    assert len(frames["unmet"]) == len(result.explanation.shortfalls) > 0


def test_plan_frames_types_and_a_hand_made_plan() -> None:
    """Numbers are numbers; a plan made by hand gets its unmet needs worked out, and a need the case does not
    know gets blank cells."""
    case = case_from_frames(**polars_tables(), policy=DECEMBER)
    plan = Plan(
        case=case,
        allocations=[
            Allocation(need_id="H1/rice", lot_id="R1", quantity=2),
            Allocation(need_id="H7", lot_id="R1", quantity=1),
        ],
        plan_date=dt.date(2026, 12, 1),
    )
    frames = plan_frames(plan, kind="polars")
    assert frames["allocation"].rows() == [
        ("H1/rice", "H1", "east", "critical", "rice", "R1", 2),
        ("H7", None, None, None, None, "R1", 1),
    ]
    assert dict(frames["unmet"].schema)["requested"] == pl.Float64
    assert frames["unmet"]["id"].to_list() == ["H2/rice", "H3/rice", "H3/wheelchair"]
    assert frames["visits"].height == 0
    assert list(frames["visits"].columns) == ["volunteer_id", "household_id", "grid", "kind", "service_id", "hours"]
    pandas = plan_frames(plan)
    assert str(pandas["allocation"]["quantity"].dtype) == "int64"
    assert str(pandas["visits"]["hours"].dtype) == "float64"


def test_plan_frames_checks_the_kind() -> None:
    """Only pandas and polars frames are made."""
    plan = run(case_from_frames(**polars_tables(), policy=DECEMBER)).plan
    with pytest.raises(InvalidParameterError, match="The 'kind' parameter of plan_frames must be"):
        plan_frames(plan, kind="arrow")  # type: ignore[arg-type]
