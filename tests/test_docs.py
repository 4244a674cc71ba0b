"""The documentation's examples run, so the docs cannot rot.

Three kinds of example live in `docs/**/*.md`:

- ```` ```pycon ```` blocks: Python sessions (`>>>` prompts). All of one page's blocks run in order in one
  namespace, as doctests with ELLIPSIS and NORMALIZE_WHITESPACE; line numbers in a failure are the page's.
- ```` ```{code-block} text ```` with `:class: file` and `:caption: PATH`: a file the reader writes (a filled-in
  table). The test writes it to PATH inside the page's working folder.
- ```` ```{code-block} text ```` with `:class: expect` and `:caption: PATH`: a file a command wrote. The test
  checks that PATH holds exactly this text (a byte-order mark and Windows line ends aside).
- ```` ```{code-block} console ```` with `:class: run`: commands (`$ ...`) run with bash in the page's working
  folder, in page order, with the installed `allocate` first on PATH. Each must exit 0, or the code its
  trailing comment names (`$ allocate validate bad  # exits with code 1`), and the lines shown under a command
  must match what it prints on stdout, or on stderr and stdout together (doctest rules: `...` stands for
  anything). A command shown without output is not compared.

Plain ```` ```console ```` and ```` ```python ```` blocks are illustrations and are not run.
Also checked here: every reason code, rule code, exit code and public name is in the reference.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$")


@dataclass
class Block:
    """One fenced block of a page: its info string, directive options, body lines and first body line."""

    info: str
    options: dict[str, str]
    body: list[str]
    line: int  # 1-based line of the first body line


def blocks(page: Path) -> list[Block]:
    """Every top-level fenced block of a MyST page, with `:key: value` directive options split off."""
    lines = page.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m["fence"], m["info"].strip()
        j = i + 1
        options: dict[str, str] = {}
        if info.startswith("{"):
            while j < len(lines) and (opt := re.match(r"^:([\w-]+):\s*(.*)$", lines[j])):
                options[opt[1]] = opt[2].strip()
                j += 1
            if options and j < len(lines) and not lines[j].strip():
                j += 1  # the blank line between a directive's options and its content
        start = j
        while j < len(lines) and lines[j].rstrip() != fence:
            j += 1
        out.append(Block(info, options, lines[start:j], start + 1))
        i = j + 1
    return out


def _lang(block: Block) -> str:
    """The language of a block: `pycon` for ```pycon, `console` for ```{code-block} console."""
    info = block.info
    if info.startswith("{code-block}") or info.startswith("{code}"):
        return info.split("}", 1)[1].strip()
    return info.split()[0] if info else ""


def _classes(block: Block) -> set[str]:
    return set(block.options.get("class", "").split())


def _pages_with(predicate: object) -> list[Path]:
    return [p for p in PAGES if any(predicate(b) for b in blocks(p))]  # type: ignore[operator]


def _is_pycon(b: Block) -> bool:
    return _lang(b) == "pycon"


def _is_run(b: Block) -> bool:
    return _lang(b) == "console" and "run" in _classes(b)


def _ids(pages: list[Path]) -> list[str]:
    return [str(p.relative_to(DOCS)) for p in pages]


PYCON_PAGES = _pages_with(_is_pycon)
RUN_PAGES = _pages_with(_is_run)


@pytest.mark.parametrize("page", PYCON_PAGES, ids=_ids(PYCON_PAGES))
def test_python_examples(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `>>>` example of the page prints what the page says it prints."""
    lines = page.read_text(encoding="utf-8").splitlines()
    keep = [""] * len(lines)  # everything outside pycon blocks becomes blank, so line numbers stay the page's
    for b in blocks(page):
        if _is_pycon(b):
            keep[b.line - 1 : b.line - 1 + len(b.body)] = b.body
    text = "\n".join(keep) + "\n"
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(text, {"__name__": "__docs__"}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


def _shell_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "120"
    return env


def _commands(block: Block) -> list[tuple[str, list[str], int]]:
    """(command, output lines shown after it, page line) for each `$ ` line of a console block."""
    out: list[tuple[str, list[str], int]] = []
    for k, line in enumerate(block.body):
        if line.startswith("$ "):
            out.append((line[2:], [], block.line + k))
        elif out:
            out[-1][1].append(line)
    return out


@pytest.mark.parametrize("page", RUN_PAGES, ids=_ids(RUN_PAGES))
def test_shell_examples(page: Path, tmp_path: Path) -> None:
    """Every runnable command of the page exits 0 and prints what the page shows, in a fresh folder."""
    env = _shell_env()
    checker = doctest.OutputChecker()
    for b in blocks(page):
        if _lang(b) in ("text", "toml") and "file" in _classes(b):
            target = tmp_path / b.options["caption"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(b.body) + "\n", encoding="utf-8")
        if _lang(b) in ("text", "toml") and "expect" in _classes(b):
            written = (tmp_path / b.options["caption"]).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
            assert written == "\n".join(b.body) + "\n", f"{page.name}:{b.line}: {b.options['caption']} differs"
        if not _is_run(b):
            continue
        for command, shown, line in _commands(b):
            done = subprocess.run(
                ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
            )
            where = f"{page.name}:{line}: $ {command}"
            code = re.search(r"#\s*exits with code (\d+)\s*$", command)
            expected = int(code[1]) if code else 0
            assert done.returncode == expected, f"{where}\nexit {done.returncode}\n{done.stdout}\n{done.stderr}"
            want = "\n".join(shown).strip("\n") + "\n"
            printed = [done.stdout, done.stderr + done.stdout]  # messages, then messages with errors
            if want.strip() and not any(checker.check_output(want, out, FLAGS) for out in printed):
                pytest.fail(f"{where}\n--- the page shows\n{want}--- it printed\n{done.stderr}{done.stdout}")


def _python_source(page: Path) -> str:
    """The Python of a page's examples, in order: pycon blocks' statements, and plain ```python blocks."""
    parser = doctest.DocTestParser()
    parts: list[str] = []
    for b in blocks(page):
        if _is_pycon(b):
            parts += [e.source for e in parser.get_examples("\n".join(b.body) + "\n")]
        elif _lang(b) == "python":
            parts.append("\n".join(b.body) + "\n")
    return "".join(parts)


def test_examples_type_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call in the docs' and README's Python examples (the records and cases they build, `run`, `solve`,
    `case_from_frames`) passes `mypy --strict` with the project's settings, as an app copying them would."""
    from mypy import api

    files = []
    for page in [*PAGES, ROOT / "README.md"]:
        source = _python_source(page)
        if source:
            files.append(tmp_path / f"example_{page.stem.replace('-', '_').lower()}.py")
            files[-1].write_text(source, encoding="utf-8")
    monkeypatch.chdir(ROOT)  # the config's mypy_path and cache are the project's
    out, err, _ = api.run(["--config-file", str(ROOT / "pyproject.toml"), "--strict", *map(str, files)])
    calls = [line for line in out.splitlines() if line.endswith(("[call-arg]", "[arg-type]", "[call-overload]"))]
    assert not err
    assert not calls, "\n".join(calls)


def _reference(name: str) -> str:
    return (DOCS / "reference" / name).read_text(encoding="utf-8")


def test_every_code_is_documented() -> None:
    """Every reason code, rule code and exit code the command uses appears in the codes reference, and SPEC's
    exit 3, which nothing raises any more, is said to be no longer used."""
    from allocate import cli
    from allocate.explain import Reason
    from allocate.verify import Rule

    text = _reference("codes.md")
    missing = [f"`{c.value}`" for c in [*Reason, *Rule] if f"`{c.value}`" not in text]
    exits = sorted(v for k, v in vars(cli).items() if k.startswith("EXIT_") and isinstance(v, int))
    assert exits == [0, 1, 2, 4, 5, 6, 130]
    missing += [f"exit {n}" for n in exits if f"| {n} |" not in text]
    assert not missing, f"not in docs/reference/codes.md: {', '.join(missing)}"
    assert "| 3 | no longer used |" in text


def test_every_public_name_is_documented() -> None:
    """Every name `allocate` exports is in the API reference and has a docstring of its own."""
    import allocate

    text = _reference("api.md")
    missing = [n for n in allocate.__all__ if not re.search(rf"allocate\.{n}\b", text)]
    assert not missing, f"not in docs/reference/api.md: {', '.join(missing)}"
    undocumented = [n for n in allocate.__all__ if not (getattr(allocate, n).__doc__ or "").strip()]
    assert not undocumented, f"no docstring: {', '.join(undocumented)}"


def test_every_output_column_is_documented() -> None:
    """Every column of every output file is in the outputs reference."""
    from allocate.outputs import UNMET_COLUMNS
    from allocate.plan import ALLOCATION_COLUMNS, VISIT_COLUMNS

    text = _reference("outputs.md")
    missing = [c for c in (*ALLOCATION_COLUMNS, *VISIT_COLUMNS, *UNMET_COLUMNS) if f"`{c}`" not in text]
    assert not missing, f"not in docs/reference/outputs.md: {', '.join(missing)}"


def test_every_case_column_is_documented() -> None:
    """Every column of every case table, and each of its Chinese aliases, is in the case format page."""
    from allocate.io.columns import TABLES

    text = (DOCS / "case-format.md").read_text(encoding="utf-8")
    missing = [f"{t.name}.{c.name}" for t in TABLES for c in t.columns if f"`{c.name}`" not in text]
    missing += [a for t in TABLES for c in t.columns for a in c.aliases if a not in text]
    assert not missing, f"not in docs/case-format.md: {', '.join(missing)}"


def test_figures_are_current() -> None:
    """The bar charts in docs/_static are what docs/_tools/figures.py draws from today's engine."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_figures", DOCS / "_tools" / "figures.py")
    assert spec is not None
    assert spec.loader is not None
    figures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(figures)
    stale = [name for name, svg in figures.draw().items() if (DOCS / "_static" / name).read_text("utf-8") != svg]
    assert not stale, f"redraw with: python docs/_tools/figures.py ({', '.join(stale)} changed)"


def _keys(data: object, skip: frozenset[str]) -> set[str]:
    """Every key in nested dicts and lists of dicts, not descending into the keys in `skip`."""
    out: set[str] = set()
    if isinstance(data, dict):
        for k, v in data.items():
            out.add(k)
            if k not in skip:
                out |= _keys(v, skip)
    elif isinstance(data, list):
        for v in data:
            out |= _keys(v, skip)
    return out


def test_every_summary_key_is_documented() -> None:
    """Every key summary.json can hold (on a case with volunteers, services and shortfalls) is in the reference."""
    import datetime as dt

    from allocate import Case, Household, Lot, Need, Policy, Service, Volunteer, solve
    from allocate.explain import explain
    from allocate.report import build_summary

    case = Case(
        households=[
            Household(household_id="H1", grid="east", oldest_age=84),
            Household(household_id="H2", grid="east"),
        ],
        needs=[Need(household_id="H1", item="rice", quantity=3), Need(household_id="H2", item="rice", quantity=3)],
        lots=[Lot(lot_id="R1", item="rice", quantity=4)],
        volunteers=[Volunteer(volunteer_id="V1", grids=["east"], hours=1, skills=["nursing"])],
        services=[Service(household_id="H2", skill="nursing", hours=1)],
        policy=Policy(plan_date=dt.date(2026, 12, 1)),
    )
    plan = solve(case)
    summary = build_summary(plan, explain(plan), inputs={"households.csv": "0" * 64}, timings={"solving": 0.1})
    # the policy is the Policy model's own fields; inputs are file names; per-tier and per-reason keys are names
    keys = _keys(summary, frozenset({"policy", "inputs", "timings", "by_reason"}))
    keys -= set(case.policy.tier_names)
    text = _reference("outputs.md")
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert not missing, f"summary.json keys not in docs/reference/outputs.md: {', '.join(missing)}"
