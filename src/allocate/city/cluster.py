"""Where the parts run: a Dask client on a `LocalCluster` started here, or on any scheduler by its address.

`scheduler=None` starts a `LocalCluster` of `workers` processes (one thread each: the solver is single-threaded
Python and numpy, so processes, not threads, run parts side by side) and closes it afterwards. A string is a
scheduler's address (`tcp://host:8786`): the client connects, uses whatever workers that scheduler has, and leaves
the cluster running. An existing `distributed.Client` is used as it is and left open.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from allocate.checks import fail


def check_scheduler(scheduler: object, workers: object, func: str) -> None:
    """Raise unless `scheduler` is None, an address or a Client, and `workers` a whole number >= 1."""
    from distributed import Client

    if scheduler is not None and not isinstance(scheduler, str | Client):
        raise fail("scheduler", func, "None, a scheduler address (str) or a distributed.Client", scheduler)
    if isinstance(scheduler, str) and not scheduler:
        raise fail("scheduler", func, "a scheduler address such as 'tcp://127.0.0.1:8786'", scheduler)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise fail("workers", func, "a whole number >= 1", workers)


@contextmanager
def client_for(scheduler: Any, workers: int) -> Iterator[Any]:
    """A `distributed.Client` for `scheduler` (see the module doc), closed afterwards if it was made here."""
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if isinstance(scheduler, str):
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client
