"""How the regression gate finds its baseline (benchmarks/gate_baseline.py), on scratch git repositories whose
commits carry chosen committer dates. Nothing here times or runs the workload."""

from __future__ import annotations

import importlib
import os
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

PREVIOUS = ("2026-11-28T15:40:00Z", "2026-11-28T16:10:00Z", "2026-11-28T16:55:00Z", "2026-11-28T17:45:00Z")
"""A landed session: four commits in two hours, days before the current one."""


class ScratchRepo:
    """A git repository in a temporary folder whose commits are made with given committer (and author) dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {
            **os.environ,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "gate test",
            "GIT_AUTHOR_EMAIL": "gate@example.com",
            "GIT_COMMITTER_NAME": "gate test",
            "GIT_COMMITTER_EMAIL": "gate@example.com",
        }
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], capture_output=True, text=True, check=True, env=env or self.env
        )
        return done.stdout.strip()

    def commit(self, committed: str, message: str = "work", *, authored: str | None = None) -> str:
        """An empty commit on the current branch, committed at `committed` (authored then too unless given)."""
        env = {**self.env, "GIT_COMMITTER_DATE": committed, "GIT_AUTHOR_DATE": authored or committed}
        self.git("commit", "--quiet", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD")

    def session(self, *dates: str) -> list[str]:
        """One commit per date, in order; their hashes."""
        return [self.commit(d) for d in dates]


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/gate.py as a module (benchmarks/ is a folder of scripts, not a package)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("gate")


@pytest.fixture
def gb(gate: ModuleType) -> ModuleType:
    """benchmarks/gate_baseline.py, the rule the gate applies."""
    return importlib.import_module("gate_baseline")


@pytest.fixture
def repo(tmp_path: Path, gate: ModuleType, monkeypatch: pytest.MonkeyPatch) -> ScratchRepo:
    """An empty scratch repository, set as the gate's ROOT."""
    monkeypatch.setattr(gate, "ROOT", tmp_path)
    return ScratchRepo(tmp_path)


def test_previous_session_end_is_the_baseline(gb: ModuleType, repo: ScratchRepo) -> None:
    """Days after a landed session, three commits: the baseline is the landed session's last commit."""
    landed = repo.session(*PREVIOUS)
    repo.session("2026-12-02T10:24:00Z", "2026-12-02T10:41:00Z", "2026-12-02T11:05:00Z")
    chosen = gb.choose(repo.path)
    assert chosen.sha == landed[-1]
    assert "the end of the previous session" in chosen.why
    assert "3 commits since" in chosen.why
    assert "88.7 h gap" in chosen.why  # 2026-11-28 17:45 to 2026-12-02 10:24


def test_sessions_a_few_hours_apart_are_told_apart(gb: ModuleType, repo: ScratchRepo) -> None:
    """Two sessions on one day, 4.4 hours apart (as sessions 3 and 4 of this repository were): the later one is
    compared with the end of the earlier one, not with the session before both."""
    repo.session(*PREVIOUS)
    morning = repo.session("2026-12-02T03:48:00Z", "2026-12-02T05:10:00Z", "2026-12-02T06:00:00Z")
    repo.session("2026-12-02T10:24:00Z")
    assert gb.choose(repo.path).sha == morning[-1]


@pytest.mark.parametrize("dates", [PREVIOUS, PREVIOUS[:1]], ids=["one session", "one commit"])
def test_no_earlier_session_skips(
    gate: ModuleType, gb: ModuleType, repo: ScratchRepo, capsys: pytest.CaptureFixture[str], dates: tuple[str, ...]
) -> None:
    """A first landing has nothing landed before it: no baseline, and the gate skips (exit 0) saying why."""
    repo.session(*dates)
    chosen = gb.choose(repo.path)
    assert chosen.sha is None
    assert "no earlier session" in chosen.why
    assert "a first landing" in chosen.why
    assert gate.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gate skipped: nothing to compare with; no earlier session")
    assert len(out.splitlines()) == 1


def test_long_pause_inside_a_session_is_not_a_boundary(gb: ModuleType, repo: ScratchRepo) -> None:
    """A pause of 2 h 50 min (under the 3 h that ends a session) keeps the session whole."""
    landed = repo.session(*PREVIOUS)
    repo.session("2026-12-02T09:00:00Z", "2026-12-02T09:20:00Z", "2026-12-02T12:10:00Z", "2026-12-02T12:30:00Z")
    assert gb.choose(repo.path).sha == landed[-1]


