"""Just enough HTTP/1.1 for the emulator: read one request, write one response."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus

MAX_BODY = 1 << 20
_SLOW_CHUNKS = 10
_REASONS = {s.value: s.phrase for s in HTTPStatus}


class BadRequest(Exception):
    """The bytes were not a request we can answer; reply with `status` and close."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Request:
    method: str
    path: str  # without the query string
    headers: dict[str, str]  # names lower-cased
    keep_alive: bool
    body: bytes = b""


async def read_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Request | None:
    """The next request on the connection, or None when the client has gone."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        raise BadRequest(431, "request header too large") from None
    req = parse_head(head)
    if "chunked" in req.headers.get("transfer-encoding", "").lower():
        raise BadRequest(501, "chunked request bodies are not supported")
    raw_length = req.headers.get("content-length", "0").strip()
    if not raw_length.isdigit():
        raise BadRequest(400, "bad Content-Length")
    length = int(raw_length)
    if length > MAX_BODY:
        raise BadRequest(413, "request body too large")
    if length:
        if req.headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        try:
            req.body = await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            return None
    return req


def parse_head(head: bytes) -> Request:
    lines = head[:-4].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[1].startswith("/") or not parts[2].startswith("HTTP/1."):
        raise BadRequest(400, "bad request line")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise BadRequest(400, "bad header line")
        headers[name.lower()] = value.strip()
    tokens = headers.get("connection", "").lower()
    keep_alive = "close" not in tokens if version == "HTTP/1.1" else "keep-alive" in tokens
    return Request(method, target.partition("?")[0], headers, keep_alive)


def response_head(
    status: int,
    content_type: str,
    length: int,
    keep_alive: bool,
    extra: tuple[tuple[str, str], ...] = (),
) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}",
        f"Content-Type: {content_type}",
        f"Content-Length: {length}",
        "Connection: keep-alive" if keep_alive else "Connection: close",
    ]
    lines.extend(f"{name}: {value}" for name, value in extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def send(writer: asyncio.StreamWriter, head: bytes, body: bytes, slow: float) -> None:
    """Write a response; with `slow` > 0 the body trickles out over that many seconds."""
    if slow <= 0 or not body:
        writer.write(head + body)
        await writer.drain()
        return
    writer.write(head)
    await writer.drain()
    step = max(1, -(-len(body) // _SLOW_CHUNKS))
    chunks = [body[i : i + step] for i in range(0, len(body), step)]
    for chunk in chunks:
        await asyncio.sleep(slow / len(chunks))
        writer.write(chunk)
        await writer.drain()


def reason(status: int) -> str:
    return _REASONS.get(status, "error").lower()
