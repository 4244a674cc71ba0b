"""Which commit the regression gate compares with: the end of the previous working session, read from git history.

Work lands in sessions: bursts of commits a few hours long, many hours or days apart, and CI runs the gate on main
at the end of each. So what had landed when a session began is the newest commit on HEAD's first-parent line that
is followed by a gap of more than `SESSION_GAP_HOURS` (committer dates) before the next one. Nothing has to be
kept by hand, and everything needed is in a clone of the repository.

Committer dates come from the clocks of the machines that made the commits, so the gap after a commit is measured
from the latest date among it and the two commits before it to the earliest date among the three commits after it:
one or two commits dated before their parent, or hours ahead, neither open nor hide a gap. When clocks agree
(dates in order) this is exactly the plain gap between the commit and the next.

Two overrides, strongest first: `--baseline REV` on the command line, and a `Gate-Baseline: <commit hash>` trailer
in a commit message of the current session (the newest one counts). With neither and no earlier session, there is
nothing to compare with and the gate skips.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SESSION_GAP_HOURS = 3.0
"""A gap between commits longer than this ends a session. In this repository's history sessions were 4.4 hours
and 3.3 days apart (and once 15 minutes: those two read as one), and pauses inside a session reached 79 minutes."""
NEIGHBOURS = 3
"""A gap counts only if each of the next this many commits is dated that long after each of the previous ones: a
run of up to two commits from a machine whose clock is wrong cannot open or hide a session boundary."""
TRAILER = "Gate-Baseline"
"""The commit-message trailer that names the baseline for the session it is in, by hash: `Gate-Baseline: 361fb1c`
(a name such as `HEAD~3` or a branch would mean another commit as the history grows, so it is ignored)."""


class BaselineError(ValueError):
    """`--baseline` names something that is not a commit of this repository."""


@dataclass(frozen=True)
class Commit:
    """One commit of HEAD's first-parent line: its hash, committer date (Unix seconds) and `Gate-Baseline` values."""

    sha: str
    committed: int
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class Baseline:
    """The chosen commit (None: nothing to compare with, skip) and, in one line, why."""

    sha: str | None
    why: str


def first_parent_history(root: Path, rev: str = "HEAD") -> list[Commit]:
    """`rev` and its first-parent ancestors, newest first."""
    fmt = f"%H %ct %(trailers:key={TRAILER},valueonly,separator=%x1f)"
    out = _git(root, "log", "--first-parent", f"--format={fmt}", rev).stdout
    commits = []
    for line in out.splitlines():
        sha, committed, *named = line.split(" ", 2)
        values = tuple(v.split()[0] for v in "".join(named).split("\x1f") if v.strip())
        commits.append(Commit(sha, int(committed), values))
    return commits


def gaps(dates: Sequence[int], neighbours: int = NEIGHBOURS) -> list[int]:
    """Seconds between each commit and the next (dates oldest first), taken as the earliest date of the `neighbours`
    commits after the point minus the latest of the `neighbours` commits up to it. With clocks that agree that is
    the plain gap; one or two commits dated before their parent, or hours ahead, open no gap, and hide only a gap
    shorter than their clock's error."""
    return [
        min(dates[i + 1 : i + 1 + neighbours]) - max(dates[max(0, i + 1 - neighbours) : i + 1])
        for i in range(len(dates) - 1)
    ]


def session_start(history: Sequence[Commit], gap_hours: float = SESSION_GAP_HOURS) -> tuple[int, float] | None:
    """Where the current session starts in `history` (newest first): the index of the newest commit followed by a
    gap of more than `gap_hours`, and that gap in hours; None when no gap is that long."""
    after = gaps([c.committed for c in reversed(history)])[::-1]  # after[i - 1]: the gap after history[i]
    for i in range(1, len(history)):
        if after[i - 1] / 3600 > gap_hours:
            return i, after[i - 1] / 3600
    return None


def choose(root: Path, override: str | None = None, gap_hours: float = SESSION_GAP_HOURS) -> Baseline:
    """The commit to compare HEAD's session with, and why: `override` (`--baseline`), else the newest
    `Gate-Baseline` trailer of the current session if it names an earlier commit of HEAD's history, else the end
    of the previous session; None (skip) when there is none."""
    if override is not None:
        sha = _commit(root, override)
        if sha is None:
            raise BaselineError(f"{override!r} is not a commit of this repository")
        return Baseline(sha, f"named by --baseline {override}")
    history = first_parent_history(root)
    start = session_start(history, gap_hours)
    session = history[: start[0]] if start else history
    ignored = ""
    for carrier in session:
        if not carrier.named:
            continue
        named = carrier.named[-1]
        sha = _commit(root, named) if re.fullmatch(r"[0-9a-f]{7,40}", named) else None
        if sha is not None and sha != history[0].sha and _is_ancestor(root, sha, history[0].sha):
            rule = f"the end of the previous session, {history[start[0]].sha[:10]}" if start else "nothing"
            return Baseline(sha, f"named by the {TRAILER} trailer of {carrier.sha[:10]} (by gaps alone: {rule})")
        ignored = (
            f"; the {TRAILER} trailer of {carrier.sha[:10]} names {named!r},"
            " not the hash of an earlier commit of HEAD's history, so it is ignored"
        )
        break
    if start is None:
        shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
        return Baseline(
            None,
            f"no earlier session in HEAD's history: no gap of more than {gap_hours:g} h between the committer dates"
            f" of its {len(history)} first-parent commits"
            + (" (a shallow clone: fetch the full history)" if shallow else " (a first landing)")
            + ignored,
        )
    index, gap = start
    end = history[index]
    when = datetime.fromtimestamp(end.committed, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return Baseline(
        end.sha,
        f"the end of the previous session: committed {when}, then a {gap:.1f} h gap (more than {gap_hours:g} h"
        f" between committer dates ends a session); {_since(index)} since" + ignored,
    )


def _since(n: int) -> str:
    return f"{n} commit" + ("" if n == 1 else "s")


def _commit(root: Path, rev: str) -> str | None:
    out = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    return out.stdout.strip() or None


def _is_ancestor(root: Path, ancestor: str, rev: str) -> bool:
    return _git(root, "merge-base", "--is-ancestor", ancestor, rev, check=False).returncode == 0


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=check)
