"""Reading CSV case folders: columns, aliases, values, and every problem placed at file:line:column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from allocate.errors import InputError, Problem
from allocate.io import read_case, read_case_with_warnings
from allocate.schema import Policy, Urgency

Problems = Callable[..., list[str]]


def test_minimal_case_reads_defaults(data: Path) -> None:
    """Three required tables are a case; blank cells take the model defaults and need ids default to hh/item."""
    case = read_case(data / "io_minimal")
    h1, h2, h3 = case.households
    assert (h1.members, h1.oldest_age, h1.lives_alone, h1.disabled, h1.chronic_illness) == (2, 72, True, False, False)
    assert (h2.oldest_age, h2.lives_alone, h2.disabled, h2.chronic_illness) == (None, False, True, True)
    assert h3.tier == "elderly"
    assert [n.need_id for n in case.needs] == ["H1/rice", "H2/rice", "N3"]
    assert [n.urgency for n in case.needs] == [Urgency.HIGH, Urgency.NORMAL, Urgency.LOW]
    assert [n.all_or_nothing for n in case.needs] == [False, True, False]
    assert case.lots[0].grids == ("north", "south")
    assert case.lots[0].expires == dt.date(2026, 12, 31)
    assert case.lots[1].reserved_for == "vulnerable"
    assert case.volunteers is None
    assert case.services == ()
    assert case.policy == Policy()


def test_full_case_reads_volunteers_services_and_policy(data: Path) -> None:
    """Optional tables and the folder's policy.toml are read; the service id defaults to hh/skill."""
    case = read_case(data / "io_full")
    assert case.volunteers is not None
    assert [v.grids for v in case.volunteers] == [("north",), ("*",)]
    assert case.volunteers[1].hours == 2.5
    assert case.volunteers[1].skills == ()
    assert case.services[0].service_id == "H1/escort"
    assert case.services[0].urgency == Urgency.CRITICAL
    assert case.policy.tier_names == ("vulnerable", "elderly", "general")
    assert case.policy.visit_hours == 0.5
    assert case.policy.plan_date == dt.date(2026, 3, 1)


def test_policy_argument_overrides_the_folder_policy(data: Path) -> None:
    """A Policy passed in wins over policy.toml, even a broken one, which is then not read."""
    case = read_case(data / "io_policy_syntax", policy=Policy(seed=3))
    assert case.policy.seed == 3


def test_policy_path_argument_is_read(data: Path) -> None:
    """A policy given as a path is read from that file."""
    case = read_case(data / "io_minimal", policy=data / "io_full" / "policy.toml")
    assert case.policy.visit_hours == 0.5


def test_values_are_normalised(data: Path) -> None:
    """Headers match after NFKC, trim and case-folding; numbers, booleans, urgencies, dates and lists normalise."""
    case = read_case(str(data / "io_values"))
    h1, h2, h3 = case.households
    assert (h1.household_id, h1.grid, h1.members, h1.oldest_age) == ("H1", "north", 3, 72)
    assert (h1.lives_alone, h1.disabled, h1.chronic_illness) == (True, False, True)
    assert (h2.members, h2.lives_alone, h2.disabled, h2.chronic_illness) == (2, True, False, False)
    assert (h3.household_id, h3.members, h3.lives_alone) == ("H3", 1, False)
    assert [(n.item, n.quantity, n.urgency, n.all_or_nothing) for n in case.needs] == [
        ("rice", 2, Urgency.HIGH, False),
        ("Oil", 1, Urgency.CRITICAL, True),
        ("rice", 1, Urgency.LOW, False),
        ("rice", 1, Urgency.NORMAL, False),
    ]
    assert [lot.expires for lot in case.lots] == [dt.date(2026, 12, 31)] + [dt.date(2026, 3, 5)] * 4
    assert {lot.grids for lot in case.lots} == {("north", "south"), ("north",), None}
    assert case.volunteers is not None
    assert case.volunteers[0].grids == ("*",)
    assert case.volunteers[0].hours == 4.5
    assert case.volunteers[0].skills == ("escort", "medical")


def test_chinese_names_and_headers_utf8_bom(data: Path) -> None:
    """Chinese file names and headers, 是/否, Chinese urgencies and list separators, in UTF-8 with BOM."""
    case = read_case(data / "io_zh_utf8_bom")
    assert [(h.household_id, h.grid, h.oldest_age, h.lives_alone, h.disabled) for h in case.households] == [
        ("H1", "一网格", 72, True, False),
        ("H2", "二网格", 85, False, True),
    ]
    assert [(n.item, n.urgency, n.all_or_nothing) for n in case.needs] == [
        ("大米", Urgency.HIGH, False),
        ("食用油", Urgency.CRITICAL, True),
    ]
    assert case.lots[0].grids == ("一网格", "二网格")
    assert case.lots[0].expires == dt.date(2026, 12, 31)
    assert case.volunteers is not None
    assert case.volunteers[0].grids == ("一网格", "二网格")
    assert case.services[0].service_id == "H2/陪同"


