"""The papers to carry (`allocate sheets`, `allocate.sheets`): a page per volunteer, a pick list per grid.

The case is small enough to check by hand: five households in two grids (west named first), one of them
quarantined; V1, designated and with nursing, visits them all (V2 offers no hours); rice in a lot that expires
and one that does not, oil that expires first. The households table carries 地址 and 电话, which only `--with`
may bring onto a page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from allocate import InputError, read_case, run
from allocate.cli import cli
from allocate.plan import Allocation, Plan
from allocate.schema import Case
from allocate.sheets import (
    SHEET_FILES,
    BrokenPlanError,
    Contacts,
    build_sheets,
    contact_names,
    is_address,
    read_contacts,
    render_pick_lists,
    render_volunteers,
    write_sheets,
)
from allocate.sheets.build import reading_key
from support.workbooks import workbook

HOUSEHOLDS = (
    "household_id,grid,quarantined,地址,电话\n"
    "H3,west,yes,5栋101,13900000003\n"
    "H1,east,no,12栋1单元101,13800000001\n"
    "H2,east,no,3栋2单元502,=13800000002\n"
    "H4,east,no,3栋1单元201,13800000004\n"
    "H5<&>,east,no,1栋<b>&,13800000005\n"
)
NEEDS = "household_id,item,quantity\nH1,rice,2\nH1,oil,1\nH2,rice,2\nH3,rice,1\nH4,rice,2\nH5<&>,rice,1\n"
SUPPLIES = (
    "lot_id,item,quantity,donor,expires\nR2,rice,10,Street office,\nR1,rice,3,Red Cross,2026-12-10\n"
    "O1,oil,2,Co-op,2026-12-05\n"
)
VOLUNTEERS = "volunteer_id,grids,hours,skills,designated\nV1,east;west,5,nursing,yes\nV2,east,0,,no\n"
SERVICES = "household_id,skill,hours\nH2,nursing,1\n"
PHONES = ("13900000003", "13800000001", "13800000002", "13800000004", "13800000005")


def make_case(folder: Path) -> Path:
    """The case of this module's docstring, as CSV files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {
        "households.csv": HOUSEHOLDS,
        "needs.csv": NEEDS,
        "supplies.csv": SUPPLIES,
        "volunteers.csv": VOLUNTEERS,
        "services.csv": SERVICES,
        "policy.toml": "plan_date = 2026-12-01\n",
    }.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """The case's folder."""
    return make_case(tmp_path / "case")


@pytest.fixture
def plan(case_dir: Path) -> Plan:
    """Its verified plan."""
    return run(read_case(case_dir)).plan


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def all_text(folder: Path) -> str:
    """Every file of `folder` as text, to look for what must not be there."""
    return "".join(p.read_text(encoding="utf-8-sig") for p in sorted(folder.iterdir()) if p.is_file())


# --- what the papers say -----------------------------------------------------------------------------------


def test_stops_go_grid_by_grid_then_by_address_then_by_household(case_dir: Path, plan: Plan) -> None:
    """West, named first in the table, comes first; in east 1栋 < 3栋1单元 < 3栋2单元 < 12栋 (digits as numbers);
    without an address the household ids order the stops."""
    contacts = read_contacts(case_dir, ["地址", "电话"])
    v1 = next(v for v in build_sheets(plan, contacts).volunteers if v.volunteer_id == "V1")
    assert [s.household_id for s in v1.stops] == ["H3", "H5<&>", "H4", "H2", "H1"]
    assert [s.number for s in v1.stops] == [1, 2, 3, 4, 5]
    plain = next(v for v in build_sheets(plan).volunteers if v.volunteer_id == "V1")
    assert [s.household_id for s in plain.stops] == ["H3", "H1", "H2", "H4", "H5<&>"]
    phone_only = next(v for v in build_sheets(plan, read_contacts(case_dir, ["电话"])).volunteers)
    assert [s.household_id for s in phone_only.stops] == ["H3", "H1", "H2", "H4", "H5<&>"]  # a phone orders nothing


