"""The exact model of one part: tier by tier leximin over needs and services, with volunteers, as a MIP.

**Encoding.** A household whose delivery is in question (`Part.open`) has one binary per volunteer who may deliver it
(at most one is 1); a service in a contested region, one binary per volunteer who may do it; each volunteer's ticks
bound what they take, and the policy's cap their visits to quarantined households. A need in a scarce component has its
units in unary, `b[j] = [units >= j]` with `b[1] >= b[2] >= ...` and `b[1]` at most its household's delivery, so "its
fill is at least v" is the single binary `b[ceil(v q)]`; an all-or-nothing need has one binary. Needs of households
whose delivery is settled are interchangeable within their class and quantity, so they are counted together (`m[j]`: how
many have at least `j` units), which removes their symmetry. Lots reach classes by continuous flows (integral for
integral class totals). A need in a component where everyone can have everything gets its whole quantity exactly when
its household is delivered, so it is its household's delivery; anything else in the part is a constant.

**Leximin, exactly.** For a tier, let N(v) be the number of its entries (needs and services) with fill below v.
Sorted fill vectors compare exactly as the sequences (N(v) for increasing v) do, reversed: so for each candidate
value v (every j/q of the tier's needs, and 1) in increasing order, one MIP maximises the entries at or above v,
and a row then holds that count. A level the solution already passes is skipped: if the smallest fill at or above v
is m, every level up to m has the same optimum, and the row is placed at m. Earlier tiers stay held by all their
rows (not by their decisions: which higher-tier household gets a visit can matter to a lower tier). With
`fairness = "none"` each tier maximises its total fill instead (counted in whole 1/lcm steps where that is
modest) and holds it.

Each MIP starts from the previous one's solution (the first from the fast plan), so a search stopped at a limit
never returns less than what is in hand; the part then keeps the fast plan and says why.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from allocate.backends.base import Backend, BackendError, FloatArray, LinearProgram, SolveStatus
from allocate.core.goods import EXACT_SCALE, HOLD_TOLERANCE, Counter, GoodsProblem
from allocate.core.index import CaseIndex, IntArray
from allocate.core.parts import Part
from allocate.core.volunteers import Crew, Roster


@dataclass(frozen=True)
class ExactLimits:
    """How far the exact model may go: its size, its work per MIP, and the wall-clock deadline of the run."""

    size: int  # most integer variables in one part's model
    effort: int | None  # branch-and-bound nodes per MIP (deterministic)
    deadline: float | None  # time.monotonic() by which the search must stop


@dataclass
class PartResult:
    """The exact plan of a part: units per need and who does what, or why there is none."""

    proven: bool
    reason: str  # "" when proven, else "size_limit" or "time_limit"
    detail: str
    amount: dict[int, int] = field(default_factory=dict)  # need -> units, every need of the part
    delivery: dict[int, int] = field(default_factory=dict)  # open household -> volunteer or -1
    service: dict[int, int] = field(default_factory=dict)  # service in a contested region -> volunteer or -1
    size: int = 0

    def done(self, crew: Crew | None, part: Part) -> dict[int, bool]:
        """Per service of the part, whether this plan does it (settled ones: whenever anyone may)."""
        if crew is None:
            return {}
        return {
            s: (self.service[s] >= 0) if s in self.service else bool(crew.doers[s].size) for s in part.services.tolist()
        }


def part_value(
    index: CaseIndex,
    crew: Crew | None,
    part: Part,
    amount: dict[int, int] | IntArray,
    done: dict[int, bool],
    fairness: str,
) -> tuple[tuple[Fraction, ...], ...]:
    """The part's objective, tier by tier: its needs' and services' fills sorted (leximin) or summed ("none"), so
    two plans of a part compare as tuples."""
    fills: dict[int, list[Fraction]] = defaultdict(list)
    for n in part.needs.tolist():
        fills[int(index.need_tier[n])].append(Fraction(int(amount[n]), int(index.need_qty[n])))
    if crew is not None:
        for s, d in done.items():
            fills[int(crew.service_tier[s])].append(Fraction(int(d)))
    tiers = range(index.n_tiers)
    if fairness == "none":
        return tuple((sum(fills[t], Fraction(0)),) for t in tiers)
    return tuple(tuple(sorted(fills[t])) for t in tiers)


class _Model:
    """Columns and rows of a MIP built step by step."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[bool] = []
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []

    def col(self, upper: float, integer: bool = True) -> int:
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.lower) - 1

    def row(self, terms: dict[int, float], lower: float, upper: float) -> None:
        r = len(self.row_lower)
        for c, v in terms.items():
            if v:
                self.rows.append(r)
                self.cols.append(c)
                self.vals.append(v)
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def program(self, objective: dict[int, float], upper: FloatArray) -> LinearProgram:
        obj = np.zeros(len(self.lower))
        for c, v in objective.items():
            obj[c] += v
        return LinearProgram(
            objective=obj,
            col_lower=np.asarray(self.lower),
            col_upper=upper,
            rows=np.asarray(self.rows, np.int64),
            cols=np.asarray(self.cols, np.int64),
            vals=np.asarray(self.vals, np.float64),
            row_lower=np.asarray(self.row_lower, np.float64),
            row_upper=np.asarray(self.row_upper, np.float64),
            integer=np.asarray(self.integer, np.bool_),
        )


