"""The goods network checks demands over pools of lots that may give to the same classes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from allocate.core.network import Network, _build, _solve


@st.composite
def networks(draw: st.DrawFn) -> tuple[Network, list[list[int]]]:
    """A network of up to 8 lots and 5 classes, lots often sharing their classes, and demands to check."""
    n_l, n_c = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    kinds = [draw(st.sets(st.integers(0, n_c - 1))) for _ in range(draw(st.integers(1, 3)))]
    reach = [sorted(kinds[draw(st.integers(0, len(kinds) - 1))]) for _ in range(n_l)]
    stock = np.asarray([draw(st.integers(0, 6)) for _ in range(n_l)], np.int64)
    arcs = [(lot, c) for c in range(n_c) for lot in range(n_l) if c in reach[lot]]  # by class, as goods builds them
    net = Network(
        stock=stock,
        arc_lot=np.asarray([a for a, _ in arcs], np.int64),
        arc_cls=np.asarray([c for _, c in arcs], np.int64),
    )
    demands = [[draw(st.integers(0, 8)) for _ in range(n_c)] for _ in range(3)]
    return net, demands


@settings(max_examples=150, deadline=None)
@given(networks())
def test_pools_give_the_max_flow_of_the_lots_themselves(case: tuple[Network, list[list[int]]]) -> None:
    net, demands = case
    lots = _build(net.stock, net.arc_lot, net.arc_cls, len(demands[0]))
    stock, _, _ = net.pools
    assert stock.sum() <= net.stock.sum()
    for demand in demands:
        want = np.asarray(demand, np.int64)
        assert net.max_flow(want) == int(_solve(lots, want).optimal_flow())
        if net.feasible(want):
            for c in range(want.size):
                open_ended = want.copy()
                open_ended[c] = int(net.stock.sum())
                assert net.room(want, c) == int(_solve(lots, open_ended).optimal_flow()) - int(want.sum())
            routed = net.route(want)
            assert np.bincount(net.arc_cls, weights=routed, minlength=want.size).tolist() == want.tolist()
            assert (np.bincount(net.arc_lot, weights=routed, minlength=net.n_lots) <= net.stock).all()


def test_lots_that_reach_the_same_classes_are_one_pool() -> None:
    """Three open lots of an item and one earmarked for class 1: two pools, 2 + 1 arcs instead of 3 * 2 + 1."""
    net = Network(
        stock=np.asarray([5, 0, 7, 2], np.int64),
        arc_lot=np.asarray([0, 1, 2, 0, 1, 2, 3], np.int64),
        arc_cls=np.asarray([0, 0, 0, 1, 1, 1, 1], np.int64),
    )
    stock, arc_pool, arc_cls = net.pools
    assert stock.tolist() == [12, 2]
    assert list(zip(arc_pool.tolist(), arc_cls.tolist(), strict=True)) == [(0, 0), (0, 1), (1, 1)]
    assert net.feasible(np.asarray([10, 4], np.int64))
    assert not net.feasible(np.asarray([13, 1], np.int64))
    assert net.room(np.asarray([10, 0], np.int64), 1) == 4
