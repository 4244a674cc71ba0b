"""`allocate round`: plan an operation's rounds into a ledger, list them, show one, check them, record results,
credit volunteers' hours.

OPDIR is the operation's folder: its ledger (`ledger.sqlite`, unless `--db URL` names a PostgreSQL database) and
one output folder per round (`round-001`, a correction `round-001-r2`). Registered in `allocate.cli`; help and
usage errors are said in the planner's language by `allocate.cli_usage`, messages by the catalog: `--lang`, else
the case's language (`round plan`), else the locale's. SQLAlchemy is imported only when a round command runs, so
this module costs the command line nothing at start.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from allocate.catalog import MESSAGES, Lang, message
from allocate.cli_usage import (
    BACKEND_OPTION,
    CASE_LANG_OPTION,
    LANG,
    TIME_LIMIT_OPTION,
    ChoiceType,
    Group,
    IntRangeType,
    PathType,
    locale_language,
    option,
)
from allocate.text import printable

if TYPE_CHECKING:
    from allocate.ledger.errors import LedgerError
    from allocate.ledger.operation import Operation
    from allocate.ledger.records import RoundRecord

EXIT_LEDGER = 2
"""A round command that cannot be done as asked (no such round, a ledger too new, another round under way)."""
EXIT_INCONSISTENT = 4
"""`allocate round check` found the ledger and the folders disagree (a bug, or files edited by hand)."""
LOCK_FILE = ".round.lock"
"""Held (flock) in OPDIR while a round is planned, so one operation folder plans one round at a time."""

_opdir = click.argument("opdir", type=PathType(file_okay=False, path_type=Path))
_db = option("--db", metavar="URL", envvar="ALLOCATE_LEDGER", help_key="help_round_db")
_operation = option("--operation", metavar="NAME", help_key="help_round_operation")
_lang = option("--lang", type=ChoiceType(["en", "zh"]), default=None, help_key="help_round_lang")


@click.group(name="round", cls=Group, help_key="help_round")
def round_group() -> None:
    """`allocate round`; its help is the catalog's `help_round`."""


@round_group.command(name="plan", help_key="help_round_plan")
@_opdir
@click.argument("case", type=PathType(exists=True, path_type=Path))
@_db
@_operation
@option("--policy", type=PathType(exists=True, dir_okay=False, path_type=Path), help_key="help_validate_policy")
@option("--correct", "corrects", type=IntRangeType(min=1), metavar="N", help_key="help_round_correct")
@option("--note", help_key="help_round_note")
@option("--carry", is_flag=True, help_key="help_round_carry")
@BACKEND_OPTION
@TIME_LIMIT_OPTION
@CASE_LANG_OPTION
def plan_command(
    opdir: Path,
    case: Path,
    db: str | None,
    operation: str | None,
    policy: Path | None,
    corrects: int | None,
    note: str | None,
    carry: bool,
    backend: str,
    time_limit: float | None,
    lang: Lang | None,
) -> None:
    """`allocate round plan`: plan the next round of the operation in OPDIR from CASE, write and record it."""
    from allocate.io import case_language
    from allocate.ledger.difference import summary_line

    said = _speak(lang or case_language(case))
    if note is not None and corrects is None:
        _fail(message("round_note_alone", said))
    opdir.mkdir(parents=True, exist_ok=True)
    with _one_round_at_a_time(opdir, said), _opened(opdir, db, operation, said) as op:
        record = _ledger_call(
            said,
            lambda: op.plan_round(
                case,
                policy=policy,
                corrects=corrects,
                note=note,
                carry=carry,
                lang=said,
                backend=backend,
                time_limit=time_limit,
                progress=_progress(said),
            ),
        )
        click.echo(
            message(
                "round_recorded",
                said,
                line=_line(record, said),
                folder=op.folder / record.folder if op.folder else record.folder,
                ledger=op.ledger.url,
            )
        )
        if record.revision > 1:
            changes = op.difference(record.number, record.revision)
            click.echo(summary_line(changes, record.number, record.revision, said))


