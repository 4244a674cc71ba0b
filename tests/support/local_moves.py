"""Local improvements of a feasible plan: one change that makes it strictly better, with the better plan as proof.

SPEC section 3 lists consequences of optimality a user can check; `verify` checks some of them, and this module
is an independent reading of them (and of the rules the verifier is to gain), for the differential tests and
`benchmarks/differential.py`. It shares nothing with allocate's engine or verifier. Each finding carries the
improved plan (`better`), so a test can confirm with `support.brute_force` that it is feasible and strictly
better: a finding is never a matter of opinion.

Why each move is strictly better: every move raises one entry (a need or a service) of some tier `r` from
where it was, and lowers only entries of tiers below `r` (or, for the within-tier moves, is compared exactly).
The moves, by rule:
- `waste`: a usable unit left in a lot while an eligible need of a delivered household is short (an
  all-or-nothing need counts only if the leftover covers it): give it.
- `priority_inversion`: the lot's leftover plus its units given to lower tiers covers a short higher-tier need
  of a delivered household: move them.
- `idle_hours`: a volunteer's unused hours reach an undone service or an undelivered household one of whose
  needs could then receive goods (leftover, or units of lower tiers than that need's).
- `visit_inversion`: the same, after dropping one visit or service of that volunteer whose tier (for a delivery,
  the best tier among the household's needs that receive goods) is below the entry reached.
- `fairness_none_tie` (fairness "none"): units move inside a tier from one need to another without lowering the
  tier's total fill, and the units that frees reach a lower tier's need.
- `leximin_tie`: the same under leximin, with the tier's sorted fills unchanged.
- `even_sharing` (leximin) and `total_fill` (fairness "none"): units move inside a tier and the tier's sorted
  fills (or total) get strictly better.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from allocate.plan import Allocation, Plan, Visit
from allocate.schema import Case

from .brute_force import HOURS_TOLERANCE, Objective, eligible, objective

WASTE = "waste"
INVERSION = "priority_inversion"
IDLE_HOURS = "idle_hours"
VISIT_INVERSION = "visit_inversion"
NONE_TIE = "fairness_none_tie"
LEXIMIN_TIE = "leximin_tie"
EVEN_SHARING = "even_sharing"
TOTAL_FILL = "total_fill"

VERIFIER_RULES = frozenset({WASTE, INVERSION, IDLE_HOURS, VISIT_INVERSION, NONE_TIE, TOTAL_FILL, EVEN_SHARING})
"""Improvements `verify` must flag: waste and inversion, and issue 9's rules (visit and service inversion across
grids, hours left while a reachable household or service waits, fairness "none": total fill and its tie, leximin:
even sharing). Not `leximin_tie` (an equally good tier that frees units for a lower one): the differential tests
report it, but do not require it."""

ALL_RULES = VERIFIER_RULES | {LEXIMIN_TIE, EVEN_SHARING}


@dataclass(frozen=True)
class Improvement:
    """A strictly better plan one local move away, and what the move was."""

    rule: str
    ids: tuple[str, ...]  # what the move touches: (lot, need) for goods, (volunteer, visit dropped or "", target)
    build: Callable[[], Plan] = field(repr=False, compare=False)

    @cached_property
    def better(self) -> Plan:
        """The improved plan (built on demand: scans of large plans only count findings)."""
        return self.build()

    def __str__(self) -> str:
        return f"{self.rule}: {', '.join(self.ids)}"


class _State:
    """A plan being edited: units per (need, lot), and visits."""

    def __init__(self, case: Case, plan: Plan) -> None:
        self.case = case
        self.plan_date = plan.plan_date
        self.rows: dict[tuple[str, str], int] = defaultdict(int)
        for a in plan.allocations:
            self.rows[a.need_id, a.lot_id] += a.quantity
        self.visits = list(plan.visits)

    def copy(self) -> _State:
        other = object.__new__(_State)
        other.case, other.plan_date = self.case, self.plan_date
        other.rows = defaultdict(int, self.rows)
        other.visits = list(self.visits)
        return other

    def got(self, need_id: str) -> int:
        return sum(k for (n, _), k in self.rows.items() if n == need_id)

    def left(self, lot_id: str) -> int:
        held = next(x.quantity for x in self.case.lots if x.lot_id == lot_id)
        return held - sum(k for (_, li), k in self.rows.items() if li == lot_id)

    def take_all(self, need_id: str) -> None:
        for key in [key for key in self.rows if key[0] == need_id]:
            del self.rows[key]

    def take(self, need_id: str, lot_id: str, k: int, all_or_nothing: bool) -> None:
        """`k` units of the need from the lot; an all-or-nothing need loses everything."""
        if all_or_nothing:
            self.take_all(need_id)
            return
        self.rows[need_id, lot_id] -= k
        if self.rows[need_id, lot_id] <= 0:
            del self.rows[need_id, lot_id]

    def put(self, need_id: str, lot_id: str, k: int) -> None:
        self.rows[need_id, lot_id] += k

    def drop_empty_deliveries(self) -> None:
        """Delivery visits to households left without goods are dropped (they would break SPEC 3.3)."""
        owner = {n.need_id: n.household_id for n in self.case.needs}
        with_goods = {owner[n] for (n, _), k in self.rows.items() if k > 0}
        self.visits = [v for v in self.visits if v.kind != "delivery" or v.household_id in with_goods]

    def plan(self) -> Plan:
        rows = tuple(Allocation(need_id=n, lot_id=li, quantity=k) for (n, li), k in sorted(self.rows.items()) if k > 0)
        return Plan(case=self.case, allocations=rows, visits=tuple(self.visits), plan_date=self.plan_date)


class _Reading:
    """What the moves read from a case and a feasible plan, computed once."""

    def __init__(self, case: Case, plan: Plan) -> None:
        self.case, self.plan = case, plan
        self.day = plan.plan_date
        self.need = {n.need_id: n for n in case.needs}
        self.rank = dict(zip((n.need_id for n in case.needs), case.need_tiers, strict=True))
        self.service_rank = dict(zip((s.service_id for s in case.services), case.service_tiers, strict=True))
        self.grid = {h.household_id: h.grid for h in case.households}
        self.needs_of: dict[str, list[str]] = defaultdict(list)
        for n in case.needs:
            self.needs_of[n.household_id].append(n.need_id)
        self.elig = {(n.need_id, lot.lot_id): eligible(case, n, lot, self.day) for n in case.needs for lot in case.lots}
        self.rows: dict[tuple[str, str], int] = defaultdict(int)
        for a in plan.allocations:
            self.rows[a.need_id, a.lot_id] += a.quantity
        self.got: dict[str, int] = defaultdict(int)
        self.given: dict[str, int] = defaultdict(int)
        self.by_rank: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for (need_id, lot_id), k in self.rows.items():
            self.got[need_id] += k
            self.given[lot_id] += k
            self.by_rank[lot_id][self.rank[need_id]] += k
        self.left = {lot.lot_id: lot.quantity - self.given[lot.lot_id] for lot in case.lots}
        self.delivered = {v.household_id for v in plan.visits if v.kind == "delivery"}
        self.done = {v.service_id for v in plan.visits if v.kind == "service"}
        self.objective: Objective = objective(case, plan)

    def reachable(self, household_id: str) -> bool:
        return self.case.volunteers is None or household_id in self.delivered

    def short(self, need_id: str) -> int:
        """Units that would raise a need's fill (all of it for an all-or-nothing need); 0 if it cannot rise."""
        n, k = self.need[need_id], self.got[need_id]
        if k >= n.quantity or (n.all_or_nothing and k > 0):
            return 0
        return n.quantity if n.all_or_nothing else 1

    def lower(self, lot_id: str, rank: int) -> int:
        """Units of the lot given to needs of tiers below `rank`."""
        return sum(k for r, k in self.by_rank[lot_id].items() if r > rank)

    def visit_tier(self, visit: Visit) -> int | None:
        """A service's tier; a delivery's: the best tier among the household's needs that receive goods."""
        if visit.kind == "service":
            return self.service_rank.get(visit.service_id or "")
        ranks = [self.rank[n] for n in self.needs_of[visit.household_id] if self.got[n] > 0]
        return min(ranks) if ranks else None


