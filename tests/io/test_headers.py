"""Headers and files the reader does not use: listed as notes, or as "did you mean" warnings when close to a name."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocate.errors import InputError, Problem
from allocate.io import read_case, read_case_with_warnings
from allocate.io.names import closest, edits

DATA = Path(__file__).parent.parent / "data"


def _found(name: str) -> list[tuple[str, str]]:
    """(severity, problem as printed) of each warning and note of a named case, the data folder cut off."""
    _, found = read_case_with_warnings(DATA / name)
    return [(p.severity, str(p).removeprefix(f"{DATA}/")) for p in found]


def test_misspelt_headers_are_warnings_with_the_name_meant() -> None:
    """残障, 年纪 and donr are one edit from 残疾, 年龄 and donor: each a warning naming the alias and the column."""
    assert [p for p in _found("io_header_typo") if "did you mean" in p[1]] == [
        (
            "warning",
            "io_header_typo/住户.csv:1:5: column '年纪' is not a known column of households; "
            "did you mean '年龄' / oldest_age?",
        ),
        (
            "warning",
            "io_header_typo/住户.csv:1:7: column '残障' is not a known column of households; "
            "did you mean '残疾' / disabled?",
        ),
        (
            "warning",
            "io_header_typo/supplies.csv:1:4: column 'donr' is not a known column of supplies; did you mean 'donor'?",
        ),
    ]


def test_ignored_columns_are_notes() -> None:
    """户主 (near 户号, which is present) and a column without a header are notes at their header cells."""
    assert [p for p in _found("io_header_typo") if p[0] == "note"] == [
        (
            "note",
            "io_header_typo/住户.csv:1:2: column '户主' is not a column of households: ignored, "
            "never copied into any output",
        ),
        ("note", "io_header_typo/supplies.csv:1:6: column 6 has no header; its cells are ignored"),
    ]


def test_misspelt_header_reads_the_default() -> None:
    """The warned-about columns are really ignored: 残障 = 是 does not make a household disabled."""
    case = read_case(DATA / "io_header_typo")
    assert [(h.disabled, h.oldest_age) for h in case.households] == [(False, None), (False, None)]
    assert "王芳" not in repr(case)


def test_ignored_columns_never_reach_the_case() -> None:
    """Columns not in SPEC (phone, address) leave no trace in the records, and are each noted."""
    case, found = read_case_with_warnings(DATA / "io_values")
    assert "555" not in repr(case)
    assert "Block B" not in repr(case)
    assert [(p.severity, p.line, p.column, p.message) for p in found if p.severity == "note"] == [
        ("note", 1, 3, "column 'phone' is not a column of households: ignored, never copied into any output"),
        ("note", 1, 9, "column 'address' is not a column of households: ignored, never copied into any output"),
    ]


def test_typo_behind_a_missing_column_comes_with_the_error(tmp_path: Path) -> None:
    """A misspelt required header is an error (missing column) and the InputError carries the did-you-mean."""
    (tmp_path / "households.csv").write_text("household_id,gird\nH1,north\n")
    (tmp_path / "needs.csv").write_text("household_id,item,quantity,urgency\nH1,rice,1,\n")
    (tmp_path / "supplies.csv").write_text("lot_id,item,quantity\nL1,rice,1\n")
    with pytest.raises(InputError) as info:
        read_case(tmp_path)
    assert [p.message for p in info.value.problems] == ["missing column grid or 网格"]
    assert [(p.severity, p.column, p.message) for p in info.value.warnings if "gird" in p.message] == [
        ("warning", 2, "column 'gird' is not a known column of households; did you mean 'grid'?")
    ]


def test_files_that_hold_no_table() -> None:
    """volunteer.csv (close to volunteers) is a warning, as deliveries would be silently unlimited; contacts a note."""
    assert _found("io_stray_files") == [
        ("note", "io_stray_files/contacts.csv:0:0: not a table of a case: ignored"),
        (
            "warning",
            "io_stray_files/volunteer.csv:0:0: not a table of a case, so it is ignored; "
            "did you mean volunteers (志愿者)?",
        ),
    ]


@pytest.mark.parametrize(
    ("a", "b", "n"),
    [
        ("残障", "残疾", 1),
        ("年纪", "年龄", 1),
        ("gird", "grid", 1),
        ("donr", "donor", 1),
        ("abc", "", 3),
        ("ab", "ba", 1),
    ],
)
def test_edits(a: str, b: str, n: int) -> None:
    """Edits count whole characters, Chinese ones too, and a swap of neighbours is one edit."""
    assert edits(a, b) == n == edits(b, a)


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("残障", "残疾"),
        (" Chronic Ilness ", "chronic_illness"),  # two edits in a long name, after trimming and case-folding
        ("oldest age", "oldest_age"),
        ("号", None),  # a single character is not taken for 户号
        ("户主", "户号"),
        ("phone", None),
        ("grids", None),  # no edits: a known name is never "close"
        ("disabld", "disabled"),
    ],
)
def test_closest(text: str, meant: str | None) -> None:
    """Close means 1 edit up to 5 characters, 2 from 6, keeping at least one character of the name."""
    names = ["户号", "grids", "残疾", "chronic_illness", "oldest_age", "disabled"]
    assert closest(text, names) == meant


def test_severity_of_problems() -> None:
    """A Problem is an error unless it says otherwise; warnings and notes print the same way."""
    assert Problem(message="x").severity == "error"
    assert str(Problem(message="m", file="f.csv", line=1, column=2, severity="note")) == "f.csv:1:2: m"
