"""Fetch live auth records from the SigmaMind API: bounded concurrency, retries, limits.

httpx is used here and in `transport`, nowhere else. Concurrency is a pool of worker
threads over several small httpx.Client connection pools. Both choices are measured
(bench/RESULTS.md): one large pool spends CPU per request that grows with its size, and
sync httpx in threads costs about a third less CPU per request than httpx.AsyncClient on
this workload.

Every response is bounded: its body is read as a stream and decoded step by step, never
more than --max-response-bytes of it, and the whole request (connect, headers, body) ends
by --timeout (see `transport`).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence

import httpx

from drift.errors import FetchError
from drift.live.run import Run
from drift.live.settings import DEADLINE_REACHED, GRACE, FetchSettings
from drift.model.live import Fetched, Target
from drift.model.results import NOT_ATTEMPTED, RunStats


def _close_after(threads: Sequence[threading.Thread], run: Run) -> None:
    """Close the pools once the requests nobody waits for have ended."""
    for thread in threads:
        if thread.is_alive():
            thread.join()
    run.close()


def fetch_many(
    targets: Sequence[Target],
    settings: FetchSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    on_done: Callable[[int, int], None] | None = None,
    on_start: Callable[[], None] | None = None,
) -> tuple[list[Fetched], RunStats]:
    """Fetch every target; results come back in the order of `targets`. `on_start` is
    called once the clients are set up, just before the first request.

    Raises CredentialsError at the first 401/403 (a rejected key fails every record
    alike), and Unreachable when the first records could not connect at all; either
    carries in `.partial` the results and stats so far, records not started marked "not
    attempted". When the deadline passes, records not yet checked come back as errors.
    """
    run = Run(settings, transport, len(targets), on_done)
    results: list[Fetched | None] = [None] * len(targets)
    failures: list[BaseException] = []
    claim = itertools.count()  # next() is atomic: every index goes to exactly one worker
    workers = max(1, min(settings.concurrency, len(targets)))
    live = workers
    finished = threading.Event()

    def work(client: httpx.Client) -> None:
        nonlocal live
        try:
            while not run.stop.is_set():
                index = next(claim)
                if index >= len(targets):
                    break
                results[index], never_connected = run.one(index, targets[index], client)
                run.tick()
                run.settle(never_connected)
        except BaseException as exc:  # a rejected key, no connection, or a bug: the run stops
            failures.append(exc)
            run.stop.set()  # now, before another worker takes its next target
        finally:
            with run.lock:
                live -= 1
                if live == 0 or failures:
                    finished.set()

    # Plain daemon threads, each pulling the next index, spread over the pools: measured
    # cheaper per record than an executor's futures, and Ctrl-C need not wait for them.
    threads = [
        threading.Thread(
            target=work,
            args=(run.clients[n % len(run.clients)],),
            name=f"drift-fetch-{n}",
            daemon=True,
        )
        for n in range(workers)
    ]
    if on_start:
        on_start()
    try:
        for thread in threads:
            thread.start()
        while True:
            left = run.remaining()
            # re-checked after each wait: the clock may be a test's, not the wall's
            if (left is not None and left <= 0) or finished.wait(left):
                break
        if failures:
            raise _stopped(failures[0], list(results), run)
        in_time = list(results)  # what a late response brings after the deadline is not kept
    finally:
        # Take no new work and end retry waits now. Requests in flight are not waited for
        # after the deadline or Ctrl-C, and only briefly after a rejected key (they
        # usually end at once): the daemon threads end with them, the process need not.
        with run.lock:
            run.stop.set()
        if failures:
            give_up = time.monotonic() + GRACE
            for thread in threads:
                if thread.is_alive():
                    thread.join(max(0.0, give_up - time.monotonic()))
        with run.lock:
            all_done = live == 0
        if all_done:
            for thread in threads:
                thread.join()  # each has left its loop already
            run.close()
        else:
            threading.Thread(target=_close_after, args=(threads, run), daemon=True).start()
    # what is still missing was not checked before the deadline
    checked = [run.error(DEADLINE_REACHED) if r is None else r for r in in_time]
    return checked, run.stats


def _stopped(exc: BaseException, results: list[Fetched | None], run: Run) -> BaseException:
    """The error that stopped the run, carrying what was fetched until then."""
    if isinstance(exc, FetchError):
        why = str(exc)
        exc.partial = (
            [
                r
                if r is not None
                else Fetched(
                    "error",
                    message=f"{'not checked' if run.started[i] else NOT_ATTEMPTED}: {why}",
                )
                for i, r in enumerate(results)
            ],
            run.stats,
        )
    return exc
