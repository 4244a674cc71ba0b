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
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from allocate.checks import check_path, check_type, fail
from allocate.ledger.difference import DIFFERENCE_COLUMNS, DIFFERENCE_FILE, Change, difference
from allocate.ledger.digest import files_hashes, folder_hashes
from allocate.ledger.engine import LEDGER_FILE, ledger_url
from allocate.ledger.errors import Finding, LedgerError
from allocate.ledger.records import AllocationRow, FileHash, ResultBatch, ResultRow, RoundRecord, VisitRow
from allocate.ledger.store import Ledger, NewRound
from allocate.plan import Allocation, Previous, Visit
from allocate.run import Progress, Result
from allocate.schema import Case, Earlier, Lot, Policy

if TYPE_CHECKING:
    from allocate.ledger.credit import Credits
    from allocate.ledger.results import VisitReport
    from allocate.schema.policy import CreditRule

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

    def problems(self) -> list[Finding]:
        """What is inconsistent in this operation's records and their output folders (empty: all is well)."""
        found = self.ledger.problems(self.id)
        for r in self.rounds():
            folder = self._resolve(r.folder)
            if not folder.is_dir():
                found.append(Finding("ledger_check_folder_missing", number=r.number, folder=folder))
            elif folder_hashes(folder) != r.outputs:
                found.append(Finding("ledger_check_files_changed", number=r.number, folder=folder))
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
        carry: bool = False,
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
        is a new record that supersedes the round's current one; `note` says why. With `carry`, what the round
        before did not deliver is added to the case's lots (`carried_lots`). When the policy's `even_load` is on,
        the hours each volunteer was planned in the earlier rounds (`volunteer_load`) break ties between volunteers
        (`allocate.solve`), and the record lists them among its inputs (`volunteer-load-before-round-NNN`, their
        SHA-256). A correction starts from the published plan of round N's current record: among plans exactly
        as good for households as a fresh one, it keeps as many of its allocations and visits as it can
        (`allocate.solve`'s `previous`), and its folder gets `difference.csv`, what changed for each household
        (`difference`). `backend`, `time_limit` and `progress` are `allocate.run`'s.
        """
        from allocate.io import case_files, read_case
        from allocate.io.policy_file import policy_toml
        from allocate.outputs import input_hashes, write_outputs
        from allocate.run import run

        check_type(corrects, (int, type(None)), "corrects", "Operation.plan_round", "a round number or None")
        check_type(note, (str, type(None)), "note", "Operation.plan_round", "a str or None")
        check_type(carry, bool, "carry", "Operation.plan_round", "True or False")
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
        published: RoundRecord | None = None
        if corrects is None:
            number, revision = self.ledger.next_number(self.id), 1
        else:
            revision = self.ledger.current_revision(self.id, corrects) + 1
            if revision == 1:
                raise LedgerError("ledger_no_round", number=corrects, operation=self.name)
            number = corrects
            published = self.round(corrects)
        derived: tuple[FileHash, ...] = ()  # inputs the ledger made: carried stock, earlier rounds, earlier load
        if carry:
            case, derived = self._carried(case, number)
        rule = policy.over_rounds if isinstance(policy, Policy) else case.policy.over_rounds
        if rule is not None and not case.earlier:
            case, history = self._with_earlier(case, number)
            derived += history
        load: dict[str, float] | None = None
        if (policy if isinstance(policy, Policy) else case.policy).even_load:
            load = self.volunteer_load(number)
            if load:
                derived += (_load_entry(load, number),)
        target = self._target(out, number, revision)
        result = run(
            case,
            policy,
            backend=backend,
            time_limit=time_limit,
            progress=progress,
            earlier_load=load,
            previous=None if published is None else _previous(published),
        )
        allocations, visits = _allocation_rows(result), _visit_rows(result)
        extra: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]] = {}
        if published is not None:
            changes = difference((published.allocations, published.visits), (allocations, visits))
            extra[DIFFERENCE_FILE] = (DIFFERENCE_COLUMNS, [c.row() for c in changes])
        summary = dict(result.summary)
        summary["inputs"] = input_hashes(files)
        write_outputs(
            target, result.plan, result.explanation, summary, lang=lang, overwrite=out is None or overwrite, extra=extra
        )
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
                inputs=files_hashes(files) + derived,
                outputs=folder_hashes(target),
                folder=self._recorded(target),
                allocate_version=_version("allocate"),
                allocations=allocations,
                visits=visits,
                corrects=corrects,
                note=note,
                lots=tuple(lot.model_dump(mode="json") for lot in plan.case.lots),
                needs=_asked(plan.case),
            ),
        )

    def difference(self, number: int, revision: int | None = None) -> tuple[Change, ...]:
        """What changed for each household from the record round `number`'s record of `revision` (by default the
        current one) supersedes to that record (`allocate.ledger.difference`); () for a round's first record."""
        record = self.round(number, revision)
        if record.revision == 1:
            return ()
        before = self.round(number, record.revision - 1)
        return difference((before.allocations, before.visits), (record.allocations, record.visits))

    def earlier(self, number: int) -> tuple[Earlier, ...]:
        """What each household asked for and received of each item in the rounds before round `number`, as the
        `earlier` table of a case (`rounds_ago` 1: round `number - 1`): asked as the round's case had it, received
        as the volunteers reported it where they did (`record_results`), else as planned. Rounds recorded before
        the ledger kept what was asked (schema 0003) are left out."""
        out: list[Earlier] = []
        for r in self.rounds():
            if r.number >= number:
                continue
            asked = self.ledger.round_needs(r.id)
            if asked is None:
                continue
            got: dict[tuple[str, str], int] = {}
            for a in r.allocations:
                got[a.household_id, a.item] = got.get((a.household_id, a.item), 0) + a.quantity
            reported: dict[tuple[str, str], int] = {}
            for x in self.results(r.number):
                if x.item is not None:
                    reported[x.household_id, x.item] = reported.get((x.household_id, x.item), 0) + x.delivered
            got.update(reported)
            for household, item, units in asked:
                received = min(got.get((household, item), 0), units)
                out.append(
                    Earlier(
                        household_id=household,
                        item=item,
                        rounds_ago=number - r.number,
                        requested=units,
                        received=received,
                    )
                )
        return tuple(sorted(out, key=lambda e: (e.household_id, e.item, e.rounds_ago)))

    def _with_earlier(self, case: Case, number: int) -> tuple[Case, tuple[FileHash, ...]]:
        """`case` with the earlier rounds its households took part in (`earlier`), and the input entry that records
        them (`earlier-rounds`, the SHA-256 of the rows)."""
        from allocate.ledger.digest import canonical_json, sha256_text

        known = set(case.household_index)
        rows = tuple(e for e in self.earlier(number) if e.household_id in known)
        text = canonical_json([e.model_dump(mode="json") for e in rows])
        entry = FileHash("earlier-rounds", sha256_text(text), len(text.encode("utf-8")))
        return case.replace(earlier=rows), (entry,)

    def _carried(self, case: Case, number: int) -> tuple[Case, tuple[FileHash, ...]]:
        """`case` with the stock round `number - 1` did not deliver added to its lots, and the input entry that
        records it (`carried-from-round-NNN`, the SHA-256 of the lots carried)."""
        from allocate.ledger.digest import canonical_json, sha256_text

        if number < 2:
            raise LedgerError("ledger_no_previous_round", number=number)
        lots = carried_lots(case, self.stock_after(number - 1), number - 1)
        text = canonical_json([lot.model_dump(mode="json") for lot in lots])
        entry = FileHash(f"carried-from-{round_folder(number - 1)}", sha256_text(text), len(text.encode("utf-8")))
        data = {
            name: getattr(case, name) for name in ("households", "needs", "volunteers", "services", "policy", "earlier")
        }
        return Case.model_validate({**data, "lots": (*case.lots, *lots)}), (entry,)

    def volunteer_load(self, round: int) -> dict[str, float]:
        """Hours each volunteer was planned in the rounds before round `round` (their current records), by id: what
        `plan_round` gives the plan to even volunteers' load (planned, not credited, hours: a volunteer asked for
        the time was asked whether or not the household was at home, and results may come late)."""
        from decimal import Decimal

        check_type(round, int, "round", "Operation.volunteer_load", "a round number")
        hours: dict[str, Decimal] = {}
        for record in self.rounds():
            if record.number < round:
                for v in record.visits:
                    hours[v.volunteer_id] = hours.get(v.volunteer_id, Decimal(0)) + Decimal(repr(v.hours))
        return {k: float(hours[k]) for k in sorted(hours)}

    def record_results(
        self,
        round: int,
        results: str | os.PathLike[str] | Iterable[VisitReport],
        *,
        note: str | None = None,
    ) -> ResultBatch:
        """Record what volunteers report for round `round`'s visits, in one transaction; return the batch.

        `results` is a results file (the delivery sheet `volunteers.csv` with its result column filled, CSV or
        .xlsx: `allocate.ledger.results`) or `VisitReport`s. Every problem (a visit the plan lacks, a result word
        not known, units above those planned) raises one `InputError` listing them all, and nothing is recorded.
        A visit reported again (a later file, a correction) has the later result; the earlier stays recorded.
        """
        from allocate.errors import InputError
        from allocate.ledger.digest import canonical_json, file_hash, sha256_text
        from allocate.ledger.results import check_reports, read_reports

        check_type(round, int, "round", "Operation.record_results", "a round number")
        record = self.round(round)
        if isinstance(results, str | os.PathLike):
            file = os.fspath(results)
            reports, problems = read_reports(file)
            rows, more = check_reports(reports, record, file)
            digest = file_hash(file)
            source, sha = digest.name, digest.sha256
        else:
            reports = list(results)
            rows, more = check_reports(reports, record)
            problems, source = [], "rows"
            sha = sha256_text(canonical_json([r.__dict__ for r in rows]))
        problems += more
        if problems:
            raise InputError(problems)
        batch = self.ledger.record_results(record.id, rows, source=source, source_sha256=sha, note=note)
        return self.ledger.result_batches(record)[batch - 1]

    def result_batches(self, round: int) -> tuple[ResultBatch, ...]:
        """Every batch of results recorded for round `round`'s current record, in the order recorded."""
        return self.ledger.result_batches(self.round(round))

    def results(self, round: int) -> tuple[ResultRow, ...]:
        """The current result of every reported visit of round `round`: per visit, the rows of the last batch that
        reports it (a later report supersedes an earlier one), in the order of the round's visits."""
        record = self.round(round)
        latest: dict[tuple[str, str], tuple[ResultRow, ...]] = {}
        for batch in self.ledger.result_batches(record):
            by_visit: dict[tuple[str, str], list[ResultRow]] = {}
            for r in batch.rows:
                by_visit.setdefault((r.volunteer_id, r.household_id), []).append(r)
            latest.update({k: tuple(v) for k, v in by_visit.items()})
        order = list(dict.fromkeys((v.volunteer_id, v.household_id) for v in record.visits))
        return tuple(r for key in order for r in latest.get(key, ()))

    def credit(self, round: int | None = None, *, rule: CreditRule | None = None) -> Credits:
        """Volunteers' service-hour credit for the confirmed visits of every round (or of round `round`), each
        round by the `credit` rule of the policy it was planned under, or by `rule` (`allocate.ledger.credit`)."""
        from allocate.ledger.credit import credits_of

        check_type(round, (int, type(None)), "round", "Operation.credit", "a round number or None")
        records = self.rounds() if round is None else (self.round(round),)
        return credits_of(self.name, ((r, self.results(r.number)) for r in records), rule)

    def unreported(self, round: int) -> tuple[tuple[str, str], ...]:
        """The visits of round `round` (volunteer, household) with no result yet."""
        record = self.round(round)
        reported = {(r.volunteer_id, r.household_id) for r in self.results(round)}
        visits = dict.fromkeys((v.volunteer_id, v.household_id) for v in record.visits)
        return tuple(k for k in visits if k not in reported)

    def stock_after(self, round: int) -> tuple[Lot, ...]:
        """The units of round `round` reported not delivered, per lot: each a `Lot` with its id, item, expiry,
        donor, tier and grid limits as the round's case had them, and `quantity` the units back in stock.

        A household's delivered units of an item are taken from its allocations of that item in `allocation.csv`'s
        order; what is left of each allocation goes back to its lot. Only reported visits count: a visit with no
        result yet returns nothing (`unreported`). Lots are in the order of the round's case."""
        record = self.round(round)
        delivered: dict[tuple[str, str], int] = {}
        reported: set[tuple[str, str]] = set()
        for r in self.results(round):
            if r.item is not None:
                key = (r.household_id, r.item)
                reported.add(key)
                delivered[key] = delivered.get(key, 0) + r.delivered
        back: dict[str, int] = {}
        items: dict[str, str] = {}
        for a in record.allocations:
            key = (a.household_id, a.item)
            if key not in reported:
                continue
            used = min(a.quantity, delivered.get(key, 0))
            delivered[key] = delivered.get(key, 0) - used
            if a.quantity > used:
                back[a.lot_id] = back.get(a.lot_id, 0) + a.quantity - used
                items[a.lot_id] = a.item
        known = {x["lot_id"]: x for x in self.ledger.round_lots(record.id) or ()}
        order = list(known) + [lot for lot in back if lot not in known]
        return tuple(
            Lot.model_validate({**known.get(lot, {"lot_id": lot, "item": items[lot]}), "quantity": back[lot]})
            for lot in order
            if lot in back
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


def carried_lots(case: Case, stock: Iterable[Lot], number: int) -> tuple[Lot, ...]:
    """The lots of `stock` (`Operation.stock_after(number)`) as lots of `case`: each keeps its id, expiry and donor;
    an id the case's own supplies already use gets `-rNNN` (the round it comes from) added, so both stay apart."""
    taken = {lot.lot_id for lot in case.lots}
    out = []
    for lot in stock:
        lot_id = lot.lot_id if lot.lot_id not in taken else f"{lot.lot_id}-r{number:03d}"
        taken.add(lot_id)
        out.append(lot.model_copy(update={"lot_id": lot_id}))
    return tuple(out)


def _load_entry(load: dict[str, float], number: int) -> FileHash:
    """The input entry that records the earlier load round `number` was planned with: its SHA-256 and size."""
    from allocate.ledger.digest import canonical_json, sha256_text

    text = canonical_json(load)
    return FileHash(f"volunteer-load-before-{round_folder(number)}", sha256_text(text), len(text.encode("utf-8")))


def ledger_url_path(where: str | os.PathLike[str]) -> str:
    """The file of a SQLite ledger named by a path."""
    return ledger_url(where).removeprefix("sqlite:///")


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _previous(record: RoundRecord) -> Previous:
    """A record's plan as `solve` takes a published plan."""
    return Previous(
        allocations=tuple(
            Allocation(need_id=a.need_id, lot_id=a.lot_id, quantity=a.quantity) for a in record.allocations
        ),
        visits=tuple(
            Visit.model_validate(
                {
                    "volunteer_id": v.volunteer_id,
                    "household_id": v.household_id,
                    "kind": v.kind,
                    "service_id": v.service_id,
                    "hours": v.hours,
                }
            )
            for v in record.visits
        ),
    )


def _asked(case: Case) -> tuple[tuple[str, str, int], ...]:
    """What `case` asks, (household, item, units) summed over its needs, by household and item."""
    asked: dict[tuple[str, str], int] = {}
    needs = case.needs
    for key, quantity in zip(
        zip(needs.column("household_id"), needs.column("item"), strict=True), needs.column("quantity"), strict=True
    ):
        asked[key] = asked.get(key, 0) + quantity
    return tuple((h, i, q) for (h, i), q in sorted(asked.items()))


def _allocation_rows(result: Result) -> tuple[AllocationRow, ...]:
    """The plan's allocations as `allocation.csv` lists them."""
    case = result.plan.case
    tiers = case.policy.tier_names
    need_ids, owners, items = (case.needs.column(f) for f in ("need_id", "household_id", "item"))
    at = dict(zip(need_ids, range(len(need_ids)), strict=True))
    grids = case.households.column("grid")
    rows = []
    allocs = result.plan.allocations
    for need_id, lot_id, quantity in zip(*map(allocs.column, ("need_id", "lot_id", "quantity")), strict=True):
        i = at[need_id]
        grid = grids[case.household_index[owners[i]]]
        tier = tiers[case.need_tiers[i]]
        rows.append(AllocationRow(need_id, owners[i], grid, tier, items[i], lot_id, quantity))
    return tuple(rows)


def _visit_rows(result: Result) -> tuple[VisitRow, ...]:
    """The plan's visits as `visits.csv` lists them, with the case facts credit weights read: whether the household
    is quarantined, the volunteer's organisation."""
    case = result.plan.case
    organisation = {v.volunteer_id: v.organisation for v in case.volunteers or ()}
    grids, quarantined = case.households.column("grid"), case.households.column("quarantined")
    rows = []
    fields = ("volunteer_id", "household_id", "kind", "service_id", "hours")
    for volunteer_id, home, kind, service_id, hours in zip(*map(result.plan.visits.column, fields), strict=True):
        row = case.household_index[home]
        rows.append(
            VisitRow(
                volunteer_id,
                home,
                grids[row],
                kind,
                service_id,
                hours,
                quarantined[row],
                organisation.get(volunteer_id),
            )
        )
    return tuple(rows)
