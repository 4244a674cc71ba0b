"""Which known name a header or table name that matches none was most likely meant to be ("did you mean").

A typo in an optional header is otherwise silent: the column is ignored and every row reads the default.
Names are compared as `header_key` compares them, by edits of whole characters, so `残障` is one edit from
`残疾` as `gird` is from `grid`. Short names allow one edit and longer ones two; a name must keep at least
one character of the other, so that `号` is not taken for `户号`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from allocate.io.columns import header_key

LONG = 6
"""Names of this many characters or more may be two edits from what was meant; shorter ones one."""


def edits(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours that turn `a` into `b` (Damerau, OSA)."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]


def closest(text: str, names: Iterable[str]) -> str | None:
    """The name `text` is most likely a misspelling of (the first of the nearest), or None when none is near.

    Names that cannot be near are passed over before counting edits: their lengths differ by more than the
    edits allowed, or `text` has more characters the name lacks than that (each edit adds at most one). A
    header of 200,000 columns then costs seconds, not minutes.
    """
    key = header_key(text)
    chars = set(key)
    best: tuple[int, str] | None = None
    for name in names:
        other, other_chars = _known(name)
        allowed = 2 if max(len(key), len(other)) >= LONG else 1
        if abs(len(key) - len(other)) > allowed or len(chars - other_chars) > allowed:
            continue
        d = edits(key, other)
        if 0 < d <= allowed and d < min(len(key), len(other)) and (best is None or d < best[0]):
            best = (d, name)
    return best[1] if best else None


@lru_cache(maxsize=1024)
def _known(name: str) -> tuple[str, frozenset[str]]:
    """A known name as compared, and its characters (names are few, and compared with every unknown header)."""
    key = header_key(name)
    return key, frozenset(key)
