"""Exact reference for small and medium cases: SPEC section 3 as one MIP, optimised tier by tier (HiGHS).

The brute force (`support.brute_force`) is exact but exponential; this oracle is exact too and reaches cases of
hundreds of households. It shares nothing with allocate's engine, backends or verifier: it builds the model
straight from the case with highspy, in whole units and whole seconds, so no rounding can pick a wrong plan.

The model, for the whole case at once:
- `x[l, n]` integer units of lot `l` to need `n`, only for eligible pairs (item, `reserved_for`, `grids`,
  `expires`); a lot gives at most its quantity.
- a need's units in unary: `b[n, j] = 1` when need `n` gets at least `j` units (`b[n, j] >= b[n, j + 1]`),
  `sum_l x[l, n] = sum_j b[n, j]`; an all-or-nothing need has every `b[n, j]` equal. Then "fill of `n` is below
  `v`" is exactly `b[n, ceil(v * q_n)] = 0`, a linear count.
- with volunteers: `d[h] = 1` when household `h` is delivered, by exactly one covering volunteer (designated, if
  the household is quarantined; at most the policy's cap of quarantined visits each)
  (`sum_v y[v, h] = d[h]`); a need gets units only if its household is delivered, and a household is delivered
  only if it gets units; `z[v, s]` a skilled, covering volunteer does service `s` whole, at most one per service;
  each volunteer's seconds of visits and services are at most the seconds offered.

Leximin, exactly, for a discrete problem: for each tier in priority order, lexicographically minimise
`N(v) = #{needs and services of the tier with fill < v}` over the candidate fills `v` (`j / q` for the tier's
needs, and 1), increasing. After each level the constraint `N(v) <= its minimum` is kept, and the tier moves on;
the earlier tiers are held by their level constraints (not by fixing their decisions, since which higher-tier
household gets a visit can matter to lower tiers). A level's optimum `y*` settles every level up to the smallest
fill of `y*` at or above `v` (those levels count the same entries), so levels in between are skipped. With
fairness "none" each tier maximises its total fill, scaled by the least common multiple of its quantities to an
integer, and holds it exactly.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from allocate.plan import Allocation, Plan, Visit
from allocate.schema import Case

Objective = tuple[tuple[Fraction, ...], ...]
"""As `support.brute_force.Objective`: per tier, the sorted fills, or `(total fill,)` with fairness "none"."""

SECONDS_PER_HOUR = 3600
HOURS_TOLERANCE = 1e-9
"""SPEC's hours are compared within 1e-9 h (as `verify` does); capacities are rounded down to whole seconds
after adding it, which is exact as long as every visit and service lasts whole seconds."""


class OracleTimeoutError(Exception):
    """The oracle could not prove the optimum within its time limit."""


def task_seconds(hours: float) -> int:
    """A visit's or service's length in whole seconds; refuses lengths that are not (the model would round)."""
    seconds = round(hours * SECONDS_PER_HOUR)
    if abs(seconds - hours * SECONDS_PER_HOUR) > 1e-6:
        raise ValueError(f"{hours} h is not a whole number of seconds; the exact oracle needs whole seconds")
    return seconds


def capacity_seconds(hours: float) -> int:
    """The whole seconds a volunteer offering `hours` may be given (tasks last whole seconds)."""
    return math.floor(hours * SECONDS_PER_HOUR + HOURS_TOLERANCE * SECONDS_PER_HOUR + 1e-9)


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """highspy prints a banner on fd 1 when the first `Highs()` is built; send it to /dev/null."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class _Mip:
    """A maximisation MIP in HiGHS, built a column and a row at a time, re-solved as rows are added."""

    def __init__(self) -> None:
        import highspy

        self.hs: Any = highspy
        with _quiet_stdout():
            self.h: Any = self.hs.Highs()
        for option, value in (
            ("output_flag", False),
            ("threads", 1),
            ("random_seed", 0),
            ("mip_rel_gap", 0.0),
            ("mip_abs_gap", 1e-6),
        ):
            self.h.setOptionValue(option, value)
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.n = 0
        self.solves = 0

    def var(self, upper: int) -> int:
        """A new integer column in [0, upper]; its index."""
        self.h.addCol(0.0, 0.0, float(upper), 0, [], [])
        self.h.changeColIntegrality(self.n, self.hs.HighsVarType.kInteger)
        self.n += 1
        return self.n - 1

    def row(self, terms: dict[int, int], lower: float, upper: float) -> None:
        """The row lower <= sum(coefficient * column) <= upper (inf for no bound)."""
        cols = [c for c, k in terms.items() if k != 0]
        self.h.addRow(float(lower), float(upper), len(cols), cols, [float(terms[c]) for c in cols])

    def maximise(self, terms: dict[int, int], deadline: float | None) -> tuple[int, list[int]]:
        """Maximise an integer-coefficient objective; its optimum (an integer) and the solution, rounded."""
        cost = [0.0] * self.n
        for c, k in terms.items():
            cost[c] += k
        self.h.changeColsCost(self.n, list(range(self.n)), cost)
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise OracleTimeoutError("no time left")
            self.h.setOptionValue("time_limit", left)
        self.h.run()
        self.solves += 1
        status = self.h.getModelStatus()
        if status == self.hs.HighsModelStatus.kInfeasible:
            # Every model here is feasible (all zero is a plan, and each held level was just reached), so this is
            # HiGHS's presolve going wrong, as it does on a few capped-visit cases: solve again without it.
            self.h.setOptionValue("presolve", "off")
            self.h.run()
            self.h.setOptionValue("presolve", "choose")
            status = self.h.getModelStatus()
        if status == self.hs.HighsModelStatus.kTimeLimit:
            raise OracleTimeoutError("time limit")
        if status != self.hs.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS: {self.h.modelStatusToString(status)}")
        values = [round(v) for v in self.h.getSolution().col_value]
        best = round(self.h.getInfo().objective_function_value)
        assert best == sum(k * values[c] for c, k in terms.items()), "objective not integral at the optimum"
        return best, values


