"""Rounds of an operation, end to end: three waves planned, written and recorded, read back as they were planned;
a correction supersedes without changing anything; a round is one transaction; the command says it all."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from allocate.cli import cli
from allocate.ledger import store as store_module
from allocate.ledger import tables
from allocate.ledger.digest import folder_hashes
from allocate.ledger.errors import LedgerError
from allocate.ledger.operation import Operation
from conftest import ENGLISH, allocate_command, is_url, opdir_args, open_operation


def _rows(csv_path: Path) -> list[list[str]]:
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))[1:]


def _everything(op: Operation) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every ledger table, as sets of tuples."""
    with op.ledger.engine.connect() as c:
        return {t.name: set(map(tuple, c.execute(sa.select(t)).all())) for t in tables.metadata.sorted_tables}


def test_three_rounds_are_planned_written_and_recorded(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """Three waves make rounds 1, 2, 3; each record holds what its output files hold, and the input hashes."""
    with open_operation(ledger, tmp_path) as op:
        records = [op.plan_round(case) for case in waves]
        assert [r.number for r in records] == [1, 2, 3]
        assert [r.number for r in op.rounds()] == [1, 2, 3]
        assert op.problems() == []
        for r, case in zip(records, waves, strict=True):
            back = op.round(r.number)
            assert back == r
            folder = tmp_path / "op" / r.folder
            assert r.folder == f"round-{r.number:03d}"
            assert [list(map(str, a.as_tuple())) for a in back.allocations] == _rows(folder / "allocation.csv")
            assert len(back.visits) == len(_rows(folder / "visits.csv"))
            summary = json.loads((folder / "summary.json").read_text("utf-8"))
            assert back.summary == summary
            load = [f.name for f in back.inputs if f.name.startswith("volunteer-load-before-")]
            assert load == ([f"volunteer-load-before-round-{r.number:03d}"] if r.number > 1 else [])
            files = [f for f in back.inputs if f.name not in load]  # the ledger's own input is in no summary
            assert {f.name: f.sha256 for f in files} == summary["inputs"]
            assert {f.name for f in files} == {p.name for p in case.iterdir()}
            assert back.outputs == folder_hashes(folder)
            assert back.status == summary["status"]
            assert back.termination == summary["termination"]
            assert back.policy_toml.startswith("#")
            assert "[[tiers]]" in back.policy_toml
            assert back.current
            assert back.revision == 1
            assert back.supersedes is None


def test_the_same_inputs_give_the_same_digests(tmp_path: Path, waves: list[Path]) -> None:
    """Two operations planning the same case record the same plan and record digests: no clock in them."""
    with Operation.open(tmp_path / "a") as a, Operation.open(tmp_path / "b") as b:
        ra, rb = a.plan_round(waves[0]), b.plan_round(waves[0])
    assert ra.recorded_at <= rb.recorded_at
    assert (ra.plan_sha256, ra.record_sha256, ra.policy_sha256) == (rb.plan_sha256, rb.record_sha256, rb.policy_sha256)


def test_a_correction_supersedes_and_changes_nothing(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """Correcting round 1 adds a record that supersedes it; every row there was before is still there, unchanged."""
    with open_operation(ledger, tmp_path) as op:
        first = op.plan_round(waves[0])
        op.plan_round(waves[1])
        before = _everything(op)
        fixed = op.plan_round(waves[2], corrects=1, note="household G001-0003 was missed in the survey")
        after = _everything(op)
        assert all(before[name] <= after[name] for name in before)
        assert (fixed.number, fixed.revision, fixed.supersedes) == (1, 2, first.id)
        assert fixed.folder == "round-001-r2"
        assert fixed.note
        assert op.round(1) == fixed
        assert op.round(1, revision=1).superseded_by == fixed.id
        assert [(r.number, r.revision) for r in op.rounds()] == [(1, 2), (2, 1)]
        assert [(r.number, r.revision) for r in op.rounds(superseded=True)] == [(1, 1), (1, 2), (2, 1)]
        assert op.plan_round(waves[2]).number == 3  # a correction takes no new number
        assert op.problems() == []
        assert (tmp_path / "op" / "round-001").is_dir()  # the superseded plan's files stay as handed out
        with pytest.raises(LedgerError, match="no round 9"):
            op.plan_round(waves[0], corrects=9)


def test_a_round_is_recorded_whole_or_not_at_all(
    ledger: str, tmp_path: Path, waves: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure half-way through recording (after the round's row and some of its rows) leaves no trace of it."""
    with open_operation(ledger, tmp_path) as op:
        op.plan_round(waves[0])
        before = _everything(op)
        real = store_module._insert_rows

        def fail_on_visits(connection: sa.Connection, table: sa.Table, round_id: int, rows: Any) -> None:
            if table is tables.round_visits:
                raise RuntimeError("the disk went away")
            real(connection, table, round_id, rows)

        monkeypatch.setattr(store_module, "_insert_rows", fail_on_visits)
        with pytest.raises(RuntimeError, match="disk went away"):
            op.plan_round(waves[1])
        assert _everything(op) == before
        monkeypatch.undo()
        assert op.plan_round(waves[1]).number == 2  # its orphan output folder is replaced
        assert op.problems() == []


def test_a_recorded_rounds_folder_is_never_replaced(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """An output folder a recorded round wrote is refused as the folder of another round."""
    with open_operation(ledger, tmp_path) as op:
        op.plan_round(waves[0])
        with pytest.raises(LedgerError, match="never replaced"):
            op.plan_round(waves[1], tmp_path / "op" / "round-001", overwrite=True)


def test_several_operations_share_one_ledger(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """Two operations in one ledger number their rounds apart; an unnamed open then asks which one."""
    with (
        Operation.open(ledger, "幸福里", folder=tmp_path / "a") as a,
        Operation.open(ledger, "安康苑", folder=tmp_path / "b") as b,
    ):
        assert a.plan_round(waves[0]).number == 1
        assert b.plan_round(waves[1]).number == 1
        assert a.plan_round(waves[2]).number == 2
        assert [r.operation for r in b.rounds()] == ["安康苑"]
    with pytest.raises(LedgerError, match="several operations"):
        Operation.open(ledger, folder=tmp_path / "c")


def test_the_command_plans_lists_shows_and_checks_three_rounds(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """`allocate round plan` three times, then `list`, `show` (also as JSON), `check`, and a correction."""
    where = opdir_args(ledger, tmp_path)
    runner = CliRunner(env=ENGLISH)
    for k, case in enumerate(waves, start=1):
        done = runner.invoke(cli, ["round", "plan", where[0], str(case), *where[1:]])
        assert done.exit_code == 0, done.output
        assert f"recorded round {k}: " in done.stdout
    listed = runner.invoke(cli, ["round", "list", *where])
    assert listed.exit_code == 0
    assert [line.split(":")[0] for line in listed.stdout.splitlines()] == ["round 1", "round 2", "round 3"]
    shown = runner.invoke(cli, ["round", "show", where[0], "2", *where[1:], "--json"])
    record = json.loads(shown.stdout)
    assert record["number"] == 2
    assert record["current"]
    assert len(record["outputs"]) == 5
    fixed = runner.invoke(
        cli, ["round", "plan", where[0], str(waves[0]), *where[1:], "--correct", "2", "--note", "复核", "--lang", "zh"]
    )
    assert fixed.exit_code == 0, fixed.output
    assert "已记录 第 2 轮（第 2 版）" in fixed.stdout
    listed = runner.invoke(cli, ["round", "list", *where, "--all", "--lang", "zh"])
    assert "［已被更正取代］" in listed.stdout
    assert "，最佳，" in listed.stdout or "，可行，" in listed.stdout  # the status in words too
    shown = runner.invoke(cli, ["round", "show", where[0], "2", *where[1:]])
    assert "why corrected: 复核" in shown.stdout
    checked = runner.invoke(cli, ["round", "check", *where])
    assert checked.exit_code == 0
    assert "consistent: 3 rounds" in checked.stdout
    missing = runner.invoke(cli, ["round", "show", where[0], "9", *where[1:], "--lang", "zh"])
    assert missing.exit_code == 2
    assert "没有第 9 轮" in missing.output


def test_the_command_refuses_a_folder_without_a_ledger(tmp_path: Path) -> None:
    """Listing an operation folder that has no ledger says to plan a round first, and creates nothing."""
    done = allocate_command("round", "list", tmp_path / "nothing")
    assert done.returncode == 2
    assert "no ledger" in done.stderr
    assert not (tmp_path / "nothing").exists()


def test_check_finds_edited_outputs(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """An output file edited after its round was recorded no longer matches its hash, and `problems` says so."""
    with open_operation(ledger, tmp_path) as op:
        op.plan_round(waves[0])
        (tmp_path / "op" / "round-001" / "allocation.csv").write_text("edited", encoding="utf-8")
        assert op.problems() == [f"round 1: the files in {tmp_path / 'op' / 'round-001'} are not those recorded"]
    if not is_url(ledger):  # what `allocate round check` says of it, in Chinese when asked
        said = allocate_command("round", "check", tmp_path / "op", "--lang", "zh")
        assert said.returncode == 4
        assert f"第 1 轮：{tmp_path / 'op' / 'round-001'} 中的文件与记录的不同" in said.stderr
    assert not is_url("x")


def _street(even_load: bool) -> Any:
    """Four households of one grid and two volunteers alike: a round's deliveries (one hour) fit either."""
    from allocate.schema import Case, Household, Lot, Need, Policy, Volunteer

    homes = [f"H{i}" for i in range(1, 5)]
    return Case(
        households=[Household(household_id=h, grid="A") for h in homes],
        needs=[Need(household_id=h, item="rice", quantity=1) for h in homes],
        lots=[Lot(lot_id="R", item="rice", quantity=10)],
        volunteers=[Volunteer(volunteer_id=v, grids=["A"], hours=2) for v in ("V1", "V2")],
        policy=Policy(visit_hours=0.25, even_load=even_load),
    )


@pytest.mark.parametrize("even_load", [True, False])
def test_rounds_even_volunteers_load(ledger: str, tmp_path: Path, even_load: bool) -> None:
    """Each round is planned with the hours the earlier rounds planned each volunteer: two volunteers alike take
    the rounds in turn (a correction of round 2 sees round 1 only), and the record lists that load among its inputs
    with its SHA-256. With `even_load = false` V1 takes every round and no load is listed."""
    with open_operation(ledger, tmp_path) as op:
        records = [op.plan_round(_street(even_load)) for _ in range(3)]
        again = op.plan_round(_street(even_load), corrects=2, note="the same week again")
        assert op.volunteer_load(4) == ({"V1": 2.0, "V2": 1.0} if even_load else {"V1": 3.0})
    who = [sorted({v.volunteer_id for v in r.visits}) for r in (*records, again)]
    loads = [[f.name for f in r.inputs] for r in (*records, again)]
    if even_load:
        assert who == [["V1"], ["V2"], ["V1"], ["V2"]]
        assert loads == [[], ["volunteer-load-before-round-002"], ["volunteer-load-before-round-003"],
                         ["volunteer-load-before-round-002"]]  # fmt: skip
        assert records[1].inputs == again.inputs
    else:
        assert who == [["V1"]] * 4
        assert loads == [[]] * 4
