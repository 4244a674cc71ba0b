"""The ledger's schema, brought up to date on open: Alembic migrations run from Python, versions in the package.

`upgrade` runs in one transaction (DDL included, on SQLite too: see `allocate.ledger.engine`), so a kill while a
ledger is created or upgraded leaves it as it was. Its version is kept in the table `allocate_ledger_version`
(Alembic's, the one table whose row is updated); a ledger whose version this allocate does not know was written
by a newer one and is refused (`LedgerTooNewError`), never changed. On PostgreSQL an advisory lock keeps two
processes from upgrading the same database at once; SQLite's `BEGIN IMMEDIATE` does the same.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from allocate.ledger.errors import LedgerTooNewError

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "allocate_ledger_version"
_LOCK_KEY = 7_312_026_013  # pg_advisory_xact_lock key of ledger upgrades (any constant of our own)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest schema revision this allocate knows."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def known() -> frozenset[str]:
    """Every schema revision this allocate knows."""
    return frozenset(s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions())


def current(connection: sa.Connection) -> str | None:
    """The ledger's schema revision (None: an empty database)."""
    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the ledger's schema up to date in one transaction; returns (revision before, revision now).

    Raises `LedgerTooNewError` when the ledger's revision is unknown here (a newer allocate wrote it)."""
    config = _config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        before = current(connection)
        if before is not None and before not in known():
            raise LedgerTooNewError("ledger_too_new", revision=before, known=head())
        if before != head():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    return before, head()
