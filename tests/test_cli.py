"""The `allocate` command: every exit code and refusal, through click's runner."""

from __future__ import annotations

import errno
import importlib
import json
import os
import signal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from allocate import cli as cli_module
from allocate import demo
from allocate.cli import cli

SOLVE_MODULE = importlib.import_module("allocate.solve")  # the package's `solve` attribute is the function

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
    listed = [line for line in r.output.splitlines() if "needs.csv:" in line and "expected" in line]
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
    assert ok["overview"]["households"] == 2
    assert [w["message"].split(":")[0] for w in ok["warnings"]] == [
        "households has no disabled (残疾) column",
        "households has no chronic_illness (慢性病) column",
        "needs has no urgency (紧急程度) column",
    ]
    assert ok["notes"] == []


def test_validate_lists_warnings_then_notes(tmp_path: Path) -> None:
    """A misspelt header is a warning and an ignored column a note; both listed, and the case is still valid."""
    case = write_case(tmp_path / "c")
    (case / "supplies.csv").write_text("lot_id,item,quantity,donr,phone\nL1,rice,3,charity,555\n", encoding="utf-8")
    r = run("validate", str(case))
    assert r.exit_code == 0, r.output
    tail = r.stdout.splitlines()[-3:]
    assert tail == [
        f"{case / 'supplies.csv'}:1:4: column 'donr' is not a known column of supplies; did you mean 'donor'?",
        "notes (1):",
        f"{case / 'supplies.csv'}:1:5: column 'phone' is not a column of supplies: ignored, "
        "never copied into any output",
    ]
    data = json.loads(run("validate", "--json", str(case)).stdout)
    assert [(n["line"], n["column"], n["severity"]) for n in data["notes"]] == [(1, 5, "note")]


def test_validate_invalid_lists_warnings_after_the_errors(tmp_path: Path) -> None:
    """A missing column and the misspelt header behind it come out together; warnings do not count as problems."""
    case = write_case(tmp_path / "c", needs="household_id,item,quantiy\nH1,rice,2\n")
    r = run("validate", str(case))
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert lines[0] == f"{case / 'needs.csv'}:1:0: missing column quantity or 数量"
    assert (
        f"{case / 'needs.csv'}:1:3: column 'quantiy' is not a known column of needs; did you mean 'quantity'?" in lines
    )
    assert lines[-1] == "invalid input: 1 problem"
    data = json.loads(run("validate", "--json", str(case)).stdout)
    assert len(data["errors"]) == 1
    assert [w["column"] for w in data["warnings"] if "quantiy" in w["message"]] == [3]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    """A missing case folder or unknown option is a usage error, exit 2."""
    assert run("validate", str(tmp_path / "nope")).exit_code == 2
    assert run("generate", "--households", "0", str(tmp_path / "g")).exit_code == 2
    assert run("frobnicate").exit_code == 2
    assert run("solve", str(write_case(tmp_path / "c")), "-o", str(tmp_path / "o"), "--backend", "x").exit_code == 2
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "mine.csv").write_text("x")
    refused = run("template", str(tmp_path / "t"))
    assert refused.exit_code == 2
    assert "not empty" in refused.output


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


