"""write_case and write_template: Excel-friendly CSV folders, written atomically, that read back equal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from allocate.errors import OutputExistsError
from allocate.io import read_case, write_case, write_template
from allocate.schema import Case, Clause, Household, Lot, Need, Policy, Service, Tier, Urgency, Volunteer

CASE = Case(
    households=(
        Household(household_id="H1", grid="一网格", members=3, oldest_age=81, lives_alone=True, tier="elderly"),
        Household(household_id="H,2", grid='north "A"', disabled=True, chronic_illness=True),
    ),
    needs=(
        Need(
            need_id="H1/大米", household_id="H1", item="大米", quantity=2, urgency=Urgency.CRITICAL, all_or_nothing=True
        ),
        Need(need_id="n-2", household_id="H,2", item="oil\nlitres", quantity=1),
    ),
    lots=(
        Lot(lot_id="L1", item="大米", quantity=5, donor="红十字会", expires=dt.date(2026, 4, 30), grids=("一网格",)),
        Lot(lot_id="L2", item="oil\nlitres", quantity=0, reserved_for="urgent"),
    ),
    volunteers=(Volunteer(volunteer_id="V1", grids=("*",), hours=7.75, skills=("陪同", "medical")),),
    services=(Service(service_id="S1", household_id="H1", skill="陪同", hours=0.1, urgency=Urgency.LOW),),
    policy=Policy(
        plan_date=dt.date(2026, 3, 1),
        tiers=(Tier(name="urgent", when=(Clause(urgency=(Urgency.CRITICAL,)),)), Tier(name="elderly")),
    ),
)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_round_trip(tmp_path: Path, lang: str) -> None:
    """A written case (commas, quotes, newlines, Chinese text, lists, dates) reads back equal, in both languages."""
    write_case(CASE, tmp_path / "case", lang=lang)  # type: ignore[arg-type]
    assert read_case(tmp_path / "case") == CASE


def test_english_files(tmp_path: Path) -> None:
    """English headers, UTF-8 with BOM, lists joined with `;`, booleans true/false, a commented policy."""
    write_case(CASE, tmp_path / "case")
    names = sorted(p.name for p in (tmp_path / "case").iterdir())
    assert names == ["households.csv", "needs.csv", "policy.toml", "services.csv", "supplies.csv", "volunteers.csv"]
    raw = (tmp_path / "case" / "volunteers.csv").read_bytes()
    assert raw == b"\xef\xbb\xbfvolunteer_id,grids,hours,skills\r\nV1,*,7.75,\xe9\x99\xaa\xe5\x90\x8c;medical\r\n"
    households = (tmp_path / "case" / "households.csv").read_text(encoding="utf-8-sig")
    assert households.splitlines()[1] == "H1,一网格,3,81,true,false,false,elderly"


def test_chinese_files(tmp_path: Path) -> None:
    """Chinese file names, first-alias headers, 是/否 and Chinese urgencies."""
    write_case(CASE, tmp_path / "case", lang="zh")
    needs = (tmp_path / "case" / "需求.csv").read_text(encoding="utf-8-sig").splitlines()
    assert needs[:2] == ["需求编号,户号,物资,数量,紧急程度,整份", "H1/大米,H1,大米,2,紧急,是"]
    assert "# 优先级，从高到低。" in (tmp_path / "case" / "policy.toml").read_text(encoding="utf-8")


def test_no_volunteers_table_stays_absent(tmp_path: Path) -> None:
    """A case without volunteers is written without volunteers.csv, so it reads back without one."""
    case = Case(households=CASE.households, needs=CASE.needs, lots=CASE.lots, policy=CASE.policy)
    write_case(case, tmp_path / "case")
    assert not (tmp_path / "case" / "volunteers.csv").exists()
    assert read_case(tmp_path / "case").volunteers is None


def test_refuses_non_empty_folder(tmp_path: Path) -> None:
    """An existing folder with files in it is never written into."""
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "notes.txt").write_text("mine")
    with pytest.raises(OutputExistsError):
        write_case(CASE, tmp_path / "case")
    assert [p.name for p in (tmp_path / "case").iterdir()] == ["notes.txt"]


def test_writes_into_empty_folder(tmp_path: Path) -> None:
    """An existing empty folder is filled, and no temporary folder is left beside it."""
    (tmp_path / "case").mkdir()
    write_case(CASE, tmp_path / "case")
    assert [p.name for p in tmp_path.iterdir()] == ["case"]
    assert read_case(tmp_path / "case") == CASE


def test_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When writing fails half-way, neither the target nor a temporary folder remains."""

    def boom(*args: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr("allocate.io.writer.policy_toml", boom)
    with pytest.raises(OSError, match="disk full"):
        write_case(CASE, tmp_path / "case")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_template_reads_as_a_case(tmp_path: Path, lang: str) -> None:
    """The template, with its one example row per table and the default policy, is itself a valid case."""
    write_template(tmp_path / "t", lang=lang)  # type: ignore[arg-type]
    case = read_case(tmp_path / "t")
    assert (len(case.households), len(case.needs), len(case.lots), len(case.services)) == (1, 1, 1, 1)
    assert case.volunteers is not None
    assert case.policy == Policy()
    expected = ("一网格", "大米") if lang == "zh" else ("grid-1", "rice")
    assert (case.households[0].grid, case.needs[0].item) == expected


def test_chinese_template_headers(tmp_path: Path) -> None:
    """The Chinese template uses Chinese file names and headers throughout."""
    write_template(tmp_path / "t", lang="zh")
    names = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert names == sorted(["住户.csv", "需求.csv", "物资.csv", "志愿者.csv", "服务.csv", "policy.toml"])
    header = (tmp_path / "t" / "住户.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "户号,网格,人数,最大年龄,独居,残疾,慢性病,优先级,隔离"  # every column, the sparse one too
    volunteers = (tmp_path / "t" / "志愿者.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert volunteers == "志愿者,服务网格,可用时长,技能,防疫专班,所属组织"
