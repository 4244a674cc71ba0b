"""Volunteers' service-hour credit: confirmed visits credit hours by the policy's rule (weights per kind, rounding
half up to a step, a trip to a household not at home counted or not), per volunteer, over one round or all; the
statement as CSV and a printable page in English and Chinese; the policy's `[credit]` section checked."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from allocate.errors import InputError
from allocate.io.policy_file import policy_toml, read_policy
from allocate.ledger.credit import round_to_step, write_credit
from allocate.ledger.operation import Operation
from allocate.ledger.results import VisitReport
from allocate.schema import Case, Household, Lot, Need, Service, Volunteer
from allocate.schema.policy import CreditRule, Policy
from conftest import allocate_command, opdir_args, open_operation, sqlite_at

FIRST = CreditRule(step=0.25, delivery=1.5, service=1.0, missed=True)
"""Round 1's rule: quarter hours, deliveries ×1.5, a trip in vain counts."""
SECOND = CreditRule(step=0.5, delivery=1.5, service=1.0, missed=False)
"""Round 2's rule: half hours, a trip in vain does not count."""


def _lane(rule: CreditRule) -> Case:
    """A lane of three households: V1 delivers rice to H1 and H2 (grid A); V2, a nurse, delivers to H3 (grid B)
    and gives it 1.2 hours of care. Each delivery takes 0.25 hours."""
    return Case(
        households=(Household(household_id="H1", grid="A"), Household(household_id="H2", grid="A"),
                    Household(household_id="H3", grid="B")),
        needs=tuple(Need(household_id=h, item="rice", quantity=2) for h in ("H1", "H2", "H3")),
        lots=(Lot(lot_id="L1", item="rice", quantity=10),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("A",), hours=4),
                    Volunteer(volunteer_id="V2", grids=("B",), hours=4, skills=("nursing",))),
        services=(Service(household_id="H3", skill="nursing", hours=1.2),),
        policy=Policy(visit_hours=0.25, credit=rule),
    )  # fmt: skip


def _two_rounds(op: Operation, *, planned: bool = False) -> None:
    """Round 1 (planned already if `planned`): H1 delivered, H2 not at home, H3 delivered. Round 2: H1 refused,
    H2 partly delivered (1 of 2), H3 not at home."""
    if not planned:
        op.plan_round(_lane(FIRST))
    op.record_results(
        1,
        [VisitReport("V1", "H1", "delivered"), VisitReport("V1", "H2", "not_home"), VisitReport("V2", "H3", "已送达")],
    )
    op.plan_round(_lane(SECOND))
    op.record_results(
        2,
        [VisitReport("V1", "H1", "refused"), VisitReport("V1", "H2", "partial", {"rice": 1}),
         VisitReport("V2", "H3", "not_home")],
    )  # fmt: skip


def test_rounding_is_half_up_to_the_step() -> None:
    """0.375 hours is 0.5 by quarter hours (half up), 0.3 is 0.25, 1.2 is 1.25; by half hours 0.25 is 0.5."""
    assert round_to_step(0.375, 0.25) == 0.5
    assert round_to_step(0.3, 0.25) == 0.25
    assert round_to_step(1.2, 0.25) == 1.25
    assert round_to_step(0.25, 0.5) == 0.5
    assert round_to_step(0.2, 0.5) == 0.0


def test_credit_by_hand_over_two_rounds(ledger: str, tmp_path: Path) -> None:
    """Round 1 (quarter hours, trips count): V1 0.375→0.5 for H1 and 0.5 for the trip to H2 not at home; V2 0.5
    for H3's delivery and 1.2→1.25 for its care. Round 2 (half hours, trips do not count): V1 nothing for H1
    (refused), 0.375→0.5 for H2 (partly delivered); V2 nothing (not at home: neither the trip nor the care)."""
    with open_operation(ledger, tmp_path) as op:
        op.plan_round(_lane(FIRST))
        assert op.credit(1).unreported == 4
        assert op.credit(1).volunteers == ()
        _two_rounds(op, planned=True)
        one = op.credit(1)
        assert [(v.volunteer_id, v.visits, v.hours, v.credits) for v in one.volunteers] == [
            ("V1", 2, 0.5, 1.0),
            ("V2", 2, 1.45, 1.75),
        ]
        assert [x.outcome for x in one.volunteer("V1").lines] == ["delivered", "not_home"]
        two = op.credit(2)
        assert [(v.volunteer_id, v.visits, v.hours, v.credits) for v in two.volunteers] == [("V1", 1, 0.25, 0.5)]
        every = op.credit()
        assert every.rounds == (1, 2)
        assert [(v.volunteer_id, v.hours, v.credits) for v in every.volunteers] == [
            ("V1", 0.75, 1.5),
            ("V2", 1.45, 1.75),
        ]
        assert (every.hours, every.credits, every.unreported) == (2.2, 3.25, 0)
        assert "2 volunteers, 2.2 hours, 3.25 credits" in str(every)
        flat = op.credit(rule=CreditRule())  # one rule for all: weight 1, quarter hours, trips count (V1 4 × 0.25)
        assert [(v.volunteer_id, v.credits) for v in flat.volunteers] == [("V1", 1.0), ("V2", 1.75)]