@dataclass
class _Entry:
    """One need or service of a tier (or `count` interchangeable needs): how to read "fill >= v" from the model.

    `units` holds the unary columns (b[1..q], or m[1..q] for a group); `whole` one column counting fill 1 (an
    all-or-nothing need or group, a service, a delivery); a constant entry has neither.
    """

    q: int = 1
    count: int = 1
    units: list[int] = field(default_factory=list)
    whole: dict[int, float] = field(default_factory=dict)  # column -> coefficient: fill 1 (0/1, or a count)
    fill: Fraction = Fraction(0)  # a constant entry's fill

    def at_least(self, v: Fraction) -> dict[int, float] | None:
        """Columns whose sum counts the entry's needs with fill >= v; None for a constant."""
        if self.units:
            return {self.units[math.ceil(v * self.q) - 1]: 1.0}
        if self.whole:
            return self.whole
        return None

    def levels(self) -> set[Fraction]:
        """The fills it can take above 0."""
        if self.units:
            return {Fraction(j, self.q) for j in range(1, self.q + 1)}
        return {Fraction(1)} if self.whole else set()


def model_size(index: CaseIndex, problem: GoodsProblem, crew: Crew | None, part: Part) -> int:
    """The integer variables `ExactPart` would have for `part`, counted without building it (as it does)."""
    size = 0
    needs = part.needs[problem.need_comp[part.needs] >= 0]
    open_ = np.zeros(index.hh_grid.size, np.bool_)
    if crew is not None:
        with_need = np.intersect1d(part.open, index.need_hh[needs])
        open_[with_need] = True
        size += sum(crew.deliverers[c].size for c in crew.hh_class[with_need].tolist())
        in_open = np.isin(crew.service_hh[part.services], part.open)
        size += sum(crew.doers[s].size for s in part.services[in_open].tolist())
    needs = needs[np.isin(problem.need_comp[needs], part.components)]
    units = np.where(index.need_aon[needs], 1, index.need_qty[needs])
    mine = open_[index.need_hh[needs]]
    size += int(units[mine].sum())
    rest = needs[~mine]
    keys = {
        (int(k), int(c), int(q), bool(a))
        for k, c, q, a in zip(
            problem.need_comp[rest].tolist(),
            problem.need_class[rest].tolist(),
            index.need_qty[rest].tolist(),
            index.need_aon[rest].tolist(),
            strict=True,
        )
    }
    return size + sum(1 if a else q for _, _, q, a in keys)


