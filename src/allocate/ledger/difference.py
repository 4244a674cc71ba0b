"""The per-household difference between a round's published plan and its correction (`difference.csv`).

A planner handing out a correction needs to know whom to call: the households whose goods or visits changed, what
they had and what they have now. Goods are compared per item, as the lots and units the household receives
(`R1 × 2; R3 × 1`); visits per delivery and per service, as the volunteer who makes them. A household whose goods
and visits are all as published is not listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from allocate.catalog import Lang, count, message
from allocate.ledger.records import AllocationRow, VisitRow

DIFFERENCE_FILE = "difference.csv"
"""The file a correction's round folder gets."""
DIFFERENCE_COLUMNS = ("household_id", "kind", "part", "before", "after")
"""Its header: the household, `item`, `delivery` or `service`, the item or service id (blank for a delivery), what
it had and what it has now."""


@dataclass(frozen=True)
class Change:
    """One thing a household has that differs from the published plan: an item's lots and units, or who makes a
    visit ("" for none)."""

    household_id: str
    kind: str  # "item", "delivery" or "service"
    part: str
    before: str
    after: str

    def row(self) -> tuple[str, str, str, str, str]:
        """The row of `difference.csv`."""
        return (self.household_id, self.kind, self.part, self.before, self.after)


def difference(
    before: tuple[Sequence[AllocationRow], Sequence[VisitRow]],
    after: tuple[Sequence[AllocationRow], Sequence[VisitRow]],
) -> tuple[Change, ...]:
    """The changes from the plan `before` to the plan `after` (each its allocation and visit rows), by household
    id, then goods (by item) before visits (the delivery, then services by id)."""
    old, new = _parts(*before), _parts(*after)
    changes = [
        Change(h, kind, part, old.get((h, kind, part), ""), new.get((h, kind, part), ""))
        for h, kind, part in sorted(set(old) | set(new), key=lambda k: (k[0], _KIND_ORDER[k[1]], k[2]))
        if old.get((h, kind, part), "") != new.get((h, kind, part), "")
    ]
    return tuple(changes)


_KIND_ORDER = {"item": 0, "delivery": 1, "service": 2}


def _parts(allocations: Iterable[AllocationRow], visits: Iterable[VisitRow]) -> dict[tuple[str, str, str], str]:
    """(household, kind, part) -> what the plan gives there, as text."""
    goods: dict[tuple[str, str], dict[str, int]] = {}
    for a in allocations:
        lots = goods.setdefault((a.household_id, a.item), {})
        lots[a.lot_id] = lots.get(a.lot_id, 0) + a.quantity
    out = {
        (h, "item", item): "; ".join(f"{lot} × {q}" for lot, q in sorted(lots.items()))
        for (h, item), lots in goods.items()
    }
    for v in visits:
        out[v.household_id, v.kind, v.service_id or ""] = v.volunteer_id
    return out


def summary_line(changes: Sequence[Change], number: int, revision: int, lang: Lang) -> str:
    """The printed summary: how many households changed, how many of them in goods and in visits."""
    households = {c.household_id for c in changes}
    goods = {c.household_id for c in changes if c.kind == "item"}
    visits = {c.household_id for c in changes if c.kind != "item"}
    return message(
        "round_difference",
        lang,
        number=number,
        revision=revision,
        households=count("households", len(households), lang),
        goods=len(goods),
        visits=len(visits),
        file=DIFFERENCE_FILE,
    )
