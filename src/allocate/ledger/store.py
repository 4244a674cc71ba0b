"""The ledger's store: open (and upgrade) a database, add operations and round records, read them back.

Every write is one transaction: a round's row, its files, allocations and visits are committed together or not
at all, so a kill at any moment leaves the ledger with the whole round or none of it. Nothing is ever updated or
deleted (`allocate.ledger.tables`); a correction is a new record that supersedes the round's current one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from allocate.ledger import tables as t
from allocate.ledger.digest import canonical_json, plan_digest, record_digest, sha256_text
from allocate.ledger.engine import ledger_url, make_engine, shown_url
from allocate.ledger.errors import Finding, LedgerError
from allocate.ledger.migrate import current, upgrade
from allocate.ledger.records import AllocationRow, FileHash, ResultBatch, ResultRow, RoundRecord, VisitRow

_CHUNK_ROWS = 5000
"""Rows per INSERT statement of a round's allocations and visits (all inside the round's one transaction)."""


@dataclass(frozen=True)
class NewRound:
    """What a round record is made of, before the ledger numbers and digests it (`Ledger.record_round`).

    `corrects` is None for a new round (numbered one after the last), or the number of the round this record
    corrects: it then supersedes that round's current record."""

    plan_date: dt.date
    status: str
    termination: Mapping[str, Any]
    policy_toml: str
    summary: Mapping[str, Any]
    inputs: tuple[FileHash, ...]
    outputs: tuple[FileHash, ...]
    folder: str
    allocate_version: str
    allocations: tuple[AllocationRow, ...]
    visits: tuple[VisitRow, ...]
    corrects: int | None = None
    note: str | None = None
    lots: tuple[Mapping[str, Any], ...] = ()  # the case's lots as JSON (`Lot.model_dump(mode="json")`)
    needs: tuple[tuple[str, str, int], ...] = ()  # what the case asked: (household, item, units), by household, item