def test_a_stop_holds_the_goods_services_and_hours_of_the_plan(case_dir: Path, plan: Plan) -> None:
    """Each stop's goods are the household's allocations summed per item; services and hours are its visits';
    what the volunteer collects is every stop's goods; the quarantined household is contact-free."""
    sheets = build_sheets(plan)
    pages = {v.volunteer_id: v for v in sheets.volunteers}
    assert set(pages) == {"V1"}  # V2 offers no hours this time
    assert sheets.idle_volunteers == ("V2",)
    stops = {s.household_id: s for s in pages["V1"].stops}
    received: dict[str, dict[str, int]] = {}
    for a in plan.allocations:
        need = next(n for n in plan.case.needs if n.need_id == a.need_id)
        received.setdefault(need.household_id, {}).setdefault(need.item, 0)
        received[need.household_id][need.item] += a.quantity
    for hid, stop in stops.items():
        assert {g.item: g.quantity for g in stop.goods} == received.get(hid, {})
        assert stop.hours == pytest.approx(sum(v.hours for v in plan.visits if v.household_id == hid))
    assert [(t.skill, t.hours) for t in stops["H2"].tasks] == [("nursing", 1.0)]
    assert [s.household_id for s in pages["V1"].stops if s.contact_free] == ["H3"]
    assert pages["V1"].hours_booked == pytest.approx(sum(v.hours for v in plan.visits))
    totals = {g.item: g.quantity for g in pages["V1"].collect}
    assert totals == {"oil": 1, "rice": sum(a.quantity for a in plan.allocations if a.lot_id.startswith("R"))}


def test_pick_lists_are_per_grid_with_the_lot_that_expires_first_on_top(plan: Plan) -> None:
    """West first, as the households table names it; oil (5 Dec) before rice R1 (10 Dec) before R2 (no date);
    every allocated unit is on exactly one list."""
    lists = build_sheets(plan).pick_lists
    assert [p.grid for p in lists] == ["west", "east"]
    for p in lists:
        dates = [r.expires or dt.date.max for r in p.picks]
        assert dates == sorted(dates)
        assert p.units == sum(r.quantity for r in p.picks)
    east = lists[1]
    assert [r.lot_id for r in east.picks][:2] == ["O1", "R1"]
    assert east.households == 4
    by_lot: dict[str, int] = {}
    for p in lists:
        for r in p.picks:
            by_lot[r.lot_id] = by_lot.get(r.lot_id, 0) + r.quantity
    assert by_lot == {lot: sum(a.quantity for a in plan.allocations if a.lot_id == lot) for lot in by_lot}
    assert sum(by_lot.values()) == sum(a.quantity for a in plan.allocations)


def test_reading_order_takes_digits_as_numbers() -> None:
    """`2栋` before `10栋`, full-width digits as digits, and the order is total."""
    texts = ["10栋", "2栋", "２栋1", "1-10-101", "1-2-101", "B", "a"]
    assert sorted(texts, key=reading_key) == ["1-2-101", "1-10-101", "2栋", "２栋1", "10栋", "a", "B"]
    assert all(is_address(h) for h in ("地址", "Street address", "楼栋"))
    assert not any(is_address(h) for h in ("电话", "phone"))


def test_a_case_without_volunteers_gets_pick_lists_only(tmp_path: Path) -> None:
    """No volunteers, no visits: the volunteer pages say so, the pick lists are there."""
    folder = make_case(tmp_path / "c")
    (folder / "volunteers.csv").unlink()
    (folder / "services.csv").unlink()
    sheets = build_sheets(run(read_case(folder)).plan)
    assert sheets.volunteers == ()
    assert sheets.pick_lists
    assert "No volunteer has a visit" in render_volunteers(sheets, lang="en")


# --- the pages -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "words"), [("en", "contact-free: leave at the door"), ("zh", "无接触配送：放在门口")])
def test_pages_mark_the_quarantined_household_and_escape_every_value(
    case_dir: Path, plan: Plan, lang: str, words: str
) -> None:
    """The quarantined household is marked in the page's language; ids and cells holding `<&>` are escaped."""
    sheets = build_sheets(plan, read_contacts(case_dir, ["地址", "电话"]))
    page = render_volunteers(sheets, lang="zh" if lang == "zh" else "en")
    assert page.count(words) == 1
    assert 'data-household="H3" class="contact-free"' in page
    assert "H5&lt;&amp;&gt;" in page
    assert "1栋&lt;b&gt;&amp;" in page
    assert "1栋<b>" not in page
    picks = render_pick_lists(sheets, lang="zh" if lang == "zh" else "en")
    assert "13800000001" not in picks  # contact columns are on the volunteer pages only


def test_no_translated_text_outside_the_catalog() -> None:
    """The sheets' code and templates hold no Chinese words (docstrings aside): every word is in the catalog."""
    from test_catalog import HANZI, SRC, texts

    paths = [p for p in sorted((SRC / "sheets").rglob("*")) if p.suffix in (".py", ".j2", ".css")]
    assert paths
    for path in paths:
        assert not any(HANZI.search(text) for text in texts(path)), path


# --- contact columns -------------------------------------------------------------------------------------------