def test_missing_table(problems: Problems) -> None:
    """A missing required table is one problem naming the folder and both accepted names."""
    assert problems("io_missing_table") == [
        "io_missing_table:0:0: missing the supplies table: expected a .csv file named supplies or 物资"
    ]


def test_table_given_twice(problems: Problems) -> None:
    """households.csv and 住户.csv together are refused rather than one picked silently."""
    assert problems("io_both_tables") == [
        "io_both_tables:0:0: households.csv and 住户.csv both hold the households table; keep one"
    ]


def test_empty_table(problems: Problems) -> None:
    """A table without even a header row says which headers it expected."""
    assert problems("io_empty_table") == [
        "io_empty_table/supplies.csv:1:0: the table is empty; expected a header row with "
        "lot_id, item, quantity, donor, expires, reserved_for, grids"
    ]


def test_missing_column(problems: Problems) -> None:
    """A missing required column is one problem on the header line, naming its aliases."""
    assert problems("io_missing_column") == ["io_missing_column/needs.csv:1:0: missing column quantity or 数量"]


def test_duplicate_column(problems: Problems) -> None:
    """`grid` and its alias `网格` in one table is a problem at the second one."""
    assert problems("io_duplicate_column") == [
        'io_duplicate_column/households.csv:1:3: 网格: column grid is given twice (also as "grid" in column 2); '
        "keep one"
    ]


def test_bad_whole_numbers(problems: Problems) -> None:
    """Text, fractions, inf, 1e400 and absurdly long numbers are not whole numbers; 0 breaks the schema's >= 1."""
    assert problems("io_bad_int") == [
        'io_bad_int/needs.csv:2:4: quantity: expected a whole number, found "abc"',
        'io_bad_int/needs.csv:3:4: quantity: expected a whole number, found "3.5"',
        'io_bad_int/needs.csv:4:4: quantity: expected a whole number, found "inf"',
        'io_bad_int/needs.csv:5:4: quantity: expected a whole number >= 1, found "0"',
        'io_bad_int/needs.csv:6:4: quantity: expected a whole number, found "1e400"',
        "io_bad_int/needs.csv:7:4: quantity: expected a whole number of at most 18 digits, "
        'found "99999999999999999999"',
    ]


def test_bad_numbers(problems: Problems) -> None:
    """Hours must be finite numbers: nan, 1e400, words and decimal commas are refused; -1 breaks >= 0."""
    assert problems("io_bad_number") == [
        'io_bad_number/volunteers.csv:2:3: hours: expected a finite number, found "nan"',
        'io_bad_number/volunteers.csv:3:3: hours: expected a finite number, found "1e400"',
        'io_bad_number/volunteers.csv:4:3: hours: expected a finite number, found "two"',
        'io_bad_number/volunteers.csv:5:3: hours: expected a finite number >= 0, found "-1"',
        'io_bad_number/volunteers.csv:6:3: hours: expected a finite number, found "1,5"',
    ]


def test_bad_booleans(problems: Problems) -> None:
    """Only the listed yes/no words are booleans."""
    expected = "expected true/false, yes/no, y/n, 1/0 or 是/否"
    assert problems("io_bad_bool") == [
        f'io_bad_bool/households.csv:2:3: lives_alone: {expected}, found "maybe"',
        f'io_bad_bool/households.csv:3:4: disabled: {expected}, found "2"',
        f'io_bad_bool/households.csv:4:3: lives_alone: {expected}, found "是的"',
    ]


def test_bad_dates(problems: Problems) -> None:
    """Day-first dates, days that do not exist and words are refused."""
    assert problems("io_bad_date") == [
        'io_bad_date/supplies.csv:2:4: expires: expected a date like 2026-03-01, found "31/12/2026"',
        'io_bad_date/supplies.csv:3:4: expires: expected a date that exists, found "2026-02-30"',
        'io_bad_date/supplies.csv:4:4: expires: expected a date like 2026-03-01, found "next week"',
    ]


def test_bad_urgency(problems: Problems) -> None:
    """Urgency is one of four words in English or Chinese, in any case (HIGH passes)."""
    expected = "expected one of critical, high, normal, low (紧急, 高, 普通, 低)"
    assert problems("io_bad_urgency") == [
        f'io_bad_urgency/needs.csv:2:4: urgency: {expected}, found "urgent"',
        f'io_bad_urgency/needs.csv:3:4: urgency: {expected}, found "很急"',
    ]


def test_bad_list(problems: Problems) -> None:
    """A volunteer's grids made only of separators is an empty list, which the schema refuses."""
    assert problems("io_bad_list") == [
        'io_bad_list/volunteers.csv:2:2: grids: expected at least one entry, found ";；"'
    ]