class Ledger:
    """A ledger database: SQLite in a file, or PostgreSQL. Open it with `Ledger.open`; close it when done."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, where: str | os.PathLike[str]) -> Ledger:
        """Open the ledger at `where` (a path, or a `sqlite:///` or `postgresql+psycopg://` URL), creating or
        upgrading its schema; a schema newer than this allocate knows is refused (`LedgerTooNewError`)."""
        url = ledger_url(where)
        engine = make_engine(url)
        try:
            upgrade(engine)
        except LedgerError:
            engine.dispose()
            raise
        except sa.exc.OperationalError as e:
            engine.dispose()
            raise LedgerError("ledger_cannot_open", url=shown_url(url), why=str(e.orig)) from None
        return cls(engine)

    @property
    def url(self) -> str:
        """The database's URL, without a password."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close every connection to the database."""
        self.engine.dispose()

    def schema_revision(self) -> str | None:
        """The schema revision of the database (Alembic's)."""
        with self.engine.connect() as connection:
            return current(connection)

    def operations(self) -> tuple[str, ...]:
        """The names of the operations in the ledger, in the order they were added."""
        with self.engine.connect() as connection:
            return tuple(connection.scalars(sa.select(t.operations.c.name).order_by(t.operations.c.id)))

    def operation(self, name: str, *, create: bool = True) -> int:
        """The id of the operation `name`; added (in its own transaction) if missing and `create`."""
        query = sa.select(t.operations.c.id).where(t.operations.c.name == name)
        with self.engine.connect() as connection:
            found = connection.scalar(query)
        if found is not None:
            return int(found)
        if not create:
            raise LedgerError("ledger_no_operation", name=name, url=self.url)
        try:
            with self.engine.begin() as connection:
                return int(
                    connection.execute(
                        t.operations.insert().values(name=name, created_at=_now()).returning(t.operations.c.id)
                    ).scalar_one()
                )
        except sa.exc.IntegrityError:  # added by another process just now
            with self.engine.connect() as connection:
                return int(connection.scalar(query) or 0)

    def next_number(self, operation_id: int) -> int:
        """The number the operation's next round gets."""
        with self.engine.connect() as connection:
            return _last_number(connection, operation_id) + 1

    def current_revision(self, operation_id: int, number: int) -> int:
        """The revision of round `number`'s current record (0 when there is no such round)."""
        with self.engine.connect() as connection:
            row = _current_row(connection, operation_id, number)
        return 0 if row is None else int(row.revision)

    def record_round(self, operation_id: int, new: NewRound) -> RoundRecord:
        """Record a round in one transaction and return it as read back.

        A new round (`new.corrects` None) is numbered one after the operation's last; a correction supersedes the
        current record of round `new.corrects` and takes the next revision. Another process recording the same
        round at the same moment makes this one fail (`LedgerError`), never both succeed.
        """
        try:
            with self.engine.begin() as connection:
                round_id = self._insert(connection, operation_id, new)
        except sa.exc.IntegrityError:
            raise LedgerError("ledger_round_taken") from None
        with self.engine.connect() as connection:
            return _load(connection, sa.select(t.rounds).where(t.rounds.c.id == round_id))[0]

    def _insert(self, connection: sa.Connection, operation_id: int, new: NewRound) -> int:
        name = connection.execute(  # the operation's row, locked on PostgreSQL: its rounds are numbered one at a time
            sa.select(t.operations.c.name).where(t.operations.c.id == operation_id).with_for_update()
        ).scalar_one()
        if new.corrects is None:
            number, revision, old = _last_number(connection, operation_id) + 1, 1, None
        else:
            old = _current_row(connection, operation_id, new.corrects)
            if old is None:
                raise LedgerError("ledger_no_round", number=new.corrects, operation=name)
            number, revision = new.corrects, int(old.revision) + 1
        termination = dict(new.termination)
        plan_sha = plan_digest(new.status, termination, new.allocations, new.visits)
        policy_sha = sha256_text(new.policy_toml)
        record_sha = record_digest(
            operation=name,
            number=number,
            revision=revision,
            supersedes=None if old is None else old.record_sha256,
            plan_date=new.plan_date.isoformat(),
            inputs=new.inputs,
            policy_sha256=policy_sha,
            plan_sha256=plan_sha,
            note=new.note,
        )
        round_id = int(
            connection.execute(
                t.rounds.insert()
                .values(
                    operation_id=operation_id,
                    number=number,
                    revision=revision,
                    supersedes=None if old is None else old.id,
                    note=new.note,
                    recorded_at=_now(),
                    plan_date=new.plan_date.isoformat(),
                    status=new.status,
                    termination=canonical_json(termination),
                    policy_toml=new.policy_toml,
                    policy_sha256=policy_sha,
                    summary=canonical_json(dict(new.summary)),
                    folder=new.folder,
                    allocate_version=new.allocate_version,
                    allocation_count=len(new.allocations),
                    visit_count=len(new.visits),
                    plan_sha256=plan_sha,
                    record_sha256=record_sha,
                )
                .returning(t.rounds.c.id)
            ).scalar_one()
        )
        files = [(f, "input") for f in new.inputs] + [(f, "output") for f in new.outputs]
        if files:
            connection.execute(
                t.round_files.insert(),
                [
                    {"round_id": round_id, "role": r, "name": f.name, "sha256": f.sha256, "size": f.size}
                    for f, r in files
                ],
            )
        _insert_rows(connection, t.round_allocations, round_id, [a.__dict__ for a in new.allocations])
        _insert_rows(connection, t.round_visits, round_id, [v.__dict__ for v in new.visits])
        lots = [
            {"lot_id": x["lot_id"], "item": x["item"], "quantity": int(x["quantity"]), "lot": canonical_json(dict(x))}
            for x in new.lots
        ]
        _insert_rows(connection, t.round_lots, round_id, lots)
        needs = [{"household_id": h, "item": i, "requested": q} for h, i, q in new.needs]
        _insert_rows(connection, t.round_needs, round_id, needs)
        return round_id

    def round_needs(self, round_id: int) -> tuple[tuple[str, str, int], ...] | None:
        """What the round record `round_id`'s case asked, (household, item, units); None if it was recorded before
        the ledger kept it (schema 0003) or asked nothing."""
        c = t.round_needs.c
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(c.household_id, c.item, c.requested).where(c.round_id == round_id).order_by(c.row)
            ).all()
        return tuple((h, i, int(q)) for h, i, q in rows) if rows else None

    def round_lots(self, round_id: int) -> tuple[dict[str, Any], ...] | None:
        """The lots the round record `round_id` was planned from, as JSON; None if it was recorded before the
        ledger kept them (schema 0001)."""
        c = t.round_lots.c
        with self.engine.connect() as connection:
            rows = connection.scalars(sa.select(c.lot).where(c.round_id == round_id).order_by(c.row)).all()
        return tuple(json.loads(x) for x in rows) if rows else None

    def record_results(
        self, round_id: int, rows: Sequence[ResultRow], *, source: str, source_sha256: str, note: str | None
    ) -> int:
        """Record a batch of results for the round record `round_id` in one transaction; returns its batch number."""
        try:
            with self.engine.begin() as connection:
                connection.execute(  # the round's row, locked on PostgreSQL: its batches are numbered one at a time
                    sa.select(t.rounds.c.id).where(t.rounds.c.id == round_id).with_for_update()
                ).scalar_one()
                b = t.result_batches.c
                last = connection.scalar(sa.select(sa.func.max(b.batch)).where(b.round_id == round_id))
                batch = int(last or 0) + 1
                batch_id = connection.execute(
                    t.result_batches.insert()
                    .values(
                        round_id=round_id,
                        batch=batch,
                        recorded_at=_now(),
                        source=source,
                        source_sha256=source_sha256,
                        note=note,
                        row_count=len(rows),
                    )
                    .returning(b.id)
                ).scalar_one()
                for start in range(0, len(rows), _CHUNK_ROWS):
                    chunk = rows[start : start + _CHUNK_ROWS]
                    connection.execute(
                        t.round_results.insert(),
                        [{"batch_id": batch_id, "row": start + k, **r.__dict__} for k, r in enumerate(chunk)],
                    )
        except sa.exc.IntegrityError:
            raise LedgerError("ledger_round_taken") from None
        return batch

    def result_batches(self, record: RoundRecord) -> tuple[ResultBatch, ...]:
        """Every batch of results recorded for the round record `record`, in the order they were recorded."""
        b, r = t.result_batches.c, t.round_results.c
        with self.engine.connect() as connection:
            batches = connection.execute(
                sa.select(t.result_batches).where(b.round_id == record.id).order_by(b.batch)
            ).all()
            rows: dict[int, list[ResultRow]] = {}
            query = sa.select(t.round_results).where(r.batch_id.in_([x.id for x in batches]))
            for x in connection.execute(query.order_by(r.batch_id, r.row)):
                rows.setdefault(x.batch_id, []).append(
                    ResultRow(
                        x.volunteer_id,
                        x.household_id,
                        x.item,
                        x.outcome,
                        int(x.planned),
                        int(x.delivered),
                        x.line,
                        None if x.night is None else bool(x.night),
                    )
                )
        return tuple(
            ResultBatch(
                round_number=record.number,
                round_revision=record.revision,
                batch=int(x.batch),
                recorded_at=dt.datetime.fromisoformat(x.recorded_at),
                source=x.source,
                source_sha256=x.source_sha256,
                note=x.note,
                rows=tuple(rows.get(x.id, ())),
            )
            for x in batches
        )

    def rounds(self, operation_id: int, *, superseded: bool = False) -> tuple[RoundRecord, ...]:
        """The operation's round records by number and revision: the current ones, or with `superseded` all."""
        query = sa.select(t.rounds).where(t.rounds.c.operation_id == operation_id)
        if not superseded:
            query = query.where(~sa.exists().where(_later.c.supersedes == t.rounds.c.id))
        with self.engine.connect() as connection:
            return _load(connection, query.order_by(t.rounds.c.number, t.rounds.c.revision))

    def round(self, operation_id: int, number: int, revision: int | None = None) -> RoundRecord:
        """Round `number`'s current record, or its record of `revision`."""
        query = sa.select(t.rounds).where(t.rounds.c.operation_id == operation_id, t.rounds.c.number == number)
        if revision is None:
            query = query.where(~sa.exists().where(_later.c.supersedes == t.rounds.c.id))
        else:
            query = query.where(t.rounds.c.revision == revision)
        with self.engine.connect() as connection:
            found = _load(connection, query)
            if not found:
                name = connection.scalar(sa.select(t.operations.c.name).where(t.operations.c.id == operation_id))
                raise LedgerError("ledger_no_round", number=number, operation=name)
        return found[0]

    def problems(self, operation_id: int) -> list[Finding]:
        """What is wrong with the operation's records (an empty list: consistent): a round whose row
        counts differ from its rows, a results batch whose row count differs from its rows, a round number skipped,
        a correction chain that branches or ends twice."""
        found: list[Finding] = []
        records = self.rounds(operation_id, superseded=True)
        by_number: dict[int, list[RoundRecord]] = {}
        for r in records:
            by_number.setdefault(r.number, []).append(r)
            if r.plan_sha256 != plan_digest(r.status, r.termination, r.allocations, r.visits):
                found.append(Finding("ledger_check_digest", number=r.number, revision=r.revision))
        with self.engine.connect() as connection:
            for r in records:
                counts = connection.execute(
                    sa.select(t.rounds.c.allocation_count, t.rounds.c.visit_count).where(t.rounds.c.id == r.id)
                ).one()
                if (len(r.allocations), len(r.visits)) != tuple(counts):
                    found.append(Finding("ledger_check_rows_missing", number=r.number, revision=r.revision))
                if not r.outputs:
                    found.append(Finding("ledger_check_no_outputs", number=r.number, revision=r.revision))
            kept = sa.select(sa.func.count()).where(t.round_results.c.batch_id == t.result_batches.c.id)
            batch = t.result_batches.c
            batches = connection.execute(
                sa.select(t.rounds.c.number, t.rounds.c.revision, batch.batch, batch.row_count, kept.scalar_subquery())
                .select_from(t.result_batches.join(t.rounds, t.rounds.c.id == batch.round_id))
                .where(t.rounds.c.operation_id == operation_id)
                .order_by(t.rounds.c.number, t.rounds.c.revision, batch.batch)
            )
            for number, revision, n, rows, held in batches:
                if rows != held:
                    found.append(Finding("ledger_check_result_rows", number=number, revision=revision, batch=n))
        if sorted(by_number) != list(range(1, len(by_number) + 1)):
            found.append(Finding("ledger_check_numbers", n=len(by_number), numbers=sorted(by_number)))
        for number, chain in by_number.items():
            if [r.revision for r in chain] != list(range(1, len(chain) + 1)):
                found.append(Finding("ledger_check_revisions", number=number, n=len(chain)))
            if sum(r.current for r in chain) != 1:
                found.append(Finding("ledger_check_current", number=number, n=sum(r.current for r in chain)))
        return found