@dataclass
class _Vars:
    """Column indices of the model's decisions."""

    units: list[list[int]] = field(default_factory=list)  # per need, b[n, 1..q]
    flows: dict[tuple[int, int], int] = field(default_factory=dict)  # (lot, need) -> x
    deliveries: dict[tuple[int, int], int] = field(default_factory=dict)  # (volunteer, household) -> y
    services: dict[tuple[int, int], int] = field(default_factory=dict)  # (volunteer, service) -> z


def eligible(case: Case, n: int, lot: int) -> bool:
    """SPEC 3.1 for need `n` and lot `lot` (row indices): same item, `reserved_for`, `grids`, `expires`."""
    need, supply = case.needs[n], case.lots[lot]
    day = case.policy.effective_date()
    grid = case.households[case.household_index[need.household_id]].grid
    if need.item != supply.item:
        return False
    if supply.reserved_for is not None and case.need_tiers[n] > case.policy.rank(supply.reserved_for):
        return False
    if supply.grids is not None and grid not in supply.grids:
        return False
    return supply.expires is None or day <= supply.expires


def _build(case: Case) -> tuple[_Mip, _Vars]:
    """The feasible plans of SPEC section 3 as MIP rows (see the module docstring)."""
    m, v = _Mip(), _Vars()
    inf = m.hs.kHighsInf
    for need in case.needs:
        b = [m.var(1) for _ in range(need.quantity)]
        v.units.append(b)
        for j in range(1, len(b)):
            m.row({b[j - 1]: 1, b[j]: -1}, 0, inf)  # at least j+1 units implies at least j
        if need.all_or_nothing and need.quantity > 1:
            m.row({b[0]: 1, b[-1]: -1}, 0, 0)  # one unit implies all of them
    for i, lot in enumerate(case.lots):
        for n, need in enumerate(case.needs):
            if eligible(case, n, i):
                v.flows[i, n] = m.var(min(lot.quantity, need.quantity))
        m.row({x: 1 for (li, _), x in v.flows.items() if li == i}, -inf, lot.quantity)
    for n, b in enumerate(v.units):
        terms = {x: 1 for (_, ni), x in v.flows.items() if ni == n}
        for c in b:
            terms[c] = -1
        m.row(terms, 0, 0)  # units received = units given
    if case.volunteers is None:
        return m, v
    visit = task_seconds(case.policy.visit_hours)
    hours: list[dict[int, int]] = [{} for _ in case.volunteers]
    quarantined: list[dict[int, int]] = [{} for _ in case.volunteers]
    for h, home in enumerate(case.households):
        own = [n for n, need in enumerate(case.needs) if need.household_id == home.household_id]
        if not own:
            continue
        d = m.var(1)
        for n in own:
            m.row({v.units[n][0]: 1, d: -1}, -inf, 0)  # goods only to a delivered household
        m.row({d: 1, **{v.units[n][0]: -1 for n in own}}, -inf, 0)  # and a delivery only with goods
        by = {}
        for k, vol in enumerate(case.volunteers):
            if vol.covers(home.grid) and (vol.designated or not home.quarantined):
                y = v.deliveries[k, h] = by[k] = m.var(1)
                hours[k][y] = visit
                if home.quarantined:
                    quarantined[k][y] = 1
        m.row({**dict.fromkeys(by.values(), 1), d: -1}, 0, 0)  # exactly one delivery visit
    for s, service in enumerate(case.services):
        home = case.households[case.household_index[service.household_id]]
        doers = {}
        for k, vol in enumerate(case.volunteers):
            if service.skill in vol.skills and vol.covers(home.grid) and (vol.designated or not home.quarantined):
                z = v.services[k, s] = doers[k] = m.var(1)
                hours[k][z] = task_seconds(service.hours)
                if home.quarantined:
                    quarantined[k][z] = 1
        if doers:
            m.row(dict.fromkeys(doers.values(), 1), -inf, 1)  # done once, whole, by one volunteer
    cap = case.policy.max_quarantined_visits
    for k, vol in enumerate(case.volunteers):
        if hours[k]:
            m.row(hours[k], -inf, capacity_seconds(vol.hours))
        if quarantined[k] and cap is not None:
            m.row(quarantined[k], -inf, cap)  # infection control: visits to quarantined households per volunteer
    return m, v


