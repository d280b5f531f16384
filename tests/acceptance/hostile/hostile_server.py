"""A hostile HTTP server of the test suite's own: raw asyncio on 127.0.0.1, answering
each request however a route says, badly on purpose (huge or endless bodies, gzip bombs,
bytes dripped one at a time, broken framing, echoed keys).

It reads one request per connection and always closes it: httpx never reuses a
connection the server has given up on. Everything it was asked is kept in `requests`.
Also used by bench/rss.py, which measures drift's peak memory against it.
"""

from __future__ import annotations

import asyncio
import json
import threading
import zlib
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

Reply = Callable[[asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


Route = Callable[[Request], Reply]

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


def _head(status: int, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(
    status: int = 200,
    body: bytes | str = b"",
    headers: Iterable[tuple[str, str]] = (),
    content_type: str = "application/json",
) -> Reply:
    """A plain response with a Content-Length."""
    data = body.encode() if isinstance(body, str) else body
    head = _head(
        status, [("Content-Type", content_type), ("Content-Length", str(len(data))), *headers]
    )

    async def reply(writer: asyncio.StreamWriter) -> None:
        writer.write(head + data)
        await writer.drain()

    return reply


def as_json(doc: Any, status: int = 200) -> Reply:
    """JSON written with escapes (ensure_ascii): lone surrogates travel as `\\ud800`."""
    return answer(status, json.dumps(doc))


def big(size: int | None, chunk: int = 64 * 1024) -> Reply:
    """A body of `size` bytes (None: endless, chunked) streamed, never held whole."""
    headers = [("Content-Type", "application/json")]
    headers.append(
        ("Transfer-Encoding", "chunked") if size is None else ("Content-Length", str(size))
    )
    block = b" " * chunk

    async def reply(writer: asyncio.StreamWriter) -> None:
        writer.write(_head(200, headers))
        sent = 0
        while size is None or sent < size:
            part = block if size is None else block[: min(chunk, size - sent)]
            writer.write(b"%x\r\n%s\r\n" % (len(part), part) if size is None else part)
            sent += len(part)
            await writer.drain()

    return reply


_BOMBS: dict[tuple[int, str], bytes] = {}


def bomb_bytes(size: int, layers: int = 1) -> bytes:
    """`size` zero bytes, gzip-compressed `layers` times (cached: it takes a moment)."""
    key = (size, str(layers))
    if key not in _BOMBS:
        packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        zeros = bytes(1024 * 1024)
        parts = [packer.compress(zeros) for _ in range(size // len(zeros))]
        parts += [packer.compress(bytes(size % len(zeros))), packer.flush()]
        data = b"".join(parts)
        for _ in range(layers - 1):
            data = zlib.compress(data, 9, wbits=zlib.MAX_WBITS | 16)
        _BOMBS[key] = data
    return _BOMBS[key]


def gzip_bomb(size: int, layers: int = 1) -> Reply:
    """A small gzip body that decodes to `size` bytes (or far more, with more layers)."""
    encoding = ", ".join(["gzip"] * layers)
    return answer(200, bomb_bytes(size, layers), [("Content-Encoding", encoding)])


def drip(interval: float, *, in_headers: bool = False) -> Reply:
    """One byte every `interval` seconds, forever: in the body (after complete headers)
    or in the headers themselves."""

    async def reply(writer: asyncio.StreamWriter) -> None:
        if in_headers:
            writer.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
        else:
            writer.write(
                _head(200, [("Content-Type", "application/json"), ("Content-Length", "99999999")])
            )
            writer.write(b'{"authType": "')
        while True:
            await writer.drain()
            await asyncio.sleep(interval)
            writer.write(b"a")

    return reply


def hang() -> Reply:
    """Never answer (until the server stops)."""

    async def reply(writer: asyncio.StreamWriter) -> None:
        await asyncio.Event().wait()

    return reply


def slam() -> Reply:
    """Close the connection without a word."""

    async def reply(writer: asyncio.StreamWriter) -> None:
        return None

    return reply


class Hostile:
    """Serve `route` on 127.0.0.1 in a background thread; `url` once started."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.requests: list[Request] = []
        self.arrived = threading.Event()  # set at the first request
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Hostile:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the hostile server did not start")
        return self

    def stop(self) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(30)

    def _run(self, ready: threading.Event) -> None:
        asyncio.run(self._main(ready))

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                first = await reader.readexactly(1)
                if first == b"\x16":  # a TLS handshake: answer in plain HTTP, as a
                    writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")  # wrong port would
                    await writer.drain()
                    return
                request = await self._read(first, reader)
                if request is not None:
                    self.requests.append(request)
                    self.arrived.set()
                    await self.route(request)(writer)
            except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                pass  # the client gave up: that is the point
            except asyncio.CancelledError:
                pass  # the server stops: end quietly (asyncio 3.11 logs a cancelled handler)
            finally:
                tasks.discard(task)
                with suppress(Exception):
                    writer.close()
                    # closed for real before the loop ends: no transport left for the
                    # garbage collector to warn about in some later test
                    await writer.wait_closed()

        server = await asyncio.start_server(connection, "127.0.0.1", 0, limit=256 * 1024)
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        await self._stop.wait()
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

    @staticmethod
    async def _read(first: bytes, reader: asyncio.StreamReader) -> Request | None:
        head = first + await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        return Request(parts[0], parts[1], headers)
