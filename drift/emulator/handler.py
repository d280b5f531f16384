"""Serve connections: count each request, check the key, apply faults, ask the Api, answer."""

from __future__ import annotations

import asyncio
import hmac
import sys
import threading
import time
from contextlib import suppress
from typing import Any

from .api import Api, Reply, Target, error_reply
from .faults import Decision, PatchFaults, RunState
from .wire import BadRequest, Request, read_request, reason, response_head, send

LOG_LIMIT = 100_000  # the request log keeps at most this many recent entries
_NOT_JSON = Reply(200, b"<html>oops</html>", "text/html; charset=utf-8")


class Handler:
    """Per-emulator serving state; counters are guarded by `lock` for readers in other threads."""

    def __init__(self, api: Api, run: RunState, api_key: str, verbose: bool) -> None:
        self.api, self.run = api, run
        self._key = api_key.encode()
        self._verbose = verbose
        self.lock = threading.Lock()
        self.count = self.connections = 0
        self.log: list[tuple[str, str]] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    def reset(self) -> None:
        with self.lock:
            self.count = self.connections = 0
            self.log = []
            self.run.reset()
            data = self.api.data
            faults = [i.faults for i in data.integrations.values()]
            faults += [a.faults for a in data.auth.values()]
            for fault in faults:
                if fault is not None:
                    fault.hits = 0
                    if fault.patch is not None:
                        fault.patch.reset()

    async def close_all(self) -> None:
        """Cancel every open connection (they close themselves) and wait for them.

        A connection accepted just before the server closed has a task that has not run
        yet; cancelled now, it would never close its socket. Letting the loop turn a few
        times first lets such tasks start and register."""
        for _ in range(10):
            await asyncio.sleep(0)
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        with self.lock:
            self.connections += 1
        try:
            while True:
                try:
                    req = await read_request(reader, writer)
                except BadRequest as exc:
                    reply = error_reply(exc.status, exc.message)
                    head = response_head(exc.status, reply.content_type, len(reply.body), False)
                    await send(writer, head, reply.body, 0.0)
                    break
                if req is None or not await self._answer(req, writer):
                    break
        except ConnectionError:
            pass
        except asyncio.CancelledError:
            writer.transport.abort()  # shutting down: don't wait to flush to a slow client
            raise
        finally:
            if task is not None:
                self._tasks.discard(task)
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()

    async def _answer(self, req: Request, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection must close."""
        started = time.monotonic()
        key = req.headers.get("x-api-key")
        authorized = key is not None and hmac.compare_digest(key.encode("latin-1"), self._key)
        with self.lock:
            self.count += 1
            self.log.append((req.method, req.path))
            if len(self.log) > LOG_LIMIT:
                del self.log[: LOG_LIMIT // 2]
            plan = self.run.decide(started) if authorized else Decision(self.run.faults.latency)
        reply, delay, slow = self._outcome(req, authorized, plan)
        if delay > 0:
            await asyncio.sleep(delay)
        if reply is None:
            self._access(req, "dropped", started)
            return False
        head = response_head(
            reply.status, reply.content_type, len(reply.body), req.keep_alive, reply.headers
        )
        await send(writer, head, reply.body, slow)
        self._access(req, str(reply.status), started)
        return req.keep_alive

    def _outcome(
        self, req: Request, authorized: bool, plan: Decision
    ) -> tuple[Reply | None, float, float]:
        """The reply (None = drop the connection), the delay before it, the body trickle time."""
        delay, slow = plan.delay, self.run.faults.slow_body
        if not authorized:
            return error_reply(401, "unauthorized"), delay, slow
        if plan.status is not None:
            return _fault_reply(plan.status, plan.retry_after), delay, slow
        if plan.drop:
            return None, delay, slow
        routed = self.api.dispatch(req.method, req.path)
        if isinstance(routed, Reply):
            return routed, delay, slow
        faults, truncate = routed.faults, plan.truncate
        if faults is not None:
            delay += faults.latency
            slow = max(slow, faults.slow_body)
            if faults.patch is not None:
                handled, reply = self._patch_faults(req, routed, faults.patch)
                if handled:
                    return reply, delay, slow
            with self.lock:
                failing = faults.trip()
            # failures answer before the handler runs, so a failed PATCH changes nothing
            if failing and faults.drop:
                return None, delay, slow
            if failing and faults.status is not None:
                return _fault_reply(faults.status, faults.retry_after), delay, slow
            if failing and faults.not_json:
                return _NOT_JSON, delay, slow
            truncate = truncate or (failing and faults.truncated)
        reply = routed.run(req.body)
        if truncate and reply.status == 200:
            reply = Reply(200, reply.body[: len(reply.body) // 2], reply.content_type)
        return reply, delay, slow

    def _patch_faults(
        self, req: Request, routed: Target, faults: PatchFaults
    ) -> tuple[bool, Reply | None]:
        """PATCH faults of a record: (True, the reply or None to drop) when they decide the
        answer, (False, None) when the request goes on as usual."""
        if req.method == "GET" and faults.read_status_after is not None and faults.patched:
            return True, _fault_reply(faults.read_status_after, None)
        if req.method != "PATCH":
            return False, None
        with self.lock:
            failing = faults.trip() and faults.fails
        if failing and faults.discard and routed.dry_run is not None:
            return True, routed.dry_run(req.body)
        if not failing or faults.applied:
            reply = routed.run(req.body)
            if reply.status == 200:
                faults.patched = True
            if not failing:
                return True, reply
        if faults.drop:
            return True, None
        return True, _fault_reply(faults.status or 500, faults.retry_after)

    def _access(self, req: Request, outcome: str, started: float) -> None:
        if self._verbose:
            ms = (time.monotonic() - started) * 1000
            sys.stderr.write(f"emulator: {req.method} {req.path} -> {outcome} ({ms:.0f} ms)\n")


def _fault_reply(status: int, retry_after: str | None) -> Reply:
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    return error_reply(status, reason(status), headers)
