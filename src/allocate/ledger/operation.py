"""`Operation`: the rounds of one community over a crisis, planned with `allocate.run` and kept in a ledger.

    with Operation.open("my-operation") as op:      # SQLite: my-operation/ledger.sqlite
        record = op.plan_round("case-week-1")        # plans, writes my-operation/round-001, records it
        print([str(r) for r in op.rounds()])

A round is planned, its five output files are written at once (`Result.write`), and only then is it recorded, in
one transaction: a kill before the record leaves at most an output folder the ledger does not know (the next
round replaces it), never a half-recorded round.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from allocate.checks import check_path, check_type, fail
from allocate.ledger.digest import files_hashes, folder_hashes
from allocate.ledger.engine import LEDGER_FILE, ledger_url
from allocate.ledger.errors import LedgerError
from allocate.ledger.records import AllocationRow, RoundRecord, VisitRow
from allocate.ledger.store import Ledger, NewRound
from allocate.run import Progress, Result
from allocate.schema import Case, Policy

DEFAULT_OPERATION = "default"
"""The name of the operation a new ledger gets when none is named."""


def round_folder(number: int, revision: int = 1) -> str:
    """The name of a round's output folder in an operation folder: `round-003`, a correction `round-003-r2`."""
    return f"round-{number:03d}" + (f"-r{revision}" if revision > 1 else "")


