"""The crew's coverages: volunteers grouped by the visit classes they may deliver to."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from allocate.core.volunteers import distinct_rows


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
