"""What donors and the public are told (`allocate notice`, `allocate.notice`): a page per donor, a notice per grid.

The case is small enough to check by hand (plan date 2026-12-01, so lots expiring on or before 2026-12-08 count
their leftovers as expired unused). Grid 一网格 has 1-1-101 (raised to the vulnerable tier) and 1-1-102,
1-1-103; grid 二网格 has 2-1-201. Each asks 4 大米; 2-1-201 also asks 2 食用油. Rice: R1, 6 units from 爱心超市,
expiring 2026-12-05, any grid; R2, 4 units with no donor, only for 二网格. Oil: O1, 5 units from 爱心超市,
expiring 2026-12-03. Flour: F1, 5 units from 红十字会, no expiry, asked by no one.

Strict priority gives 1-1-101 its 4 (from R1, the only lot for 一网格); the 2 left of R1 are shared evenly by
1-1-102 and 1-1-103 (1 each); 2-1-201 takes R2's 4 and 2 of oil. So 爱心超市's rice went 4 to 一网格's
vulnerable tier and 2 to its general tier, its oil 2 to 二网格's general tier, and 3 oil expired unused; R2
(no donor) went 4 to 二网格; 红十字会's flour is kept, all 5.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from allocate import read_case, run
from allocate.cli import cli
from allocate.notice import (
    EXPIRY_WINDOW_DAYS,
    NOTICE_FILES,
    Expired,
    Given,
    ItemTotal,
    NoticeRow,
    build_notice,
    mask_id,
    write_notice,
)
from allocate.plan import Allocation, Plan
from allocate.sheets import BrokenPlanError

HOUSEHOLDS = "户号,网格,tier\n1-1-101,一网格,vulnerable\n1-1-102,一网格,\n1-1-103,一网格,\n2-1-201,二网格,\n"
NEEDS = "household_id,item,quantity\n1-1-101,大米,4\n1-1-102,大米,4\n1-1-103,大米,4\n2-1-201,大米,4\n2-1-201,食用油,2\n"
SUPPLIES = (
    "lot_id,item,quantity,donor,expires,grids\n"
    "R1,大米,6,爱心超市,2026-12-05,\n"
    "R2,大米,4,,,二网格\n"
    "O1,食用油,5,爱心超市,2026-12-03,\n"
    "F1,面粉,5,红十字会,,\n"
)
IDS = ("1-1-101", "1-1-102", "1-1-103", "2-1-201")
WORDS = ("大米", "食用油", "面粉", "R1", "R2", "O1", "F1", *(mask_id(i) for i in IDS))
"""The planner's text a page may hold in any language: items, lot ids and masked household ids."""


def make_case(folder: Path) -> Path:
    """The case of this module's docstring, as CSV files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {
        "households.csv": HOUSEHOLDS,
        "needs.csv": NEEDS,
        "supplies.csv": SUPPLIES,
        "policy.toml": "plan_date = 2026-12-01\n",
    }.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """The case's folder."""
    return make_case(tmp_path / "幸福里")


@pytest.fixture
def plan(case_dir: Path) -> Plan:
    """Its verified plan."""
    return run(read_case(case_dir)).plan


def test_donor_statements_are_by_grid_and_tier_with_what_expired(plan: Plan) -> None:
    """Each donor's units per item, grid and tier, the oil that expired unused and the totals, as worked by hand."""
    n = build_notice(plan.case, plan, "zh")
    assert n.expiry_limit == dt.date(2026, 12, 1) + dt.timedelta(days=EXPIRY_WINDOW_DAYS)
    assert [(d.donor, d.named, d.lots) for d in n.donors] == [
        ("爱心超市", True, ("O1", "R1")),
        ("R2", False, ("R2",)),
        ("红十字会", True, ("F1",)),
    ]
    love, r2, red = n.donors
    assert love.given == (
        Given("大米", "一网格", "vulnerable", "困难群体", 4),
        Given("大米", "一网格", "general", "一般", 2),
        Given("食用油", "二网格", "general", "一般", 2),
    )
    assert love.expired == (Expired("O1", "食用油", dt.date(2026, 12, 3), 3),)
    assert love.totals == (ItemTotal("大米", 6, 6, 0, 0), ItemTotal("食用油", 5, 2, 3, 0))
    assert r2.given == (Given("大米", "二网格", "general", "一般", 4),)
    assert r2.expired == ()
    assert red.given == ()
    assert red.expired == ()
    assert red.totals == (ItemTotal("面粉", 5, 0, 0, 5),)


def test_grid_notices_list_masked_households_by_tier(plan: Plan) -> None:
    """Each grid's rows: masked id, tier in words, asked and received, highest tier first."""
    n = build_notice(plan.case, plan, "zh")
    assert n.rule == "按优先层级依次满足，同一层级内平均分配"
    assert [(g.grid, g.households, g.units) for g in n.grids] == [("一网格", 3, 6), ("二网格", 1, 6)]
    assert n.grids[0].rows == (
        NoticeRow("1*****1", "vulnerable", "困难群体", "大米", 4, 4),
        NoticeRow("1*****2", "general", "一般", "大米", 4, 1),
        NoticeRow("1*****3", "general", "一般", "大米", 4, 1),
    )
    assert n.grids[1].rows == (
        NoticeRow("2*****1", "general", "一般", "大米", 4, 4),
        NoticeRow("2*****1", "general", "一般", "食用油", 2, 2),
    )
    english = build_notice(plan.case, plan, "en")
    assert english.rule == "higher tiers first, then shared evenly within a tier"
    assert english.grids[0].rows[0].tier_words == "vulnerable"