class Operation:
    """An operation: its rounds, in a ledger (SQLite file or PostgreSQL), and a folder for their output files.

    Open one with `Operation.open`; `plan_round` plans, writes and records the next round (or a correction),
    `rounds` and `round` read the records back. Use it as a context manager, or `close` it.
    """

    def __init__(self, ledger: Ledger, operation_id: int, name: str, folder: Path | None) -> None:
        self.ledger = ledger
        self.id = operation_id
        self.name = name
        self.folder = folder

    @classmethod
    def open(
        cls,
        where: str | os.PathLike[str],
        name: str | None = None,
        *,
        folder: str | os.PathLike[str] | None = None,
        create: bool = True,
    ) -> Operation:
        """Open (or start) an operation in the ledger `where`.

        `where` is a folder (its `ledger.sqlite`), a SQLite file, or a database URL (`sqlite:///path`,
        `postgresql+psycopg://user:password@host/database`). `name` picks the operation: None is the ledger's
        only one (a new ledger starts one named "default"); a name the ledger lacks is started. `folder` is where
        round outputs go by default: for a path, the folder of the ledger file. Without `create`, an operation
        (or a SQLite ledger) that does not exist yet is an error (`LedgerError`) rather than started.
        """
        if not isinstance(where, str | os.PathLike):
            raise fail("where", "Operation.open", "a path or a database URL", where)
        check_type(name, (str, type(None)), "name", "Operation.open", "a str or None")
        if folder is not None:
            check_path(folder, "folder", "Operation.open")
        text = os.fspath(where)
        home: Path | None = Path(folder) if folder is not None else None
        if home is None and "://" not in text:
            home = Path(text) if Path(text).is_dir() or not Path(text).suffix else Path(text).parent
            where = home / LEDGER_FILE if home == Path(text) else where
        if not create and "://" not in os.fspath(where) and not Path(ledger_url_path(where)).is_file():
            raise LedgerError("ledger_none_here", where=os.fspath(where))
        ledger = Ledger.open(where)
        try:
            if name is None:
                names = ledger.operations()
                if len(names) > 1:
                    raise LedgerError("ledger_which_operation", names=", ".join(names))
                if not names and not create:
                    raise LedgerError("ledger_no_operation", name=DEFAULT_OPERATION, url=ledger.url)
                name = names[0] if names else DEFAULT_OPERATION
            if not name.strip():
                raise fail("name", "Operation.open", "a non-blank name or None", name)
            return cls(ledger, ledger.operation(name, create=create), name, home)
        except BaseException:
            ledger.close()
            raise

    def close(self) -> None:
        """Close the ledger's connections."""
        self.ledger.close()

    def __enter__(self) -> Operation:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Operation {self.name!r} in {self.ledger.url}>"

    def rounds(self, *, superseded: bool = False) -> tuple[RoundRecord, ...]:
        """The current record of every round, by number; with `superseded`, every record (corrected ones too)."""
        return self.ledger.rounds(self.id, superseded=superseded)

    def round(self, number: int, revision: int | None = None) -> RoundRecord:
        """Round `number`'s current record, or its record of `revision`."""
        return self.ledger.round(self.id, number, revision)

    def problems(self) -> list[str]:
        """What is inconsistent in this operation's records and their output folders (empty: all is well)."""
        found = self.ledger.problems(self.id)
        for r in self.rounds():
            folder = self._resolve(r.folder)
            if not folder.is_dir():
                found.append(f"round {r.number}: output folder {folder} is missing")
            elif folder_hashes(folder) != r.outputs:
                found.append(f"round {r.number}: the files in {folder} are not those recorded")
        return found

    def plan_round(
        self,
        case: Case | str | os.PathLike[str],
        out: str | os.PathLike[str] | None = None,
        *,
        policy: Policy | str | os.PathLike[str] | None = None,
        inputs: Iterable[str | os.PathLike[str]] | None = None,
        corrects: int | None = None,
        note: str | None = None,
        lang: Literal["en", "zh"] = "en",
        overwrite: bool = False,
        backend: str = "auto",
        time_limit: float | None = None,
        progress: Progress | None = None,
    ) -> RoundRecord:
        """Plan the next round (or, with `corrects=N`, round N again), write its outputs, record it; return it.

        `case` is a `Case` or a case's path (then read, and its files are the `inputs`); `policy` a `Policy`, or
        a policy.toml path with a case path. `inputs` are the files the case was read from: their SHA-256 go into
        the record and `summary.json`. `out` is the output folder, by default `round-NNN` in the operation's
        folder (a folder the ledger does not know, left by an interrupted round, is replaced there). A correction
        is a new record that supersedes the round's current one; `note` says why. `backend`, `time_limit` and
        `progress` are `allocate.run`'s.
        """
        from allocate.io import case_files, read_case
        from allocate.io.policy_file import policy_toml
        from allocate.run import run

        check_type(corrects, (int, type(None)), "corrects", "Operation.plan_round", "a round number or None")
        check_type(note, (str, type(None)), "note", "Operation.plan_round", "a str or None")
        files: list[Path] = [Path(p) for p in inputs] if inputs is not None else []
        if isinstance(case, str | os.PathLike):
            if policy is not None and not isinstance(policy, str | os.PathLike):
                raise fail("policy", "Operation.plan_round", "a policy.toml path with a case path", policy)
            if inputs is None:
                files = [Path(f) for f in case_files(case)] + ([Path(policy)] if policy is not None else [])
            case = read_case(case, policy=policy)
            policy = None
        elif policy is not None and not isinstance(policy, Policy):
            raise fail("policy", "Operation.plan_round", "a Policy or None with a Case", policy)
        check_type(case, Case, "case", "Operation.plan_round", "a Case or a case's path")
        if corrects is None:
            number, revision = self.ledger.next_number(self.id), 1
        else:
            revision = self.ledger.current_revision(self.id, corrects) + 1
            if revision == 1:
                raise LedgerError("ledger_no_round", number=corrects, operation=self.name)
            number = corrects
        target = self._target(out, number, revision)
        result = run(case, policy, backend=backend, time_limit=time_limit, progress=progress)
        ours = out is None or overwrite
        result.write(target, lang=lang, overwrite=ours, inputs=files)
        summary = json.loads((target / "summary.json").read_text("utf-8"))
        plan = result.plan
        termination: dict[str, Any] = plan.termination.model_dump(mode="json") if plan.termination is not None else {}
        return self.ledger.record_round(
            self.id,
            NewRound(
                plan_date=plan.plan_date,
                status=plan.status.value,
                termination=termination,
                policy_toml=policy_toml(plan.case.policy),
                summary=summary,
                inputs=files_hashes(files),
                outputs=folder_hashes(target),
                folder=self._recorded(target),
                allocate_version=_version("allocate"),
                allocations=_allocation_rows(result),
                visits=_visit_rows(result),
                corrects=corrects,
                note=note,
            ),
        )

    def _target(self, out: str | os.PathLike[str] | None, number: int, revision: int) -> Path:
        """The output folder of round `number`, `revision`; refused if a recorded round's outputs are there."""
        if out is None:
            if self.folder is None:
                raise LedgerError("ledger_needs_out")
            target = self.folder / round_folder(number, revision)
        else:
            check_path(out, "out", "Operation.plan_round")
            target = Path(out)
        taken = {self._resolve(r.folder).resolve() for r in self.rounds(superseded=True)}
        if target.resolve() in taken:
            raise LedgerError("ledger_folder_taken", folder=str(target))
        return target

    def _recorded(self, folder: Path) -> str:
        """`folder` as recorded: relative to the operation's folder when inside it (the operation can move)."""
        if self.folder is not None:
            try:
                return folder.resolve().relative_to(self.folder.resolve()).as_posix()
            except ValueError:
                pass
        return str(folder.resolve())

    def _resolve(self, recorded: str) -> Path:
        path = Path(recorded)
        return path if path.is_absolute() or self.folder is None else self.folder / path


def ledger_url_path(where: str | os.PathLike[str]) -> str:
    """The file of a SQLite ledger named by a path."""
    return ledger_url(where).removeprefix("sqlite:///")


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _allocation_rows(result: Result) -> tuple[AllocationRow, ...]:
    """The plan's allocations as `allocation.csv` lists them."""
    case = result.plan.case
    tiers = case.policy.tier_names
    needs = {n.need_id: (n, tiers[rank]) for n, rank in zip(case.needs, case.need_tiers, strict=True)}
    rows = []
    for a in result.plan.allocations:
        need, tier = needs[a.need_id]
        grid = case.households[case.household_index[need.household_id]].grid
        rows.append(AllocationRow(a.need_id, need.household_id, grid, tier, need.item, a.lot_id, a.quantity))
    return tuple(rows)


def _visit_rows(result: Result) -> tuple[VisitRow, ...]:
    """The plan's visits as `visits.csv` lists them."""
    case = result.plan.case
    return tuple(
        VisitRow(
            v.volunteer_id,
            v.household_id,
            case.households[case.household_index[v.household_id]].grid,
            v.kind,
            v.service_id,
            v.hours,
        )
        for v in result.plan.visits
    )
