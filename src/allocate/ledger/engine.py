"""Where a ledger is and how to connect to it: a SQLite file by default, PostgreSQL by URL.

A path (a file, or a folder that then holds `ledger.sqlite`) is a SQLite ledger; a URL `sqlite:///...` or
`postgresql+psycopg://user@host/db` names one directly. SQLite is made to behave like a real transactional
database: every transaction starts with `BEGIN IMMEDIATE` (it takes the write lock at once, so two writers queue
rather than fail half-way), schema changes are inside transactions too, foreign keys are enforced and every
commit is synced to disk (`synchronous=FULL`), so a kill or a power cut leaves either the whole transaction or
none of it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from allocate.ledger.errors import LedgerError

LEDGER_FILE = "ledger.sqlite"
"""The SQLite file of an operation folder's ledger."""

BUSY_SECONDS = 60
"""How long a SQLite writer waits for another to finish before giving up."""


def ledger_url(where: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL of the ledger `where`: a URL as given; a folder's `ledger.sqlite`; a file path."""
    text = os.fspath(where)
    if "://" in text:
        return text
    path = Path(text)
    if path.is_dir():
        path = path / LEDGER_FILE
    return f"sqlite:///{path.absolute()}"


def shown_url(url: str) -> str:
    """`url` as messages show it: without a password."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def make_engine(url: str) -> Engine:
    """An engine for the ledger at `url` (SQLite or PostgreSQL), set up for one transaction per write."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise LedgerError("ledger_bad_url", url=url) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise LedgerError("ledger_bad_url", url=shown_url(url))
    if backend == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            raise LedgerError("ledger_bad_url", url=url)
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return sa.create_engine(parsed, pool_pre_ping=True)
    except ModuleNotFoundError:  # the driver is an extra: pip install "allocate[postgres]"
        raise LedgerError("ledger_needs_driver", url=shown_url(url)) from None


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Take transactions out of Python's hands (we BEGIN ourselves, DDL included); enforce foreign keys; sync
    every commit."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
