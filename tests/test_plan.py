"""The Plan: its summary, its tier statistics, and `write` (SPEC section 4 CSVs, all at once, byte-stable)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from allocate import plan as plan_module
from allocate import solve
from allocate.errors import AllocateError, OutputExistsError
from allocate.generate import generate
from allocate.io.plan_files import read_plan
from allocate.plan import Allocation, Plan, Reason, Status, Termination, TierBound, Visit, format_hours
from allocate.schema import Case, Household, Lot, Need, Policy, Records, Service, Volunteer
from allocate.verify import verify

DAY = dt.date(2026, 3, 1)


@pytest.fixture
def case() -> Case:
    """An elder and a general household in two grids, rice and oil, one volunteer, one service."""
    return Case(
        households=(
            Household(household_id="H1", grid="东区", oldest_age=70),
            Household(household_id="H2", grid="B"),
        ),
        needs=(
            Need(need_id="N1", household_id="H1", item="大米", quantity=3),
            Need(need_id="N2", household_id="H2", item="大米", quantity=3),
            Need(need_id="N3", household_id="H2", item="oil", quantity=2),
        ),
        lots=(Lot(lot_id="L1", item="大米", quantity=4), Lot(lot_id="L2", item="oil", quantity=2)),
        volunteers=(Volunteer(volunteer_id="V1", grids=("*",), hours=2.0, skills=("medical",)),),
        services=(Service(service_id="S1", household_id="H1", skill="medical", hours=1 / 3),),
        policy=Policy(plan_date=DAY),
    )


@pytest.fixture
def plan(case: Case) -> Plan:
    """The optimal plan of `case`: the elder's rice in full, the rest shared, both delivered, the service done."""
    return Plan(
        case=case,
        allocations=(
            Allocation(need_id="N1", lot_id="L1", quantity=3),
            Allocation(need_id="N2", lot_id="L1", quantity=1),
            Allocation(need_id="N3", lot_id="L2", quantity=2),
        ),
        visits=(
            Visit(volunteer_id="V1", household_id="H1", kind="delivery", hours=0.25),
            Visit(volunteer_id="V1", household_id="H2", kind="delivery", hours=0.25),
            Visit(volunteer_id="V1", household_id="H1", kind="service", service_id="S1", hours=1 / 3),
        ),
        plan_date=DAY,
    )