class ExactPart:
    """The MIP of one part (module docstring), built once; `solve` runs the tiers' levels."""

    def __init__(
        self,
        index: CaseIndex,
        problem: GoodsProblem,
        crew: Crew | None,
        part: Part,
        amount: IntArray,
        fairness: str,
    ) -> None:
        self.index, self.problem, self.crew, self.part, self.fairness = index, problem, crew, part, fairness
        self.base_amount = amount
        m = self.m = _Model()
        self.entries: dict[int, list[_Entry]] = defaultdict(list)
        self.col_tier: dict[int, int] = {}  # columns that belong to one tier's needs or services
        open_set = set(part.open.tolist())
        comps = set(part.components.tolist())

        # deliveries and services in question, and the volunteers' time
        self.x: dict[tuple[int, int], int] = {}
        self.y: dict[tuple[int, int], int] = {}
        delivered: dict[int, dict[int, float]] = {}  # open household -> its delivery columns
        reach = problem.need_comp >= 0
        needs_of = part.needs  # not a scan of every need of the case: a case has a thousand parts
        with_need = set(index.need_hh[needs_of[reach[needs_of]]].tolist())
        load: dict[int, dict[int, float]] = defaultdict(dict)
        capped: dict[int, dict[int, float]] = defaultdict(dict)  # volunteer -> its visits that count to the cap
        if crew is not None:
            for h in sorted(open_set & with_need):
                cols = {}
                for v in crew.deliverers[int(crew.hh_class[h])].tolist():
                    c = self.x[h, v] = m.col(1)
                    cols[c] = 1.0
                    load[v][c] = float(crew.visit)
                    if crew.counts(h):
                        capped[v][c] = 1.0
                delivered[h] = cols
                m.row(cols, -np.inf, 1)
            for s in part.services.tolist():
                tier = int(crew.service_tier[s])
                if int(crew.service_hh[s]) in open_set and crew.doers[s].size:
                    cols = {}
                    for v in crew.doers[s].tolist():
                        c = self.y[s, v] = m.col(1)
                        cols[c] = 1.0
                        load[v][c] = float(crew.service_ticks[s])
                        self.col_tier[c] = tier
                        if crew.counts(int(crew.service_hh[s])):
                            capped[v][c] = 1.0
                    m.row(cols, -np.inf, 1)
                    self.entries[tier].append(_Entry(whole=cols))
                else:  # settled: done when anyone may do it (an uncontested region does them all)
                    self.entries[tier].append(_Entry(fill=Fraction(int(crew.doers[s].size > 0))))
            for v in sorted(load):
                m.row(load[v], -np.inf, float(crew.hours[v]))
            for v in sorted(capped):
                m.row(capped[v], -np.inf, float(crew.cap))

        # needs: unary in scarce components, a delivery where everyone gets everything, else a constant
        qty, aon, tiers = index.need_qty, index.need_aon, index.need_tier
        self.unary: dict[int, list[int]] = {}  # need -> b[1..q] or [a]
        self.groups: list[tuple[IntArray, list[int], bool]] = []  # (needs by seeded rank, columns, all-or-nothing)
        self.plain: dict[int, int] = {}  # need whose whole quantity follows its open household's delivery
        class_units: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
        grouped: dict[tuple[int, int, int, bool], list[int]] = defaultdict(list)
        for n in needs_of.tolist():
            h, t, q = int(index.need_hh[n]), int(tiers[n]), int(qty[n])
            k = int(problem.need_comp[n])
            if k < 0:
                self.entries[t].append(_Entry(fill=Fraction(0)))
            elif k not in comps:
                if h in delivered:
                    self.plain[n] = h
                    self.entries[t].append(_Entry(whole=delivered[h]))
                else:
                    self.entries[t].append(_Entry(fill=Fraction(int(amount[n]), q)))
            elif h in delivered:
                key = (k, int(problem.need_class[n]))
                if aon[n]:
                    a = m.col(1)
                    self.col_tier[a] = t
                    m.row({a: 1.0, **dict.fromkeys(delivered[h], -1.0)}, -np.inf, 0)
                    class_units[key][a] = float(q)
                    self.unary[n] = [a]
                    self.entries[t].append(_Entry(whole={a: 1.0}))
                else:
                    b = [m.col(1) for _ in range(q)]
                    for c in b:
                        self.col_tier[c] = t
                        class_units[key][c] = 1.0
                    m.row({b[0]: 1.0, **dict.fromkeys(delivered[h], -1.0)}, -np.inf, 0)
                    for lo, hi in itertools.pairwise(b):
                        m.row({hi: 1.0, lo: -1.0}, -np.inf, 0)
                    self.unary[n] = b
                    self.entries[t].append(_Entry(q=q, units=b))
            else:  # a settled household (delivered whenever it receives anything): counted with its equals
                grouped[k, int(problem.need_class[n]), q, bool(aon[n])].append(n)
        for (k, c, q, whole), members in sorted(grouped.items()):
            group = np.asarray(sorted(members, key=lambda n: int(index.need_rank[n])), np.int64)
            size, t = group.size, int(tiers[group[0]])
            if whole:
                counts = [m.col(size)]
                class_units[k, c][counts[0]] = float(q)
                self.entries[t].append(_Entry(count=size, whole={counts[0]: 1.0}))
            else:
                counts = [m.col(size) for _ in range(q)]
                for col in counts:
                    class_units[k, c][col] = 1.0
                for lo, hi in itertools.pairwise(counts):
                    m.row({hi: 1.0, lo: -1.0}, -np.inf, 0)
                self.entries[t].append(_Entry(q=q, count=size, units=counts))
            for col in counts:
                self.col_tier[col] = t
            self.groups.append((group, counts, whole))

        # lots -> classes of each scarce component
        self.flow: dict[int, list[int]] = {}
        for k in sorted(comps):
            net = problem.components[k].net
            arcs = [m.col(np.inf, integer=False) for _ in range(net.arc_lot.size)]
            self.flow[k] = arcs
            for lot in range(net.n_lots):
                m.row(
                    {arcs[a]: 1.0 for a in np.flatnonzero(net.arc_lot == lot).tolist()}, -np.inf, float(net.stock[lot])
                )
            for c in range(len(problem.components[k].classes)):
                terms = {arcs[a]: 1.0 for a in np.flatnonzero(net.arc_cls == c).tolist()}
                for col, v in class_units[k, c].items():
                    terms[col] = terms.get(col, 0.0) - v
                m.row(terms, 0, 0)
        self.size = sum(m.integer)

    # -- solving -------------------------------------------------------------------------------------------------
    def solve(self, backend: Backend, limits: ExactLimits, start: FloatArray, count: Counter) -> PartResult:
        """Every tier in priority order, level by level; the part's plan, proven, or why not.

        A part with needs of an item that has reserves is not searched: the model has no reserve stages, so its
        optimum would be the plan without reserves. The fast plan's stages stand, unproven (reason `heuristic`).
        Nor is a part whose fills count earlier rounds (`Policy.over_rounds`): the model's fills are this round's.
        """
        earlier = self.index.earlier
        if earlier.active and earlier.requested[self.part.needs].any():
            return PartResult(
                proven=False,
                reason="heuristic",
                detail="the exact search does not model fairness over rounds; the fast plan's choices stand",
                size=self.size,
            )
        if self.index.item_stages:
            needs = self.part.needs
            items = self.index.sig_item[self.index.need_sig[needs]]
            if np.isin(items, list(self.index.item_stages)).any():
                return PartResult(
                    proven=False,
                    reason="heuristic",
                    detail="the exact search does not model reserve stages; the fast plan's stand",
                    size=self.size,
                )
        m, x = self.m, start
        base_upper = np.asarray(m.upper)
        n_rows = len(m.row_lower)
        try:
            for t in sorted(self.entries):
                upper = base_upper.copy()
                for col, tier in self.col_tier.items():
                    if tier > t:
                        upper[col] = 0.0
                x = self._zero_later(x, t)
                if self.fairness == "none":
                    x = self._total(t, backend, limits, upper, x, count)
                else:
                    x = self._levels(t, backend, limits, upper, x, count)
        except _StoppedError as stop:
            del m.row_lower[n_rows:], m.row_upper[n_rows:]
            return PartResult(proven=False, reason=stop.reason, detail=str(stop), size=self.size)
        return self._result(x)

    def _run(
        self,
        backend: Backend,
        limits: ExactLimits,
        objective: dict[int, float],
        upper: FloatArray,
        start: FloatArray,
        count: Counter,
    ) -> tuple[FloatArray, float]:
        """One MIP from `start`; raises `_StoppedError` when a limit stops it before it is proven."""
        left = None
        if limits.deadline is not None:
            left = limits.deadline - time.monotonic()
            if left <= 0:
                raise _StoppedError("the time limit was reached")
        count("mip_solves", 1)
        try:
            sol = backend.solve(self.m.program(objective, upper), left, start=start, effort=limits.effort)
        except BackendError as e:  # a solver that fails must not end the run: the part keeps the fast plan
            raise _StoppedError(f"the {backend.name} backend failed: {e}", reason="heuristic") from e
        if sol.status is not SolveStatus.OPTIMAL:
            late = limits.deadline is not None and time.monotonic() >= limits.deadline - 0.01
            raise _StoppedError(
                f"a MIP of {self.size} integer variables stopped at its {'time' if late else 'effort'} limit"
            )
        x = np.rint(sol.x)
        reached = sum(w * x[c] for c, w in objective.items())
        if abs(reached - sol.objective) > 1e-6 * max(1.0, abs(sol.objective)):
            raise _StoppedError(f"the {backend.name} backend's answer does not reach the optimum it reports")
        return x, sol.objective

    def _levels(
        self, t: int, backend: Backend, limits: ExactLimits, upper: FloatArray, x: FloatArray, count: Counter
    ) -> FloatArray:
        """Tier `t` by levels: maximise the entries at or above each candidate fill, then hold that count."""
        entries = self.entries[t]
        levels = sorted(set().union(*(e.levels() for e in entries)))
        i = 0
        while i < len(levels):
            v = levels[i]
            terms = _at_least(entries, v)
            if not terms:
                break
            x, _ = self._run(backend, limits, terms, upper, x, count)
            fills = self._fills(t, x)
            above = [f for f in fills if f >= v]
            if not above:
                i += 1
                continue
            top = min(above)
            held = _at_least(entries, top)
            got = sum(w * x[c] for c, w in held.items())
            self.m.row(held, got - 0.5, np.inf)
            while i < len(levels) and levels[i] <= top:
                i += 1
        return x

    def _total(
        self, t: int, backend: Backend, limits: ExactLimits, upper: FloatArray, x: FloatArray, count: Counter
    ) -> FloatArray:
        """Tier `t` under "none": maximise its total fill (in whole 1/lcm steps where modest), then hold it."""
        entries = self.entries[t]
        scale = math.lcm(*(e.q for e in entries)) if entries else 1
        slack = 0.5
        if scale > EXACT_SCALE:
            scale, slack = 1, HOLD_TOLERANCE
        terms: dict[int, float] = defaultdict(float)
        for e in entries:
            for c in e.units:
                terms[c] += scale / e.q
            for c, w in e.whole.items():
                terms[c] += scale * w
        if not terms:
            return x
        x, _ = self._run(backend, limits, terms, upper, x, count)
        got = sum(w * x[c] for c, w in terms.items())
        self.m.row(dict(terms), got - slack, np.inf)
        return x

    def _fills(self, t: int, x: FloatArray) -> list[Fraction]:
        """The fills of tier `t`'s entries in solution `x` (a group gives one fill per need)."""
        out: list[Fraction] = []
        for e in self.entries[t]:
            if e.units:
                counts = [round(x[c]) for c in e.units]
                for i in range(e.count):
                    out.append(Fraction(sum(1 for k in counts if k > i), e.q))
            elif e.whole:
                done = round(sum(w * x[c] for c, w in e.whole.items()))
                out += [Fraction(1)] * done + [Fraction(0)] * (e.count - done)
            else:
                out += [e.fill] * e.count
        return out

    def _zero_later(self, x: FloatArray, t: int) -> FloatArray:
        """`x` with the needs and services of tiers after `t` given nothing, and the flows routed again to match:
        a start that the tier-`t` model accepts."""
        x = x.copy()
        for col, tier in self.col_tier.items():
            if tier > t:
                x[col] = 0.0
        self._route(x)
        return x

    def _route(self, x: FloatArray) -> None:
        """Set the lot -> class flows of `x` to carry its class totals (one max flow per component)."""
        for k, arcs in self.flow.items():
            x[np.asarray(arcs, np.int64)] = self.problem.components[k].net.route(self._class_totals(k, x))

    def _class_totals(self, k: int, x: FloatArray) -> IntArray:
        """Units per class of component `k` in solution `x`."""
        problem, index = self.problem, self.index
        comp = problem.components[k]
        totals = np.zeros(len(comp.classes), np.int64)
        for n, cols in self.unary.items():
            if int(problem.need_comp[n]) == k:
                units = round(sum(x[c] for c in cols))
                totals[problem.need_class[n]] += units * (int(index.need_qty[n]) if index.need_aon[n] else 1)
        for group, cols, whole in self.groups:
            n = int(group[0])
            if int(problem.need_comp[n]) == k:
                units = round(sum(x[c] for c in cols))
                totals[problem.need_class[n]] += units * (int(index.need_qty[n]) if whole else 1)
        return totals

    def start(self, amount: IntArray, roster: Roster | None) -> FloatArray:
        """The fast plan as a point of this model (the warm start of the first MIP)."""
        x = np.zeros(len(self.m.lower))
        if roster is not None:
            for (h, v), c in self.x.items():
                x[c] = float(roster.delivery[h] == v)
            for (s, v), c in self.y.items():
                x[c] = float(roster.service[s] == v)
        for n, cols in self.unary.items():
            units = int(amount[n])
            if len(cols) == 1 and self.index.need_aon[n]:
                x[cols[0]] = float(units > 0)
            else:
                for j, c in enumerate(cols):
                    x[c] = float(units > j)
        for group, cols, whole in self.groups:
            given = amount[group]
            if whole:
                x[cols[0]] = float((given > 0).sum())
            else:
                for j, c in enumerate(cols):
                    x[c] = float((given > j).sum())
        self._route(x)
        return x

    def _result(self, x: FloatArray) -> PartResult:
        """The proven plan of the part read from the last solution."""
        index = self.index
        out = PartResult(proven=True, reason="", detail="", size=self.size)
        for n in self.part.needs.tolist():
            out.amount[n] = int(self.base_amount[n])  # the constants: what the fast plan gave
        for (h, v), c in self.x.items():
            if x[c] > 0.5:
                out.delivery[h] = v
            else:
                out.delivery.setdefault(h, -1)
        for (s, v), c in self.y.items():
            if x[c] > 0.5:
                out.service[s] = v
            else:
                out.service.setdefault(s, -1)
        for n, cols in self.unary.items():
            units = round(sum(x[c] for c in cols))
            out.amount[n] = units * int(index.need_qty[n]) if index.need_aon[n] else units
        for n, h in self.plain.items():
            out.amount[n] = int(index.need_qty[n]) if out.delivery.get(h, -1) >= 0 else 0
        for group, cols, whole in self.groups:
            counts = [round(x[c]) for c in cols]
            for i, n in enumerate(group.tolist()):  # lowest seeded rank first, as the water-filling breaks ties
                units = sum(1 for k in counts if k > i)
                out.amount[n] = units * int(index.need_qty[n]) if whole else units
        return out


def _at_least(entries: list[_Entry], v: Fraction) -> dict[int, float]:
    """Column -> weight of the linear count of `entries` with fill at least `v` (constants left out)."""
    terms: dict[int, float] = defaultdict(float)
    for e in entries:
        cols = e.at_least(v)
        if cols is not None:
            for c, w in cols.items():
                terms[c] += w
    return dict(terms)


class _StoppedError(Exception):
    """A MIP stopped before proving its level: at a limit (`reason` "time_limit"), or because the backend failed
    ("heuristic": the fast plan stands)."""

    def __init__(self, message: str, reason: str = "time_limit") -> None:
        super().__init__(message)
        self.reason = reason