def _give(read: _Reading, state: _State, need_id: str, lot_id: str, units: int, below: int | None) -> bool:
    """Give `units` of the lot to the need: its leftover first, then units of needs of tiers below `below`
    (lowest tier first; `None`: leftover only). False, and `state` half-changed, when that is not enough."""
    donors = sorted(
        (n for (n, li), k in state.rows.items() if li == lot_id and k > 0 and n != need_id),
        key=lambda n: (-read.rank[n], n),
    )
    for donor in donors:
        if state.left(lot_id) >= units:
            break
        if below is None or read.rank[donor] <= below:
            continue
        k = state.rows.get((donor, lot_id), 0)
        if k > 0:
            state.take(donor, lot_id, min(k, units - state.left(lot_id)), read.need[donor].all_or_nothing)
    if state.left(lot_id) < units:
        return False
    state.put(need_id, lot_id, units)
    state.drop_empty_deliveries()
    return True


def _goods_moves(read: _Reading) -> Iterator[Improvement]:
    """Waste and priority inversion: a short need of a delivered household, and a lot that could fill it."""
    for n in read.case.needs:
        units = read.short(n.need_id)
        if not units or not read.reachable(n.household_id):
            continue
        r = read.rank[n.need_id]
        for lot in read.case.lots:
            if not read.elig[n.need_id, lot.lot_id]:
                continue
            left = read.left[lot.lot_id]
            if left >= units:
                rule = WASTE
            elif left + read.lower(lot.lot_id, r) >= units:
                rule = INVERSION
            else:
                continue
            yield Improvement(rule, (lot.lot_id, n.need_id), _giving(read, None, n.need_id, lot.lot_id, units, r))


