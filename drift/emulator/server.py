"""The Emulator: an asyncio HTTP/1.1 server, run in a background thread or in the foreground."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable, Mapping
from contextlib import suppress
from types import TracebackType
from typing import Any

from .api import Api
from .data import DEMO_DATA_PATH, load_data, parse_data
from .faults import RunFaults, RunState
from .generate import generated_data
from .handler import Handler
from .render import DIALECTS


class Emulator:
    """A fake SigmaMind API on loopback, with seeded, reproducible fault injection.

    `data` is a data-file dict, a path to a YAML/JSON data file, or None for the demo set.
    Use as a context manager (background thread) or call `serve_forever()` (this thread).
    """

    def __init__(
        self,
        data: Mapping[str, Any] | str | os.PathLike[str] | None = None,
        *,
        api_key: str = "demo-key",
        host: str = "127.0.0.1",
        port: int = 0,
        dialect: str = "modern",
        latency: float = 0.0,
        jitter: float = 0.0,
        error_rate: float = 0.0,
        rate_limit: int = 0,
        burst_every: int = 0,
        burst_length: int = 1,
        burst_retry_after: int = 1,
        drop_rate: float = 0.0,
        truncate_rate: float = 0.0,
        slow_body: float = 0.0,
        generate: int = 0,
        seed: int = 0,
        verbose: bool = False,
    ) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}")
        if not api_key:
            raise ValueError("api_key must not be empty")
        if data is None:
            data = load_data(DEMO_DATA_PATH)
        elif not isinstance(data, Mapping):
            data = load_data(data)
        if generate:
            extra = generated_data(generate, seed)
            data = {key: [*data.get(key, []), *extra[key]] for key in ("integrations", "auth")}
        run = RunFaults(
            latency,
            jitter,
            error_rate,
            rate_limit,
            burst_every,
            burst_length,
            burst_retry_after,
            drop_rate,
            truncate_rate,
            slow_body,
        )
        self._handler = Handler(
            Api(parse_data(data), dialect == "legacy", seed), RunState(run, seed), api_key, verbose
        )
        self._host, self._port, self.dialect = host, port, dialect
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._stopped_by: signal.Signals | None = None

    # -- what tests look at ---------------------------------------------------------------

    @property
    def url(self) -> str:
        """`http://HOST:PORT` once listening."""
        if self._loop is None:
            raise RuntimeError("the emulator is not running")
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    @property
    def integration_count(self) -> int:
        return len(self._handler.api.data.integrations)

    @property
    def request_count(self) -> int:
        """Requests received so far, answered or not."""
        return self._handler.count

    @property
    def connection_count(self) -> int:
        """Connections accepted; with keep-alive, far fewer than requests."""
        return self._handler.connections

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(method, path) of the requests received (at most the last 100,000), oldest first."""
        with self._handler.lock:
            return list(self._handler.log)

    def reset_counters(self) -> None:
        """Forget requests and connections; restart failTimes, bursts, rate window and seed."""
        self._handler.reset()

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Serve from a daemon thread; returns once listening (raises if it cannot bind)."""
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        ready = threading.Event()
        self._error = None
        self._thread = threading.Thread(
            target=self._thread_main, args=(ready,), name="drift-emulator", daemon=True
        )
        self._thread.start()
        ready.wait()
        if self._error is not None:
            self._thread.join()
            self._thread = None
            raise self._error
        return self

    def stop(self) -> None:
        """Close the server and every connection, then join the thread; safe to repeat."""
        loop, event = self._loop, self._stop_event
        if loop is not None and event is not None:
            with suppress(RuntimeError):  # the loop may have closed on its own meanwhile
                loop.call_soon_threadsafe(event.set)
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def serve_forever(self, on_ready: Callable[[str], None] | None = None) -> signal.Signals | None:
        """Serve in this thread until SIGINT, SIGTERM or stop(); `on_ready(url)` once
        listening. Returns the signal that stopped it, if one did."""

        def ready() -> None:
            if on_ready is not None:
                on_ready(self.url)

        self._stopped_by = None
        try:
            asyncio.run(self._main(ready, signals=True))
        except KeyboardInterrupt:  # before the handlers were installed
            return signal.SIGINT
        return self._stopped_by

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _thread_main(self, ready: threading.Event) -> None:
        try:
            asyncio.run(self._main(ready.set, signals=False))
        except BaseException as exc:  # handed to start(); a thread has nowhere else to put it
            self._error = exc
        finally:
            ready.set()

    def _signalled(self, sig: signal.Signals) -> None:
        self._stopped_by = sig
        if self._stop_event is not None:
            self._stop_event.set()

    async def _main(self, on_listening: Callable[[], None], signals: bool) -> None:
        loop = asyncio.get_running_loop()
        self._stop_event = stop_event = asyncio.Event()
        server = await asyncio.start_server(
            self._handler.connection, self._host, self._port, backlog=1024
        )
        try:
            self._port = server.sockets[0].getsockname()[1]
            self._loop = loop
            if signals:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    with suppress(NotImplementedError, RuntimeError, ValueError):
                        loop.add_signal_handler(sig, self._signalled, sig)
            on_listening()
            await stop_event.wait()
        finally:
            self._loop = None
            server.close()
            await self._handler.close_all()
            await server.wait_closed()
