"""`read_case`: a case folder or workbook to a validated `Case`, or every problem in it at once.

All tables are read to the end even after a problem, so that a planner fixes everything in one round;
then the case's own cross-table checks run and their problems are placed back at `file:line:column`.
"""

from __future__ import annotations

import os

from allocate.errors import InputError, Problem
from allocate.gc_pause import collector_paused
from allocate.io.policy_file import read_policy
from allocate.io.sources import find_tables
from allocate.io.tables import TableRead, read_table
from allocate.schema import Case, Policy

PolicyArg = Policy | str | os.PathLike[str] | None


def read_case(path: str | os.PathLike[str], *, policy: PolicyArg = None) -> Case:
    """Read a case folder of CSV tables or an `.xlsx` workbook; InputError lists every problem found.

    `policy` (a Policy or the path of a policy.toml) overrides the case's own `policy.toml`.
    """
    return _read(path, policy)[0]


def read_case_with_warnings(path: str | os.PathLike[str], *, policy: PolicyArg = None) -> tuple[Case, list[Problem]]:
    """Like `read_case`, and also the case's warnings (legal but probably a mistake) at `file:line:column`."""
    case, reads = _read(path, policy)
    return case, [_locate(w, reads) for w in case.warnings]


def _read(path: str | os.PathLike[str], policy: PolicyArg) -> tuple[Case, dict[str, TableRead]]:
    """The case, and how each table was read (to place problems found later)."""
    found = find_tables(path)
    with found.resource, collector_paused():
        reads = {sheet.table.name: read_table(sheet) for sheet in found.sheets}
    problems = found.problems + [p for r in reads.values() for p in r.problems]
    complete = not found.problems and all(r.complete for r in reads.values())
    try:
        chosen = _policy(policy, found.policy)
    except InputError as e:
        raise InputError(problems + list(e.problems)) from None
    if not complete:
        raise InputError(problems)

    def records(name: str) -> tuple[object, ...]:
        return tuple(reads[name].records) if name in reads else ()

    try:
        with collector_paused():
            case = Case.model_validate(
                {
                    "households": records("households"),
                    "needs": records("needs"),
                    "lots": records("supplies"),
                    "volunteers": records("volunteers") if "volunteers" in reads else None,
                    "services": records("services"),
                    "policy": chosen,
                }
            )
    except InputError as e:
        problems += [_locate(p, reads) for p in e.problems if not _follows_rejected(p, reads)]
    if problems:
        raise InputError(problems)
    return case, reads


def _policy(policy: PolicyArg, case_file: str | None) -> Policy:
    """The policy given, or read from the path given, or from the case's policy.toml, or the default."""
    if isinstance(policy, Policy):
        return policy
    file = os.fspath(policy) if policy is not None else case_file
    return read_policy(file) if file else Policy()


def _locate(p: Problem, reads: dict[str, TableRead]) -> Problem:
    return reads[p.table].locate(p) if p.table in reads else p


def _follows_rejected(p: Problem, reads: dict[str, TableRead]) -> bool:
    """An unknown household that is only unknown because its own row has problems (already reported)."""
    if p.field != "household_id" or p.table not in ("needs", "services") or p.row is None:
        return False
    record = reads[p.table].records[p.row]
    return getattr(record, "household_id", None) in reads["households"].rejected_ids


def case_files(path: str | os.PathLike[str]) -> list[str]:
    """The files a case is read from (its tables and `policy.toml`, or the workbook), for recording their hashes."""
    if os.path.isfile(path):
        return [os.fspath(path)]
    found = find_tables(path)
    with found.resource:
        return [s.file for s in found.sheets] + ([found.policy] if found.policy else [])