def test_closed_output_pipe_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`allocate validate CASE | head` ends quietly with exit 0, not an internal error."""
    import allocate.io

    def closed(*_: object, **__: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(allocate.io, "read_case_with_warnings", closed)
    r = run("validate", str(write_case(tmp_path / "c")))
    assert r.exit_code == 0
    assert "internal error" not in r.output


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


def test_generate_a_city_of_districts(tmp_path: Path) -> None:
    """`--districts N` writes a city whose grids lie in N districts (`D01/G001`); more districts than households is a
    usage error, and without it the case is the one it always was."""
    from allocate.generate import generate
    from allocate.io import read_case

    r = run("generate", "--households", "60", "--seed", "2", "--districts", "3", str(tmp_path / "city"))
    assert r.exit_code == 0, r.output
    assert "in 3 districts" in r.output
    city = read_case(tmp_path / "city")
    assert {h.grid.split("/")[0] for h in city.households} == {"D01", "D02", "D03"}
    assert city.households == generate(60, 2, districts=3).households
    refused = run("generate", "--households", "2", "--districts", "3", str(tmp_path / "few"))
    assert refused.exit_code == 2
    assert "3 districts need at least 3 households" in refused.output
    assert run("generate", "--households", "2", "--districts", "0", str(tmp_path / "none")).exit_code == 2
    assert not (tmp_path / "few").exists()


def test_demo_solves_and_runs_again(tmp_path: Path) -> None:
    """`demo` writes the bundled case and its verified plan; run again (the README's first command twice), it
    replaces its own earlier output and says so."""
    out = tmp_path / "demo"
    r = run("demo", str(out))
    assert r.exit_code == 0, r.output
    assert "replaced" not in r.output
    assert (out / "plan" / "report.html").is_file()
    assert run("verify", str(out / "case"), str(out / "plan")).exit_code == 0
    unmet = (out / "plan" / "unmet.csv").read_bytes()
    assert unmet.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8 Chinese correctly
    assert "大米(袋)" in unmet.decode("utf-8-sig")
    (out / ".DS_Store").write_bytes(b"")  # what the system leaves does not count
    again = run("demo", str(out))
    assert again.exit_code == 0, again.output
    assert f"replaced the demo written earlier in {out}" in again.output
    assert (out / "plan" / "unmet.csv").read_bytes() == unmet


def test_demo_never_replaces_what_it_did_not_write(tmp_path: Path) -> None:
    """A re-run stops (exit 2, nothing changed) at a file the demo did not write, or at a case file edited since,
    which only --force replaces; a file of the planner's own is never replaced, --force or not."""
    out = tmp_path / "demo"
    assert run("demo", str(out)).exit_code == 0
    needs = out / "case" / "需求.csv"
    needs.write_text("户号,物资,数量\n1-1-101,大米(袋),9\n", encoding="utf-8")
    edited = run("demo", str(out))
    assert edited.exit_code == 2
    assert "需求.csv changed since the demo wrote them" in edited.output
    assert "--force" in edited.output
    assert needs.read_text(encoding="utf-8").startswith("户号,物资,数量\n1-1-101")
    (out / "plan" / "notes.txt").write_text("mine")
    mine = run("demo", str(out), "--force")
    assert mine.exit_code == 2
    assert "notes.txt, which allocate did not write there" in mine.output
    (out / "plan" / "notes.txt").unlink()
    assert run("demo", str(out), "--force").exit_code == 0
    assert needs.read_bytes() == (demo.path() / "需求.csv").read_bytes()


def solve(case: Path, out: Path, *extra: str) -> Result:
    return run("solve", str(case), "-o", str(out), "--date", "2026-12-01", *extra)


def test_solve_writes_every_output_file(tmp_path: Path) -> None:
    """`solve` writes allocation, unmet, summary and report, and the plan verifies from its files."""
    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    r = solve(case, out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [
        "allocation.csv",
        "report.html",
        "summary.json",
        "unmet.csv",
    ]
    assert (out / "unmet.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["plan_date"] == "2026-12-01"
    assert set(summary["inputs"]) == {"households.csv", "needs.csv", "supplies.csv"}
    v = run("verify", str(case), str(out))
    assert v.exit_code == 0, v.output


def test_solve_is_byte_identical_on_repeat(tmp_path: Path) -> None:
    """Two runs on the same input give the same bytes in every file but summary.json's timings."""
    case = write_case(tmp_path / "c")
    assert solve(case, tmp_path / "a").exit_code == 0
    assert solve(case, tmp_path / "b").exit_code == 0
    for name in ("allocation.csv", "unmet.csv", "report.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    a, b = (json.loads((tmp_path / d / "summary.json").read_text(encoding="utf-8")) for d in "ab")
    a.pop("timings")
    b.pop("timings")
    assert a == b


def test_solve_refuses_output_overlapping_input(tmp_path: Path) -> None:
    """An output that is the case folder, inside it, or holding it is refused (exit 2) and nothing changes."""
    case = write_case(tmp_path / "c")
    before = sorted(p.name for p in case.iterdir())
    for out in (case, case / "plan", tmp_path):
        r = solve(case, out, "--force")
        assert r.exit_code == 2, (out, r.output)
        assert "overlap" in r.output
    assert sorted(p.name for p in case.iterdir()) == before


def test_solve_refuses_non_empty_output_without_force(tmp_path: Path) -> None:
    """An existing non-empty output folder is refused without --force; with it, a plan folder is replaced whole."""
    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    assert solve(case, out).exit_code == 0
    (out / "report.html").write_text("an older report")
    r = solve(case, out)
    assert r.exit_code == 2
    assert "--force" in r.output
    assert (out / "report.html").read_text() == "an older report"
    assert solve(case, out, "--force").exit_code == 0
    assert (out / "report.html").read_text(encoding="utf-8") != "an older report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "out"]


def test_force_never_deletes_what_allocate_did_not_write(tmp_path: Path) -> None:
    """--force on a folder holding anything but plan files is refused (exit 2) before any work; nothing is lost."""
    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    (out / "allocation.csv").write_text("old")
    r = solve(case, out, "--force")
    assert r.exit_code == 2
    assert "keep.txt, which allocate did not write there" in r.output
    assert "solving" not in r.output
    assert sorted(p.name for p in out.iterdir()) == ["allocation.csv", "keep.txt"]
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "mine.txt").write_text("mine")
    assert run("demo", str(tmp_path / "d"), "--force").exit_code == 2
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["mine.txt"]


def test_solve_invalid_input_writes_nothing(tmp_path: Path) -> None:
    """Invalid input exits 1 and creates no output folder."""
    case = write_case(tmp_path / "c", needs="household_id,item,quantity\nH1,rice,-1\n")
    r = solve(case, tmp_path / "out")
    assert r.exit_code == 1
    assert not (tmp_path / "out").exists()


def test_failed_verification_is_exit_4_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan that fails its own verification is never written: exit 4."""
    from allocate.plan import Allocation

    real = SOLVE_MODULE.solve

    def overdrawn(*args: object, **kw: object) -> object:
        plan = real(*args, **kw)  # type: ignore[arg-type]
        bad = Allocation(need_id="H2/rice", lot_id="L1", quantity=4)
        return plan.model_copy(update={"allocations": (*plan.allocations, bad)})

    monkeypatch.setattr(SOLVE_MODULE, "solve", overdrawn)
    r = solve(write_case(tmp_path / "c"), tmp_path / "out")
    assert r.exit_code == 4
    assert "lot_overdrawn" in r.output
    assert not (tmp_path / "out").exists()


def test_verify_rejects_a_tampered_plan(tmp_path: Path) -> None:
    """A plan edited to give more than a lot holds is rejected with exit 4 and the violation named."""
    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    assert solve(case, out).exit_code == 0
    alloc = out / "allocation.csv"
    lines = alloc.read_text(encoding="utf-8-sig").splitlines()
    lines.append("H2/rice,H2,A,general,rice,L1,9")
    alloc.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    r = run("verify", str(case), str(out))
    assert r.exit_code == 4
    assert "lot_overdrawn" in r.output


def test_verify_reports_bad_plan_cells(tmp_path: Path) -> None:
    """A plan file with a bad cell is invalid input (exit 1) at file:line:column."""
    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    out.mkdir()
    (out / "allocation.csv").write_text("need_id,lot_id,quantity\nH1/rice,L1,lots\n", encoding="utf-8")
    r = run("verify", str(case), str(out))
    assert r.exit_code == 1
    assert f"{out / 'allocation.csv'}:2:3:" in r.output


@pytest.mark.parametrize(("lang", "word"), [("en", "rice"), ("zh", "rice")])
def test_explain_one_household(tmp_path: Path, lang: str, word: str) -> None:
    """`explain` prints what a household asked and got, and why, in English or Chinese."""
    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    assert solve(case, out).exit_code == 0
    r = run("explain", str(case), str(out), "--household", "H2", "--lang", lang)
    assert r.exit_code == 0, r.output
    assert word in r.output
    assert run("explain", str(case), str(out), "--household", "nobody").exit_code == 2


def test_main_is_the_console_entry_point() -> None:
    """The console script calls main(), which runs the click group."""
    with pytest.raises(SystemExit) as e:
        cli_module.main(["--version"])
    assert e.value.code == 0


def test_verify_and_explain_use_the_date_the_plan_was_made_for(tmp_path: Path) -> None:
    """A plan solved with --date verifies without repeating --date: summary.json records it."""
    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    (case / "policy.toml").write_text('plan_date = 2026-12-01\n[[tiers]]\nname = "all"\n', encoding="utf-8")
    assert run("solve", str(case), "-o", str(out), "--date", "2026-12-05").exit_code == 0
    r = run("verify", str(case), str(out))
    assert r.exit_code == 0, r.output
    assert run("explain", str(case), str(out), "--household", "H1").exit_code == 0


def test_output_that_is_a_file_is_refused_before_any_work(tmp_path: Path) -> None:
    """An output path that is a file is a usage error for solve (even with --force) and demo."""
    case, afile = write_case(tmp_path / "c"), tmp_path / "afile"
    afile.write_text("mine")
    assert solve(case, afile, "--force").exit_code == 2
    assert run("demo", str(afile)).exit_code == 2
    assert afile.read_text() == "mine"


def test_absurd_quantities_are_input_errors(tmp_path: Path) -> None:
    """A lot of 9e17 units is reported at its cell, not left to overflow the engine."""
    case = write_case(tmp_path / "c")
    (case / "supplies.csv").write_text("lot_id,item,quantity\nL1,rice,900000000000000000\n", encoding="utf-8")
    r = run("validate", str(case))
    assert r.exit_code == 1
    assert f"{case / 'supplies.csv'}:2:3: quantity: expected a whole number <= 1000000000" in r.output


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the disk is read-only"),
        (errno.EACCES, "permission denied"),
    ],
)
def test_a_disk_that_refuses_the_output_is_exit_5_and_the_old_plan_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    """A full, read-only or forbidden disk while writing is exit 5 naming the folder, not an internal error; the
    plan already in OUT stays as it was and no temporary folder is left."""
    import allocate.outputs

    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    assert solve(case, out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def refused(path: Path, *_: object) -> None:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(allocate.outputs, "write_columns", refused)
    r = solve(case, out, "--force")
    assert r.exit_code == 5, r.output
    assert f"could not write the plan to {out}: {words}" in r.output
    assert f"nothing was written, and {out} is unchanged" in r.output
    assert "internal error" not in r.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "out"]


def test_an_output_that_cannot_be_created_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the output's folder is not writable (read-only disk, no permission), solve and template stop at once
    with exit 5, before reading or solving."""
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: not mode & os.W_OK and real(path, mode, **kw))
    r = solve(write_case(tmp_path / "c"), tmp_path / "out")
    assert r.exit_code == 5
    assert f"cannot write to {tmp_path}" in r.output
    assert "solving" not in r.output
    assert run("template", str(tmp_path / "t")).exit_code == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]


def test_template_and_generate_on_a_full_disk_are_exit_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`template` and `generate` map a full disk to exit 5 with the folder named, leaving nothing behind."""
    import allocate.io.writer

    def full(path: Path, *_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(allocate.io.writer, "write_csv", full)
    t = run("template", str(tmp_path / "t"))
    assert t.exit_code == 5
    assert f"could not write the template to {tmp_path / 't'}: the disk is full" in t.output
    g = run("generate", "--households", "5", str(tmp_path / "g"))
    assert g.exit_code == 5
    assert f"could not write the case to {tmp_path / 'g'}" in g.output
    assert list(tmp_path.iterdir()) == []


def test_a_disk_error_outside_writing_is_exit_5_not_internal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk met elsewhere (an engine's temporary file, say) is exit 5 naming the file."""

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/tmp/model.mps")

    monkeypatch.setattr(SOLVE_MODULE, "solve", full)
    r = solve(write_case(tmp_path / "c"), tmp_path / "out")
    assert r.exit_code == 5
    assert "cannot use /tmp/model.mps: the disk is full" in r.output


def test_running_out_of_memory_is_exit_6_with_its_own_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MemoryError is exit 6 saying which step ran out and that nothing was written; never 'internal error'."""

    def too_big(*_: object, **__: object) -> None:
        raise MemoryError

    monkeypatch.setattr(SOLVE_MODULE, "solve", too_big)
    r = solve(write_case(tmp_path / "c"), tmp_path / "out")
    assert r.exit_code == 6
    assert "not enough memory for this case (while solving)" in r.output
    assert "nothing was written" in r.output
    assert "internal error" not in r.output
    assert not (tmp_path / "out").exists()


def test_ctrl_c_before_writing_is_exit_130_and_says_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while solving exits 130 (not 1, the invalid-input code) and says nothing was written."""

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    assert solve(case, out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(SOLVE_MODULE, "solve", interrupted)
    r = solve(case, out, "--force")
    assert r.exit_code == 130
    assert "interrupted: nothing was written" in r.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_ctrl_c_during_the_switch_is_exit_130_and_says_the_plan_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C that lands while the new plan replaces the old one waits for the switch, then exits 130 saying the
    plan was written."""
    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    assert solve(case, out).exit_code == 0
    (out / "report.html").write_text("an older report")
    real = os.replace

    def replace_then_ctrl_c(a: object, b: object) -> None:
        real(a, b)  # type: ignore[arg-type]
        if str(b).endswith(".old"):
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(os, "replace", replace_then_ctrl_c)
    r = solve(case, out, "--force")
    assert r.exit_code == 130, r.output
    assert f"interrupted after the plan was written to {out}" in r.output
    assert (out / "report.html").read_text(encoding="utf-8") != "an older report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "out"]


def test_validate_counts_problems_past_the_kept_ones(tmp_path: Path) -> None:
    """With more bad rows than the reader keeps, the entry that counts the rest is printed and the total is every
    problem found, not the number kept."""
    rows = "".join(f"H1,item{i},x\n" for i in range(1000))
    r = run("validate", str(write_case(tmp_path / "c", needs="household_id,item,quantity\n" + rows)))
    assert r.exit_code == 1
    assert "more errors like these from here on" in r.output
    assert "invalid input: 1,000 problems" in r.output


def test_ids_with_control_characters_are_printed_escaped(tmp_path: Path) -> None:
    """An id holding a terminal escape or a zero-width space is shown escaped by explain, never acted on."""
    folder = write_case(tmp_path / "c", needs="household_id,item,quantity\nH1,rice\x1b[31mRED,2\nH2,rice\u200b,4\n")
    assert run("solve", str(folder), "-o", str(tmp_path / "out")).exit_code == 0
    r = run("explain", str(folder), str(tmp_path / "out"), "--household", "H2")
    assert r.exit_code == 0
    assert "\x1b" not in r.output
    assert "\u200b" not in r.output
    assert "rice\\u200b" in r.output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_template_xlsx_is_the_csv_template_as_a_workbook(tmp_path: Path, lang: str) -> None:
    """`template --xlsx` writes case.xlsx, a sheet per table with the CSV template's headers (Chinese with --lang
    zh) and example row, beside policy.toml; it validates as it is, and writing it again gives the same bytes."""
    import openpyxl

    csv_folder, folder = tmp_path / "csv", tmp_path / "t"
    assert run("template", str(csv_folder), "--lang", lang).exit_code == 0
    r = run("template", str(folder), "--lang", lang, "--xlsx")
    assert r.exit_code == 0, r.output
    assert f"allocate validate {folder / 'case.xlsx'}" in r.output
    assert sorted(p.name for p in folder.iterdir()) == ["case.xlsx", "policy.toml"]
    assert (folder / "policy.toml").read_bytes() == (csv_folder / "policy.toml").read_bytes()
    book = openpyxl.load_workbook(folder / "case.xlsx", read_only=True)
    assert book.sheetnames == sorted((p.stem for p in csv_folder.glob("*.csv")), key=book.sheetnames.index)
    for name in book.sheetnames:
        header, example = ([str(v) for v in row] for row in book[name].iter_rows(values_only=True))
        with open(csv_folder / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
            csv_header, csv_example = list(__import__("csv").reader(f))
        assert header == csv_header
        assert [v if v != "None" else "" for v in example] == csv_example
    book.close()
    checked = run("validate", str(folder / "case.xlsx"))
    assert checked.exit_code == 0, checked.output
    assert run("template", str(tmp_path / "again"), "--lang", lang, "--xlsx").exit_code == 0
    assert (tmp_path / "again" / "case.xlsx").read_bytes() == (folder / "case.xlsx").read_bytes()


@pytest.mark.parametrize("written", ["2026/12/1", "2026年12月1日", "2026-12-01", "２０２６.12.1"])
def test_date_takes_what_a_date_cell_takes(tmp_path: Path, written: str) -> None:
    """--date reads a date as cells do (the same parser), so 2026/12/1 and 2026年12月1日 work on the command too."""
    case, out = write_case(tmp_path / "c"), tmp_path / "out"
    r = run("solve", str(case), "-o", str(out), "--date", written)
    assert r.exit_code == 0, r.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["plan_date"] == "2026-12-01"
    assert run("verify", str(case), str(out), "--date", written).exit_code == 0


def test_a_bad_date_is_a_usage_error_saying_what_is_expected(tmp_path: Path) -> None:
    """A --date that is no date, or a day that does not exist, is exit 2 with the cell's words, not a traceback."""
    case = write_case(tmp_path / "c")
    r = run("solve", str(case), "-o", str(tmp_path / "o"), "--date", "12/1")
    assert r.exit_code == 2
    assert "Invalid value for '--date': expected a date like 2026-03-01 (or 2026/3/1, 2026年3月1日), found '12/1'" in (
        r.output
    )
    r = run("solve", str(case), "-o", str(tmp_path / "o"), "--date", "2026/2/30")
    assert r.exit_code == 2
    assert "expected a date that exists, found '2026/2/30'" in r.output
    assert not (tmp_path / "o").exists()


def test_progress_says_counts_and_time_taken(tmp_path: Path) -> None:
    """Each step says what it works on where known (the case's counts) and, when done, how long it took."""
    r = run("solve", str(write_case(tmp_path / "c")), "-o", str(tmp_path / "o"), "--date", "2026-12-01")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert "reading the case…" in lines
    assert any(line.startswith("reading the case: 2 households, 2 needs, 1 lot, done in ") for line in lines)
    assert "solving for 2 households, 2 needs, 1 lot…" in lines
    for step in ("solving", "verifying the plan", "explaining shortfalls", "writing the plan"):
        assert any(line.startswith(f"{step}: done in ") and line.endswith(" s") for line in lines), step


def test_progress_on_a_terminal_shows_the_time_so_far() -> None:
    """On a terminal the spinner line carries the time taken so far, and a line with the step's time stays."""
    import io
    import re

    from rich.console import Console

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    with cli_module._Steps(console)("reading") as step:
        step.found = "2 households"
    shown = screen.getvalue()
    assert "reading the case…" in shown
    assert "0:00:00" in shown  # rich's elapsed-time column
    assert re.search(r"reading the case: 2 households, done in [0-9]+\.[0-9]{2} s", shown)


ENGLISH_HELP = """Usage: allocate [OPTIONS] COMMAND [ARGS]...

  Fair, verifiable allocation of donated supplies and volunteer time to
  household needs.

Options:
  --version   Show the version and exit.
  -h, --help  Show this message and exit.

Commands:
  city      Solve CASE district by district on Dask and write the merged,...
  demo      Solve the bundled example community: its case goes to...
  explain   Say, for one household, what it asked, what it got from which...
  generate  Write a realistic synthetic case to FOLDER.
  notice    Write what donors and the public are told of the plan in...
  round     Rounds of an operation: plan the next one into a ledger, list...
  sheets    Write the papers to carry for the plan in PLAN: a page per...
  simulate  Simulate a lockdown of several rounds on a generated...
  solve     Solve CASE and write the verified plan, unmet needs,...
  template  Write empty tables (headers and one example row) and the...
  validate  Check a case (CSV folder or .xlsx workbook) and summarise it;...
  verify    Check the plan in OUT (ours, hand-made or another tool's)...
"""
"""`allocate --help` in an 80-column terminal, as click wrote it before the help moved to the catalog (and
`round`, `city` and `simulate` were registered)."""


def english_help(*args: str) -> str:
    """The English help page of `allocate ARGS` as an 80-column terminal shows it (click leaves 2 columns)."""
    r = CliRunner().invoke(cli, [*args, "--help"], prog_name="allocate", env={"LANG": "C.UTF-8"}, terminal_width=78)
    assert r.exit_code == 0, r.output
    return r.output


def test_english_help_is_as_it_was() -> None:
    """The help moved to the catalog, and English --help is word for word click's page as before."""
    assert english_help() == ENGLISH_HELP
    solve = english_help("solve")
    assert "  -o, --out PATH                  Output folder.  [required]\n" in solve
    assert "  --backend [auto|highs|ortools|pulp]\n" in solve
    assert "                                  LP/MIP engine; auto is HiGHS.  [default:\n" in solve
    assert "  --marginal-limit INTEGER RANGE  Grids whose extra volunteer hour is measured\n" in solve
    assert "says so.  [x>0]\n" in solve
    assert "  --households INTEGER RANGE  How many households.  [x>=1; required]\n" in english_help("generate")
    assert english_help("round", "plan").startswith("Usage: allocate round plan [OPTIONS] OPDIR CASE\n")
    assert english_help("city").startswith("Usage: allocate city [OPTIONS] CASE\n")


def test_every_help_text_is_in_the_catalog_in_both_languages() -> None:
    """Each command and option names its help in the catalog; the English page shows the English and a Chinese page
    the Chinese, whole (line breaks aside)."""
    from allocate.catalog import MESSAGES

    def flat(text: str) -> str:
        return "".join(text.split())

    assert cli.help == MESSAGES["help_cli"][0]
    zh_main = CliRunner().invoke(cli, ["--help"], prog_name="allocate", env={"LANG": "zh_CN.UTF-8"}).output
    assert flat(MESSAGES["help_cli"][1]) in flat(zh_main)
    commands = [((name,), command) for name, command in cli.commands.items()]
    for group, command in list(commands):  # `round plan`, `round list`, ...
        if isinstance(command, click.Group):
            commands += [((*group, name), sub) for name, sub in command.commands.items()]
    assert {"city", "round", "round plan", "round list", "round show", "round check"} <= {
        " ".join(n) for n, _ in commands
    }
    for names, command in commands:
        key = getattr(command, "help_key", None)
        assert key in MESSAGES, names
        options = [p for p in command.params if isinstance(p, click.Option)]
        keys = [key, *(getattr(o, "help_key", None) for o in options)]
        assert all(k in MESSAGES for k in keys), (names, keys)
        zh = CliRunner().invoke(cli, [*names, "--help"], prog_name="allocate", env={"LANG": "zh_CN.UTF-8"}).output
        en = english_help(*names)
        for k in keys:
            assert flat(MESSAGES[k][0]) in flat(en), k
            assert flat(MESSAGES[k][1]) in flat(zh), k
        assert "显示本帮助并退出。" in zh
