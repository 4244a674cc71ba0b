"""A correction of a round starts from its published plan, changes as little of it as an equally good plan allows,
and writes what changed for each household (`difference.csv`)."""

from __future__ import annotations

import csv
from pathlib import Path

from allocate.io import read_case, write_case
from allocate.ledger.difference import DIFFERENCE_COLUMNS, DIFFERENCE_FILE, difference
from allocate.ledger.records import AllocationRow, VisitRow
from conftest import allocate_command, opdir_args, open_operation


def _corrected(case_folder: Path, out: Path) -> Path:
    """The case of `case_folder` with one need asking three units more, as a new case folder."""
    case = read_case(case_folder)
    needs = list(case.needs)
    at = len(needs) // 2
    needs[at] = needs[at].model_copy(update={"quantity": needs[at].quantity + 3})
    write_case(case.replace(needs=needs), out)
    return out


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_a_correction_writes_the_difference(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """The correction's folder has difference.csv: a row for each thing that changed, only for households whose
    goods or visits changed, as `Operation.difference` gives it; it is among the record's outputs."""
    fixed = _corrected(waves[0], tmp_path / "week-1-fixed")
    with open_operation(ledger, tmp_path) as op:
        first = op.plan_round(waves[0])
        record = op.plan_round(fixed, corrects=1, note="one need was counted wrong")
        changes = op.difference(1)
        assert op.difference(1, revision=1) == ()
        assert op.problems() == []
    rows = _rows(tmp_path / "op" / "round-001-r2" / DIFFERENCE_FILE)
    assert tuple(rows[0]) == DIFFERENCE_COLUMNS
    assert [tuple(r) for r in rows[1:]] == [c.row() for c in changes]
    assert DIFFERENCE_FILE in {f.name for f in record.outputs}
    assert not (tmp_path / "op" / "round-001" / DIFFERENCE_FILE).exists()

    def by_household(allocations: tuple[AllocationRow, ...], visits: tuple[VisitRow, ...]) -> dict[str, set[object]]:
        out: dict[str, set[object]] = {}
        for a in allocations:
            out.setdefault(a.household_id, set()).add((a.item, a.lot_id, a.quantity))
        for v in visits:
            out.setdefault(v.household_id, set()).add((v.volunteer_id, v.kind, v.service_id))
        return out

    old, new = by_household(first.allocations, first.visits), by_household(record.allocations, record.visits)
    moved = {h for h in old.keys() | new.keys() if old.get(h) != new.get(h)}
    assert {c.household_id for c in changes} == moved
    assert 1 <= len(moved) < len(old)  # the corrected household, and few if any others


def test_difference_by_item_and_visit() -> None:
    """Goods are compared per item as lots and units, visits as who makes them; what did not change is left out."""
    before = (
        (
            AllocationRow("N1", "H1", "east", "general", "rice", "R1", 2),
            AllocationRow("N2", "H1", "east", "general", "oil", "O1", 1),
            AllocationRow("N3", "H2", "east", "general", "rice", "R1", 1),
        ),
        (VisitRow("V1", "H1", "east", "delivery", None, 0.25), VisitRow("V1", "H2", "east", "delivery", None, 0.25)),
    )
    after = (
        (
            AllocationRow("N1", "H1", "east", "general", "rice", "R1", 1),
            AllocationRow("N1", "H1", "east", "general", "rice", "R2", 1),
            AllocationRow("N2", "H1", "east", "general", "oil", "O1", 1),
            AllocationRow("N3", "H2", "east", "general", "rice", "R1", 1),
            AllocationRow("N4", "H3", "east", "general", "rice", "R2", 2),
        ),
        (
            VisitRow("V2", "H1", "east", "delivery", None, 0.25),
            VisitRow("V1", "H2", "east", "delivery", None, 0.25),
            VisitRow("V1", "H3", "east", "delivery", None, 0.25),
            VisitRow("V2", "H3", "east", "service", "S1", 1.0),
        ),
    )
    assert [c.row() for c in difference(before, after)] == [
        ("H1", "item", "rice", "R1 × 2", "R1 × 1; R2 × 1"),
        ("H1", "delivery", "", "V1", "V2"),
        ("H3", "item", "rice", "", "R2 × 2"),
        ("H3", "delivery", "", "", "V1"),
        ("H3", "service", "S1", "", "V2"),
    ]


def test_round_plan_correct_prints_the_difference(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """`allocate round plan --correct N` says how many households the correction changes, in the case's language or
    --lang."""
    fixed = _corrected(waves[0], tmp_path / "week-1-fixed")
    where = opdir_args(ledger, tmp_path)
    assert allocate_command("round", "plan", *where, waves[0]).returncode == 0
    done = allocate_command("round", "plan", *where, fixed, "--correct", "1")
    assert done.returncode == 0, done.stderr
    assert "round 1 (revision 2) changes the published plan for " in done.stdout
    assert "difference.csv" in done.stdout
    done = allocate_command("round", "plan", *where, fixed, "--correct", "1", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "第 1 轮（第 3 版）较已发布方案变动" in done.stdout
    assert "第 1 轮（第 3 版）较已发布方案变动 0 户（" in done.stdout  # the same case again: nothing changes
