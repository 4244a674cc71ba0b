"""The crew's coverages: volunteers grouped by the visit classes they may deliver to."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from allocate.core import volunteers
from allocate.core.index import BoolArray, IntArray
from allocate.core.volunteers import build_crew, distinct_rows
from allocate.generate import generate
from allocate.rules import DELIVERY, VisitFacts, allowed, visit_classes


@given(
    hnp.arrays(np.bool_, st.tuples(st.integers(0, 30), st.integers(0, 20)), elements=st.booleans()).map(
        lambda a: np.concatenate([a, a[::2]])
    )  # repeated rows, as volunteers of one grid have
)
def testdistinct_rows_are_what_numpy_unique_gives(rows: np.ndarray) -> None:
    """Same rows in the same (lexicographic) order, and the same place for each row, as `np.unique(axis=0)`."""
    distinct, of = distinct_rows(rows)
    expected, inverse = np.unique(rows, axis=0, return_inverse=True)
    np.testing.assert_array_equal(distinct, expected)
    np.testing.assert_array_equal(of, inverse.reshape(-1))
    assert of.dtype == np.int64


def test_the_crew_is_the_same_however_many_pairs_are_asked_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Who may deliver where is asked of the rules a slice of volunteers at a time (`PAIRS`); slices of a few
    volunteers give the same crew as one slice of all."""
    case = generate(400, seed=3)
    whole = build_crew(case)
    monkeypatch.setattr(volunteers, "PAIRS", 7)
    sliced = build_crew(case)
    assert whole is not None
    assert sliced is not None
    np.testing.assert_array_equal(whole.covers, sliced.covers)
    assert all(np.array_equal(a, b) for a, b in zip(whole.doers, sliced.doers, strict=True))
    assert whole.covers.shape[0] > 7


def test_the_rules_are_asked_only_of_classes_in_grids_a_volunteer_covers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rule must allow a visit, coverage among them, so who may deliver where is asked of a volunteer and
    the visit classes of the grids they cover, not of every class of the case: pairs grow with the volunteers, not
    with volunteers times grids. The crew is the one asking every pair gives."""
    case = generate(3000, seed=4)
    asked: list[int] = []

    def spy(facts: VisitFacts, volunteer: IntArray, household: IntArray, skill: IntArray) -> BoolArray:
        if (skill == DELIVERY).all():
            asked.append(int(volunteer.size))
        return allowed(facts, volunteer, household, skill)

    monkeypatch.setattr(volunteers, "allowed", spy)
    crew = build_crew(case)
    assert crew is not None
    n_v, n_c = crew.covers.shape
    facts = VisitFacts(case)
    _, first = visit_classes(facts)
    every = allowed(facts, np.repeat(np.arange(n_v), n_c), np.tile(first, n_v), np.full(n_v * n_c, DELIVERY))
    assert crew.covers.reshape(-1).tolist() == every.tolist()
    assert sum(asked) == int(facts.covers[:, facts.hh_grid[first]].sum())
    assert sum(asked) < n_v * n_c / 4