def test_write_gives_the_spec_csvs_with_bom_in_plan_order(plan: Plan, tmp_path: Path) -> None:
    """allocation.csv and visits.csv have SPEC's columns, a UTF-8 BOM, CRLF rows in plan order, fixed hours."""
    out = plan.write(tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == ["allocation.csv", "visits.csv"]
    raw = (out / "allocation.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").split("\r\n") == [
        "need_id,household_id,grid,tier,item,lot_id,quantity",
        "N1,H1,东区,elderly,大米,L1,3",
        "N2,H2,B,general,大米,L1,1",
        "N3,H2,B,general,oil,L2,2",
        "",
    ]
    with (out / "visits.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["volunteer_id", "household_id", "grid", "kind", "service_id", "hours"],
        ["V1", "H1", "东区", "delivery", "", "0.25"],
        ["V1", "H2", "B", "delivery", "", "0.25"],
        ["V1", "H1", "东区", "service", "S1", "0.333333333333"],
    ]


def test_written_hours_read_back_within_the_verifier_tolerance() -> None:
    """The fixed hours format is short for round numbers and within 1e-9 h of the true value when read back."""
    assert [format_hours(h) for h in (0.25, 2.0, 1 / 3, 37.5)] == ["0.25", "2", "0.333333333333", "37.5"]
    assert abs(float(format_hours(1000 / 3)) - 1000 / 3) < 1e-9


def test_write_without_volunteers_has_no_visits_file(case: Case, tmp_path: Path) -> None:
    """Without a volunteers table there are no visits, so no visits.csv."""
    bare = case.model_copy(update={"volunteers": None, "services": ()})
    plan = Plan(case=bare, allocations=(Allocation(need_id="N1", lot_id="L1", quantity=3),), plan_date=DAY)
    assert [p.name for p in plan.write(tmp_path / "out").iterdir()] == ["allocation.csv"]


def test_write_is_byte_identical_on_repeat(plan: Plan, tmp_path: Path) -> None:
    """Writing the same plan twice gives the same bytes, file by file."""
    first, second = plan.write(tmp_path / "a"), plan.write(tmp_path / "b")
    for name in ("allocation.csv", "visits.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_write_refuses_a_non_empty_folder_unless_overwrite(plan: Plan, tmp_path: Path) -> None:
    """A non-empty output folder is refused and left untouched; with overwrite=True a plan folder is replaced whole."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "allocation.csv").write_text("need_id,lot_id,quantity\n")
    (out / "summary.json").write_text("{}")
    with pytest.raises(OutputExistsError, match="not empty") as caught:
        plan.write(out)
    assert isinstance(caught.value, AllocateError)
    assert sorted(p.name for p in out.iterdir()) == ["allocation.csv", "summary.json"]
    plan.write(out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["allocation.csv", "visits.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left behind


def test_overwrite_replaces_only_a_plan_folder(plan: Plan, tmp_path: Path) -> None:
    """overwrite=True never deletes what allocate did not write: a folder with other files or folders is refused."""
    for extra in ("notes.txt", "sub/"):
        out = tmp_path / extra.strip("/")
        out.mkdir()
        (out / "allocation.csv").write_text("x")
        (out / extra).mkdir() if extra.endswith("/") else (out / extra).write_text("mine")
        with pytest.raises(OutputExistsError, match="allocate did not write there"):
            plan.write(out, overwrite=True)
        assert (out / "allocation.csv").read_text() == "x"


def test_write_refuses_the_case_folder_and_folders_inside_it(plan: Plan, tmp_path: Path) -> None:
    """Plan.write(case_dir, overwrite=True) deletes nothing and Plan.write(case_dir / "plan") is refused, as the
    command refuses an output that is or lies inside its input."""
    from allocate.io import write_case

    case_dir = tmp_path / "case"
    write_case(plan.case, case_dir)
    before = {p.name: p.read_bytes() for p in case_dir.iterdir()}
    for target in (case_dir, case_dir / "plan", case_dir / "a" / "b"):
        with pytest.raises(OutputExistsError, match="inside the case folder"):
            plan.write(target, overwrite=True)
    assert {p.name: p.read_bytes() for p in case_dir.iterdir()} == before


def test_write_accepts_an_empty_folder_and_refuses_a_file(plan: Plan, tmp_path: Path) -> None:
    """An existing empty folder is written into; a file in the way is refused even with overwrite."""
    (tmp_path / "empty").mkdir()
    assert (plan.write(tmp_path / "empty") / "allocation.csv").is_file()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputExistsError, match="not a folder"):
        plan.write(tmp_path / "file", overwrite=True)


def test_write_failure_leaves_nothing_half_written(plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If writing fails after the first file, neither the output folder nor a temporary folder remains."""
    real = plan_module.write_columns
    calls: list[str] = []

    def fail_second(path: Path, header: tuple[str, ...], columns: list[list[str]]) -> None:
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError("disk full")
        real(path, header, columns)

    monkeypatch.setattr(plan_module, "write_columns", fail_second)
    with pytest.raises(OSError, match="disk full"):
        plan.write(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_summary_reports_status_tiers_items_and_hours(plan: Plan) -> None:
    """The summary names the status (a hand-made plan claims nothing: feasible), each tier's fills, units per item
    and volunteer hours; str() is it."""
    text = plan.summary()
    assert text.startswith("feasible plan for 2026-03-01 (backend manual)")
    rows = [line.split() for line in text.splitlines()]
    assert ["elderly", "1", "1", "1", "1.000", "1.000", "2"] in rows
    assert ["general", "2", "0", "1", "0.333", "0.667", "1"] in rows
    assert ["大米", "4", "6", "4"] in rows
    assert "volunteer hours: 0.833333333333 used of 2 offered" in text
    assert str(plan) == text


def test_summary_says_why_a_plan_is_not_proven_and_how_far_it_may_be(plan: Plan) -> None:
    """A plan stopped at a time limit says so, and per tier either that it meets its certified bounds or how many
    more needs or services they leave room for; never a percentage gap."""
    stopped = Plan(
        case=plan.case,
        allocations=plan.allocations,
        visits=plan.visits,
        plan_date=DAY,
        status=Status.FEASIBLE,
        termination=Termination(reason=Reason.TIME_LIMIT, steps=("volunteers",), detail="a MIP stopped"),
        bounds=(
            TierBound(tier="elderly", entries=2, reached=2, reached_bound=2, min_fill=1.0, min_fill_bound=1.0),
            TierBound(tier="general", entries=2, reached=2, reached_bound=3, min_fill=0.5, min_fill_bound=0.5),
        ),
    )
    assert stopped.summary().splitlines()[:4] == [
        "feasible plan for 2026-03-01 (backend manual)",
        "not proven optimal: the exact search ran out of time (volunteers); a MIP stopped",
        "  elderly: no plan reaches more, or lifts the worst fill higher",
        "  general: within 1 needs or services of the best possible",
    ]


def test_plan_tiers_agree_with_verify(plan: Plan) -> None:
    """The plan's own tier statistics are the verifier's."""
    assert plan.tiers == verify(plan.case, plan).tiers
    assert verify(plan.case, plan).ok


@pytest.fixture(scope="module")
def solved() -> Plan:
    """An engine plan of a generated case with volunteers and services."""
    return solve(generate(120, 1))


def test_an_engine_plan_holds_its_rows_as_columns(solved: Plan) -> None:
    """`solve` builds the plan's rows as columns, and they read as the records they stand for."""
    assert isinstance(solved.allocations, Records)
    assert solved.allocations.model is Allocation
    assert isinstance(solved.visits, Records)
    assert solved.visits.model is Visit
    assert len(solved.allocations) > 100
    assert len(solved.visits) > 10
    first = solved.allocations[0]
    assert (first.need_id, first.lot_id, first.quantity) == tuple(
        solved.allocations.column(f)[0] for f in ("need_id", "lot_id", "quantity")
    )
    assert all(type(q) is int for q in solved.allocations.column("quantity"))
    assert verify(solved.case, solved).ok


def test_received_and_fills_agree_with_the_records_one_by_one(solved: Plan) -> None:
    """What the plan reads from its columns is what a loop over its records gives."""
    received: dict[str, int] = {}
    for a in solved.allocations:
        received[a.need_id] = received.get(a.need_id, 0) + a.quantity
    assert solved.received == received
    assert solved.need_fills == tuple(received.get(n.need_id, 0) / n.quantity for n in solved.case.needs)
    assert solved.served_services == {v.service_id for v in solved.visits if v.kind == "service"}
    assert solved.served_services


def test_a_plan_read_back_from_its_files_keeps_columns(solved: Plan, tmp_path: Path) -> None:
    """Written and read back, the plan's rows are columns again and equal to the engine's."""
    back = read_plan(solved.case, solved.write(tmp_path / "plan"), plan_date=solved.plan_date)
    assert isinstance(back.allocations, Records)
    assert isinstance(back.visits, Records)
    assert back.allocations == solved.allocations
    assert back.allocations.column("quantity") == solved.allocations.column("quantity")
    assert back.received == solved.received


def test_model_copy_holds_given_rows_as_columns(plan: Plan) -> None:
    """Rows given to `model_copy` as records or dicts become columns, dicts checked; a tuple compares equal."""
    extra = Allocation(need_id="N2", lot_id="L1", quantity=1)
    copied = plan.model_copy(
        update={
            "allocations": (*plan.allocations, extra),
            "visits": [{"volunteer_id": "V1", "household_id": "H2", "kind": "delivery", "hours": 0.25}],
        }
    )
    assert isinstance(copied.allocations, Records)
    assert isinstance(copied.visits, Records)
    assert copied.allocations == (*plan.allocations, extra)
    assert copied.allocations.column("need_id") == ("N1", "N2", "N3", "N2")
    assert copied.received["N2"] == 2
    assert copied.visits.column("household_id") == ("H2",)
    assert plan.model_copy(update={"status": Status.OPTIMAL}).allocations is plan.allocations
    with pytest.raises(ValidationError):
        plan.model_copy(update={"allocations": [{"need_id": "N1", "lot_id": "L1", "quantity": 0}]})


def test_a_plan_built_from_dicts_checks_every_row(case: Case) -> None:
    """`Plan(...)` validates each row it is given, at `allocations[row].field`, and holds them as columns."""
    rows = [{"need_id": "N1", "lot_id": "L1", "quantity": 2}, {"need_id": "N2", "lot_id": "L1", "quantity": 0}]
    with pytest.raises(ValidationError) as e:
        Plan(case=case, allocations=rows, plan_date=DAY)
    assert e.value.errors()[0]["loc"] == ("allocations", 1, "quantity")
    plan = Plan(case=case, allocations=rows[:1], plan_date=DAY)
    assert isinstance(plan.allocations, Records)
    assert isinstance(plan.visits, Records)
    assert plan.allocations == (Allocation(need_id="N1", lot_id="L1", quantity=2),)
    assert plan.visits == ()


def test_rows_given_as_tuples_make_a_table() -> None:
    """`Records.from_tuples`, which the city's merge uses: values in field order; no rows, an empty table."""
    table = Records.from_tuples(Allocation, [("N1", "L1", 2), ("N2", "L1", 1)])
    assert table == (
        Allocation(need_id="N1", lot_id="L1", quantity=2),
        Allocation(need_id="N2", lot_id="L1", quantity=1),
    )
    empty = Records.from_tuples(Visit, ())
    assert len(empty) == 0
    assert empty.column("hours") == ()


def test_a_plan_constructed_without_validation_holds_columns_too(case: Case) -> None:
    """`model_construct` (trusted values, no validation) still gives columns, visits defaulting to none."""
    a = Allocation(need_id="N1", lot_id="L1", quantity=3)
    plan = Plan.model_construct(case=case, allocations=(a,), plan_date=DAY)
    assert plan.allocations.column("quantity") == (3,)
    assert plan.visits.column("kind") == ()
    assert plan.received == {"N1": 3}
