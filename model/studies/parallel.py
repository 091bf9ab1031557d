"""Independent solves in parallel through dask.distributed.

``workers=1`` (and no scheduler) runs serially in this process, with no cluster at all. Otherwise a
``LocalCluster`` of process workers (one thread each: HiGHS and Pyomo hold the GIL-bound Python work) is
started, or an existing cluster is used with ``scheduler="tcp://HOST:PORT"``. Tasks receive file paths and
plain data, not Pyomo objects, so any worker that sees the same files can run them; results come back as
pandas tables and are assembled in the order the serial code would produce them.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from ..errors import CommandLineError


@lru_cache(maxsize=4)
def worker_inputs(scenario_path: str, overrides: tuple, inputs: str | None):
    """(dataset, loaded scenario) read once per process: tasks carry file paths, and every task a worker runs
    for the same files shares one copy (the serial path too)."""
    from ..inputs import load_dataset
    from ..scenario import load_scenario

    return load_dataset(inputs), load_scenario(scenario_path, list(overrides))


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@contextmanager
def executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[Callable]:
    """Yields ``run(fn, items) -> list`` that maps ``fn`` over ``items`` serially or on a dask cluster."""
    if scheduler is None and (workers or default_workers()) <= 1:
        def serial(fn: Callable, items: Iterable[Any]) -> list:
            return [fn(x) for x in items]

        serial.workers = 1
        yield serial
        return
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler is not None:
        try:  # 10 s, not dask's 30 s: an address is reachable at once or is mistyped
            client, cluster = Client(scheduler, timeout=10), None
        except (ValueError, OSError, TimeoutError) as err:
            raise CommandLineError(f"--scheduler {scheduler!r}: cannot reach a dask scheduler there ({err}); give "
                                   "its address as tcp://HOST:PORT (`dask scheduler` prints it) or leave "
                                   "--scheduler out to use this machine") from None
    else:
        cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        def run(fn: Callable, items: Iterable[Any]) -> list:
            futures = client.map(fn, list(items), pure=False)
            return client.gather(futures)

        run.workers = len(client.scheduler_info().get("workers", {})) or (workers or default_workers())
        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
