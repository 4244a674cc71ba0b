"""Warnings for columns the policy reads that a case leaves out.

A missing optional column is legal: every row then reads the default (not disabled, age unknown, urgency
normal). But when a tier's clause reads that column, the clause quietly never holds (or always does), and the
planner sees no sign of it. So each column a clause reads that a table's header lacks is one warning, at the
header of that table, naming the clauses it decides.
"""

from __future__ import annotations

import json
from typing import Any

from allocate.catalog import Lang, message, tier_label
from allocate.errors import Problem
from allocate.io.columns import HOUSEHOLDS, NEEDS, SERVICES, Column, Table
from allocate.io.tables import TableRead
from allocate.schema import Clause, Household, Policy, Urgency

READS: dict[str, str] = {
    "urgency": "urgency",
    "min_age": "oldest_age",
    "max_age": "oldest_age",
    "lives_alone": "lives_alone",
    "disabled": "disabled",
    "chronic_illness": "chronic_illness",
    "min_members": "members",
    "grids": "grid",
}
"""The column each condition of a clause reads (`urgency` in needs and services, the rest in households)."""

WITHOUT: dict[str, str] = {  # the optional columns a clause reads
    "urgency": "every {row} is normal",
    "oldest_age": "no household's age is known",
    "lives_alone": "no household counts as living alone",
    "disabled": "no household counts as disabled",
    "chronic_illness": "no household counts as chronically ill",
    "members": "every household counts as one member",
}
"""What every row reads when the column is absent (`grid` is required: its absence is an error)."""

_DEFAULT = Household(household_id="-", grid="-")


def absent_columns(policy: Policy, reads: dict[str, TableRead]) -> list[Problem]:
    """One warning per column a clause of `policy` reads that a table with a header does not have."""
    out: list[Problem] = []
    for table, row in ((HOUSEHOLDS, "household"), (NEEDS, "need"), (SERVICES, "service")):
        read = reads.get(table.name)
        if read is None or not read.columns:
            continue  # no table, or no header to speak of (already an error)
        for col in table.columns:
            if col.name in WITHOUT and col.name not in read.columns:
                message = _message(policy, table, col, row)
                if message:
                    words = {"alias": table.alias, "column": col.aliases[0], "effect": _effect(policy, col, "zh")}
                    out.append(
                        Problem(
                            file=read.sheet.file,
                            line=1,
                            table=table.name,
                            message=message,
                            severity="warning",
                            key=f"absent_{col.name}",
                            words=words,
                        )
                    )
    return out


def _effect(policy: Policy, col: Column, lang: Lang) -> str:
    """What the absence of `col` does to the policy's clauses, in `lang`'s words (the catalog's)."""
    never, always = _clauses(policy, col)
    parts = []
    if never:
        parts.append(message("absent_never", lang, clauses=_listed(never, lang)))
    if always:
        parts.append(message("absent_always", lang, clauses=_listed(always, lang)))
    return message("list_sep", lang).join(parts)


def _clauses(policy: Policy, col: Column) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (tier, clause) pairs that read `col`: those that then never hold, and those every row then meets."""
    never: list[tuple[str, str]] = []
    always: list[tuple[str, str]] = []
    for tier in policy.tiers:
        for clause in tier.when or ():
            conditions = {c: getattr(clause, c) for c in clause.model_fields_set if READS[c] == col.name}
            if conditions:
                met = _holds_by_default(Clause.model_validate(conditions))
                (always if met else never).append((tier.name, _toml(clause)))
    return never, always


def _message(policy: Policy, table: Table, col: Column, row: str) -> str | None:
    """What the absence of `col` does to the policy's clauses, or None when no clause reads it."""
    never, always = _clauses(policy, col)
    if not never and not always:
        return None
    message = f"{table.name} has no {col.name} ({col.aliases[0]}) column: {WITHOUT[col.name].format(row=row)}"
    if never:
        clauses = "clause" if len(never) == 1 else "clauses"
        message += f", so the {clauses} {_listed(never)} never {'holds' if len(never) == 1 else 'hold'}"
    if always:
        message += f"{'; and' if never else ', so'} every {row} meets the condition on it in {_listed(always)}"
    return message


def _holds_by_default(probe: Clause) -> bool:
    """Whether a one-condition clause holds for a row that has the default in every column."""
    d = _DEFAULT
    return probe.holds(
        urgency=Urgency.NORMAL,
        oldest_age=d.oldest_age,
        lives_alone=d.lives_alone,
        disabled=d.disabled,
        chronic_illness=d.chronic_illness,
        grid=d.grid,
        members=d.members,
    )


def _listed(clauses: list[tuple[str, str]], lang: Lang = "en") -> str:
    """`{ a } and { b } of tier x, { c } of tier y`: clauses grouped by tier, in policy order."""
    tiers: dict[str, list[str]] = {}
    for tier, clause in clauses:
        tiers.setdefault(tier, []).append(clause)
    if lang == "en":
        return ", ".join(f"{' and '.join(cs)} of tier {tier}" for tier, cs in tiers.items())
    return message("enum_comma", lang).join(
        message("absent_of_tier", lang, tier=tier_label(tier, lang), clauses=message("enum_comma", lang).join(cs))
        for tier, cs in tiers.items()
    )


def _toml(clause: Clause) -> str:
    """A clause as policy.toml writes it: `{ min_age = 60, lives_alone = true }`."""
    return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in clause.model_dump(exclude_unset=True).items()) + " }"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple | list):
        return json.dumps([str(x) for x in v], ensure_ascii=False)
    return str(v)