def test_session_spanning_midnight_in_two_time_zones(gb: ModuleType, repo: ScratchRepo) -> None:
    """Committer dates are compared as instants: 23:10 UTC, 08:05 in UTC+8 (00:05 UTC) and 01:30 UTC are one
    session, whatever the calendar day or the zone each machine writes."""
    landed = repo.session(*PREVIOUS)
    repo.session("2026-12-02T23:10:00Z", "2026-12-03T08:05:00+08:00", "2026-12-03T01:30:00Z")
    assert gb.choose(repo.path).sha == landed[-1]


@pytest.mark.parametrize("where", [1, 3], ids=["inside the session", "at HEAD"])
def test_commit_dated_before_its_parent(gb: ModuleType, repo: ScratchRepo, where: int) -> None:
    """A machine whose clock is 7 hours behind commits once: its date is before its parent's, yet neither that
    commit nor the next one starts a session (measured naively, the gap after it is 7 h)."""
    landed = repo.session(*PREVIOUS)
    dates = ["2026-12-02T10:24:00Z", "2026-12-02T10:41:00Z", "2026-12-02T11:05:00Z", "2026-12-02T11:30:00Z"]
    dates[where] = "2026-12-02T03:41:00Z"
    repo.session(*dates)
    assert gb.choose(repo.path).sha == landed[-1]


@pytest.mark.parametrize(
    "times",
    [("10:24", "18:41", "11:05", "11:30", "11:50"), ("10:24", "18:41", "19:05", "11:30", "11:50")],
    ids=["one commit", "two in a row"],
)
def test_commits_dated_hours_ahead(gb: ModuleType, repo: ScratchRepo, times: tuple[str, ...]) -> None:
    """Commits from a machine whose clock is 8 hours ahead open no session before them, nor end one after them."""
    landed = repo.session(*PREVIOUS)
    repo.session(*(f"2026-12-02T{t}:00Z" for t in times))
    assert gb.choose(repo.path).sha == landed[-1]


def test_gaps_are_plain_when_clocks_agree(gb: ModuleType) -> None:
    """Dates in order give the plain gaps; one or two dates out of order open no gap, nor
    hide a real one (when they are off by less than it)."""
    assert gb.gaps([0, 10, 10, 50_000, 50_010]) == [10, 0, 49_990, 10]
    assert max(gb.gaps([100, 200, -9_000, 300, 400])) == 100
    assert max(gb.gaps([100, 200, 90_000, 300, 400])) == 100
    assert max(gb.gaps([100, 200, 90_000, 95_000, 300, 400])) == 100
    assert gb.gaps([100, 200, 50_000, 43_000, 50_100, 50_200])[1] == 42_800


def test_rebased_session_follows_committer_dates(gb: ModuleType, repo: ScratchRepo) -> None:
    """Rebased or amended commits keep their author dates (here a day apart) but get new committer dates: the
    committer dates decide, so the rebased work is one session."""
    landed = repo.session(*PREVIOUS)
    repo.commit("2026-12-02T10:24:00Z", authored="2026-11-30T09:00:00Z")
    repo.commit("2026-12-02T10:24:01Z", authored="2026-12-01T09:00:00Z")
    repo.commit("2026-12-02T10:40:00Z")
    assert gb.choose(repo.path).sha == landed[-1]


def test_override_beats_trailer_and_rule(gb: ModuleType, repo: ScratchRepo) -> None:
    """`--baseline REV` is taken as it is, before any trailer or gap; a name that is no commit is an error."""
    landed = repo.session(*PREVIOUS)
    repo.commit("2026-12-02T10:24:00Z", f"work\n\nGate-Baseline: {landed[-1]}")
    chosen = gb.choose(repo.path, "HEAD~3")
    assert chosen.sha == landed[1]
    assert chosen.why == "named by --baseline HEAD~3"
    with pytest.raises(gb.BaselineError, match="'nope' is not a commit"):
        gb.choose(repo.path, "nope")


def test_unknown_override_is_a_usage_error(gate: ModuleType, repo: ScratchRepo) -> None:
    """The gate exits 2, before running anything, when --baseline names no commit."""
    repo.session(*PREVIOUS)
    assert gate.main(["--baseline", "nope"]) == 2