def test_contacts_are_read_only_when_named_and_never_change_the_case(case_dir: Path, tmp_path: Path) -> None:
    """`read_case` gives the same case with or without the contact columns; `read_contacts` reads only those
    named, by household id, with the headers as the file writes them."""
    bare = tmp_path / "bare"
    make_case(bare)
    lines = [",".join(line.split(",")[:3]) for line in HOUSEHOLDS.splitlines()]
    (bare / "households.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_case(case_dir) == read_case(bare)
    contacts = read_contacts(case_dir, ["电话"])
    assert contacts.columns == ("电话",)
    assert contacts.of("H1") == ("13800000001",)
    assert contacts.of("H2") == ("=13800000002",)
    assert contacts.of("nobody") == ("",)
    both = read_contacts(case_dir, ["地址，电话"])  # a full-width comma, as a Chinese keyboard types it
    assert both.columns == ("地址", "电话")
    assert contact_names(["地址、电话", " 地址 ;"]) == ("地址", "电话")


def test_a_missing_or_repeated_contact_column_is_placed_at_the_header(case_dir: Path) -> None:
    """A column the table lacks is an InputError at file:1 naming the columns there are; one given twice is
    placed at its second column."""
    with pytest.raises(InputError) as e:
        read_contacts(case_dir, ["地址", "住址"])
    (p,) = e.value.problems
    assert p.file == str(case_dir / "households.csv")
    assert p.line == 1
    assert "no column '住址'" in p.message
    assert "household_id, grid, quarantined, 地址, 电话" in p.message
    (case_dir / "households.csv").write_text("户号,网格,电话,电话\nH1,east,1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_contacts(case_dir, ["电话"])
    (p,) = e.value.problems
    assert (p.line, p.column) == (1, 4)
    assert "given twice" in p.message


def test_contacts_come_from_a_workbook_too(tmp_path: Path) -> None:
    """A workbook's households sheet gives its named columns the same way (a phone stored as a number too)."""
    book = workbook(
        tmp_path / "case.xlsx",
        {
            "住户": [["户号", "网格", "地址", "电话"], ["H1", "east", "3栋101", 13800000001]],
            "需求": [["户号", "物资", "数量"], ["H1", "rice", 1]],
            "物资": [["批次", "物资", "数量"], ["R1", "rice", 1]],
        },
    )
    contacts = read_contacts(book, ["电话", "地址"])
    assert contacts.columns == ("电话", "地址")
    assert contacts.of("H1") == ("13800000001", "3栋101")


def test_library_arguments_are_checked() -> None:
    """A single string of names and an empty list are refused with the project's message shape."""
    with pytest.raises(ValueError, match="'names' parameter of read_contacts"):
        read_contacts("x", "地址")
    with pytest.raises(ValueError, match="at least one column name"):
        read_contacts("x", [" , "])


# --- writing -------------------------------------------------------------------------------------------------


def test_write_gives_four_files_with_the_same_bytes_every_time(case_dir: Path, plan: Plan, tmp_path: Path) -> None:
    """The four files, byte for byte the same when written again; CSV cells guarded against formulas."""
    contacts = read_contacts(case_dir, ["地址", "电话"])
    one = write_sheets(tmp_path / "one", plan, contacts=contacts, lang="zh")
    two = write_sheets(tmp_path / "two", plan, contacts=contacts, lang="zh")
    assert {p.name for p in one.iterdir()} == SHEET_FILES
    for name in SHEET_FILES:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    rows = (one / "volunteers.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "志愿者,顺序,户号,网格,地址,电话,无接触配送,物资,服务,时长,结果,实送"
    assert rows[1].startswith("V1,1,H3,west,5栋101,13900000003,是,rice × 1,")
    assert any(",'=13800000002," in r for r in rows)  # never a formula in Excel or WPS
    picks = (one / "pick-lists.csv").read_text(encoding="utf-8-sig").splitlines()
    assert picks[0] == "网格,有效期,物资,批次,捐赠方,数量,户数"
    english = write_sheets(tmp_path / "en", plan)
    header = (english / "pick-lists.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "grid,expires,item,lot_id,donor,quantity,households"
    assert not any(phone in all_text(english) for phone in PHONES)


def test_write_refuses_a_used_folder_and_replaces_only_sheets(plan: Plan, tmp_path: Path) -> None:
    """A non-empty folder needs overwrite, and even then may hold nothing but sheet files."""
    from allocate import OutputExistsError

    out = write_sheets(tmp_path / "s", plan)
    with pytest.raises(OutputExistsError):
        write_sheets(out, plan)
    write_sheets(out, plan, overwrite=True, lang="zh")
    assert "拣货单" in (out / "pick-lists.html").read_text(encoding="utf-8")
    (out / "mine.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        write_sheets(out, plan, overwrite=True)
    assert (out / "mine.txt").read_text(encoding="utf-8") == "mine"


def test_nothing_is_written_when_a_page_fails(plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while writing leaves no folder and no temporary leftovers."""
    import allocate.sheets.write as writing

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(writing, "render_pick_lists", broken)
    with pytest.raises(RuntimeError):
        write_sheets(tmp_path / "s", plan)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case"]


def test_a_plan_that_breaks_a_rule_gets_no_papers(plan: Plan, tmp_path: Path) -> None:
    """More units than a lot holds: `BrokenPlanError` with the violations, and nothing written."""
    broken = plan.model_copy(
        update={"allocations": (*plan.allocations, Allocation(need_id="H1/rice", lot_id="R1", quantity=9))}
    )
    with pytest.raises(BrokenPlanError) as e:
        write_sheets(tmp_path / "s", broken)
    assert e.value.violations
    assert not (tmp_path / "s").exists()


# --- the command ---------------------------------------------------------------------------------------------


def test_command_writes_contacts_only_where_named(case_dir: Path, tmp_path: Path) -> None:
    """`solve` then `sheets --with 地址,电话`: phones on the volunteer pages only; not in the plan, not in the
    pick lists, and not on any page without `--with`."""
    plan_dir = tmp_path / "plan"
    assert invoke("solve", str(case_dir), "-o", str(plan_dir)).exit_code == 0
    out = tmp_path / "sheets"
    r = invoke("sheets", str(case_dir), str(plan_dir), "-o", str(out), "--with", "地址,电话", "--lang", "zh")
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"任务单已写入{out}：志愿者任务单1份，拣货单2份")
    for phone in PHONES:
        assert phone in (out / "volunteers.html").read_text(encoding="utf-8")
        assert phone in (out / "volunteers.csv").read_text(encoding="utf-8-sig")
        assert phone not in (out / "pick-lists.html").read_text(encoding="utf-8")
        assert phone not in (out / "pick-lists.csv").read_text(encoding="utf-8-sig")
        assert phone not in all_text(plan_dir)
    bare = tmp_path / "bare"
    r = invoke("sheets", str(case_dir), str(plan_dir), "-o", str(bare), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "1 volunteer page(s) and 2 pick list(s)" in r.output
    assert not any(phone in all_text(bare) for phone in PHONES)
    assert "5栋101" not in all_text(bare)


def test_command_refusals(case_dir: Path, tmp_path: Path) -> None:
    """Exit 2 for an output in use or inside an input and for `--with` naming nothing; exit 1 for a column the
    table lacks, at file:line; exit 4 for a plan that breaks a rule; nothing written in each case."""
    plan_dir = tmp_path / "plan"
    assert invoke("solve", str(case_dir), "-o", str(plan_dir)).exit_code == 0
    out = tmp_path / "s"
    assert invoke("sheets", str(case_dir), str(plan_dir), "-o", str(out)).exit_code == 0
    used = invoke("sheets", str(case_dir), str(plan_dir), "-o", str(out))
    assert used.exit_code == 2
    assert "--force" in used.output
    assert invoke("sheets", str(case_dir), str(plan_dir), "-o", str(out), "--force").exit_code == 0
    inside = invoke("sheets", str(case_dir), str(plan_dir), "-o", str(plan_dir / "s"))
    assert inside.exit_code == 2
    assert "重叠" in inside.output  # the case is Chinese, so is the refusal
    assert invoke("sheets", str(case_dir), str(plan_dir), "-o", str(tmp_path / "x"), "--with", " , ").exit_code == 2
    missing = invoke("sheets", str(case_dir), str(plan_dir), "-o", str(tmp_path / "x"), "--with", "门牌")
    assert missing.exit_code == 1
    assert f"{case_dir / 'households.csv'}:1:" in missing.output
    assert "住户表没有“门牌”列" in missing.output  # a Chinese header (地址, 电话) makes the case speak Chinese
    allocation = plan_dir / "allocation.csv"
    allocation.write_text(allocation.read_text(encoding="utf-8-sig") + "H1/rice,H1,east,elderly,rice,R1,9\r\n")
    broken = invoke("sheets", str(case_dir), str(plan_dir), "-o", str(tmp_path / "x"))
    assert broken.exit_code == 4
    assert "没有写任务单" in broken.output
    assert not (tmp_path / "x").exists()


def test_contacts_object_is_plain_data() -> None:
    """`Contacts` can be built by an app from its own records, without a file."""
    contacts = Contacts(("phone",), {"H1": ("123",)})
    assert contacts.of("H1") == ("123",)
    assert contacts.of("H2") == ("",)


def test_cases_read_from_code_work_too(plan: Plan) -> None:
    """A plan whose case was built in code (no files) gets its pages: contacts are optional."""
    assert isinstance(plan.case, Case)
    assert build_sheets(plan).volunteers
