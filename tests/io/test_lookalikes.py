"""Look-alike ids: invisible characters and full-width forms are warned about at their cells, and nothing a
terminal would act on (an ESC, a bidi override) is ever printed raw."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from allocate import Case, Household, Lot, Need, Policy
from allocate.errors import InputError, Problem
from allocate.io import read_case, read_case_with_warnings
from allocate.text import char_name, invisible, lookalike_key, printable, printable_json

NEEDS = "household_id,item,quantity\nH1,rice,1\n"
SUPPLIES = "lot_id,item,quantity\nL1,rice,5\n"


def _case(folder: Path, households: str, needs: str = NEEDS, supplies: str = SUPPLIES) -> Path:
    for name, text in (("households", households), ("needs", needs), ("supplies", supplies)):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def _lookalikes(folder: Path) -> list[str]:
    """The look-alike warnings of a case, printed, with the folder cut from file names."""
    _, found = read_case_with_warnings(folder)
    return [str(p).removeprefix(f"{folder}/") for p in found if "look" in p.message or "invisible" in p.message]


def test_invisible_characters_are_named_at_their_cells(tmp_path: Path) -> None:
    """A zero-width space, a BOM in the middle, a right-to-left mark and an override, each named by code point
    and Unicode name at file:line:column, and printed escaped."""
    households = "household_id,grid\nH1,north\nH1\u200b,north\nH\ufeff3,north\nH4\u200e,north\nH5,nor\u202eth\n"
    assert _lookalikes(_case(tmp_path, households)) == [
        "households.csv:3:1: household_id: household 'H1\\u200b' holds an invisible or control character "
        "(U+200B ZERO WIDTH SPACE), so it is a different household from 'H1'; delete it",
        "households.csv:4:1: household_id: household 'H\\ufeff3' holds an invisible or control character "
        "(U+FEFF ZERO WIDTH NO-BREAK SPACE), so it is not the household 'H3' it looks like; delete it",
        "households.csv:5:1: household_id: household 'H4\\u200e' holds an invisible or control character "
        "(U+200E LEFT-TO-RIGHT MARK), so it is not the household 'H4' it looks like; delete it",
        "households.csv:6:2: grid: grid 'nor\\u202eth' holds an invisible or control character "
        "(U+202E RIGHT-TO-LEFT OVERRIDE), so it is a different grid from 'north'; delete it",
    ]


def test_full_width_twins_are_named_together(tmp_path: Path) -> None:
    """`Ｈ2` and `H2` are two households to the tool; so are items `ｒｉｃｅ` and `rice` across needs and lots.
    The warning names both, at the full-width one."""
    households = "household_id,grid\nH1,north\nＨ2,north\nH2,north\n"
    needs = "household_id,item,quantity\nH1,ｒｉｃｅ,1\n"
    assert _lookalikes(_case(tmp_path, households, needs)) == [
        "households.csv:3:1: household_id: household 'Ｈ2' and household 'H2' look the same but are different "
        "households (they differ in full-width or other look-alike characters); write both the same way",
        "needs.csv:2:2: item: item 'ｒｉｃｅ' and item 'rice' look the same but are different items (they differ in "
        "full-width or other look-alike characters); write both the same way",
    ]


def test_full_width_alone_and_chinese_text_are_not_warned(tmp_path: Path) -> None:
    """A full-width id with no half-width twin is just an id; Chinese ids and grids are not look-alikes."""
    households = "household_id,grid\nＨ1,一网格\n"
    assert _lookalikes(_case(tmp_path, households, "household_id,item,quantity\nＨ1,大米,1\n")) == []


def test_terminal_escapes_are_never_printed(tmp_path: Path) -> None:
    """An id with an ESC colour sequence is warned about, a need of `H1` whose household is `H1` with a zero-width
    space says so, and no printed problem or warning holds a control character."""
    folder = _case(tmp_path, "household_id,grid\nH1\u200b,north\nH2\x1b[31m,north\n")
    with pytest.raises(InputError) as info:
        read_case(folder)
    assert [str(p).removeprefix(f"{folder}/") for p in info.value.problems] == [
        "needs.csv:2:1: household_id: unknown household 'H1' (not in households); households has 'H1\\u200b', "
        "which looks the same"
    ]
    _, found = read_case_with_warnings(_case(tmp_path, "household_id,grid\nH1,north\nH2\x1b[31m,north\n"))
    printed = [str(p) for p in found]
    assert printed[-1].endswith(
        "households.csv:3:1: household_id: household 'H2\\x1b[31m' holds an invisible or control character "
        "(U+001B ESCAPE), so it is not the household 'H2[31m' it looks like; delete it"
    )
    assert all(text.isprintable() for text in printed)


def test_problem_prints_safely() -> None:
    """A message or file name holding a control or bidi character prints it as an escape."""
    problem = Problem(file="cases/a\u202eb.csv", line=2, column=1, message='found "\x1b[2J\x1b[H"')
    assert str(problem) == 'cases/a\\u202eb.csv:2:1: found "\\x1b[2J\\x1b[H"'


def test_printable_escapes_only_what_cannot_be_seen() -> None:
    """Controls, format characters and separators other than the space are escaped; visible text is kept."""
    assert printable("H1\u200b \x1b[31m\t\u3000Ｈ2 大米 é") == "H1\\u200b \\x1b[31m\\t\\u3000Ｈ2 大米 é"
    assert printable("plain") == "plain"


def test_character_names() -> None:
    """Characters are named by code point and Unicode name, controls by their usual name."""
    assert [char_name(c) for c in "\u200b\x1b\x85\ue000"] == [
        "U+200B ZERO WIDTH SPACE",
        "U+001B ESCAPE",
        "U+0085 CONTROL",
        "U+E000 PRIVATE USE",
    ]
    assert invisible("H1") is None
    assert invisible("H\u200d1\u200b") == "\u200d"
    assert lookalike_key("Ｈ\u200b２") == "H2"


def test_printable_json_is_the_same_json() -> None:
    """JSON of ids with an ESC, a zero-width space, a C1 control and a plane-14 tag prints without any of them
    raw and reads back equal; text of several lines keeps its line breaks when asked."""
    data = {"id": "H1\u200b\x1b[31m\x85\U000e0001", "grid": "一网格"}
    text = printable_json(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(text) == data
    assert all(line.isprintable() for line in text.splitlines())
    assert "一网格" in text
    assert printable("a\nb\x1b", keep="\n") == "a\nb\\x1b"


def test_ids_a_spreadsheet_reads_as_a_formula_are_warned_about_once() -> None:
    """An id, item or grid starting with = + - @ gets one warning at its first cell; a plain number and a default
    need id made of them do not."""
    case = Case(
        households=(Household(household_id="=H1", grid="g"), Household(household_id="-5", grid="g")),
        needs=(Need(household_id="=H1", item="@rice", quantity=1), Need(household_id="-5", item="@rice", quantity=2)),
        lots=(Lot(lot_id="L1", item="@rice", quantity=3),),
        policy=Policy(plan_date=dt.date(2026, 12, 1)),
    )
    formula = [w for w in case.warnings if "read as a formula" in w.message]
    assert [(w.table, w.row, w.field) for w in formula] == [("households", 0, "household_id"), ("needs", 0, "item")]