def test_out_of_range(problems: Problems) -> None:
    """Range rules come from the schema and are placed at the cell."""
    assert problems("io_range") == [
        'io_range/households.csv:2:3: members: expected a whole number >= 1, found "0"',
        'io_range/households.csv:3:4: oldest_age: expected a whole number <= 130, found "131"',
        'io_range/households.csv:4:4: oldest_age: expected a whole number >= 0, found "-1"',
    ]


def test_blank_required_cells(problems: Problems) -> None:
    """Blank (or only spaces) in a required column is a problem at that cell."""
    assert problems("io_blank_required") == [
        "io_blank_required/needs.csv:2:3: item: expected text, found a blank cell",
        "io_blank_required/needs.csv:3:2: household_id: expected text, found a blank cell",
        "io_blank_required/needs.csv:4:4: quantity: expected a whole number, found a blank cell",
    ]


def test_extra_cells(problems: Problems) -> None:
    """A value beyond the header (an unquoted comma) is a problem; trailing blank cells are not."""
    assert problems("io_extra_cells") == [
        'io_extra_cells/needs.csv:3:4: a value beyond the header\'s 3 columns, found "000"; '
        "a cell with a comma in it must be in double quotes"
    ]


def test_duplicate_ids(problems: Problems) -> None:
    """Repeated household, need (also a defaulted one) and lot ids are placed at the repeat."""
    assert problems("io_duplicate_ids") == [
        "io_duplicate_ids/households.csv:5:1: household_id: 'H2' repeats",
        "io_duplicate_ids/needs.csv:5:1: need_id: 'H1/rice' repeats; if one household asks twice for the same "
        "thing, give each row its own need_id",
        "io_duplicate_ids/supplies.csv:4:1: lot_id: 'L1' repeats",
    ]


def test_unknown_household(problems: Problems) -> None:
    """Needs and services of households not in the households table."""
    assert problems("io_unknown_household") == [
        "io_unknown_household/needs.csv:5:2: household_id: unknown household 'H9' (not in households)",
        "io_unknown_household/services.csv:3:2: household_id: unknown household 'H8' (not in households)",
    ]


def test_unknown_tier(problems: Problems) -> None:
    """A manual tier or a reserved_for naming a tier the policy lacks."""
    tiers = "the policy's tiers are critical, vulnerable, elderly, general"
    assert problems("io_unknown_tier") == [
        f"io_unknown_tier/households.csv:4:8: tier: unknown tier 'urgent'; {tiers}",
        f"io_unknown_tier/supplies.csv:3:6: reserved_for: unknown tier 'vulnerabel'; {tiers}",
    ]


def test_services_without_volunteers(problems: Problems) -> None:
    """Services with no volunteers table is a problem about the whole table, at line 1."""
    assert problems("io_services_without_volunteers") == [
        "io_services_without_volunteers/services.csv:1:0: services need volunteers, "
        "but the case has no volunteers table"
    ]


def test_all_problems_in_one_run(problems: Problems) -> None:
    """Bad cells in three files and a cross-table problem all come out of one read, cells first."""
    assert problems("io_many_problems") == [
        'io_many_problems/households.csv:3:3: members: expected a whole number, found "one"',
        "io_many_problems/needs.csv:4:5: urgency: expected one of critical, high, normal, low (紧急, 高, 普通, 低), "
        'found "soon"',
        'io_many_problems/supplies.csv:2:5: expires: expected a date like 2026-03-01, found "tomorrow"',
        "io_many_problems/needs.csv:5:2: household_id: unknown household 'H7' (not in households)",
    ]


def test_rejected_household_is_not_reported_again(tmp_path: Path, data: Path) -> None:
    """A need of a household whose own row is bad is not also reported as of an unknown household."""
    for name in ("needs.csv", "supplies.csv"):
        (tmp_path / name).write_bytes((data / "io_minimal" / name).read_bytes())
    (tmp_path / "households.csv").write_text("household_id,grid,members\nH1,north,0\nH2,north,1\nH3,south,1\n")
    assert [p.line for p in _problems(tmp_path)] == [2]


def test_multiline_cell_keeps_line_numbers(tmp_path: Path) -> None:
    """A quoted cell spanning lines shifts later rows; each problem names the line its record starts on."""
    (tmp_path / "households.csv").write_text('household_id,grid,note,members\nH1,n,"a\nb\nc",1\nH2,n,,x\n')
    (tmp_path / "needs.csv").write_text("household_id,item,quantity\n")
    (tmp_path / "supplies.csv").write_text("lot_id,item,quantity\n")
    assert [(p.line, p.column) for p in _problems(tmp_path)] == [(5, 4)]


