"""The ledger's schema: made by its migrations from an empty database, the same as `tables` declares, kept on
reopening, refused when newer than this allocate, and append-only in the database itself."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from allocate.ledger import tables
from allocate.ledger.errors import LedgerTooNewError
from allocate.ledger.migrate import VERSION_TABLE, head
from allocate.ledger.store import Ledger


def test_an_empty_database_is_migrated_to_the_schema_tables_declare(ledger: str) -> None:
    """Opening an empty database runs every migration; the result is exactly `allocate.ledger.tables`."""
    store = Ledger.open(ledger)
    try:
        assert store.schema_revision() == head()
        with store.engine.connect() as c:
            ctx = MigrationContext.configure(c, opts={"version_table": VERSION_TABLE})
            assert compare_metadata(ctx, tables.metadata) == []
            assert c.scalar(sa.text(f"SELECT count(*) FROM {VERSION_TABLE}")) == 1
    finally:
        store.close()


def test_opening_again_changes_nothing(ledger: str) -> None:
    """A ledger at the newest schema is opened as it is, its records kept."""
    first = Ledger.open(ledger)
    first.operation("幸福里")
    first.close()
    again = Ledger.open(ledger)
    try:
        assert again.operations() == ("幸福里",)
        assert again.schema_revision() == head()
    finally:
        again.close()


def test_a_newer_schema_is_refused_and_left_alone(ledger: str) -> None:
    """A ledger a newer allocate wrote is not opened, and not changed: the error says to upgrade."""
    store = Ledger.open(ledger)
    with store.engine.begin() as c:
        c.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version_num = '9999_from_the_future'"))
    store.close()
    with pytest.raises(LedgerTooNewError, match=r"newer allocate.*upgrade allocate"):
        Ledger.open(ledger)
    engine = sa.create_engine(ledger if "://" in ledger else f"sqlite:///{ledger}")
    with engine.connect() as c:
        assert c.scalar(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")) == "9999_from_the_future"
    engine.dispose()


@pytest.mark.parametrize("statement", ["UPDATE operations SET name = 'x'", "DELETE FROM operations"])
def test_rows_are_never_updated_or_deleted(ledger: str, statement: str) -> None:
    """The database itself refuses to change or delete a ledger row (triggers), whoever asks."""
    store = Ledger.open(ledger)
    try:
        store.operation("幸福里")
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as c:
            c.execute(sa.text(statement))
        assert store.operations() == ("幸福里",)
    finally:
        store.close()


def test_a_ledger_path_that_is_a_folder_holds_ledger_sqlite(tmp_path: Path) -> None:
    """A folder given as the ledger holds it as `ledger.sqlite`."""
    store = Ledger.open(tmp_path)
    store.close()
    assert (tmp_path / "ledger.sqlite").is_file()


def test_every_ledger_message_is_in_the_catalog() -> None:
    """Every key a ledger error or the round command names has English and Chinese words in the catalog."""
    import ast

    from allocate.catalog import MESSAGES

    folder = Path(__file__).resolve().parents[2] / "src" / "allocate" / "ledger"
    keys = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if called in ("LedgerError", "LedgerTooNewError", "message"):
                    keys.add(node.args[0].value)
    assert len(keys) > 20
    assert keys - set(MESSAGES) == set()