def _visit_moves(read: _Reading) -> Iterator[Improvement]:
    """Idle hours and visit inversion: a volunteer's free hours, or those of one lower-tier visit of theirs, reach
    an undone service or an undelivered household whose need could then receive goods."""
    case = read.case
    if case.volunteers is None:
        return
    visit_hours = case.policy.visit_hours
    for vol in case.volunteers:
        mine = [(i, v) for i, v in enumerate(read.plan.visits) if v.volunteer_id == vol.volunteer_id]
        free = vol.hours - sum(v.hours for _, v in mine)
        options: list[tuple[int | None, int, float]] = [(None, len(case.policy.tiers), free)]
        for i, v in mine:
            tier = read.visit_tier(v)
            if tier is not None:
                options.append((i, tier, free + v.hours))
        for dropped, tier, hours in options:
            rule = IDLE_HOURS if dropped is None else VISIT_INVERSION
            dropped_id = "" if dropped is None else _visit_id(read.plan.visits[dropped])
            for s in case.services:
                if (
                    s.service_id not in read.done
                    and read.service_rank[s.service_id] < tier
                    and s.skill in vol.skills
                    and vol.covers(read.grid[s.household_id])
                    and hours + HOURS_TOLERANCE >= s.hours
                ):
                    visit = Visit(
                        volunteer_id=vol.volunteer_id,
                        household_id=s.household_id,
                        kind="service",
                        service_id=s.service_id,
                        hours=s.hours,
                    )
                    yield Improvement(
                        rule, (vol.volunteer_id, dropped_id, s.service_id), _visiting(read, dropped, visit)
                    )
            if hours + HOURS_TOLERANCE < visit_hours:
                continue
            for h in case.households:
                if h.household_id in read.delivered or not vol.covers(h.grid):
                    continue
                for need_id in read.needs_of[h.household_id]:
                    r, units = read.rank[need_id], read.short(need_id)
                    if r >= tier or not units:
                        continue
                    for lot in case.lots:
                        if (
                            read.elig[need_id, lot.lot_id]
                            and read.left[lot.lot_id] + read.lower(lot.lot_id, r) >= units
                        ):
                            visit = Visit(
                                volunteer_id=vol.volunteer_id,
                                household_id=h.household_id,
                                kind="delivery",
                                hours=visit_hours,
                            )
                            yield Improvement(
                                rule,
                                (vol.volunteer_id, dropped_id, need_id, lot.lot_id),
                                _giving(read, (dropped, visit), need_id, lot.lot_id, units, r),
                            )
                            break


def _visit_id(v: Visit) -> str:
    return f"{v.kind} {v.service_id or v.household_id}"


def _without(read: _Reading, dropped: int | None) -> _State:
    """The plan with one visit dropped (a delivery's household then gets no goods)."""
    state = _State(read.case, read.plan)
    if dropped is not None:
        visit = state.visits.pop(dropped)
        if visit.kind == "delivery":
            for need_id in read.needs_of[visit.household_id]:
                state.take_all(need_id)
    return state


def _visiting(read: _Reading, dropped: int | None, visit: Visit) -> Callable[[], Plan]:
    """Builds the plan with one visit of a volunteer dropped (or none) and another added."""

    def build() -> Plan:
        state = _without(read, dropped)
        state.visits.append(visit)
        return state.plan()

    return build


def _giving(
    read: _Reading, swap: tuple[int | None, Visit] | None, need_id: str, lot_id: str, units: int, below: int
) -> Callable[[], Plan]:
    """Builds the plan where the need gets `units` of the lot (see `_give`), after one visit is swapped."""

    def build() -> Plan:
        state = _State(read.case, read.plan) if swap is None else _without(read, swap[0])
        if swap is not None:
            state.visits.append(swap[1])
        assert _give(read, state, need_id, lot_id, units, below), "the counts said the units are there"
        return state.plan()

    return build


