"""What really happened: volunteers' results read back from the filled delivery sheet, checked against the plan,
recorded in one batch (a later report supersedes), and what was not delivered carried into the next round."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa

from allocate.errors import InputError
from allocate.io import read_case
from allocate.ledger import tables
from allocate.ledger.migrate import VERSION_TABLE, head
from allocate.ledger.operation import Operation
from allocate.ledger.results import VisitReport
from allocate.ledger.store import Ledger
from allocate.sheets import write_sheets
from conftest import allocate_command, is_url, opdir_args, open_operation, sqlite_at


def _sheet(op: Operation, case: Path, tmp_path: Path, number: int = 1) -> list[list[str]]:
    """The Chinese delivery sheet (volunteers.csv) of round `number`, as rows with its header."""
    from allocate.io import read_plan

    record = op.round(number)
    plan = read_plan(read_case(case), tmp_path / "op" / record.folder)
    out = write_sheets(tmp_path / f"sheets-{number}", plan, lang="zh")
    with open(out / "volunteers.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _fill(rows: list[list[str]], path: Path, encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _filled(rows: list[list[str]]) -> list[list[str]]:
    """Every stop delivered but the first (不在家) and the second (部分送达: one unit of its first item)."""
    head_, *body = [list(r) for r in rows]
    result, delivered, goods = head_.index("结果"), head_.index("实送"), head_.index("物资")
    for row in body:
        row[result] = "已送达"
    body[0][result] = "不在家"
    body[1][result] = "部分送达"
    body[1][delivered] = body[1][goods].split("；")[0].rsplit("×", 1)[0] + "× 1"
    return [head_, *body]


def test_the_sheet_has_an_empty_result_column(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """`allocate sheets` writes 结果 and 实送 empty: the same CSV comes back filled."""
    with open_operation(ledger, tmp_path) as op:
        op.plan_round(waves[0])
        rows = _sheet(op, waves[0], tmp_path)
    assert rows[0][-2:] == ["结果", "实送"]
    assert all(r[-2:] == ["", ""] for r in rows[1:])


def test_results_in_chinese_are_recorded_and_stock_is_carried(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """A filled Chinese sheet (GB18030) records every visit; the units not delivered go back to their lots, and
    `carry` adds them to the next round's supplies under their own ids, expiry and donor."""
    with open_operation(ledger, tmp_path) as op:
        first = op.plan_round(waves[0])
        rows = _filled(_sheet(op, waves[0], tmp_path))
        batch = op.record_results(1, _fill(rows, tmp_path / "结果.csv", "gb18030"))
        assert batch.batch == 1
        assert batch.visits == len(rows) - 1
        assert op.unreported(1) == ()
        results = op.results(1)
        absent = rows[1][2]
        assert {r.outcome for r in results if r.household_id == absent} == {"not_home"}
        assert all(r.delivered == 0 for r in results if r.household_id == absent)
        partial = [r for r in results if r.outcome == "partial"]
        assert sum(r.delivered for r in partial) == 1
        stock = op.stock_after(1)
        undelivered = sum(r.undelivered for r in results)
        assert undelivered > 0
        assert sum(lot.quantity for lot in stock) == undelivered
        lots = {lot.lot_id: lot for lot in read_case(waves[0]).lots}
        for lot in stock:
            assert lot.item == lots[lot.lot_id].item
            assert lot.expires == lots[lot.lot_id].expires
            assert lot.donor == lots[lot.lot_id].donor
            assert lot.quantity <= sum(a.quantity for a in first.allocations if a.lot_id == lot.lot_id)
        second = op.plan_round(waves[1], carry=True)
        carried = [f for f in second.inputs if f.name == "carried-from-round-001"]
        assert len(carried) == 1
        ours = {"carried-from-round-001", "volunteer-load-before-round-002"}  # the ledger's, in no summary
        assert second.summary["inputs"].keys() == {f.name for f in second.inputs} - ours
        mine = {lot.lot_id for lot in read_case(waves[1]).lots}
        used = {a.lot_id for a in second.allocations} - mine
        assert used  # carried lots were given out again
        assert all(x.removesuffix("-r001") in {lot.lot_id for lot in stock} for x in used)
        assert op.problems() == []