@round_group.command(name="results", help_key="help_round_results")
@_opdir
@click.argument("number", type=IntRangeType(min=1))
@click.argument("file", type=PathType(exists=True, dir_okay=False, path_type=Path))
@_db
@_operation
@option("--note", help_key="help_round_results_note")
@_lang
def results_command(
    opdir: Path, number: int, file: Path, db: str | None, operation: str | None, note: str | None, lang: Lang | None
) -> None:
    """`allocate round results`: record what volunteers report for round NUMBER's visits, from FILE."""
    from allocate.errors import InputError
    from allocate.ledger.results import results_language

    said = _speak(lang or results_language(file) or locale_language())
    with _opened(opdir, db, operation, said, create=False) as op:
        try:
            batch = _ledger_call(said, lambda: op.record_results(number, file, note=note))
        except InputError as e:
            for p in e.problems:
                click.echo(p.text(said), err=True)
            _fail(message("round_results_refused", said, n=e.total))
        rows = _ledger_call(said, lambda: op.results(number))
        left = sum(lot.quantity for lot in _ledger_call(said, lambda: op.stock_after(number)))
        n_open = len(_ledger_call(said, lambda: op.unreported(number)))
    outcomes = {r.household_id + "\0" + r.volunteer_id: r.outcome for r in batch.rows}
    counts = {k: sum(1 for o in outcomes.values() if o == k) for k in ("delivered", "not_home", "refused", "partial")}
    click.echo(
        message(
            "round_results_recorded",
            said,
            batch=batch.batch,
            number=number,
            visits=batch.visits,
            **counts,
            units=sum(r.delivered for r in rows),
            planned=sum(r.planned for r in rows),
            left=left,
            open=n_open,
        )
    )


@round_group.command(name="credit", help_key="help_round_credit")
@_opdir
@_db
@_operation
@option("--round", "number", type=IntRangeType(min=1), metavar="N", help_key="help_round_credit_round")
@option("-o", "--out", type=PathType(file_okay=False, path_type=Path), help_key="help_round_credit_out")
@_lang
def credit_command(
    opdir: Path, db: str | None, operation: str | None, number: int | None, out: Path | None, lang: Lang | None
) -> None:
    """`allocate round credit`: volunteers' service-hour credit, written as credit.csv, organisations.csv and
    credit.html; the totals per organisation printed too, when volunteers have one."""
    from allocate.ledger.credit import num, write_credit

    said = _speak(lang or locale_language())
    with _opened(opdir, db, operation, said, create=False) as op:
        credits = _ledger_call(said, lambda: op.credit(number))
    folder = out or opdir / ("credit" if number is None else f"credit-{number:03d}")
    write_credit(credits, folder, lang=said, overwrite=True)
    click.echo(
        message(
            "round_credit_written",
            said,
            rounds=message("enum_comma", said).join(str(n) for n in credits.rounds) or "-",
            volunteers=len(credits.volunteers),
            hours=num(credits.hours),
            credits=num(credits.credits),
            open=credits.unreported,
            folder=folder,
        )
    )
    if any(v.organisations for v in credits.volunteers):
        for o in credits.organisations:
            name = o.name if o.name is not None else message("credit_no_organisation", said)
            words = {"volunteers": o.volunteers, "visits": o.visits, "hours": num(o.hours), "credits": num(o.credits)}
            click.echo(printable(message("round_credit_organisation", said, name=name, **words)))


@round_group.command(name="list", help_key="help_round_list")
@_opdir
@_db
@_operation
@option("--all", "everything", is_flag=True, help_key="help_round_all")
@_lang
def list_command(opdir: Path, db: str | None, operation: str | None, everything: bool, lang: Lang | None) -> None:
    """`allocate round list`: the rounds of the operation in OPDIR, one line each."""
    said = _speak(lang or locale_language())
    with _opened(opdir, db, operation, said, create=False) as op:
        records = _ledger_call(said, lambda: op.rounds(superseded=everything))
        if not records:
            click.echo(message("round_none", said, operation=op.name))
        for r in records:
            click.echo(_line(r, said))


@round_group.command(name="show", help_key="help_round_show")
@_opdir
@click.argument("number", type=IntRangeType(min=1))
@_db
@_operation
@option("--revision", type=IntRangeType(min=1), help_key="help_round_revision")
@option("--json", "as_json", is_flag=True, help_key="help_round_json")
@_lang
def show_command(
    opdir: Path,
    number: int,
    db: str | None,
    operation: str | None,
    revision: int | None,
    as_json: bool,
    lang: Lang | None,
) -> None:
    """`allocate round show`: round NUMBER's record; with --json, as data for apps."""
    said = _speak(lang or locale_language())
    with _opened(opdir, db, operation, said, create=False) as op:
        r = _ledger_call(said, lambda: op.round(number, revision))
    if as_json:
        click.echo(json.dumps(_as_json(r), ensure_ascii=False, indent=2))
        return
    click.echo(_line(r, said))
    click.echo(message("round_show_recorded", said, at=r.recorded_at.isoformat(), version=r.allocate_version))
    if r.note:
        click.echo(message("round_show_note", said, note=r.note))
    if r.termination:
        reason = str(r.termination.get("reason", ""))
        click.echo(message("round_show_termination", said, reason=_word("termination", reason, said)))
    click.echo(message("round_show_policy", said, sha=r.policy_sha256))
    for f in r.inputs:
        click.echo(message("round_show_input", said, name=f.name, sha=f.sha256))
    for f in r.outputs:
        click.echo(message("round_show_output", said, name=f.name, sha=f.sha256))
    click.echo(message("round_show_digests", said, plan=r.plan_sha256, record=r.record_sha256))