def _tier_moves(read: _Reading, rules: frozenset[str]) -> Iterator[Improvement]:
    """Units of one lot moved from one need to another of the same tier; better by the tier's own measure, or
    equal, with the units it frees reaching a lower tier's need.

    Only two fills of the tier change, so comparing the pair decides: the tier's sorted fills get better exactly
    when the sorted pair does (its total, with fairness "none", when the pair's sum does)."""
    case = read.case
    none = case.policy.fairness == "none"
    strict, tie = (TOTAL_FILL, NONE_TIE) if none else (EVEN_SHARING, LEXIMIN_TIE)
    for (donor, lot_id), k in list(read.rows.items()):
        r, a = read.rank[donor], read.need[donor]
        for b in case.needs:
            units = read.short(b.need_id)
            if (
                b.need_id == donor
                or read.rank[b.need_id] != r
                or not units
                or not read.reachable(b.household_id)
                or not read.elig[b.need_id, lot_id]
            ):
                continue
            from_donor = units - read.left[lot_id]
            if from_donor <= 0 or (from_donor > k and not a.all_or_nothing):
                continue  # waste, or more than this one donor has
            lost = read.got[donor] if a.all_or_nothing else from_donor
            pair = sorted((Fraction(read.got[donor], a.quantity), Fraction(read.got[b.need_id], b.quantity)))
            moved = sorted(
                (Fraction(read.got[donor] - lost, a.quantity), Fraction(read.got[b.need_id] + units, b.quantity))
            )
            better, same = (sum(moved) > sum(pair), sum(moved) == sum(pair)) if none else (moved > pair, moved == pair)
            if better and strict in rules:
                yield Improvement(strict, (lot_id, donor, b.need_id), _moving(read, donor, b.need_id, lot_id, units))
            elif same and tie in rules and lost > from_donor:  # the donor frees more than the receiver takes
                state = _State(case, read.plan)
                state.take(donor, lot_id, from_donor, a.all_or_nothing)
                state.put(b.need_id, lot_id, units)
                state.drop_empty_deliveries()
                yield from _tie_moves(read, state, r, (lot_id, donor, b.need_id), tie)


def _moving(read: _Reading, donor: str, receiver: str, lot_id: str, units: int) -> Callable[[], Plan]:
    """Builds the plan where `receiver` gets `units` of the lot, its leftover first and then the donor's."""

    def build() -> Plan:
        state = _State(read.case, read.plan)
        state.take(donor, lot_id, units - state.left(lot_id), read.need[donor].all_or_nothing)
        state.put(receiver, lot_id, units)
        state.drop_empty_deliveries()
        return state.plan()

    return build


def _tie_moves(read: _Reading, state: _State, rank: int, ids: tuple[str, ...], rule: str) -> Iterator[Improvement]:
    """After a move that leaves tier `rank` as good as it was: a lower tier's short need the freed units reach."""
    delivered = {v.household_id for v in state.visits if v.kind == "delivery"}
    for c in read.case.needs:
        if read.rank[c.need_id] <= rank or (read.case.volunteers is not None and c.household_id not in delivered):
            continue
        k = state.got(c.need_id)
        if k >= c.quantity or (c.all_or_nothing and k > 0):
            continue
        units = c.quantity if c.all_or_nothing else 1
        for lot in read.case.lots:
            if read.elig[c.need_id, lot.lot_id] and state.left(lot.lot_id) >= units:
                better = state.copy()
                better.put(c.need_id, lot.lot_id, units)
                yield Improvement(rule, (*ids, c.need_id), better.plan)
                return


def improvements(case: Case, plan: Plan, rules: frozenset[str] = ALL_RULES) -> list[Improvement]:
    """Every local improvement of the feasible `plan` of the kinds in `rules` (see the module docstring)."""
    read = _Reading(case, plan)
    out: list[Improvement] = []
    if rules & {WASTE, INVERSION}:
        out += [i for i in _goods_moves(read) if i.rule in rules]
    if rules & {IDLE_HOURS, VISIT_INVERSION}:
        out += [i for i in _visit_moves(read) if i.rule in rules]
    if rules & {NONE_TIE, LEXIMIN_TIE, EVEN_SHARING, TOTAL_FILL}:
        out += list(_tier_moves(read, rules))
    return out
