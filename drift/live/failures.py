"""Why a request failed, in a few words a report can show."""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator

import httpx


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def connect_cause(exc: BaseException) -> str | None:
    """Why a connection could not be made, in a few words; None when it is not known."""
    for cause in _chain(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "TLS certificate not trusted"
        if isinstance(cause, ssl.SSLError):
            return "TLS handshake failed"
        if isinstance(cause, socket.gaierror):
            return "the host name does not resolve (DNS)"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, (TimeoutError, httpx.TimeoutException)):
            return "timed out"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "network unreachable"
    return None


def describe(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out waiting for the response"
    if isinstance(exc, httpx.ConnectError):
        cause = connect_cause(exc)
        return f"could not connect ({cause})" if cause else "could not connect"
    if isinstance(exc, httpx.ProxyError):
        return f"the proxy refused the request ({exc})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection failed"
    if isinstance(exc, httpx.NetworkError):
        return "the connection failed"
    return f"the request failed ({type(exc).__name__})"
