"""One language for what the command says: the case's own (Chinese file names or headers mean Chinese), or
`--lang`; problems, violations, usage errors, help and the command's own failures included. A Chinese run prints no
English sentence (`test_a_chinese_run_prints_no_english`)."""

from __future__ import annotations

import errno
import importlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from allocate.cli import cli
from allocate.io import case_language
from allocate.schema.policy import Policy
from support.workbooks import workbook

ZH = {
    "住户.csv": "户号,网格,年龄\nH1,东区,80\nH2,东区,30\n",
    "需求.csv": "户号,物资,数量\nH1,大米,2\nH2,大米,2\n",
    "物资.csv": "批次,物资,数量\nR1,大米,3\n",
    "policy.toml": "plan_date = 2026-12-01\n",
}
EN = {
    "households.csv": "household_id,grid,oldest_age\nH1,east,80\nH2,east,30\n",
    "needs.csv": "household_id,item,quantity\nH1,rice,2\nH2,rice,2\n",
    "supplies.csv": "lot_id,item,quantity\nR1,rice,3\n",
    "policy.toml": "plan_date = 2026-12-01\n",
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_the_case_says_which_language(tmp_path: Path) -> None:
    """Chinese file names, or English names with Chinese headers, or Chinese sheet names mean Chinese."""
    assert case_language(write(tmp_path / "zh", ZH)) == "zh"
    assert case_language(write(tmp_path / "en", EN)) == "en"
    mixed = {"households.csv": "户号,网格\nH1,A\n", "needs.csv": EN["needs.csv"], "supplies.csv": EN["supplies.csv"]}
    assert case_language(write(tmp_path / "mixed", mixed)) == "zh"
    book = tmp_path / "case.xlsx"
    workbook(book, {"住户": [["household_id", "grid"], ["H1", "A"]]})
    assert case_language(book) == "zh"


def test_validate_speaks_the_case_language_unless_told(tmp_path: Path) -> None:
    zh = write(tmp_path / "社区", ZH)
    said = invoke("validate", str(zh)).output
    assert said.startswith("通过：")
    assert "住户：2（" in said
    assert "物资需求：2 项，1 种物资，共申请 4 份" in said
    assert invoke("validate", str(zh), "--lang", "en").output.startswith("ok: ")
    assert invoke("validate", str(write(tmp_path / "en", EN))).output.startswith("ok: ")


def test_problems_are_counted_in_the_case_language(tmp_path: Path) -> None:
    bad = dict(ZH, **{"需求.csv": "户号,物资,数量\nH1,大米,两\n"})
    r = invoke("validate", str(write(tmp_path / "坏", bad)))
    assert r.exit_code == 1
    assert r.output.rstrip().endswith("输入有误：1 处问题")


def test_solve_and_verify_speak_the_case_language(tmp_path: Path) -> None:
    zh = write(tmp_path / "社区", ZH)
    out = tmp_path / "计划"
    r = invoke("solve", str(zh), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert f"方案已写入 {out}；打开 {out / 'report.html'} 阅读报告" in r.output
    assert "读取案例：2 户，2 项需求，1 批物资，用时" in r.output  # progress (stderr, mixed in by the runner)
    assert '<html lang="zh-CN">' in (out / "report.html").read_text(encoding="utf-8")
    said = invoke("verify", str(zh), str(out)).output
    assert said.startswith(f"通过：{out} 中的方案符合 {zh}")
    assert "方案已校验：无违规" in said


@pytest.mark.parametrize(("took", "en", "zh"), [(0.214, "0.21 s", "0.21 秒"), (185, "3 min 5 s", "3 分 5 秒")])
def test_step_times_in_both_languages(took: float, en: str, zh: str) -> None:
    from allocate.cli import _seconds as step_time

    assert (step_time(took, "en"), step_time(took, "zh")) == (en, zh)


def test_common_problems_are_said_in_chinese_at_the_same_place(tmp_path: Path) -> None:
    """A bad cell, an unknown household, an ignored column and an absent column the policy reads: in Chinese for a
    Chinese case, at the same file:line:column as the English, and English in --json for apps."""
    bad = dict(
        ZH, **{"住户.csv": "户号,网格,电话\nH1,东区,123\n", "需求.csv": "户号,物资,数量\nH1,大米,两\nH9,大米,1\n"}
    )
    case = write(tmp_path / "坏", bad)
    zh = invoke("validate", str(case)).output
    assert f'{case}/需求.csv:2:3: 数量：应为整数，实为 "两"' in zh
    assert f"{case}/需求.csv:3:1: 户号：'H9' 不在住户表中" in zh
    assert "“电话”不是住户表的列：已忽略，不会写入任何输出" in zh
    assert "住户表没有“独居”列，没有住户算作独居：因此优先级 困难群体（vulnerable） 的条件" in zh
    en = invoke("validate", str(case), "--lang", "en").output
    assert f'{case}/需求.csv:2:3: 数量: expected a whole number, found "两"' in en
    assert f"{case}/需求.csv:3:1: 户号: unknown household 'H9' (not in households)" in en
    data = invoke("validate", str(case), "--json").output
    assert "expected a whole number" in data
    assert '"key"' not in data


def test_warnings_of_a_chinese_case_are_chinese(tmp_path: Path) -> None:
    """An expired lot, a grid nobody covers, a grid nobody lives in, a file that is no table, and (an error) an
    unknown tier, said in Chinese."""
    files = dict(
        ZH,
        **{
            "物资.csv": "批次,物资,数量,有效期\nR1,大米,3,2026-01-01\nR2,大米,3,\n",
            "志愿者.csv": "志愿者,服务网格,可用时长\nV1,西区,2\n",
            "说明.csv": "x\n1\n",
        },
    )
    said = invoke("validate", str(write(tmp_path / "社区", files))).output
    assert "有效期：批次 'R1' 已于 2026-01-01 过期（计划日期 2026-12-01）" in said
    assert "没有志愿者负责网格 '东区'，该网格的住户无法得到送货上门" in said
    assert "志愿者 'V1' 负责的网格 '西区' 中没有住户（现有网格：'东区'）" in said
    assert "说明.csv:0:0: 不是案例的表格：已忽略" in said
    wrong = dict(ZH, **{"物资.csv": "批次,物资,数量,定向\nR1,大米,3,贫困户\n"})
    said = invoke("validate", str(write(tmp_path / "坏", wrong))).output
    assert "定向：未知的优先级 '贫困户'；政策中的优先级为 critical, vulnerable, elderly, general" in said


def test_verify_says_what_a_hand_edited_plan_breaks_in_chinese(tmp_path: Path) -> None:
    """A planner gives H2 a third bag by hand: the lot is overdrawn, and the line says so in Chinese."""
    zh = write(tmp_path / "社区", ZH)
    out = tmp_path / "计划"
    assert invoke("solve", str(zh), "-o", str(out)).exit_code == 0
    allocation = out / "allocation.csv"
    rows = allocation.read_text(encoding="utf-8-sig").splitlines()
    header, body = rows[0], rows[1:]
    assert header.split(",")[-1] == "quantity"
    edited = [",".join([*r.split(",")[:-1], str(int(r.split(",")[-1]) + 1)]) for r in body]
    allocation.write_text("\n".join([header, *edited]) + "\n", encoding="utf-8")
    r = invoke("verify", str(zh), str(out))
    assert r.exit_code == 4
    assert "lot_overdrawn: 批次 R1 发出 5 份，但只有 3 份（超出 2 份）" in r.output
    assert "方案不成立：" in r.output
    assert (
        "lot_overdrawn: lot R1 gives 5 units but holds 3 (over by 2)"
        in invoke("verify", str(zh), str(out), "--lang", "en").output
    )


def test_every_keyed_violation_renders_in_chinese() -> None:
    """Over every one-step change of 60 tiny plans, each violation with catalog words renders in Chinese (a
    missing or misspelt catalog key would raise here), and the others keep their English."""
    import random

    from allocate import solve, verify
    from support.tiny_cases import RandomPicker, neighbours, tiny_case

    keyed = 0
    for seed in range(60):
        case = tiny_case(RandomPicker(random.Random(seed)))
        for plan in neighbours(solve(case)):
            for v in verify(case, plan).violations:
                text = v.text("zh")
                if v.key is not None:
                    keyed += 1
                    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
                else:
                    assert text == str(v)
    assert keyed > 100


def test_layout_mistakes_are_said_in_chinese(tmp_path: Path) -> None:
    """A blank required cell, a value beyond the header, a column given twice and a misspelt header."""
    files = dict(
        ZH,
        **{
            "住户.csv": "户号,网格,年龄,年龄,独局\nH1,,80,80,是\nH2,东区,30,30,否,多余\n",
        },
    )
    said = invoke("validate", str(write(tmp_path / "坏", files))).output
    assert "住户.csv:2:2: 网格：必填，不能留空" in said
    assert '住户.csv:3:6: 表头只有 5 列，此处却有值 "多余"：含逗号的单元格须加英文双引号' in said
    assert "住户.csv:1:4: 年龄：该列出现了两次（第 3 列“年龄”也是它），请只保留一个" in said
    assert "住户.csv:1:5: “独局”不是住户表的列；是否应为 '独居' / lives_alone？" in said


def test_broken_files_are_said_in_chinese(tmp_path: Path) -> None:
    """A quote left open and a UTF-16 file, as Excel and WPS can make them."""
    folder = write(tmp_path / "坏", dict(ZH, **{"住户.csv": '户号,网格\nH1,"东区\nH2,东区\n'}))
    (folder / "物资.csv").write_bytes("批次,物资,数量\nR1,大米,3\n".encode("utf-16"))
    said = invoke("validate", str(folder)).output
    assert "住户.csv:2:2: 此处的英文双引号没有在单元格结束处闭合" in said
    assert "物资.csv:1:0: 此文件像是 UTF-16 编码" in said


def test_services_without_volunteers_in_chinese(tmp_path: Path) -> None:
    said = invoke(
        "validate", str(write(tmp_path / "社区", dict(ZH, **{"服务.csv": "户号,技能,时长\nH1,护理,1\n"})))
    ).output
    assert "有上门服务，但案例没有志愿者表" in said


def test_errors_the_command_ends_with_speak_the_case_language(tmp_path: Path) -> None:
    """An output folder in use, and a case that turns out invalid while solving: Chinese, frame and all."""
    case = write(tmp_path / "社区", ZH)
    used = tmp_path / "旧"
    used.mkdir()
    (used / "笔记.txt").write_text("x", encoding="utf-8")
    r = invoke("solve", str(case), "-o", str(used))
    assert r.exit_code == 2
    assert f"错误：{used} 已存在且不是空的；请另选文件夹，或加 --force 替换先前的方案" in r.output
    assert "用法：" in r.output
    assert "solve [选项] CASE" in r.output
    assert "Usage:" not in r.output
    (case / "需求.csv").write_text("户号,物资,数量\nH1,大米,两\n", encoding="utf-8")
    r = invoke("solve", str(case), "-o", str(tmp_path / "新"))
    assert r.exit_code == 1
    assert '数量：应为整数，实为 "两"' in r.output
    assert r.output.rstrip().endswith("输入有误：1 处问题")


def test_ids_that_look_alike_are_said_in_chinese(tmp_path: Path) -> None:
    """A full-width twin, an invisible character and a formula-like id: the ids a WeChat copy brings in."""
    homes = "户号,网格\nH1,东区\nＨ1,东区\nH\u200b2,东区\n=H3,东区\n"
    files = dict(ZH, **{"住户.csv": homes, "需求.csv": "户号,物资,数量\nH1,大米,2\n"})
    said = invoke("validate", str(write(tmp_path / "社区", files))).output
    assert "户号：'Ｈ1' 与 'H1' 看起来相同，实际不同" in said
    assert "户号：'H\\u200b2' 含有看不见的字符或控制字符（U+200B ZERO WIDTH SPACE）" in said
    assert "户号：'=H3' 以 = 开头，电子表格会把它当作公式" in said


def test_policy_mistakes_are_said_in_chinese(tmp_path: Path) -> None:
    """A misspelt setting, a bound broken, and tiers in the wrong shape, in a Chinese case's policy.toml."""
    case = write(tmp_path / "社区", dict(ZH, **{"policy.toml": 'fairnes = "none"\nvisit_hours = 0\n'}))
    said = invoke("validate", str(case)).output
    assert "policy.toml:1:1: fairnes：无法识别的设置；可用的有：plan_date" in said
    assert "policy.toml:2:1: visit_hours：应为 >= 1/3600" in said  # its unit: test_a_bound_of_one_second_in_chinese
    tiers = '[[tiers]]\nname = "a"\n[[tiers]]\nname = "b"\nwhen = [{min_age = 60}]\n'
    (case / "policy.toml").write_text(tiers, encoding="utf-8")
    said = invoke("validate", str(case)).output
    assert "最后一个优先级（'b'）不能有 `when`" in said


def test_a_bound_of_one_second_in_chinese() -> None:
    """A range rule whose bound is one second says so in the language of the message it goes in; other bounds
    are numbers in either."""
    from allocate.io.cells import limit

    second = {"ge": 1 / 3600}
    assert limit("greater_than_equal", second) == ">= 1/3600 (one second)"
    assert limit("greater_than_equal", second, "zh") == ">= 1/3600 小时（1 秒）"
    assert limit("less_than", {"lt": 2.5}, "zh") == "< 2.5"
    assert limit("missing", {}, "zh") is None


def test_a_policy_bound_of_one_second_is_chinese(tmp_path: Path) -> None:
    """`visit_hours = 0` in a Chinese case's policy.toml: the bound is said in Chinese, "(one second)" too."""
    case = write(tmp_path / "社区", dict(ZH, **{"policy.toml": "visit_hours = 0\n"}))
    said = invoke("validate", str(case)).output
    assert "policy.toml:1:1: visit_hours：应为 >= 1/3600 小时（1 秒） 的数，实为 0" in said
    assert english_lines(said, tmp_path) == []


def test_plan_file_problems_are_said_in_chinese(tmp_path: Path) -> None:
    """A plan folder without allocation.csv, and a summary.json whose plan date cannot be read: in Chinese at the
    same place, and in English as before."""
    case, out = write(tmp_path / "社区", ZH), tmp_path / "计划"
    assert invoke("solve", str(case), "-o", str(out)).exit_code == 0
    (out / "summary.json").write_text('{"plan_date": "12/1"}', encoding="utf-8")
    r = invoke("verify", str(case), str(out))
    assert r.exit_code == 1
    said = "无法读取计划日期：summary.json 应有 plan_date，写作 2026-12-01 这样的日期"
    assert f"{out}/summary.json:0:0: {said}" in r.output
    en = invoke("verify", str(case), str(out), "--lang", "en").output
    assert f"{out}/summary.json:0:0: cannot read the plan date: Invalid isoformat string: '12/1'" in en
    (out / "summary.json").unlink()
    (out / "allocation.csv").unlink()
    r = invoke("explain", str(case), str(out), "--household", "H1")
    assert r.exit_code == 1
    assert f"{out}/allocation.csv:0:0: 缺少此文件：方案需要它" in r.output
    en = invoke("explain", str(case), str(out), "--household", "H1", "--lang", "en").output
    assert f"{out}/allocation.csv:0:0: missing: a plan needs this file" in en


def test_a_broken_policy_file_is_said_in_chinese(tmp_path: Path) -> None:
    """A quote left open in policy.toml: not valid TOML, said in Chinese at its line and column."""
    case = write(tmp_path / "社区", dict(ZH, **{"policy.toml": 'fairness = "none\n'}))
    assert "policy.toml:1:17: 不是有效的 TOML 格式" in invoke("validate", str(case)).output


# --- a Chinese run prints no English ----------------------------------------------------------------------------

FULL = {
    "住户.csv": "户号,网格,人数,年龄,独居,残疾,慢性病\nH1,东区,1,80,是,否,否\nH2,东区,3,30,否,否,否\n",
    "需求.csv": "户号,物资,数量,紧急程度\nH1,大米,2,高\nH2,大米,2,普通\n",
    "物资.csv": "批次,物资,数量\nR1,大米,3\n",
    "志愿者.csv": "志愿者,服务网格,可用时长,技能\nV1,东区,4,护理\n",
    "服务.csv": "户号,技能,时长,紧急程度\nH1,护理,1,普通\n",
    "policy.toml": "plan_date = 2026-12-01\n",
}
"""A Chinese case with every column the default policy reads, so that it validates without a warning."""

SOLVE_MODULE = importlib.import_module("allocate.solve")  # the package's `solve` attribute is the function
ENGLISH_LOCALE = {"LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
CHINESE_LOCALE = {"LANG": "zh_CN.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}

WORD = re.compile(r"[A-Za-z]{3,}")
"""A run of three or more ASCII letters: a word of English, unless it is one of the things below."""
NOT_WORDS = re.compile(
    "|".join(
        (
            r"[\w.-]+\.(?:csv|toml|xlsx|html|json|txt|sqlite)\b",  # a file's name
            r"(?:/[\w.-]+)+",  # a path
            r"'[^'\s]*'",  # a value as typed, quoted: 'valdate', 'ortools'
            r"(?<![\w-])--?[a-z][a-z-]*",  # an option, as typed: --lang, -o
            r"\b[a-z]+(?:_[a-z]+)+\b",  # an identifier with an underscore: a rule code (lot_overdrawn), a column key
            r"\{ [^{}]* \}",  # a clause of policy.toml, quoted as written
            r"pip install \S+",  # a command to type
            r"\bE[A-Z]{2,}\b",  # the system's code of an error (EIO), given instead of its English words
            r"\[[a-z|]+\]",  # the values an option takes, as typed: [auto|highs|ortools|pulp]
            r"\b[A-Z]+(?:_[A-Z]+)+\b",  # an environment variable, as typed: ALLOCATE_LEDGER
        )
    )
)
ALLOWED_WORDS = frozenset(
    {"allocate", "city", "demo", "explain", "generate", "notice", "round", "sheets", "solve", "template"}
    | {"validate", "verify", "simulate"}
    | {"plan", "list", "show", "check", "results"}  # the commands of `allocate round`
    | {"CASE", "OUT", "PLAN", "FOLDER", "COLUMNS", "OPDIR", "NUMBER", "FILE"}  # the names --help gives the arguments
    | {"URL", "NAME", "ADDRESS"}  # and the values of options
    | {"critical", "vulnerable", "elderly", "general"}  # the default tiers' names, as policy.toml spells them
    | {"true", "false", "yes"}  # spellings a yes/no cell accepts
    | set(Policy.model_fields)  # the settings of policy.toml, as typed there
    | {"CSV", "UTF", "TOML", "NUL", "Excel", "WPS", "JSON", "HTML", "HiGHS", "SHA", "xlsx"}  # formats, bytes, programs
    | {"Dask", "SQLite", "PostgreSQL", "postgresql", "psycopg"}  # as a database URL names them
    | {"RuntimeError"}  # the type of an unexpected exception, kept in the message to report
)
"""The words a Chinese line may hold: things to type or find, never a sentence."""


def english_lines(text: str, tmp: Path) -> list[str]:
    """The lines of `text` with a word of English outside the allowed things (the test folder's path aside)."""
    lines = [line.replace(str(tmp), "") for line in text.splitlines()]
    return [line for line in lines if set(WORD.findall(NOT_WORDS.sub(" ", line))) - ALLOWED_WORDS]


def run(*args: object, env: dict[str, str | None] | None = None) -> Result:
    """The command as a planner types it (`allocate ...`), in an English locale unless `env` says otherwise."""
    return CliRunner().invoke(cli, [str(a) for a in args], env=env or ENGLISH_LOCALE, prog_name="allocate")


def test_the_checker_finds_english_and_lets_names_pass(tmp_path: Path) -> None:
    """English sentences are found; file names, options, rule codes, commands and the test folder are not."""
    said = f"{tmp_path}/住户.csv:2:3: 数量：应不小于 1\nlot_overdrawn: 批次 R1\n帮助：allocate solve --help\n"
    assert english_lines(said, tmp_path) == []
    assert english_lines("错误：No such option '--x'.\nnothing was written", tmp_path) == [
        "错误：No such option '--x'.",
        "nothing was written",
    ]


def test_record_rules_are_said_in_chinese_and_the_english_is_unchanged(tmp_path: Path) -> None:
    """A row whose cells read but break a rule of their table (a bound, an empty list, one second) is said in
    Chinese at the same place, and in English exactly as before."""
    bad = dict(
        FULL,
        **{
            "住户.csv": "户号,网格,人数,年龄,独居,残疾,慢性病\nH1,东区,0,200,是,否,否\nH2,东区,3,30,否,否,否\n",
            "需求.csv": "户号,物资,数量,紧急程度\nH1,大米,0,高\nH2,大米,2000000000,普通\n",
            "志愿者.csv": "志愿者,服务网格,可用时长,技能\nV1,;,0.0001,护理\n",
            "服务.csv": "户号,技能,时长,紧急程度\nH2,护理,0,普通\n",
        },
    )
    case = write(tmp_path / "社区", bad)
    zh = run("validate", case)
    assert zh.exit_code == 1
    for said in (
        '住户.csv:2:3: 人数：应不小于 1，实为 "0"',
        '住户.csv:2:4: 年龄：应不大于 130，实为 "200"',
        '需求.csv:2:3: 数量：应不小于 1，实为 "0"',
        '需求.csv:3:3: 数量：应不大于 1000000000，实为 "2000000000"',
        '志愿者.csv:2:2: 服务网格：至少要写一项，实为 ";"',
        '志愿者.csv:2:3: 可用时长：应为 0，或至少 1/3600 小时（1 秒），实为 "0.0001"',
        '服务.csv:2:3: 时长：应至少为 1/3600 小时（1 秒），实为 "0"',
    ):
        assert said in zh.output, said
    assert english_lines(zh.output, tmp_path) == []
    en = run("validate", case, "--lang", "en").output
    for said in (
        '住户.csv:2:3: 人数: expected a whole number >= 1, found "0"',
        '住户.csv:2:4: 年龄: expected a whole number <= 130, found "200"',
        '需求.csv:3:3: 数量: expected a whole number <= 1000000000, found "2000000000"',
        '志愿者.csv:2:2: 服务网格: expected at least one entry, found ";"',
        '志愿者.csv:2:3: 可用时长: expected 0, or at least 1/3600 (one second), found "0.0001"',
        '服务.csv:2:3: 时长: expected a finite number >= 1/3600 (one second), found "0"',
    ):
        assert said in en, said


def test_any_record_error_has_chinese_words() -> None:
    """Errors the catalog has no message for (a pattern, a wrong type) get a Chinese sentence naming the column
    and the value, never pydantic's English; a validator's SaidError keeps its own words; a rule of the whole row
    has words too; an overlong text or list says its limit."""
    from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

    from allocate.errors import Problem, SaidError, record_said

    class Row(BaseModel):
        code: str = Field(pattern="^[a-z]+$")
        name: str = Field(max_length=3)
        tags: list[str] = Field(max_length=1)
        count: int = 1
        tier: str = "a"

        @field_validator("tier")
        @classmethod
        def _tier(cls, v: str) -> str:
            raise SaidError("a tier needs a name", "tier_unnamed")

        @model_validator(mode="after")
        def _whole(self) -> Row:
            raise ValueError("the row does not add up")

    with pytest.raises(ValidationError) as cells:
        Row.model_validate({"code": "X1", "name": "abcd", "tags": ["a", "b"], "count": "x", "tier": ""})
    with pytest.raises(ValidationError) as row:
        Row.model_validate({"code": "a", "name": "a", "tags": []})
    said: dict[str, str] = {}
    for err in [*cells.value.errors(), *row.value.errors()]:
        at_cell = bool(err["loc"])
        words = record_said(err, '"x"' if at_cell else None, "text") | ({"header": "列"} if at_cell else {})
        text = Problem(message=str(err["msg"]), file="f.csv", line=2, column=1, **words).text("zh")
        assert english_lines(text, Path("/nowhere")) == [], text
        said[str(err["loc"][0]) if at_cell else "row"] = text.removeprefix("f.csv:2:1: ")
    assert said == {
        "code": '列："x" 不是这一列能填的值：请对照模板的示例检查',  # a pattern: no message of its own
        "name": '列：最多 3 个字符，实为 "x"',
        "tags": '列：最多 1 项，实为 "x"',
        "count": '列："x" 不是这一列能填的值：请对照模板的示例检查',  # a wrong type
        "tier": "列：优先级需要名称",  # the validator's SaidError
        "row": "这一行的值合在一起不成立：请逐列检查",  # a rule of the whole row
    }


Scenario = Callable[[Path, pytest.MonkeyPatch], tuple[Result, int, str]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(f: Scenario) -> Scenario:
    """Register one failure of a Chinese run: it returns the result, its exit code and a line it must say."""
    SCENARIOS[f.__name__] = f
    return f


def solved(tmp_path: Path) -> tuple[Path, Path]:
    """The full Chinese case and its plan, solved."""
    case, out = write(tmp_path / "社区", FULL), tmp_path / "计划"
    assert run("solve", case, "-o", out).exit_code == 0
    return case, out


@scenario
def bad_cells(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    homes = "户号,网格,人数,年龄,独居,残疾,慢性病,电话\nH1,东区,两,80,也许,否,否,1\nH2,,3,30,否,否,否,2\n"
    needs = "户号,物资,数量,紧急程度\nH1,大米,2,很急\nH9,大米,2,普通\n"
    lots = "批次,物资,数量,有效期,定向\nR1,大米,3,2026-13-01,\nR2,大米,1,,贫困户\nR2,大米,1,,\n"
    case = write(tmp / "社区", dict(FULL, **{"住户.csv": homes, "需求.csv": needs, "物资.csv": lots}))
    return run("validate", case), 1, "输入有误："


@scenario
def broken_files(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case = write(tmp / "社区", dict(FULL, **{"住户.csv": '户号,网格\nH1,"东区\n', "说明.csv": "x\n1\n"}))
    (case / "物资.csv").write_bytes("批次,物资,数量\nR1,大米,3\n".encode("utf-16"))
    (case / "policy.toml").write_text("visit_hour = 1\n", encoding="utf-8")
    return run("validate", case), 1, "此处的英文双引号没有在单元格结束处闭合"


@scenario
def record_bounds(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case = write(tmp / "社区", dict(FULL, **{"需求.csv": "户号,物资,数量,紧急程度\nH1,大米,0,高\n"}))
    return run("solve", case, "-o", tmp / "计划"), 1, '数量：应不小于 1，实为 "0"'


@scenario
def missing_case_with_lang(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("validate", tmp / "没有", "--lang", "zh"), 2, "'CASE' 的值有误："


@scenario
def missing_argument_in_a_chinese_locale(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("validate", env=CHINESE_LOCALE), 2, "错误：缺少参数 'CASE'"


@scenario
def no_such_command_in_a_chinese_locale(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("valdate", write(tmp / "社区", FULL), env=CHINESE_LOCALE), 2, "错误：没有命令 'valdate'；可用的命令："


@scenario
def no_such_option(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("validate", write(tmp / "社区", FULL), "--bogus"), 2, "错误：没有选项 --bogus"


@scenario
def misspelt_option(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("validate", write(tmp / "社区", FULL), "--polcy", "x"), 2, "错误：没有选项 --polcy；是否应为 --policy？"


@scenario
def missing_option(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("solve", write(tmp / "社区", FULL)), 2, "错误：缺少选项 '-o' / '--out'"


@scenario
def bad_choice(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    r = run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划", "--backend", "cplex")
    return r, 2, "'--backend' 的值有误：'cplex' 不是可选的值；可选：'auto', 'highs', 'ortools', 'pulp'"


@scenario
def bad_language(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("validate", write(tmp / "社区", FULL), "--lang", "fr"), 2, "'--lang' 的值有误：'fr' 不是可选的值"


@scenario
def option_without_its_value(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("solve", write(tmp / "社区", FULL), "-o"), 2, "错误：选项 -o 后面要写一个值"


@scenario
def flag_with_a_value(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划", "--force=1"), 2, "错误：选项 --force 不带值"


@scenario
def extra_arguments(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("validate", write(tmp / "社区", FULL), "多余", "的"), 2, "错误：多出了参数：多余 的"


@scenario
def bad_date(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    r = run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划", "--date", "2026/2/30")
    return r, 2, "'--date' 的值有误：应为存在的日期，实为 '2026/2/30'"


@scenario
def time_limit_zero(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    r = run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划", "--time-limit", "0")
    return r, 2, "'--time-limit' 的值有误：'0' 太小：应大于 0"


@scenario
def time_limit_not_a_number(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    r = run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划", "--time-limit", "三十")
    return r, 2, "'--time-limit' 的值有误：'三十' 不是数字"


@scenario
def too_few_households(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("generate", "--households", "0", "--lang", "zh", tmp / "案例"), 2, "'0' 太小：应不小于 1"


@scenario
def simulation_in_chinese(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    r = run("simulate", "--households", "30", "--rounds", "2", "--lang", "zh", tmp / "模拟")
    return r, 0, "最低累计满足率"


@scenario
def seed_not_whole(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    r = run("generate", "--households", "2", "--seed", "1.5", "--lang", "zh", tmp / "案例")
    return r, 2, "'--seed' 的值有误：'1.5' 不是整数"


@scenario
def policy_is_a_folder(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case = write(tmp / "社区", FULL)
    return run("validate", case, "--policy", case), 2, "是文件夹，这里要的是文件"


@scenario
def plan_folder_missing(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("verify", write(tmp / "社区", FULL), tmp / "计划"), 2, "'OUT' 的值有误：文件夹 "


@scenario
def plan_folder_is_a_file(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    (tmp / "计划").write_text("x", encoding="utf-8")
    return run("verify", write(tmp / "社区", FULL), tmp / "计划"), 2, "是文件，这里要的是文件夹"


@scenario
def unknown_household(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case, out = solved(tmp)
    return run("explain", case, out, "--household", "H9"), 2, "中没有住户 'H9'"


@scenario
def sheets_with_no_column(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case, out = solved(tmp)
    return run("sheets", case, out, "-o", tmp / "任务单", "--with", "，"), 2, "请至少写一个列名"


@scenario
def sheets_plan_missing(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    r = run("sheets", write(tmp / "社区", FULL), tmp / "计划", "-o", tmp / "任务单")
    return r, 2, "'PLAN' 的值有误：文件夹 "


@scenario
def output_not_empty(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case, out = solved(tmp)
    return run("solve", case, "-o", out), 2, "已存在且不是空的"


@scenario
def output_holds_other_files(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case, out = solved(tmp)
    (out / "笔记.txt").write_text("x", encoding="utf-8")
    return run("solve", case, "-o", out, "--force"), 2, "中有 笔记.txt，不是 allocate 写入的"


@scenario
def output_inside_the_case(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case = write(tmp / "社区", FULL)
    return run("solve", case, "-o", case / "计划"), 2, "重叠"


@scenario
def demo_folder_in_use(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    (tmp / "示例").mkdir()
    (tmp / "示例" / "笔记.txt").write_text("x", encoding="utf-8")
    return run("demo", tmp / "示例", "--lang", "zh"), 2, "不是 allocate demo 写入的"


@scenario
def backend_not_installed(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    import allocate.backends
    from allocate.backends import BackendUnavailable

    def missing(name: str = "auto") -> None:
        raise BackendUnavailable(f"backend {name!r} is not installed")

    mp.setattr(allocate.backends, "get_backend", missing)
    r = run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划", "--backend", "ortools")
    return r, 2, "求解器 'ortools' 没有安装，或版本不受支持；安装方法：pip install ortools"


@scenario
def tampered_plan(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case, out = solved(tmp)
    allocation = out / "allocation.csv"
    rows = allocation.read_text(encoding="utf-8-sig").splitlines()
    edited = [",".join([*r.split(",")[:-1], str(int(r.split(",")[-1]) + 1)]) for r in rows[1:]]
    allocation.write_text("\n".join([rows[0], *edited]) + "\n", encoding="utf-8")
    return run("verify", case, out), 4, "方案不成立："


@scenario
def plan_fails_its_own_verification(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    from allocate.plan import Allocation

    real = SOLVE_MODULE.solve

    def overdrawn(*args: object, **kw: object) -> object:
        plan = real(*args, **kw)  # type: ignore[arg-type]
        bad = Allocation(need_id="H2/大米", lot_id="R1", quantity=4)
        return plan.model_copy(update={"allocations": (*plan.allocations, bad)})

    mp.setattr(SOLVE_MODULE, "solve", overdrawn)
    r = run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划")
    return r, 4, "内部错误：方案没有通过校验；没有写入任何文件"


@scenario
def full_disk_while_writing(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    import allocate.outputs

    def full(path: Path, *_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    mp.setattr(allocate.outputs, "write_columns", full)
    out = tmp / "计划"
    return run("solve", write(tmp / "社区", FULL), "-o", out), 5, f"无法把方案写入 {out}：磁盘已满"


@scenario
def permission_denied_while_writing(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    import allocate.outputs

    case, out = solved(tmp)

    def denied(path: Path, *_: object) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    mp.setattr(allocate.outputs, "write_columns", denied)
    return run("solve", case, "-o", out, "--force"), 5, f"没有写入任何文件，{out} 保持原样；请选择有写入权限的文件夹"


@scenario
def input_output_error_while_writing(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    import allocate.io.writer

    def broken(path: Path, *_: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))

    mp.setattr(allocate.io.writer, "write_csv", broken)
    return run("template", tmp / "模板", "--lang", "zh"), 5, "无法把模板写入"


@scenario
def output_folder_not_writable(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case = write(tmp / "社区", FULL)
    real = os.access
    mp.setattr(os, "access", lambda path, mode, **kw: not mode & os.W_OK and real(path, mode, **kw))
    return run("solve", case, "-o", tmp / "计划"), 5, "无法写入 "


@scenario
def full_disk_elsewhere(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/tmp/model.mps")

    mp.setattr(SOLVE_MODULE, "solve", full)
    return run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划"), 5, "无法使用 /tmp/model.mps：磁盘已满"


@scenario
def out_of_memory(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    def too_big(*_: object, **__: object) -> None:
        raise MemoryError

    mp.setattr(SOLVE_MODULE, "solve", too_big)
    return run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划"), 6, "内存不足，无法处理这个案例（求解时）"


@scenario
def ctrl_c(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    mp.setattr(SOLVE_MODULE, "solve", interrupted)
    return run("solve", write(tmp / "社区", FULL), "-o", tmp / "计划"), 130, "已中断：没有写入任何文件"


@scenario
def plan_without_its_allocation_file(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case, out = solved(tmp)
    (out / "allocation.csv").unlink()
    return run("verify", case, out), 1, "allocation.csv:0:0: 缺少此文件：方案需要它"


@scenario
def plan_date_unreadable(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case, out = solved(tmp)
    (out / "summary.json").write_text('{"plan_date": "明天"}', encoding="utf-8")
    return run("sheets", case, out, "-o", tmp / "任务单"), 1, "summary.json:0:0: 无法读取计划日期："


def _help_of(command: str) -> Scenario:
    def help_in_a_chinese_locale(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
        return run(*command.split(), "--help", env=CHINESE_LOCALE), 0, f"用法：allocate {command} [选项]"

    return help_in_a_chinese_locale


COMMANDS = (
    *("city", "demo", "explain", "generate", "notice", "sheets", "simulate", "solve", "template", "validate", "verify"),
    *("round", "round plan", "round list", "round show", "round check", "round results", "round credit"),
)
"""Every command and subcommand, as typed after `allocate`."""

for _command in COMMANDS:
    SCENARIOS[f"help_of_{_command.replace(' ', '_')}"] = _help_of(_command)


def test_every_command_has_its_chinese_help_checked() -> None:
    """`COMMANDS` names every command of `allocate` and of its groups, so each help page is checked above."""
    import click

    found = set(cli.commands)
    for name, command in cli.commands.items():
        if isinstance(command, click.Group):
            found |= {f"{name} {sub}" for sub in command.commands}
    assert found == set(COMMANDS)


@scenario
def round_without_a_ledger(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("round", "list", tmp / "幸福里", "--lang", "zh"), 2, "没有台账：请先在此规划一轮"


@scenario
def round_plan_without_its_case(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("round", "plan", tmp / "幸福里", env=CHINESE_LOCALE), 2, "错误：缺少参数 'CASE'"


@scenario
def round_show_of_round_zero(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    r = run("round", "show", tmp / "幸福里", "0", env=CHINESE_LOCALE)
    return r, 2, "'NUMBER' 的值有误：'0' 太小：应不小于 1"


@scenario
def round_plan_of_a_chinese_case_with_a_bad_option(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("round", "plan", tmp / "幸福里", write(tmp / "社区", FULL), "--bogus"), 2, "错误：没有选项 --bogus"


@scenario
def city_without_its_output(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("city", write(tmp / "社区", FULL)), 2, "错误：缺少选项 '-o' / '--out'"


@scenario
def city_output_not_empty(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    case, out = solved(tmp)
    return run("city", case, "-o", out), 2, "已存在且不是空的"


@scenario
def city_districts_without_their_columns(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    (tmp / "区.csv").write_text("甲,乙\n东区,一区\n", encoding="utf-8")
    r = run("city", write(tmp / "社区", FULL), "-o", tmp / "计划", "--districts", tmp / "区.csv")
    return r, 2, "须有 网格 和 区 两列"


@scenario
def more_districts_than_households(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    r = run("generate", "--households", "2", "--districts", "3", "--lang", "zh", tmp / "案例")
    return r, 2, "3 个区至少需要 3 户住户"


@scenario
def help_of_allocate(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("--help", env=CHINESE_LOCALE), 0, "用法：allocate [选项] 命令 [参数]..."


@scenario
def bare_allocate(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run(env=CHINESE_LOCALE), 2, "命令：\n  city "


@scenario
def help_of_a_chinese_case(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("solve", write(tmp / "社区", FULL), "--help"), 0, "-o, --out 路径"


@scenario
def help_asked_in_chinese(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    return run("generate", "--lang", "zh", "--help"), 0, "--households 整数"


@scenario
def unexpected_exception(tmp: Path, mp: pytest.MonkeyPatch) -> tuple[Result, int, str]:
    import allocate.io

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("出错了")

    mp.setattr(allocate.io, "read_case_with_warnings", broken)
    return run("validate", write(tmp / "社区", FULL)), 4, "内部错误：RuntimeError: 出错了"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_chinese_run_prints_no_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Each failure of a Chinese run (bad cells and files, record bounds, usage errors click finds, a plan that
    breaks a rule, a disk, memory, Ctrl-C, a bug) exits with its code, says what it should in Chinese, and prints
    no line of English but file names, options, codes and the other names `ALLOWED_WORDS` lists."""
    r, code, said = SCENARIOS[name](tmp_path, monkeypatch)
    assert r.exit_code == code, r.output
    assert said in r.output, r.output
    assert english_lines(r.output, tmp_path) == [], r.output


@pytest.mark.parametrize(
    ("args", "env", "chinese"),
    [
        (("validate", "{zh}", "--bogus"), ENGLISH_LOCALE, True),  # the case is Chinese
        (("validate", "{zh}", "--bogus", "--lang", "en"), CHINESE_LOCALE, False),  # --lang before the case
        (("validate", "{en}", "--bogus"), CHINESE_LOCALE, False),  # the case before the locale
        (("validate", "{en}", "--lang=zh", "--bogus"), ENGLISH_LOCALE, True),
        (("solve", "-o", "{zh}", "{en}", "--bogus"), ENGLISH_LOCALE, False),  # the case, not the output folder
        (("validate", "{missing}", "--bogus"), CHINESE_LOCALE, True),  # no case to read: the locale
        (("validate", "{missing}", "--bogus"), {"LC_ALL": "zh_CN.UTF-8", "LANG": "C.UTF-8"}, True),
        (("validate", "{missing}", "--bogus"), {"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, False),
        (("frobnicate",), ENGLISH_LOCALE, False),
    ],
)
def test_a_usage_error_speaks_the_language_asked_then_the_cases_then_the_locales(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str | None], chinese: bool
) -> None:
    """Before a command knows its language, a usage error takes --lang, else the case named, else the locale; in
    English it is click's own message, unchanged."""
    folders = {"zh": write(tmp_path / "社区", ZH), "en": write(tmp_path / "en", EN), "missing": tmp_path / "没有"}
    r = run(*(a.format(**folders) for a in args), env=env)
    assert r.exit_code == 2
    if chinese:
        assert "错误：" in r.output
        assert "Error:" not in r.output
    else:
        assert "Error: No such " in r.output
        assert "Usage: allocate " in r.output


def test_help_speaks_the_language_asked_then_the_cases_then_the_locales(tmp_path: Path) -> None:
    """--help follows the rule of usage errors: --lang, else the case named, else the locale; English is click's
    page as it always was, and --version gives only the name and the number."""
    zh, en = write(tmp_path / "社区", ZH), write(tmp_path / "en", EN)
    assert run("validate", "--help").output.startswith("Usage: allocate validate [OPTIONS] CASE\n")
    assert run("validate", "--help", env=CHINESE_LOCALE).output.startswith("用法：allocate validate [选项] CASE\n")
    assert run("validate", zh, "--help").output.startswith("用法：")
    assert run("validate", en, "--help", env=CHINESE_LOCALE).output.startswith("Usage: ")
    assert run("validate", zh, "--help", "--lang", "en").output.startswith("Usage: ")
    assert run("template", "--lang=zh", "--help").output.startswith("用法：")
    assert run("--help", env={"LC_ALL": "zh_CN.UTF-8", "LANG": "C.UTF-8"}).output.startswith("用法：")
    assert run("--help", env={"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}).output.startswith("Usage: ")
    assert re.fullmatch(r"allocate \S+\n", run("--version", env=CHINESE_LOCALE).output)


def test_chinese_help_lines_fit_the_terminal_by_display_width() -> None:
    """A Chinese character takes two columns: the help pages break lines by display width (click counts
    characters), so no line of a Chinese page is wider than the English page's width."""
    from allocate.text import display_width

    pages = [run(*c.split(), "--help", env=CHINESE_LOCALE).output for c in ["", *COMMANDS]]
    too_wide = [line for page in pages for line in page.splitlines() if display_width(line) > 80]
    assert too_wide == []
    assert all(p.startswith("用法：") for p in pages)


def test_openpyxl_warnings_do_not_reach_a_planner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl warns in English about workbook features it does not read (a workbook saved by WPS without default
    styles, Excel's data validation extensions); the command keeps those out of what a planner reads."""
    import warnings

    import openpyxl

    real = openpyxl.load_workbook

    def warning_load(*args: object, **kwargs: object) -> object:
        warnings.warn_explicit(
            "Workbook contains no default style, apply openpyxl's default",
            UserWarning,
            "stylesheet.py",
            1,
            module="openpyxl.styles.stylesheet",
        )
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(openpyxl, "load_workbook", warning_load)
    book = tmp_path / "社区.xlsx"
    rows = {name.removesuffix(".csv"): [line.split(",") for line in text.splitlines()] for name, text in ZH.items()}
    workbook(book, {k: v for k, v in rows.items() if k != "policy.toml"})
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        r = invoke("validate", str(book))
    assert r.exit_code == 0, r.output
    assert r.output.startswith("通过：")
    assert [str(w.message) for w in shown] == []