@round_group.command(name="check", help_key="help_round_check")
@_opdir
@_db
@_operation
@_lang
def check_command(opdir: Path, db: str | None, operation: str | None, lang: Lang | None) -> None:
    """`allocate round check`: the ledger against itself and OPDIR's output folders; exit 4 if they disagree."""
    said = _speak(lang or locale_language())
    with _opened(opdir, db, operation, said, create=False) as op:
        problems = _ledger_call(said, op.problems)
        n = len(_ledger_call(said, op.rounds))
    for p in problems:
        click.echo(printable(p.text(said)), err=True)
    if problems:
        click.echo(message("round_check_failed", said, n=len(problems)), err=True)
        raise click.exceptions.Exit(EXIT_INCONSISTENT)
    click.echo(message("round_check_ok", said, n=n, operation=op.name))


def _speak(lang: Lang) -> Lang:
    """The language the command speaks, kept for the messages of errors it ends with (as `allocate.cli` reads it):
    `--lang`, else the case's, else the locale's (the caller's choice, as `allocate.cli_usage.asked_language`)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().meta[LANG] = lang
    return lang


def _word(kind: str, value: str, lang: Lang) -> str:
    """A status or a termination reason (`optimal`, `time_limit`) in `lang`'s words; as recorded if the catalog
    has none (a value a later allocate records)."""
    key = f"{kind}_{value}"
    return message(key, lang) if key in MESSAGES else value


def _fail(text: str) -> NoReturn:
    click.echo(text, err=True)
    raise click.exceptions.Exit(EXIT_LEDGER)


def _ledger_call(lang: Lang, call: Any) -> Any:
    """`call()`, a ledger's refusal said in `lang` (exit 2)."""
    from allocate.ledger.errors import LedgerError

    try:
        return call()
    except LedgerError as e:
        _refused(e, lang)


def _refused(e: LedgerError, lang: Lang) -> NoReturn:
    _fail(e.text(lang))


@contextmanager
def _opened(opdir: Path, db: str | None, name: str | None, lang: Lang, *, create: bool = True) -> Iterator[Operation]:
    """The operation of OPDIR (or of `--db`), closed at the end."""
    from allocate.ledger.engine import LEDGER_FILE
    from allocate.ledger.errors import LedgerError
    from allocate.ledger.operation import Operation

    try:
        if db:
            op = Operation.open(db, name or opdir.absolute().name, folder=opdir, create=create)
        else:
            op = Operation.open(opdir / LEDGER_FILE, name, folder=opdir, create=create)
    except LedgerError as e:
        _refused(e, lang)
    try:
        yield op
    finally:
        op.close()


@contextmanager
def _one_round_at_a_time(opdir: Path, lang: Lang) -> Iterator[None]:
    """Hold OPDIR's lock file while a round is planned: a second `round plan` in OPDIR is refused, not queued.
    The lock goes with the process, so a killed run leaves none behind. (No lock where flock is missing.)"""
    if sys.platform == "win32":
        yield
        return
    import fcntl

    fd = os.open(opdir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _fail(message("round_busy", lang, opdir=opdir))
        yield
    finally:
        os.close(fd)


def _progress(lang: Lang) -> Any:
    @contextmanager
    def step(name: str) -> Iterator[None]:
        click.echo(f"{message(f'step_{name}', lang)}…", err=True)
        yield

    return step


def _line(r: RoundRecord, lang: Lang) -> str:
    """One line per record, as `round list` prints it."""
    return message(
        "round_line",
        lang,
        number=r.number,
        revision=message("round_revision", lang, n=r.revision) if r.revision > 1 else "",
        date=r.plan_date.isoformat(),
        status=_word("status_word", r.status, lang),
        allocations=len(r.allocations),
        units=r.units,
        visits=len(r.visits),
        digest=r.plan_sha256[:12],
        folder=r.folder,
        superseded="" if r.current else message("round_superseded", lang),
    )


def _as_json(r: RoundRecord) -> dict[str, Any]:
    return {
        "operation": r.operation,
        "number": r.number,
        "revision": r.revision,
        "current": r.current,
        "note": r.note,
        "recorded_at": r.recorded_at.isoformat(),
        "plan_date": r.plan_date.isoformat(),
        "status": r.status,
        "termination": dict(r.termination),
        "policy_sha256": r.policy_sha256,
        "inputs": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in r.inputs],
        "outputs": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in r.outputs],
        "folder": r.folder,
        "allocations": len(r.allocations),
        "visits": len(r.visits),
        "plan_sha256": r.plan_sha256,
        "record_sha256": r.record_sha256,
        "allocate_version": r.allocate_version,
    }
