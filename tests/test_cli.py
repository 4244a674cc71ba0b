"""The `allocate` command: every exit code and refusal, through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from allocate import cli as cli_module
from allocate.cli import cli

HOUSEHOLDS = "household_id,grid,members,oldest_age,lives_alone\nH1,A,1,82,yes\nH2,A,3,40,no\n"
NEEDS = "household_id,item,quantity\nH1,rice,2\nH2,rice,4\n"
SUPPLIES = "lot_id,item,quantity,donor\nL1,rice,3,charity\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write_case(folder: Path, needs: str = NEEDS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "households.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    (folder / "needs.csv").write_text(needs, encoding="utf-8")
    (folder / "supplies.csv").write_text(SUPPLIES, encoding="utf-8")
    return folder


def test_validate_ok_prints_summary(tmp_path: Path) -> None:
    """A valid case exits 0 and summarises households per tier, items and lots."""
    r = run("validate", str(write_case(tmp_path / "c")))
    assert r.exit_code == 0, r.output
    assert "ok:" in r.output
    assert "vulnerable 1" in r.output
    assert "general 1" in r.output
    assert "lots: 1 holding 3 units" in r.output


def test_validate_invalid_lists_cells_and_exits_1(tmp_path: Path) -> None:
    """Bad cells are listed as file:line:column and the command exits 1."""
    case = write_case(tmp_path / "c", needs="household_id,item,quantity\nH1,rice,two\nH9,rice,1\n")
    r = run("validate", str(case))
    assert r.exit_code == 1
    assert f"{case / 'needs.csv'}:2:3:" in r.output
    assert f"{case / 'needs.csv'}:3:1:" in r.output
    assert "invalid input: 2 problems" in r.output
    assert "Traceback" not in r.output


def test_validate_lists_at_most_50_problems_and_the_total(tmp_path: Path) -> None:
    """A file with many bad cells prints the first 50 and the total, not a flood."""
    rows = "".join(f"H1,item{i},x\n" for i in range(70))
    r = run("validate", str(write_case(tmp_path / "c", needs="household_id,item,quantity\n" + rows)))
    assert r.exit_code == 1
    listed = [line for line in r.output.splitlines() if "needs.csv:" in line]
    assert len(listed) == 50
    assert "70 problems in all" in r.output


def test_validate_json_for_apps(tmp_path: Path) -> None:
    """--json gives the errors as data with file, line and column."""
    case = write_case(tmp_path / "c", needs="household_id,item,quantity\nH1,rice,0\n")
    r = run("validate", "--json", str(case))
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["ok"] is False
    assert data["errors"][0]["line"] == 2
    assert data["errors"][0]["column"] == 3
    ok = json.loads(run("validate", "--json", str(write_case(tmp_path / "d"))).stdout)
    assert ok["ok"] is True
    assert ok["households"] == 2


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    """A missing case folder or unknown option is a usage error, exit 2."""
    assert run("validate", str(tmp_path / "nope")).exit_code == 2
    assert run("generate", "--households", "0", str(tmp_path / "g")).exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_unexpected_exception_is_exit_4_without_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug inside the library becomes a one-line message and exit 4, never a traceback."""
    import allocate.io

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(allocate.io, "read_case_with_warnings", broken)
    r = run("validate", str(write_case(tmp_path / "c")))
    assert r.exit_code == 4
    assert "internal error: RuntimeError: boom" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_template_validates(tmp_path: Path, lang: str) -> None:
    """A fresh template, as written, is a valid case in either language."""
    folder = tmp_path / "t"
    assert run("template", str(folder), "--lang", lang).exit_code == 0
    assert (folder / "policy.toml").exists()
    r = run("validate", str(folder))
    assert r.exit_code == 0, r.output


def test_generate_then_validate(tmp_path: Path) -> None:
    """A generated case is accepted by validate."""
    folder = tmp_path / "g"
    r = run("generate", "--households", "400", "--seed", "3", str(folder))
    assert r.exit_code == 0, r.output
    assert run("validate", str(folder)).exit_code == 0


def test_demo_writes_case_and_refuses_non_empty_folder(tmp_path: Path) -> None:
    """`demo` writes the bundled case, which validates; a non-empty OUT is refused without --force."""
    out = tmp_path / "demo"
    r = run("demo", str(out))
    assert r.exit_code == 0, r.output
    assert run("validate", str(out / "case")).exit_code == 0
    again = run("demo", str(out))
    assert again.exit_code == 2
    assert "--force" in again.output
    assert run("demo", str(out), "--force").exit_code == 0


def test_main_is_the_console_entry_point() -> None:
    """The console script calls main(), which runs the click group."""
    with pytest.raises(SystemExit) as e:
        cli_module.main(["--version"])
    assert e.value.code == 0
