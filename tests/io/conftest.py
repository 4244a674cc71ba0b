"""Fixtures for the io tests: the named cases in tests/data/io_* and problems as `file:line:column` strings."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from allocate.errors import InputError
from allocate.io import read_case

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="session")
def data() -> Path:
    """The folder of named test cases."""
    return DATA


def problems_in(path: str | os.PathLike[str], **kwargs: object) -> list[str]:
    """The problems reading `path` gives, as printed, with the data folder cut from file names."""
    with pytest.raises(InputError) as info:
        read_case(path, **kwargs)  # type: ignore[arg-type]
    prefix = f"{DATA}{os.sep}"
    return [str(p).removeprefix(prefix) for p in info.value.problems]


@pytest.fixture(scope="session")
def problems() -> Callable[..., list[str]]:
    """`problems("io_bad_int")`: the printed problems of a named case."""
    return lambda name, **kwargs: problems_in(DATA / name, **kwargs)
