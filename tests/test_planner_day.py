"""A Chinese planner's whole day in Chinese, end to end (issue 12): template, fill in, validate with a mistake,
correct it, solve, explain a household, print the volunteers' sheets, and check the plan. Every line the command
prints is Chinese; the only Latin letters are ids, paths, file names and the commands it suggests."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner, Result

from allocate.cli import cli

ENGLISH = re.compile(
    r"\b(expected|household|households|ok|plan|written|done|warning|warnings|note|notes|invalid|problem|problems|"
    r"volunteer|volunteers|need|needs|lot|lots|service|services|reading|solving|verifying|explaining|writing|wrote)\b",
    re.IGNORECASE,
)

HOUSEHOLDS = (
    "户号,网格,人数,最大年龄,独居,残疾,慢性病,隔离,电话\n"
    "1-101,一网格,1,82,是,否,否,是,138\n"
    "1-102,一网格,3,40,否,否,否,否,139\n"
    "2-201,二网格,2,75,否,否,是,否,137\n"
)
NEEDS = "户号,物资,数量,紧急程度,整份\n1-101,大米,2,普通,否\n1-102,大米,{rice},普通,否\n2-201,降压药,1,高,否\n"
SUPPLIES = "批次,物资,数量,捐赠方,有效期\nL1,大米,4,红十字会,2027-06-30\nL2,降压药,1,社区医院,2027-01-31\n"
VOLUNTEERS = "志愿者,服务网格,可用时长,技能,防疫专班\nV1,一网格,1,,是\nV2,一网格;二网格,2,护理,否\n"
SERVICES = "户号,技能,时长\n2-201,护理,1\n"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def chinese_only(said: str, *allowed: str) -> None:
    """No English word of the command's own in `said`, once the `allowed` strings (paths, ids) are taken out."""
    for text in allowed:
        said = said.replace(text, "")
    assert not ENGLISH.findall(said), said


def test_a_chinese_planners_day(tmp_path: Path) -> None:
    case = tmp_path / "幸福里"
    r = invoke("template", str(case), "--lang", "zh")
    assert r.exit_code == 0
    assert r.output.startswith("案例模板已写入")
    chinese_only(r.output, str(case))

    # fill in the tables, with one mistake: a quantity written in words
    for name, text in {
        "住户.csv": HOUSEHOLDS,
        "需求.csv": NEEDS.format(rice="两"),
        "物资.csv": SUPPLIES,
        "志愿者.csv": VOLUNTEERS,
        "服务.csv": SERVICES,
    }.items():
        (case / name).write_text(text, encoding="utf-8-sig")
    r = invoke("validate", str(case))
    assert r.exit_code == 1
    assert f'{case}/需求.csv:3:3: 数量：应为整数，实为 "两"' in r.output
    assert r.output.rstrip().endswith("输入有误：1 处问题")
    chinese_only(r.output, str(case))

    (case / "需求.csv").write_text(NEEDS.format(rice=4), encoding="utf-8-sig")
    r = invoke("validate", str(case))
    assert r.exit_code == 0
    assert r.output.startswith(f"通过：{case}")
    chinese_only(r.output, str(case))

    plan = tmp_path / "计划"
    r = invoke("solve", str(case), "-o", str(plan))
    assert r.exit_code == 0, r.output
    assert "方案已写入" in r.output
    chinese_only(r.output, str(case), str(plan), "report.html")
    assert '<html lang="zh-CN">' in (plan / "report.html").read_text(encoding="utf-8")

    r = invoke("explain", str(case), str(plan), "--household", "1-102")
    assert r.exit_code == 0
    assert "住户 1-102" in r.output
    chinese_only(r.output, str(case), str(plan))

    sheets = tmp_path / "任务单"
    r = invoke("sheets", str(case), str(plan), "-o", str(sheets), "--with", "电话")
    assert r.exit_code == 0, r.output
    page = (sheets / "volunteers.html").read_text(encoding="utf-8")
    assert "无接触配送：放在门口" in page  # the quarantined household, for the designated volunteer
    assert "138" in page
    chinese_only(r.output, str(sheets), "volunteers.html", "pick-lists.html")

    r = invoke("verify", str(case), str(plan))
    assert r.exit_code == 0
    assert "方案已校验：无违规" in r.output
    chinese_only(r.output, str(case), str(plan))