def test_the_statements_in_english_and_chinese(ledger: str, tmp_path: Path) -> None:
    """credit.csv has one row per volunteer; credit.html a page per volunteer, in the language asked, escaped."""
    with open_operation(ledger, tmp_path) as op:
        _two_rounds(op)
        credits = op.credit()
    en = write_credit(credits, tmp_path / "en", lang="en")
    with open(en / "credit.csv", encoding="utf-8", newline="") as f:
        assert list(csv.reader(f)) == [
            ["volunteer_id", "visits", "hours", "credits"],
            ["V1", "3", "0.75", "1.5"],
            ["V2", "2", "1.45", "1.75"],
        ]
    page = (en / "credit.html").read_text("utf-8")
    assert page.count('class="page"') == 2
    assert "Volunteer V1: service-hour statement" in page
    assert "not at home (trip made)" in page
    zh = (write_credit(credits, tmp_path / "zh", lang="zh") / "credit.html").read_text("utf-8")
    assert '<html lang="zh-CN">' in zh
    assert "志愿者 V2：服务时长积分单" in zh
    assert "计入上门 2 次，服务 1.45 小时，积分 1.75" in zh
    assert "<script" not in zh


def test_the_command_end_to_end(ledger: str, tmp_path: Path) -> None:
    """`allocate round credit OPDIR` writes OPDIR/credit, `--round 2 -o DIR --lang zh` one round in Chinese."""
    with open_operation(ledger, tmp_path) as op:
        _two_rounds(op)
    done = allocate_command("round", "credit", *opdir_args(ledger, tmp_path))
    assert done.returncode == 0, done.stderr
    assert "credit of rounds 1, 2: 2 volunteers, 2.2 hours, 3.25 credits; 0 visits not reported yet" in done.stdout
    assert (tmp_path / "op" / "credit" / "credit.csv").is_file()
    again = allocate_command("round", "credit", *opdir_args(ledger, tmp_path))  # replaces its own folder
    assert again.returncode == 0, again.stderr
    out = tmp_path / "第二轮"
    zh = allocate_command("round", "credit", *opdir_args(ledger, tmp_path), "--round", "2", "-o", out, "--lang", "zh")
    assert zh.returncode == 0, zh.stderr
    assert "第 2 轮的志愿服务积分：志愿者 1 人，0.25 小时，0.5 积分" in zh.stdout
    assert sorted(p.name for p in out.iterdir()) == ["credit.csv", "credit.html", "organisations.csv"]
    missing = allocate_command("round", "credit", *opdir_args(ledger, tmp_path), "--round", "9")
    assert missing.returncode == 2


def test_the_rule_is_written_and_read_back(tmp_path: Path) -> None:
    """A policy with a `[credit]` section reads back equal; one without writes none (its text and hash as before)."""
    policy = Policy(credit=SECOND)
    for lang in ("en", "zh"):
        (tmp_path / f"{lang}.toml").write_text(policy_toml(policy, lang), "utf-8")
        assert read_policy(tmp_path / f"{lang}.toml") == policy
    assert "[credit]" not in policy_toml(Policy())
    assert "credit" not in Policy().model_dump()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "p.toml:5:1: credit.step: expected a number >= 1/3600",
                "p.toml:7:1: credit.bogus: unknown credit setting",
            ],
        ),
        ("zh", ["p.toml:5:1: credit.step：应为 >= 1/3600", "p.toml:7:1: credit.bogus：无法识别的设置"]),
    ],
)
def test_a_bad_credit_section_is_placed_and_said(tmp_path: Path, lang: str, expected: list[str]) -> None:
    """A step of 0 and an unknown key of `[credit]` are each placed on their line, in English and Chinese."""
    path = tmp_path / "p.toml"
    path.write_text('[[tiers]]\nname = "all"\n\n[credit]\nstep = 0\ndelivery = 1.5\nbogus = 1\n', "utf-8")
    with pytest.raises(InputError) as e:
        read_policy(path)
    said = [p.text(lang) for p in e.value.problems]  # type: ignore[arg-type]
    assert len(said) == len(expected)
    for text, start in zip(said, expected, strict=True):
        assert start in text.replace(str(tmp_path) + "/", "")