def test_masking_examples() -> None:
    """First and last character kept; a two-character id keeps its first; a one-character id shows nothing."""
    assert [mask_id(i) for i in ("1-2-501", "H12", "AB", "A", "")] == ["1*****1", "H*2", "A*", "*", ""]


@given(st.text(min_size=1, max_size=30).filter(lambda s: "*" not in s))
def test_masking_never_shows_a_whole_id(household_id: str) -> None:
    """A masked id is never the id, keeps its length, and shows at most its first and last character."""
    masked = mask_id(household_id)
    assert masked != household_id
    assert len(masked) == len(household_id)
    assert set(masked[1:-1]) <= {"*"}
    shown = [c for c in masked if c != "*"]
    assert len(shown) <= 2
    if len(household_id) >= 3:
        assert masked[0] == household_id[0]
        assert masked[-1] == household_id[-1]


def _text(html: str) -> str:
    """What a page shows: no stylesheet, no tags, entities back to characters."""
    import html as html_lib

    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


def test_written_files_never_hold_a_full_household_id(plan: Plan, tmp_path: Path) -> None:
    """No file of the notice holds a household id in full, in either language."""
    for lang in ("zh", "en"):
        out = write_notice(tmp_path / lang, plan, lang=lang)
        assert {p.name for p in out.iterdir()} == NOTICE_FILES
        for p in out.iterdir():
            text = p.read_text(encoding="utf-8-sig")
            assert not [i for i in IDS if i in text], p.name


def test_chinese_notice_has_no_english_but_ids_and_items(plan: Plan, tmp_path: Path) -> None:
    """A zh notice's pages and CSV say everything in Chinese; only the planner's items and ids stay as written."""
    out = write_notice(tmp_path / "zh", plan, lang="zh")
    for name in sorted(NOTICE_FILES):
        text = (out / name).read_text(encoding="utf-8-sig")
        if name.endswith(".html"):
            text = _text(text)
        for word in sorted(WORDS, key=len, reverse=True):
            text = text.replace(word, "")
        assert not re.findall(r"[A-Za-z]{2,}", text), (name, re.findall(r"[A-Za-z]{2,}", text))
    assert "物资分配公示：一网格" in (out / "notice.html").read_text(encoding="utf-8")
    english = write_notice(tmp_path / "en", plan, lang="en")
    page = (english / "donors.html").read_text(encoding="utf-8")
    assert "Where your donation went: 爱心超市" in page
    assert "Where lot R2 went (no donor named)" in page


def test_csv_rows_hold_the_same_numbers(plan: Plan, tmp_path: Path) -> None:
    """donors.csv has a row per item, grid and tier given and per lot expired; notice.csv a row per need."""
    out = write_notice(tmp_path / "n", plan, lang="en")
    donors = (out / "donors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert donors[0] == "donor,kind,item,grid,tier,lot_id,expires,units"
    assert "爱心超市,expired unused,食用油,,,O1,2026-12-03,3" in donors
    assert "R2,given,大米,二网格,general,,,4" in donors
    assert len(donors) == 1 + 3 + 1 + 1
    notice = (out / "notice.csv").read_text(encoding="utf-8-sig").splitlines()
    assert notice[1] == '一网格,1*****1,vulnerable,大米,4,4,"higher tiers first, then shared evenly within a tier"'
    assert len(notice) == 1 + 5


def test_same_inputs_give_the_same_bytes(case_dir: Path, tmp_path: Path) -> None:
    """Solved and written twice, every file is byte for byte the same."""
    a = write_notice(tmp_path / "a", run(read_case(case_dir)).plan)
    b = write_notice(tmp_path / "b", run(read_case(case_dir)).plan)
    for name in NOTICE_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_a_plan_that_breaks_a_rule_gets_no_notice(plan: Plan, tmp_path: Path) -> None:
    """Overdrawing a lot is refused before anything is written."""
    bad = plan.model_copy(
        update={"allocations": (*plan.allocations, Allocation(need_id="1-1-102/大米", lot_id="R1", quantity=3))}
    )
    with pytest.raises(BrokenPlanError):
        write_notice(tmp_path / "n", bad)
    assert not (tmp_path / "n").exists()


def test_command_writes_a_chinese_notice_for_a_chinese_case(case_dir: Path, tmp_path: Path) -> None:
    """`allocate solve` then `allocate notice`: Chinese by default for a Chinese case, English with --lang en,
    an earlier notice replaced only with --force."""
    runner = CliRunner()
    plan_dir = tmp_path / "方案"
    r = runner.invoke(cli, ["solve", str(case_dir), "-o", str(plan_dir)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "公示"
    r = runner.invoke(cli, ["notice", str(case_dir), str(plan_dir), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "公示已写入" in r.output
    assert "捐赠去向3页，网格公示2页" in r.output
    assert {p.name for p in out.iterdir()} == NOTICE_FILES
    assert "按优先层级依次满足" in (out / "notice.html").read_text(encoding="utf-8")
    r = runner.invoke(cli, ["notice", str(case_dir), str(plan_dir), "-o", str(out), "--lang", "en"])
    assert r.exit_code == 2, r.output
    r = runner.invoke(cli, ["notice", str(case_dir), str(plan_dir), "-o", str(out), "--lang", "en", "--force"])
    assert r.exit_code == 0, r.output
    assert "notice written to" in r.output
    assert "Public notice: grid 一网格" in (out / "notice.html").read_text(encoding="utf-8")
