"""Ledgers to test against: a SQLite file in a temporary folder, and, when `ALLOCATE_TEST_POSTGRES_URL` names a
PostgreSQL server (`.ci/postgres-tests` starts one), a fresh database on it for each test."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from allocate.generate import generate
from allocate.io import write_case
from allocate.ledger.operation import Operation

POSTGRES = os.environ.get("ALLOCATE_TEST_POSTGRES_URL")
"""A PostgreSQL URL whose user may create databases, e.g. postgresql+psycopg://allocate@127.0.0.1:54329/postgres."""

HOUSEHOLDS = 40
WAVES = (11, 12, 13)
"""Seeds of the three rounds' generated cases: each a new wave of supplies for a community asking again."""

RUN_ALLOCATE = "import sys\nfrom allocate.cli import main\nmain(sys.argv[1:])\n"
"""`allocate`, as its console script runs it."""

ENGLISH = {"LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
"""An English locale, which `round list`, `show` and `check` speak without --lang."""


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a test's ledger is: a SQLite file path, or the URL of a new PostgreSQL database (dropped after)."""
    if request.param == "sqlite":
        yield str(tmp_path / "op" / "ledger.sqlite")
        return
    if not POSTGRES:
        pytest.skip("ALLOCATE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against (.ci/postgres-tests)")
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"allocate_test_{secrets.token_hex(6)}"
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield sa.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def is_url(where: str) -> bool:
    return "://" in where


@pytest.fixture(scope="session")
def waves(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three generated cases, one per round, as CSV folders."""
    base = tmp_path_factory.mktemp("waves")
    out = []
    for k, seed in enumerate(WAVES, start=1):
        folder = base / f"week-{k}"
        write_case(generate(HOUSEHOLDS, seed), folder)
        out.append(folder)
    return out


def allocate_command(*args: str | os.PathLike[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `allocate ARGS...` in a new process, in an English locale; returns it finished."""
    env = {k: v for k, v in {**os.environ, **ENGLISH}.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-c", RUN_ALLOCATE, *map(os.fspath, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


def open_operation(ledger: str, tmp_path: Path, name: str | None = None) -> Operation:
    """The operation in `ledger`; its round folders in `tmp_path/op`. In a database by URL it is named `op` unless
    `name` says otherwise: the command (`opdir_args`) names it after its folder, so both mean the same one."""
    if name is None and is_url(ledger):
        name = "op"
    return Operation.open(ledger, name, folder=tmp_path / "op")


def opdir_args(ledger: str, tmp_path: Path) -> list[str]:
    """`OPDIR [--db URL]` for the command, for the ledger `ledger`."""
    return [str(tmp_path / "op"), *(["--db", ledger] if is_url(ledger) else [])]


def sqlite_at(where: Path, revision: str) -> sa.Engine:
    """A SQLite ledger at `where` migrated only up to `revision`: a ledger an older allocate wrote."""
    from alembic import command

    from allocate.ledger.engine import ledger_url, make_engine
    from allocate.ledger.migrate import _config

    where.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(ledger_url(where))
    with engine.begin() as c:
        config = _config()
        config.attributes["connection"] = c
        command.upgrade(config, revision)
    return engine