def test_trailer_fixes_a_session_split_by_a_long_pause(gb: ModuleType, repo: ScratchRepo) -> None:
    """A 4-hour pause splits a session by the gap rule; a `Gate-Baseline` trailer after the pause names the commit
    the session really started from (an abbreviated hash is fine, and other trailers may sit beside it)."""
    landed = repo.session(*PREVIOUS)
    before = repo.session("2026-12-02T08:00:00Z", "2026-12-02T08:30:00Z")
    repo.commit("2026-12-02T12:40:00Z")
    assert gb.choose(repo.path).sha == before[-1]
    repo.commit("2026-12-02T13:00:00Z", f"more work\n\nGate-Baseline: {landed[-1][:7]}\nSigned-off-by: gate test")
    repo.commit("2026-12-02T13:20:00Z")
    chosen = gb.choose(repo.path)
    assert chosen.sha == landed[-1]
    assert chosen.why.startswith("named by the Gate-Baseline trailer of ")
    assert f"by gaps alone: the end of the previous session, {before[-1][:10]}" in chosen.why


def test_trailer_accepts_a_deliberate_slowdown(gb: ModuleType, repo: ScratchRepo) -> None:
    """A trailer may name a commit inside the session (say, a slowdown accepted on purpose): it is compared from
    there, and the newest trailer counts."""
    repo.session(*PREVIOUS)
    first = repo.commit("2026-12-02T10:24:00Z", f"work\n\nGate-Baseline: {repo.git('rev-parse', 'HEAD~2')}")
    repo.commit("2026-12-02T10:41:00Z", f"slower on purpose\n\nGate-Baseline: {first}")
    assert gb.choose(repo.path).sha == first


def test_trailer_of_an_earlier_session_is_not_reused(gb: ModuleType, repo: ScratchRepo) -> None:
    """A trailer belongs to its session: the next session goes back to the gap rule."""
    landed = repo.session(*PREVIOUS[:3])
    landed.append(repo.commit(PREVIOUS[3], f"work\n\nGate-Baseline: {landed[0]}"))
    repo.session("2026-12-02T10:24:00Z", "2026-12-02T10:41:00Z")
    assert gb.choose(repo.path).sha == landed[-1]


@pytest.mark.parametrize("named", ["deadbeef", "amended", "side", "HEAD~1", "main"])
def test_trailer_naming_no_earlier_commit_is_ignored(gb: ModuleType, repo: ScratchRepo, named: str) -> None:
    """A trailer naming no commit, a commit since amended (so no longer in the history), a commit off HEAD's
    history, or anything by a name rather than a hash is ignored, and the reason says so."""
    landed = repo.session(*PREVIOUS)
    repo.git("branch", "side", landed[0])
    repo.git("checkout", "--quiet", "side")
    repo.commit("2026-11-29T10:00:00Z")
    repo.git("checkout", "--quiet", "main")
    names = {"amended": repo.commit("2026-12-02T10:24:00Z"), "side": repo.git("rev-parse", "side")}
    named = names.get(named, named)
    if named == names["amended"]:
        message = f"work\n\nGate-Baseline: {named}"
        amend = {**repo.env, "GIT_COMMITTER_DATE": "2026-12-02T10:30:00Z"}
        repo.git("commit", "--quiet", "--amend", "--allow-empty", "-m", message, env=amend)
    else:
        repo.commit("2026-12-02T10:41:00Z", f"work\n\nGate-Baseline: {named}")
    chosen = gb.choose(repo.path)
    assert chosen.sha == landed[-1]
    assert f"names '{named}', not the hash of an earlier commit of HEAD's history, so it is ignored" in chosen.why


def test_shallow_clone_says_to_fetch_history(
    gb: ModuleType, repo: ScratchRepo, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A clone cut short holds no earlier session; the gate skips and says the history is missing."""
    repo.session(*PREVIOUS, "2026-12-02T10:24:00Z")
    clone = tmp_path_factory.mktemp("shallow") / "clone"
    repo.git("clone", "--quiet", "--depth", "1", f"file://{repo.path}", str(clone))
    chosen = gb.choose(clone)
    assert chosen.sha is None
    assert "shallow clone" in chosen.why


def test_gate_prints_the_chosen_baseline_and_runs_on_it(
    gate: ModuleType, repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The gate says in one line which commit it compares with and why, then compares with a worktree of it (the
    workload itself is replaced here) and removes the worktree afterwards."""
    landed = repo.session(*PREVIOUS)
    repo.session("2026-12-02T10:24:00Z")
    seen: list[Path] = []
    monkeypatch.setattr(gate, "warm_up", lambda src, sizes: seen.append(src))
    monkeypatch.setattr(gate, "run_gate", lambda *args: (True, [[gate.SizeResult("M", (1.0,), (1.0,))]]))
    assert gate.main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"gate baseline {landed[-1][:10]}: the end of the previous session: committed ")
    assert "1 commit since" in lines[0]
    assert seen[0].name == "src"
    assert seen[0].parent.name == "baseline"
    assert lines[-1].startswith("gate passed")
    assert repo.git("worktree", "list").count("\n") == 0