_later = t.rounds.alias("later")


def _now() -> str:
    """The time of day, UTC, for the records people read (never in a digest)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _last_number(connection: sa.Connection, operation_id: int) -> int:
    last = connection.scalar(sa.select(sa.func.max(t.rounds.c.number)).where(t.rounds.c.operation_id == operation_id))
    return int(last or 0)


def _current_row(connection: sa.Connection, operation_id: int, number: int) -> sa.Row[Any] | None:
    return connection.execute(
        sa.select(t.rounds).where(
            t.rounds.c.operation_id == operation_id,
            t.rounds.c.number == number,
            ~sa.exists().where(_later.c.supersedes == t.rounds.c.id),
        )
    ).one_or_none()


def _insert_rows(connection: sa.Connection, table: sa.Table, round_id: int, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK_ROWS):
        chunk = rows[start : start + _CHUNK_ROWS]
        connection.execute(table.insert(), [{"round_id": round_id, "row": start + k, **r} for k, r in enumerate(chunk)])


def _load(connection: sa.Connection, query: sa.Select[Any]) -> tuple[RoundRecord, ...]:
    """The round records `query` selects (rows of `rounds`), with their files, rows and what supersedes them."""
    rows = connection.execute(query).all()
    if not rows:
        return ()
    ids = [r.id for r in rows]
    names = {int(i): str(n) for i, n in connection.execute(sa.select(t.operations.c.id, t.operations.c.name))}
    superseding = sa.select(t.rounds.c.supersedes, t.rounds.c.id).where(t.rounds.c.supersedes.in_(ids))
    later = {int(old): int(new) for old, new in connection.execute(superseding)}
    files: dict[tuple[int, str], list[FileHash]] = {}
    for f in connection.execute(
        sa.select(t.round_files).where(t.round_files.c.round_id.in_(ids)).order_by(t.round_files.c.name)
    ):
        files.setdefault((f.round_id, f.role), []).append(FileHash(name=f.name, sha256=f.sha256, size=int(f.size)))
    allocations: dict[int, list[AllocationRow]] = {}
    a = t.round_allocations.c
    for x in connection.execute(sa.select(t.round_allocations).where(a.round_id.in_(ids)).order_by(a.round_id, a.row)):
        allocations.setdefault(x.round_id, []).append(
            AllocationRow(x.need_id, x.household_id, x.grid, x.tier, x.item, x.lot_id, int(x.quantity))
        )
    visits: dict[int, list[VisitRow]] = {}
    v = t.round_visits.c
    for x in connection.execute(sa.select(t.round_visits).where(v.round_id.in_(ids)).order_by(v.round_id, v.row)):
        visits.setdefault(x.round_id, []).append(
            VisitRow(
                x.volunteer_id,
                x.household_id,
                x.grid,
                x.kind,
                x.service_id,
                float(x.hours),
                None if x.quarantined is None else bool(x.quarantined),
                x.organisation,
            )
        )
    return tuple(
        RoundRecord(
            operation=names[r.operation_id],
            number=int(r.number),
            revision=int(r.revision),
            id=int(r.id),
            supersedes=r.supersedes,
            superseded_by=later.get(r.id),
            note=r.note,
            recorded_at=dt.datetime.fromisoformat(r.recorded_at),
            plan_date=dt.date.fromisoformat(r.plan_date),
            status=r.status,
            termination=json.loads(r.termination),
            policy_toml=r.policy_toml,
            policy_sha256=r.policy_sha256,
            inputs=tuple(files.get((r.id, "input"), ())),
            outputs=tuple(files.get((r.id, "output"), ())),
            folder=r.folder,
            allocate_version=r.allocate_version,
            plan_sha256=r.plan_sha256,
            record_sha256=r.record_sha256,
            summary=json.loads(r.summary),
            allocations=tuple(allocations.get(r.id, ())),
            visits=tuple(visits.get(r.id, ())),
        )
        for r in rows
    )