WEIGHTED = CreditRule(step=0.25, quarantined=2.0, night=1.5)
"""Visits to quarantined households ×2, stops at night ×1.5 (the two multiply), quarter hours."""


def _teams() -> Case:
    """V1 (designated, 红十字会) delivers to H1 and to H2, quarantined; V2 (no organisation), a nurse, delivers to H3
    and gives it 1.2 hours of care; V3 (社区志愿队) delivers to H4."""
    return Case(
        households=(Household(household_id="H1", grid="A"),
                    Household(household_id="H2", grid="A", quarantined=True),
                    Household(household_id="H3", grid="B"), Household(household_id="H4", grid="C")),
        needs=tuple(Need(household_id=h, item="rice", quantity=2) for h in ("H1", "H2", "H3", "H4")),
        lots=(Lot(lot_id="L1", item="rice", quantity=10),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("A",), hours=4, designated=True, organisation="红十字会"),
                    Volunteer(volunteer_id="V2", grids=("B",), hours=4, skills=("nursing",)),
                    Volunteer(volunteer_id="V3", grids=("C",), hours=4, organisation="社区志愿队")),
        services=(Service(household_id="H3", skill="nursing", hours=1.2),),
        policy=Policy(visit_hours=0.25, credit=WEIGHTED),
    )  # fmt: skip


def _reported(op: Operation) -> None:
    op.plan_round(_teams())
    op.record_results(
        1,
        [VisitReport("V1", "H1", "delivered"), VisitReport("V1", "H2", "delivered", night=True),
         VisitReport("V2", "H3", "delivered", night=True), VisitReport("V3", "H4", "not_home")],
    )  # fmt: skip


def test_weights_for_quarantined_households_and_night(ledger: str, tmp_path: Path) -> None:
    """H1: 0.25 × 1 = 0.25; H2 (quarantined, at night): 0.25 × 2 × 1.5 = 0.75; H3 at night: its delivery
    0.375 → 0.5 and its care 1.8 → 1.75; H4 not at home: the trip, 0.25. The ledger knows the quarantine from the
    round's case and the night from the results."""
    with open_operation(ledger, tmp_path) as op:
        _reported(op)
        assert [(v.household_id, v.quarantined) for v in op.round(1).visits if v.kind == "delivery"] == [
            ("H1", False), ("H2", True), ("H3", False), ("H4", False)
        ]  # fmt: skip
        credits = op.credit()
    lines = [(x.household_id, x.kind, x.quarantined, x.night, x.weight, x.credits) for v in credits.volunteers
             for x in v.lines]  # fmt: skip
    assert lines == [
        ("H1", "delivery", False, False, 1.0, 0.25),
        ("H2", "delivery", True, True, 3.0, 0.75),
        ("H3", "delivery", False, True, 1.5, 0.5),
        ("H3", "service", False, True, 1.5, 1.75),
        ("H4", "delivery", False, False, 1.0, 0.25),
    ]
    assert [(v.volunteer_id, v.credits) for v in credits.volunteers] == [("V1", 1.0), ("V2", 2.25), ("V3", 0.25)]


