"""`read_case`: a case folder or workbook to a validated `Case`, or every problem in it at once.

All tables are read to the end even after a problem, so that a planner fixes everything in one round; a
table with a broken header is still checked row by row. Then the case's own cross-table checks run, without
the tables and policy that could not be read (their absence would only add noise), and their problems are
placed back at `file:line:column`. Warnings and notes (ignored columns, misspelt headers, columns the policy
reads that are absent, and the case's own warnings: look-alike ids, unknown grids) come with the case when
asked for (`read_case_with_warnings`), or with the InputError. Past `MAX_LISTED` problems of a table or of a
check, an `Omitted` entry counts the rest (`InputError.total` is every problem found).
"""

from __future__ import annotations

import os
from typing import Any, Literal

from allocate.checks import check_read_case
from allocate.errors import InputError, Omitted, Problem
from allocate.gc_pause import collector_paused
from allocate.io.cells import TierCell
from allocate.io.columns import TABLES
from allocate.io.policy_columns import absent_columns
from allocate.io.policy_file import read_policy
from allocate.io.sources import Found, find_tables, policy_beside
from allocate.io.tables import TableRead, read_table
from allocate.schema import Case, Policy
from allocate.schema.records import Records

PolicyArg = Policy | str | os.PathLike[str] | None
TABLE_ORDER = {table.name: i for i, table in enumerate(TABLES)}
"""Warnings of the reader are listed table by table, each table's from its header down."""


def read_case(path: str | os.PathLike[str], *, policy: PolicyArg = None) -> Case:
    """Read a case folder of CSV tables or an `.xlsx` workbook; InputError lists every problem found.

    `policy` (a Policy or the path of a policy.toml) overrides the case's own `policy.toml`.
    """
    check_read_case(path, policy)
    return _read(path, policy, warn=False)[0]


def read_case_with_warnings(path: str | os.PathLike[str], *, policy: PolicyArg = None) -> tuple[Case, list[Problem]]:
    """Like `read_case`, and also the warnings (legal but probably a mistake) and notes (columns and files
    ignored) at `file:line:column`; each says which it is in `severity`."""
    check_read_case(path, policy)
    return _read(path, policy, warn=True)


def _read(path: str | os.PathLike[str], policy: PolicyArg, warn: bool) -> tuple[Case, list[Problem]]:
    """The case and, if `warn`, its warnings and notes; InputError with every problem (and the reader's
    warnings) if it is invalid. The case's own warnings cost a pass over every id, so `read_case` skips them."""
    return read_found(find_tables(path), policy, warn=warn)


def read_found(found: Found, policy: PolicyArg = None, *, warn: bool = False) -> tuple[Case, list[Problem]]:
    """`_read` for tables found anywhere: files, or frames (`allocate.frames`), whose rows are cells of text
    as a file's are, so that both give the same checks and the same messages."""
    chosen: Policy | None = None
    policy_problems: list[Problem] = []
    try:  # first, so that cells naming a tier may use the labels of the policy's tiers
        chosen = _policy(policy, found.policy)
    except InputError as e:
        policy_problems = list(e.problems)
    tiers = TierCell.of(chosen.tier_names) if chosen is not None else None
    with found.resource, collector_paused():
        reads = {sheet.table.name: read_table(sheet, tiers) for sheet in found.sheets}
    problems = found.problems + [p for r in reads.values() for p in r.problems] + policy_problems
    warnings = found.warnings + [w for r in reads.values() for w in r.warnings]
    if policy is None and found.policy_note is not None:
        warnings.insert(0, found.policy_note)
    if chosen is not None:
        warnings += absent_columns(chosen, reads)
    warnings.sort(key=lambda p: (TABLE_ORDER.get(p.table or "", -1), p.line or 0, p.column or 0))
    whole = {name for name, r in reads.items() if r.complete}

    def records(name: str) -> Records[Any] | tuple[()]:
        return reads[name].table() if name in whole else ()

    try:
        with collector_paused():
            case = Case.model_validate(
                {
                    "households": records("households"),
                    "needs": records("needs"),
                    "lots": records("supplies"),
                    "volunteers": records("volunteers") if "volunteers" in reads else None,
                    "services": records("services"),
                    "earlier": records("earlier"),
                    "policy": chosen or Policy(),
                }
            )
    except InputError as e:
        problems += [_locate(p, reads) for p in e.problems if not _follows(p, reads, whole, chosen)]
    if problems:
        raise InputError(problems, warnings)
    return case, (warnings + [_locate(w, reads) for w in case.warnings]) if warn else warnings


def _policy(policy: PolicyArg, case_file: str | None) -> Policy:
    """The policy given, or read from the path given, or from the case's policy.toml, or the default."""
    if isinstance(policy, Policy):
        return policy
    file = os.fspath(policy) if policy is not None else case_file
    return read_policy(file) if file else Policy()


def _locate(p: Problem, reads: dict[str, TableRead]) -> Problem:
    return reads[p.table].locate(p) if p.table in reads else p


def _follows(p: Problem, reads: dict[str, TableRead], whole: set[str], policy: Policy | None) -> bool:
    """A cross-table problem that only follows from one already reported: an unknown household whose own row
    (or whole table) has problems, or an unknown tier when the policy could not be read."""
    if p.field in ("tier", "reserved_for"):
        return policy is None
    if p.field != "household_id" or p.table not in ("needs", "services") or p.row is None:
        return False
    if "households" not in whole:
        return True
    if isinstance(p, Omitted):
        return False  # it counts many; some may follow from a rejected household, not all
    return reads[p.table].values["household_id"][p.row] in reads["households"].rejected_ids


def case_files(path: str | os.PathLike[str]) -> list[str]:
    """The files a case is read from (its tables and `policy.toml`, or the workbook), for recording their hashes."""
    if os.path.isfile(path):
        policy = policy_beside(os.fspath(path))
        return [os.fspath(path)] + ([policy] if policy else [])
    found = find_tables(path)
    with found.resource:
        return [s.file for s in found.sheets] + ([found.policy] if found.policy else [])


def case_language(path: str | os.PathLike[str]) -> Literal["en", "zh"]:
    """The language a case is written in, for what allocate says to whoever filled it in: Chinese when a table's
    file or sheet name, or a header of its households table, has Chinese characters (住户.csv, 户号), else English.
    Reads the header row only; a case it cannot open is English (reading it will say why)."""
    found = find_tables(path)
    with found.resource:
        for sheet in found.sheets:
            if _chinese(os.path.basename(sheet.file)):
                return "zh"
        households = next((s for s in found.sheets if s.table.name == "households"), None)
        if households is not None:
            for _, cells in households.rows():
                return "zh" if any(_chinese(c) for c in cells) else "en"
    return "en"


def _chinese(text: str) -> bool:
    """Whether `text` has a CJK ideograph."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)
