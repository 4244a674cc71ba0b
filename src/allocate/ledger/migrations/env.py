"""Alembic's entry point for the ledger's migrations: runs them on the connection `allocate.ledger.migrate` gives
(inside its transaction), never on a URL of its own."""

from __future__ import annotations

from alembic import context

from allocate.ledger.migrate import VERSION_TABLE

context.configure(
    connection=context.config.attributes["connection"], version_table=VERSION_TABLE, transactional_ddl=True
)
with context.begin_transaction():
    context.run_migrations()