@dataclass(frozen=True)
class ExactResult:
    """The oracle's answer: the optimal objective, a plan reaching it, and how many MIPs it took."""

    objective: Objective
    plan: Plan
    solves: int


def solve_exact(case: Case, *, time_limit: float | None = None) -> ExactResult:
    """The optimum of SPEC section 3 for `case`, tier by tier (see the module docstring).

    Raises `OracleTimeoutError` when HiGHS cannot prove some level within `time_limit` seconds in all.
    """
    deadline = None if time_limit is None else time.monotonic() + time_limit
    m, v = _build(case)
    tiers = len(case.policy.tiers)
    members: list[tuple[list[int], list[int]]] = [([], []) for _ in range(tiers)]  # per tier: needs, services
    for n, r in enumerate(case.need_tiers):
        members[r][0].append(n)
    for s, r in enumerate(case.service_tiers):
        members[r][1].append(s)
    done = [[z for (_, si), z in v.services.items() if si == s] for s in range(len(case.services))]
    values = [0] * m.n
    inf = m.hs.kHighsInf

    def fills(needs: list[int], services: list[int]) -> list[Fraction]:
        out = [Fraction(sum(values[c] for c in v.units[n]), case.needs[n].quantity) for n in needs]
        return out + [Fraction(sum(values[z] for z in done[s])) for s in services]

    for needs, services in members:
        if not needs and not services:
            continue
        if case.policy.fairness == "none":
            scale = math.lcm(1, *(case.needs[n].quantity for n in needs))
            total = {c: scale // case.needs[n].quantity for n in needs for c in v.units[n]}
            total.update({z: scale for s in services for z in done[s]})
            best, values = m.maximise(total, deadline)
            m.row(total, best, inf)
            continue
        levels = sorted(
            {Fraction(j, case.needs[n].quantity) for n in needs for j in range(1, case.needs[n].quantity + 1)}
            | ({Fraction(1)} if services else set())
        )
        i = 0
        while i < len(levels):
            best, values = m.maximise(reached(case, v, done, needs, services, levels[i]), deadline)
            m.row(reached(case, v, done, needs, services, levels[i]), best, inf)
            above = [f for f in fills(needs, services) if f >= levels[i]]
            if not above:
                break  # every entry is below this level, and so below every later one: N is the tier's size
            settled = min(above)
            i += 1
            while i < len(levels) and levels[i] <= settled:
                # y* shows this level's minimum equals the last one's: no entry has a fill in between
                m.row(reached(case, v, done, needs, services, levels[i]), best, inf)
                i += 1
    objective = tuple(
        (sum(fills(needs, services), Fraction(0)),)
        if case.policy.fairness == "none"
        else tuple(sorted(fills(needs, services)))
        for needs, services in members
    )
    return ExactResult(objective=objective, plan=_plan(case, v, values), solves=m.solves)


def reached(
    case: Case, v: _Vars, done: list[list[int]], needs: list[int], services: list[int], level: Fraction
) -> dict[int, int]:
    """The count of a tier's entries with fill >= `level` (the tier's size minus N(level)), as MIP terms."""
    terms = {v.units[n][math.ceil(level * case.needs[n].quantity) - 1]: 1 for n in needs}
    terms.update({z: 1 for s in services for z in done[s]})
    return terms


def _plan(case: Case, v: _Vars, values: list[int]) -> Plan:
    """The plan a solution of the model describes."""
    allocations = tuple(
        Allocation(need_id=case.needs[n].need_id, lot_id=case.lots[i].lot_id, quantity=values[x])
        for (i, n), x in sorted(v.flows.items(), key=lambda item: (item[0][1], item[0][0]))
        if values[x] > 0
    )
    visits = []
    vols = case.volunteers or ()
    for (k, h), y in sorted(v.deliveries.items()):
        if values[y]:
            visits.append(
                Visit(
                    volunteer_id=vols[k].volunteer_id,
                    household_id=case.households[h].household_id,
                    kind="delivery",
                    hours=case.policy.visit_hours,
                )
            )
    for (k, s), z in sorted(v.services.items()):
        if values[z]:
            service = case.services[s]
            visits.append(
                Visit(
                    volunteer_id=vols[k].volunteer_id,
                    household_id=service.household_id,
                    kind="service",
                    service_id=service.service_id,
                    hours=service.hours,
                )
            )
    return Plan(case=case, allocations=allocations, visits=tuple(visits), plan_date=case.policy.effective_date())


def exact_objective(case: Case, *, time_limit: float | None = None) -> Objective:
    """The optimal per tier fills of SPEC section 3 (as `support.brute_force.best_objective`), by MIP."""
    return solve_exact(case, time_limit=time_limit).objective