def test_totals_per_organisation(ledger: str, tmp_path: Path) -> None:
    """organisations.csv, the command's lines and the first printed page total per organisation, by name, then the
    volunteers with none; credit.csv gains the organisation column."""
    with open_operation(ledger, tmp_path) as op:
        _reported(op)
        credits = op.credit()
    assert [(o.name, o.volunteers, o.visits, o.hours, o.credits) for o in credits.organisations] == [
        ("社区志愿队", 1, 1, 0.25, 0.25),
        ("红十字会", 1, 2, 0.5, 1.0),
        (None, 1, 2, 1.45, 2.25),
    ]
    out = write_credit(credits, tmp_path / "credit", lang="zh")
    with open(out / "credit.csv", encoding="utf-8", newline="") as f:
        assert list(csv.reader(f)) == [
            ["volunteer_id", "organisation", "visits", "hours", "credits"],
            ["V1", "红十字会", "2", "0.5", "1"],
            ["V2", "", "2", "1.45", "2.25"],
            ["V3", "社区志愿队", "1", "0.25", "0.25"],
        ]
    with open(out / "organisations.csv", encoding="utf-8", newline="") as f:
        assert list(csv.reader(f)) == [
            ["organisation", "volunteers", "visits", "hours", "credits"],
            ["社区志愿队", "1", "1", "0.25", "0.25"],
            ["红十字会", "1", "2", "0.5", "1"],
            ["", "1", "2", "1.45", "2.25"],
        ]
    page = (out / "credit.html").read_text("utf-8")
    assert page.index("各组织合计") < page.index('data-volunteer="V1"')
    assert "所属组织：红十字会" in page
    assert '<span class="tag">隔离户</span><span class="tag">夜间</span>' in page
    done = allocate_command("round", "credit", *opdir_args(ledger, tmp_path), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        "  社区志愿队：志愿者 1 人，上门 1 次，0.25 小时，0.25 积分",
        "  红十字会：志愿者 1 人，上门 2 次，0.5 小时，1 积分",
        "  （未填组织）：志愿者 1 人，上门 2 次，1.45 小时，2.25 积分",
    ]
    assert sorted(p.name for p in (tmp_path / "op" / "credit").iterdir()) == [
        "credit.csv", "credit.html", "organisations.csv"
    ]  # fmt: skip


def test_a_ledger_at_0002_is_upgraded_and_credits_its_old_rounds(tmp_path: Path) -> None:
    """A round recorded at schema 0002 (no quarantine, organisation or night kept) reads back with them unknown
    (None) after the upgrade to 0004, and is credited without those weights; a round recorded after has them."""
    import sqlalchemy as sa

    from allocate.ledger.migrate import VERSION_TABLE, head

    where = tmp_path / "op" / "ledger.sqlite"
    engine = sqlite_at(where, "0002_results")
    with engine.begin() as c:  # round 1 as allocate wrote it at 0002: V1 delivers to H2 (quarantined), by night
        old = sa.MetaData()
        old.reflect(c)
        assert "quarantined" not in old.tables["round_visits"].c
        op_id = c.execute(old.tables["operations"].insert().values(name="default", created_at="2026-12-01")).lastrowid
        policy = policy_toml(Policy(visit_hours=0.25, credit=WEIGHTED))
        round_id = c.execute(
            old.tables["rounds"].insert().values(
                operation_id=op_id, number=1, revision=1, recorded_at="2026-12-01T08:00:00+00:00",
                plan_date="2026-12-01", status="optimal", termination="{}", policy_toml=policy,
                policy_sha256="0" * 64, summary="{}", folder="round-001", allocate_version="old",
                allocation_count=0, visit_count=1, plan_sha256="0" * 64, record_sha256="0" * 64,
            )
        ).lastrowid  # fmt: skip
        c.execute(
            old.tables["round_visits"].insert().values(
                round_id=round_id, row=0, volunteer_id="V1", household_id="H2", grid="A", kind="delivery",
                service_id=None, hours=0.25,
            )
        )  # fmt: skip
        batch = c.execute(
            old.tables["result_batches"].insert().values(
                round_id=round_id, batch=1, recorded_at="2026-12-01T20:00:00+00:00", source="rows",
                source_sha256="0" * 64, row_count=1,
            )
        ).lastrowid  # fmt: skip
        c.execute(
            old.tables["round_results"].insert().values(
                batch_id=batch, row=0, volunteer_id="V1", household_id="H2", item=None, outcome="delivered",
                planned=0, delivered=0,
            )
        )  # fmt: skip
    engine.dispose()
    with Operation.open(tmp_path / "op") as op:
        assert op.ledger.schema_revision() == head()
        (visit,) = op.round(1).visits
        assert (visit.quarantined, visit.organisation) == (None, None)
        assert [r.night for r in op.results(1)] == [None]
        (line,) = op.credit(1).volunteers[0].lines
        assert (line.quarantined, line.night, line.weight, line.credits) == (False, False, 1.0, 0.25)
        op.plan_round(_teams())
        op.record_results(2, [VisitReport("V1", "H2", "delivered", night=True)])
        assert op.credit(2).volunteer("V1").credits == 0.75
        with op.ledger.engine.connect() as c:
            assert c.scalar(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")) == "0004_credit_facts"
