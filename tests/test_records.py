"""`allocate.Records`: a table held as columns behaves as the tuple of its records."""

from __future__ import annotations

import pytest

from allocate import Records
from allocate.schema import Lot

LOTS = tuple(Lot(lot_id=f"L{k}", item="rice" if k % 2 else "oil", quantity=k + 1) for k in range(5))


@pytest.mark.parametrize("rows", [[], [3], [4, 0, 2], [1, 1], list(range(5))])
def test_take_gives_the_rows_asked_in_that_order(rows: list[int]) -> None:
    """Any rows, none, one, repeated or all, in the order asked: the same records as picking from the tuple."""
    table = Records.of(Lot, LOTS)
    taken = table.take(rows)
    assert isinstance(taken, Records)
    assert taken == tuple(LOTS[i] for i in rows)
    assert taken.column("lot_id") == tuple(LOTS[i].lot_id for i in rows)


def test_extended_adds_records_after_the_rows_as_columns() -> None:
    """`extended` is `+` that stays a table: the same records, each column one tuple."""
    table = Records.of(Lot, LOTS[:3])
    more = table.extended(LOTS[3:])
    assert isinstance(more, Records)
    assert more == LOTS == table + LOTS[3:]
    assert more.column("quantity") == (1, 2, 3, 4, 5)
    assert table.extended(()) == LOTS[:3]