def test_warnings_are_placed(data: Path) -> None:
    """Warnings (an expired lot) come back at file:line:column too."""
    _, warnings = read_case_with_warnings(data / "io_minimal", policy=Policy(plan_date=dt.date(2027, 1, 1)))
    assert [str(w).removeprefix(f"{data}/") for w in warnings] == [
        "io_minimal/supplies.csv:2:5: expires: lot 'L1' expired on 2026-12-31 (plan date 2027-01-01)"
    ]


def test_case_that_does_not_exist(tmp_path: Path) -> None:
    """A path that is neither a folder nor a workbook is one problem, not a traceback."""
    assert [p.message for p in _problems(tmp_path / "nope")] == ["the case does not exist"]


def _problems(path: Path) -> list[Problem]:
    try:
        read_case(path)
    except InputError as e:
        return list(e.problems)
    raise AssertionError("expected an InputError")


def test_unreadable_csv_is_placed(tmp_path: Path, data: Path) -> None:
    """A cell too long for the CSV reader (often an unclosed quote) stops that table, placed at the quote."""
    for name in ("households.csv", "supplies.csv"):
        (tmp_path / name).write_bytes((data / "io_minimal" / name).read_bytes())
    (tmp_path / "needs.csv").write_text('household_id,item,quantity\nH1,rice,1\nH1,"oil' + "x" * 200_000 + "\n")
    assert [(p.line, p.column, p.message) for p in _problems(tmp_path)] == [
        (
            3,
            2,
            "a double quote opens a cell here that runs on past 131,072 characters: is it left open? Close it where "
            'the cell ends, or write a double quote inside a cell as two ("")',
        )
    ]


def test_broken_header_hides_no_other_problem(problems: Problems) -> None:
    """Broken headers still let every row and the cross-table checks that do not need them come out in one run."""
    assert problems("io_broken_header_others_checked") == [
        "io_broken_header_others_checked/households.csv:1:0: missing column grid or 网格",
        'io_broken_header_others_checked/households.csv:3:2: members: expected a whole number, found "one"',
        'io_broken_header_others_checked/households.csv:4:3: oldest_age: expected a whole number <= 130, found "300"',
        "io_broken_header_others_checked/needs.csv:1:5: quantity: column quantity is given twice "
        '(also as "quantity" in column 4); keep one',
        'io_broken_header_others_checked/needs.csv:3:4: quantity: expected a whole number, found "x"',
        "io_broken_header_others_checked/needs.csv:4:1: need_id: 'N1' repeats; if one household asks twice for the "
        "same thing, give each row its own need_id",
        "io_broken_header_others_checked/supplies.csv:3:1: lot_id: 'L1' repeats",
        "io_broken_header_others_checked/supplies.csv:4:4: reserved_for: unknown tier 'vulnerabel'; the policy's "
        "tiers are critical, vulnerable, elderly, general",
    ]


def test_broken_policy_hides_only_tier_checks(tmp_path: Path, data: Path) -> None:
    """With a policy.toml that cannot be read, tables are still checked across; only tier names wait for it."""
    for name in ("households.csv", "needs.csv"):
        (tmp_path / name).write_bytes((data / "io_minimal" / name).read_bytes())
    (tmp_path / "supplies.csv").write_text("lot_id,item,quantity,reserved_for\nL1,rice,2,vulnerabel\nL1,oil,1,\n")
    (tmp_path / "policy.toml").write_text("plan_date = tomorrow\n")
    assert [(p.file, p.line, p.message) for p in _problems(tmp_path)] == [
        (str(tmp_path / "policy.toml"), 1, "not valid TOML: Invalid value"),
        (str(tmp_path / "supplies.csv"), 3, "lot_id: 'L1' repeats"),
    ]


def test_time_below_one_second_is_refused_at_its_place(tmp_path: Path, data: Path) -> None:
    """`visit_hours = 1e-12` and hours of 1e-12 are typos, not visits: refused at the key and at the cells."""
    for name in ("households.csv", "needs.csv", "supplies.csv"):
        (tmp_path / name).write_bytes((data / "io_minimal" / name).read_bytes())
    (tmp_path / "volunteers.csv").write_text("volunteer_id,grids,hours\nV1,*,1e-12\nV2,*,0\n")
    (tmp_path / "services.csv").write_text("household_id,skill,hours\nH1,escort,0.0000001\n")
    assert [(p.line, p.column, p.message) for p in _problems(tmp_path)] == [
        (2, 3, 'hours: expected 0, or at least 1/3600 (one second), found "1e-12"'),
        (2, 3, 'hours: expected a finite number >= 1/3600 (one second), found "0.0000001"'),
    ]
    (tmp_path / "policy.toml").write_text("visit_hours = 1e-12\n")
    assert [(p.line, p.column, p.message) for p in _problems(tmp_path)][-1] == (
        1,
        1,
        "visit_hours: expected a number >= 1/3600 (one second), found 1e-12",
    )