def test_a_bad_results_file_is_refused_with_the_cell_named(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """A visit the plan lacks, an unknown result word, more units than planned: each at file:line:column, in
    Chinese too, and nothing is recorded."""
    with open_operation(ledger, tmp_path) as op:
        op.plan_round(waves[0])
        rows = _filled(_sheet(op, waves[0], tmp_path))
        rows[3][rows[0].index("结果")] = "丢了"
        rows[4][0] = "V9999"
        goods = rows[5][rows[0].index("物资")].split("；")[0].rsplit("×", 1)[0]
        rows[5][rows[0].index("结果")] = "部分送达"
        rows[5][rows[0].index("实送")] = goods + "× 999"
        bad = _fill(rows, tmp_path / "bad.csv")
        with pytest.raises(InputError) as e:
            op.record_results(1, bad)
        said = [p.text("zh") for p in e.value.problems]
        column = rows[0].index
        assert said[0] == f"{bad}:4:{column('结果') + 1}: 结果“丢了”无法识别，应为 " + (
            "delivered/已送达, not_home/不在家, refused/拒收, partial/部分送达 之一"
        )
        assert said[1].startswith(f"{bad}:5:{column('户号') + 1}: 第 1 轮的方案中没有志愿者 V9999")
        assert said[2].startswith(f"{bad}:6:{column('实送') + 1}: ")
        assert "超过计划" in said[2]
        assert str(e.value.problems[2]).endswith("were planned")
        assert op.result_batches(1) == ()
        with op.ledger.engine.connect() as c:
            assert c.scalar(sa.select(sa.func.count()).select_from(tables.round_results)) == 0


def test_a_correction_supersedes_earlier_results(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """A visit reported again has the later result; the earlier batch stays in the ledger, unchanged."""
    with open_operation(ledger, tmp_path) as op:
        op.plan_round(waves[0])
        record = op.round(1)
        volunteer, household = record.visits[0].volunteer_id, record.visits[0].household_id
        op.record_results(1, [VisitReport(volunteer, household, "not_home")])
        assert op.stock_after(1)
        op.record_results(1, [VisitReport(volunteer, household, "delivered")], note="delivered the next morning")
        batches = op.result_batches(1)
        assert [b.batch for b in batches] == [1, 2]
        assert {r.outcome for r in batches[0].rows} == {"not_home"}
        assert {r.outcome for r in op.results(1)} == {"delivered"}
        assert op.stock_after(1) == ()
        assert len(op.unreported(1)) == len({(v.volunteer_id, v.household_id) for v in record.visits}) - 1


def test_rows_given_in_code_are_checked_too(tmp_path: Path, waves: list[Path]) -> None:
    """Reports built in code are checked as a file's are, placed at results[row].field."""
    with Operation.open(tmp_path / "op") as op:
        op.plan_round(waves[0])
        with pytest.raises(InputError, match=r"results\[0\]\.result: .*not one of"):
            op.record_results(1, [VisitReport("V1", "H1", "lost")])


def test_the_command_records_results_and_carries(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """`allocate round results` records a filled sheet, speaks its language, and refuses a bad one (exit 2)."""
    with open_operation(ledger, tmp_path, "op" if is_url(ledger) else None) as op:
        op.plan_round(waves[0])
        rows = _filled(_sheet(op, waves[0], tmp_path))
    good = _fill(rows, tmp_path / "filled.csv")
    done = allocate_command("round", "results", *opdir_args(ledger, tmp_path), "1", good)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("已记录第 1 轮的第 1 批结果")
    rows[1][rows[0].index("结果")] = "lost"
    bad = allocate_command("round", "results", *opdir_args(ledger, tmp_path), "1", _fill(rows, tmp_path / "bad.csv"))
    assert bad.returncode == 2
    assert "bad.csv:2:" in bad.stderr
    assert "未记录任何结果" in bad.stderr
    plan = allocate_command("round", "plan", *opdir_args(ledger, tmp_path), waves[1], "--carry")
    assert plan.returncode == 0, plan.stderr
    assert "recorded round 2" in plan.stdout


def test_a_ledger_at_0001_is_upgraded_with_its_rounds(tmp_path: Path, waves: list[Path]) -> None:
    """A ledger written at schema 0001 gains the results tables on open, its rounds kept; results can be recorded
    for a round planned before (its lots unknown: stock has ids and items only)."""
    from allocate.ledger.engine import ledger_url, make_engine

    where = tmp_path / "op" / "ledger.sqlite"
    sqlite_at(where, "0001_ledger").dispose()
    old = Ledger.__new__(Ledger)
    old.engine = make_engine(ledger_url(where))
    op_id = old.operation("default")
    with old.engine.connect() as c:
        assert c.scalar(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")) == "0001_ledger"
        assert "round_results" not in sa.inspect(c).get_table_names()
    old.close()
    with Operation.open(tmp_path / "op") as op:
        assert op.ledger.schema_revision() == head()
        assert op.id == op_id
        record = op.plan_round(waves[0])
        v = record.visits[0]
        op.record_results(1, [VisitReport(v.volunteer_id, v.household_id, "refused")])
        assert op.stock_after(1)


def test_night_is_read_from_the_sheet_when_the_policy_weights_it(tmp_path: Path, waves: list[Path]) -> None:
    """With a `[credit]` night weight the sheet has a third column to fill, 夜间: 是 there is recorded as a stop made
    at night (blank: not); a word that is not yes or no refuses the file at its cell."""
    from allocate.io import read_plan
    from allocate.schema.policy import CreditRule

    case = read_case(waves[0])
    case = case.replace(policy=case.policy.model_copy(update={"credit": CreditRule(night=1.5)}))
    with Operation.open(tmp_path / "op") as op:
        record = op.plan_round(case)
        out = write_sheets(tmp_path / "sheets", read_plan(case, tmp_path / "op" / record.folder), lang="zh")
        with open(out / "volunteers.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0][-3:] == ["结果", "实送", "夜间"]
        filled = _filled(rows)
        filled[3][-1] = "是"
        bad = [list(r) for r in filled]
        bad[4][-1] = "深夜"
        with pytest.raises(InputError) as e:
            op.record_results(1, _fill(bad, tmp_path / "bad.csv"))
        (said,) = [p.text("zh") for p in e.value.problems]
        assert said.startswith(f"{tmp_path / 'bad.csv'}:5:{len(rows[0])}: 夜间：")
        op.record_results(1, _fill(filled, tmp_path / "filled.csv"))
        night = {(r.volunteer_id, r.household_id) for r in op.results(1) if r.night}
        assert night == {(filled[3][0], filled[3][2])}
    plain = write_sheets(tmp_path / "plain", read_plan(read_case(waves[0]), tmp_path / "op" / record.folder))
    assert (plain / "volunteers.csv").read_text("utf-8-sig").splitlines()[0].endswith(",result,delivered")


def test_check_finds_a_results_row_gone(ledger: str, tmp_path: Path, waves: list[Path]) -> None:
    """A results row deleted behind the ledger's back (its append-only trigger dropped by hand) is found: the batch
    keeps how many rows it recorded."""
    with open_operation(ledger, tmp_path) as op:
        op.plan_round(waves[0])
        op.record_results(1, _fill(_filled(_sheet(op, waves[0], tmp_path)), tmp_path / "结果.csv"))
        assert op.problems() == []
        with op.ledger.engine.begin() as c:
            if c.dialect.name == "sqlite":
                c.execute(sa.text("DROP TRIGGER round_results_no_delete"))
            else:
                c.execute(sa.text("ALTER TABLE round_results DISABLE TRIGGER round_results_append_only"))
            c.execute(sa.text("DELETE FROM round_results WHERE row = 1"))
        assert op.problems() == ["round 1 revision 1: results batch 1 has rows missing"]
