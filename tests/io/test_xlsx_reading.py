"""Reading a case from one .xlsx workbook: a sheet per table, native cell values, problems at sheet cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from allocate.errors import InputError
from allocate.io import case_files, read_case, read_case_with_warnings
from allocate.schema import Policy, Urgency
from support.workbooks import Rows, workbook

HOUSEHOLDS: Rows = [
    ["household_id", "grid", "members", "oldest_age", "lives_alone", "phone"],
    [101, "north", 3.0, 72, True, 5550101],
    ["H2", "south", 1, None, False, None],
]
NEEDS: Rows = [["户号", "物资", "数量", "紧急程度"], [101, "大米", 2, "紧急"], ["H2", "大米", 1.0, None]]
SUPPLIES: Rows = [["lot_id", "item", "quantity", "expires"], ["L1", "大米", 5, dt.datetime(2026, 4, 30)]]


def test_native_values(tmp_path: Path) -> None:
    """Numbers, whole floats, booleans and dates stored natively read like their text; Chinese sheet names work."""
    path = workbook(tmp_path / "case.xlsx", {"households": HOUSEHOLDS, "需求": NEEDS, "supplies": SUPPLIES})
    case = read_case(path)
    assert [(h.household_id, h.members, h.oldest_age, h.lives_alone) for h in case.households] == [
        ("101", 3, 72, True),
        ("H2", 1, None, False),
    ]
    assert [(n.household_id, n.quantity, n.urgency) for n in case.needs] == [
        ("101", 2, Urgency.CRITICAL),
        ("H2", 1, Urgency.NORMAL),
    ]
    assert case.lots[0].expires == dt.date(2026, 4, 30)
    assert case.volunteers is None


def test_problems_name_sheet_row_and_column(tmp_path: Path) -> None:
    """A bad cell is placed as `book.xlsx[sheet]:row:column`, and cross-checks too."""
    needs: Rows = [*NEEDS, ["H2", "大米", 2.5, None], ["H9", "大米", 1, None]]
    path = workbook(tmp_path / "case.xlsx", {"households": HOUSEHOLDS, "需求": needs, "supplies": SUPPLIES})
    with pytest.raises(InputError) as info:
        read_case(path)
    assert [str(p) for p in info.value.problems] == [
        f'{path}[需求]:4:3: 数量: expected a whole number, found "2.5"',
        f"{path}[需求]:5:1: 户号: unknown household 'H9' (not in households)",
    ]


def test_table_in_two_sheets(tmp_path: Path) -> None:
    """A needs sheet and a 需求 sheet together are refused."""
    sheets = {"households": HOUSEHOLDS, "needs": NEEDS, "需求": NEEDS, "supplies": SUPPLIES}
    path = workbook(tmp_path / "case.xlsx", sheets)
    with pytest.raises(InputError) as info:
        read_case(path)
    assert [p.message for p in info.value.problems] == ["needs and 需求 both hold the needs table; keep one"]


def test_missing_sheet(tmp_path: Path) -> None:
    """A workbook without a supplies sheet says which sheet it expected, and lists the sheets it has."""
    path = workbook(tmp_path / "case.xlsx", {"households": HOUSEHOLDS, "needs": NEEDS, "Sheet1": SUPPLIES})
    with pytest.raises(InputError) as info:
        read_case(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:0:0: missing the supplies table: expected a sheet named supplies or 物资; the workbook's sheets "
        "are households, needs, Sheet1"
    ]


def test_not_aworkbook(tmp_path: Path) -> None:
    """A file named .xlsx that is not a workbook is a problem, not a traceback."""
    path = tmp_path / "case.xlsx"
    path.write_text("household_id,grid\n")
    with pytest.raises(InputError) as info:
        read_case(path)
    assert info.value.problems[0].message.startswith("cannot open the workbook")


def test_ignored_columns_and_sheets_are_notes(tmp_path: Path) -> None:
    """In a workbook too: the phone column and an instructions sheet are listed as notes at their places."""
    sheets = {"说明": [["fill in every sheet"]], "households": HOUSEHOLDS, "需求": NEEDS, "supplies": SUPPLIES}
    path = workbook(tmp_path / "case.xlsx", sheets)
    _, found = read_case_with_warnings(path)
    assert [str(p) for p in found if p.severity == "note"] == [
        f"{path}[说明]:0:0: not a table of a case: ignored",
        f"{path}[households]:1:6: column 'phone' is not a column of households: ignored, never copied into any output",
    ]


POLICY_BESIDE = """plan_date = 2026-04-01

[[tiers]]
name = "first"
when = [{ urgency = ["critical"] }]

[[tiers]]
name = "rest"
"""


def test_policy_toml_beside_the_workbook(tmp_path: Path) -> None:
    """A workbook takes policy.toml from its own folder, as a CSV folder does, and a note says where from."""
    path = workbook(tmp_path / "case.xlsx", {"households": HOUSEHOLDS, "需求": NEEDS, "supplies": SUPPLIES})
    (tmp_path / "policy.toml").write_text(POLICY_BESIDE, encoding="utf-8")
    case, found = read_case_with_warnings(path)
    assert case.policy.tier_names == ("first", "rest")
    assert case.policy.plan_date == dt.date(2026, 4, 1)
    assert str(found[0]) == (
        f"{tmp_path / 'policy.toml'}:0:0: the policy of case.xlsx, read from beside it (a workbook holds no policy "
        "of its own)"
    )
    assert case_files(path) == [str(path), str(tmp_path / "policy.toml")]  # its hash is recorded too


def test_policy_given_wins_over_the_one_beside_the_workbook(tmp_path: Path) -> None:
    """`policy=` (the command's --policy) is used instead, and then no note speaks of the file beside it."""
    path = workbook(tmp_path / "case.xlsx", {"households": HOUSEHOLDS, "需求": NEEDS, "supplies": SUPPLIES})
    (tmp_path / "policy.toml").write_text(POLICY_BESIDE, encoding="utf-8")
    case, found = read_case_with_warnings(path, policy=Policy())
    assert case.policy == Policy()
    assert not any("read from beside it" in p.message for p in found)


def test_bad_policy_beside_the_workbook_is_placed(tmp_path: Path) -> None:
    """A broken policy.toml beside the workbook is an error at its own file:line:column."""
    path = workbook(tmp_path / "case.xlsx", {"households": HOUSEHOLDS, "需求": NEEDS, "supplies": SUPPLIES})
    (tmp_path / "policy.toml").write_text("fairness = 'most'\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_case(path)
    assert [p.file for p in info.value.problems] == [str(tmp_path / "policy.toml")]


def test_a_folder_holding_a_workbook_says_to_give_its_path(tmp_path: Path) -> None:
    """A folder of no CSV tables but a workbook (as `template --xlsx` writes) says how to read the workbook."""
    workbook(tmp_path / "case.xlsx", {"households": HOUSEHOLDS, "需求": NEEDS, "supplies": SUPPLIES})
    with pytest.raises(InputError) as info:
        read_case(tmp_path)
    assert info.value.problems[0].message == (
        "missing the households table: expected a .csv file named households or 住户 (this folder holds case.xlsx: "
        "to read a workbook, give its path)"
    )
