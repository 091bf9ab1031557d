"""Independent solves in parallel through dask.distributed.

``workers=1`` (and no scheduler) runs serially in this process, with no cluster at all. Otherwise a
``LocalCluster`` of process workers (one thread each: HiGHS and Pyomo hold the GIL-bound Python work) is
started, or an existing cluster is used with ``scheduler="tcp://HOST:PORT"``. The client loads and resolves the
scenario once; the resolved :class:`~model.resolve.ModelData` (the dataset's tables and the scenario, no Pyomo
objects) is sent to every worker once (``shared``) and each task carries only what it varies. A worker needs no
file of the client's: not the scenario, not the dataset, not a plant list, and may run on another machine in any
folder. Results come back as pandas tables and are assembled in the order the serial code would produce them.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from ..errors import CommandLineError


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """SIGINT ignored while the block runs (main thread only), so the local workers started in it ignore it too:
    a terminal's Ctrl-C goes to every process of its group, and a worker killed by it takes its finished results
    with it (the client is the one to stop: it stops the cluster)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _finished(futures, seconds: float = 5.0) -> list:
    """The results of the futures done by a stop, None for the others or for one that cannot be fetched within
    ``seconds`` (a worker gone); a second stop while fetching keeps what was fetched so far."""
    out: list = [None] * len(futures)
    try:
        for k, f in enumerate(futures):
            if f.status == "finished":
                try:
                    out[k] = f.result(timeout=seconds)
                except Exception:  # noqa: BLE001 - lost with its worker: not a result
                    out[k] = None
    except KeyboardInterrupt:
        pass
    return out


@contextmanager
def executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[Callable]:
    """Yields ``run(fn, items, shared=None) -> list`` that maps ``fn`` over ``items`` serially or on a dask
    cluster; with ``shared`` (the resolved model data) each call is ``fn(item, shared)`` and ``shared`` travels to
    each worker once. A stop (Ctrl-C, SIGTERM) while the cluster works is re-raised with ``finished``: the results
    of the tasks done by then, in item order, None for the others (a serial run keeps them itself)."""
    if scheduler is None and (workers or default_workers()) <= 1:
        def serial(fn: Callable, items: Iterable[Any], shared: Any = None) -> list:
            return [fn(x) if shared is None else fn(x, shared) for x in items]

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
        with _ctrl_c_ignored():  # the workers inherit it: Ctrl-C at a terminal reaches the whole process group
            cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        def run(fn: Callable, items: Iterable[Any], shared: Any = None) -> list:
            if shared is None:
                futures = client.map(fn, list(items), pure=False)
            else:  # sent once to every worker, then referred to by each task
                data = client.scatter(shared, broadcast=True, hash=False)
                futures = client.map(fn, list(items), shared=data, pure=False)
            try:
                return client.gather(futures)
            except KeyboardInterrupt as err:  # a stop: hand the caller what finished (None where a task had not)
                err.finished = _finished(futures)
                raise

        run.workers = len(client.scheduler_info().get("workers", {})) or (workers or default_workers())
        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
