"""Excel's "Unicode text" export (`住户.txt`: tab-separated UTF-16 LE with a BOM) is a table like a CSV file."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from allocate.errors import InputError
from allocate.io import read_case, read_case_with_warnings

HOUSEHOLDS = '户号\t网格\t住址\r\nH1\t东区\t"3栋\t2单元"\r\nH2\t西区\t"1栋\r\n101"\r\n'
NEEDS = "户号,物资,数量\nH1,大米,2\nH2,上衣,1\n"
SUPPLIES = "批次,物资,数量\nL1,大米,3\n"


def _case(folder: Path, households: bytes) -> Path:
    folder.mkdir()
    (folder / "住户.txt").write_bytes(households)
    (folder / "需求.csv").write_text(NEEDS, encoding="utf-8")
    (folder / "物资.csv").write_text(SUPPLIES, encoding="utf-8")
    return folder


def _unicode_text(text: str) -> bytes:
    """What Excel's "Unicode text" writes: a UTF-16 LE mark, then the text in UTF-16 LE."""
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def test_unicode_text_is_read(tmp_path: Path) -> None:
    """A tab-separated UTF-16 table reads like its CSV: quoted cells may hold a tab or a line break."""
    case = read_case(_case(tmp_path / "c", _unicode_text(HOUSEHOLDS)))
    assert [(h.household_id, h.grid) for h in case.households] == [("H1", "东区"), ("H2", "西区")]


def test_tab_delimited_text_in_gbk_is_read(tmp_path: Path) -> None:
    """Excel's "Text (Tab delimited)" on a Chinese Windows (GBK, no mark) reads too."""
    case = read_case(_case(tmp_path / "c", HOUSEHOLDS.encode("gbk")))
    assert [h.grid for h in case.households] == ["东区", "西区"]


def test_problems_are_placed_in_the_text_file(tmp_path: Path) -> None:
    """A bad cell of a .txt table is at its file:line:column, lines counted as in the text (not its bytes)."""
    rows = "户号\t网格\t人数\r\nH1\t上区\t1\r\nH2\t下区\t两\r\n"  # 上 is the bytes 0A 4E: not a line break
    folder = _case(tmp_path / "c", _unicode_text(rows))
    with pytest.raises(InputError) as info:
        read_case(folder)
    assert [str(p) for p in info.value.problems] == [
        f'{folder / "住户.txt"}:3:3: 人数: expected a whole number, found "两"'
    ]


def test_broken_utf16_names_the_line_and_the_fix(tmp_path: Path) -> None:
    """Bytes that are not UTF-16 (half a character pair) are an error at their line, saying what to do."""
    raw = _unicode_text("户号\t网格\r\nH1\t上区\r\n") + "\ud800".encode("utf-16-le", "surrogatepass") + b"H\0"
    folder = _case(tmp_path / "c", raw)
    with pytest.raises(InputError) as info:
        read_case(folder)
    (problem,) = info.value.problems
    assert (problem.file, problem.line) == (str(folder / "住户.txt"), 3)
    assert problem.message.startswith("cannot decode the file as UTF-16 (byte offset 30:")
    assert problem.message.endswith('save it again as "Unicode text", or as "CSV UTF-8"')


def test_a_quote_left_open_speaks_of_tabs(tmp_path: Path) -> None:
    """The quoting rules of CSV hold with the tab for the comma, and their messages say tab."""
    rows = '户号\t网格\r\nH1\t"东区" 2\r\nH2\t西区\r\n'
    folder = _case(tmp_path / "c", _unicode_text(rows))
    with pytest.raises(InputError) as info:
        read_case(folder)
    assert [str(p) for p in info.value.problems] == [
        f"{folder / '住户.txt'}:2:2: a double quote opens a cell here and closes on the same line followed by ' ', "
        "not by a tab or the end of the line; close it where the cell ends (before a tab), or write a double quote "
        'inside a cell as two ("")'
    ]


def test_a_table_in_txt_and_csv_is_refused(tmp_path: Path) -> None:
    """住户.txt beside 住户.csv: two files hold one table, and the planner keeps one."""
    folder = _case(tmp_path / "c", _unicode_text(HOUSEHOLDS))
    (folder / "住户.csv").write_text("户号,网格\nH1,东区\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_case(folder)
    assert [p.message for p in info.value.problems] == [
        "住户.csv and 住户.txt both hold the households table; keep one"
    ]


def test_other_text_files_are_notes(tmp_path: Path) -> None:
    """A .txt that is no table (说明.txt) is noted as ignored, as a CSV file would be."""
    folder = _case(tmp_path / "c", _unicode_text(HOUSEHOLDS))
    (folder / "说明.txt").write_text("先填住户表", encoding="utf-8")
    _, found = read_case_with_warnings(folder)
    assert f"{folder / '说明.txt'}:0:0: not a table of a case: ignored" in [str(p) for p in found]


def test_a_csv_in_utf16_is_still_refused(tmp_path: Path) -> None:
    """A .csv file in UTF-16 is still told to be saved as CSV UTF-8: commas and UTF-16 are no Excel export."""
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "住户.csv").write_bytes(_unicode_text("户号,网格\r\nH1,东区\r\n"))
    (folder / "需求.csv").write_text(NEEDS, encoding="utf-8")
    (folder / "物资.csv").write_text(SUPPLIES, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_case(folder)
    assert "looks like UTF-16" in info.value.problems[0].message
