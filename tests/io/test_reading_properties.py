"""Property: whatever is in the files, reading gives a Case or the project's own InputError, never a traceback."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate.errors import InputError, Problem
from allocate.io import read_case

MINIMAL = Path(__file__).parent.parent / "data" / "io_minimal"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "1", "0", "-1", "3.0", "１e400", "nan", "是", "否", "*", ";", "2026-02-30", "紧急"]),
)


def _read_with(name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        shutil.copytree(MINIMAL, folder)
        (folder / name).write_bytes(content)
        problems = _problems(folder)
    assert all(p.file is not None for p in problems)


def _problems(folder: Path) -> tuple[Problem, ...]:
    """No problems when the case reads; else the problems, of which there must be at least one."""
    try:
        read_case(folder)
    except InputError as e:
        assert e.problems, "an InputError without problems"  # noqa: PT017
        return e.problems
    return ()


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes(content: bytes) -> None:
    """Any bytes as a table give a case or an InputError."""
    _read_with("households.csv", content)


@SETTINGS
@given(st.binary(max_size=200))
def test_arbitrary_bytes_after_a_header(content: bytes) -> None:
    """Any bytes after a good header give a case or an InputError."""
    _read_with("needs.csv", b"need_id,household_id,item,quantity,urgency,all_or_nothing\n" + content)


@SETTINGS
@given(st.lists(st.lists(cell, max_size=9), max_size=5), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_arbitrary_cells(rows: list[list[str]], encoding: str) -> None:
    """Any cell texts in every column of every table give a case or an InputError."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        shutil.copytree(MINIMAL, folder)
        for table in ("households", "needs", "supplies"):
            header = (folder / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0]
            text = io.StringIO()
            csv.writer(text).writerows([header.split(","), *rows])
            try:
                content = text.getvalue().encode(encoding)
            except UnicodeEncodeError:
                content = text.getvalue().encode("utf-8")
            (folder / f"{table}.csv").write_bytes(content)
        _problems(folder)


@SETTINGS
@given(st.text(max_size=200))
def test_arbitrary_policy(text: str) -> None:
    """Any text as policy.toml gives a case or an InputError."""
    _read_with("policy.toml", text.encode("utf-8", "surrogatepass"))
