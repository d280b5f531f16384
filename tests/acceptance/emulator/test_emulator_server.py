"""The server itself: lifecycle, threads, keep-alive, raw HTTP edge cases, counters, logging."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest

from drift.emulator import DEMO_DATA_PATH, Emulator

KEY = "test-key"  # the key conftest's fixtures send and accept
SHOP = "/v1/integrations/intg_AuUKK371Spr5"

Make = Callable[..., Emulator]
Connect = Callable[..., httpx.Client]


def emulator_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "drift-emulator"]


@pytest.fixture
def sock(emu: Emulator) -> Iterator[socket.socket]:
    with closing(socket.create_connection(("127.0.0.1", emu.port), timeout=5)) as s:
        yield s


def read_to_eof(s: socket.socket) -> bytes:
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    return data


def get(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\nX-API-Key: {KEY}\r\n{extra}\r\n".encode()


def test_stop_leaves_no_thread_and_is_idempotent() -> None:
    before = len(emulator_threads())
    emulator = Emulator(api_key=KEY).start()
    assert len(emulator_threads()) == before + 1
    emulator.stop()
    emulator.stop()
    assert len(emulator_threads()) == before
    with pytest.raises(RuntimeError):
        _ = emulator.url


def test_stop_closes_open_connections(emu: Emulator, sock: socket.socket) -> None:
    sock.sendall(get(SHOP))
    assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")
    emu.stop()
    assert read_to_eof(sock) == b""


def test_restart_and_double_start(make_emulator: Make, connect: Connect) -> None:
    emulator = make_emulator()
    with pytest.raises(RuntimeError, match="already running"):
        emulator.start()
    emulator.stop()
    emulator.start()
    assert connect(emulator).get(SHOP).status_code == 200


def test_port_in_use_raises_from_start(make_emulator: Make) -> None:
    taken = make_emulator()
    before = len(emulator_threads())
    with pytest.raises(OSError):
        Emulator(api_key=KEY, port=taken.port).start()
    assert len(emulator_threads()) == before


def test_context_manager_and_path_data() -> None:
    with Emulator(str(DEMO_DATA_PATH), api_key=KEY) as emulator, httpx.Client() as client:
        assert emulator.url == f"http://127.0.0.1:{emulator.port}"
        response = client.get(emulator.url + SHOP, headers={"X-API-Key": KEY})
        assert response.status_code == 200
    assert not emulator_threads()


def test_serve_forever_until_stop() -> None:
    emulator = Emulator(api_key=KEY)
    urls: list[str] = []
    ready = threading.Event()

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    # off the main thread, signal handlers cannot be installed; stop() still works
    thread = threading.Thread(target=emulator.serve_forever, args=(on_ready,))
    thread.start()
    assert ready.wait(5)
    with httpx.Client() as client:
        assert client.get(urls[0] + SHOP, headers={"X-API-Key": KEY}).status_code == 200
    emulator.stop()
    thread.join(5)
    assert not thread.is_alive()


def test_keep_alive_reuses_one_connection(emu: Emulator, client: httpx.Client) -> None:
    for _ in range(5):
        assert client.get(SHOP).headers["connection"] == "keep-alive"
    assert (emu.request_count, emu.connection_count) == (5, 1)


def test_counters_and_request_log(emu: Emulator, client: httpx.Client) -> None:
    client.get(SHOP + "?verbose=1")
    client.patch(SHOP + "/auth/auth_P3kNz7Yv1Qm9", json={})
    assert emu.request_count == 2
    assert emu.requests == [("GET", SHOP), ("PATCH", SHOP + "/auth/auth_P3kNz7Yv1Qm9")]
    emu.reset_counters()
    assert (emu.request_count, emu.requests, emu.connection_count) == (0, [], 0)


def test_connection_close_is_honoured(sock: socket.socket) -> None:
    sock.sendall(get(SHOP, "Connection: close\r\n"))
    reply = read_to_eof(sock)
    assert reply.count(b"HTTP/1.1 ") == 1 and b"\r\nConnection: close\r\n" in reply


def test_http10_closes_by_default(sock: socket.socket) -> None:
    sock.sendall(f"GET {SHOP} HTTP/1.0\r\nX-API-Key: {KEY}\r\n\r\n".encode())
    assert read_to_eof(sock).startswith(b"HTTP/1.1 200 OK\r\n")


def test_pipelined_requests_are_answered_in_order(sock: socket.socket) -> None:
    sock.sendall(get(SHOP) + get("/v1/nope", "Connection: close\r\n"))
    reply = read_to_eof(sock)
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n")
    assert reply.count(b"HTTP/1.1 404 ") == 1


def test_expect_100_continue(sock: socket.socket) -> None:
    body = b'{"headers": []}'
    sock.sendall(
        f"PATCH {SHOP}/auth/auth_P3kNz7Yv1Qm9 HTTP/1.1\r\nX-API-Key: {KEY}\r\n"
        f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
    )
    assert sock.recv(25) == b"HTTP/1.1 100 Continue\r\n\r\n"
    sock.sendall(body)
    assert read_to_eof(sock).startswith(b"HTTP/1.1 200 OK\r\n")


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"NONSENSE\r\n\r\n", b"400"),
        (b"GET /x HTTP/2\r\n\r\n", b"400"),
        (b"GET /x HTTP/1.1\r\nno colon\r\n\r\n", b"400"),
        (b"GET /x HTTP/1.1\r\nContent-Length: ten\r\n\r\n", b"400"),
        (b"GET /x HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", b"413"),
        (b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", b"501"),
        (b"GET /x HTTP/1.1\r\nX-Big: " + b"a" * 70_000, b"431"),
    ],
)
def test_bad_requests_get_an_answer_and_a_close(
    emu: Emulator, sock: socket.socket, raw: bytes, status: bytes
) -> None:
    sock.sendall(raw)
    reply = read_to_eof(sock)
    assert reply.startswith(b"HTTP/1.1 " + status + b" ")  # reason phrases vary by Python
    assert b"Connection: close" in reply and reply.endswith(b'"}')
    assert emu.request_count == 0


def test_client_leaving_mid_request_is_quiet(emu: Emulator, client: httpx.Client) -> None:
    for partial in (b"GET / HT", get(SHOP).replace(b"\r\n\r\n", b"\r\nContent-Length: 9\r\n\r\n")):
        with closing(socket.create_connection(("127.0.0.1", emu.port))) as s:
            s.sendall(partial)
    assert client.get(SHOP).status_code == 200


def test_verbose_logs_requests_without_the_key(
    make_emulator: Make, connect: Connect, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = make_emulator(verbose=True, api_key="very-secret-key")
    connect(emulator, key="very-secret-key").get(SHOP)
    emulator.stop()
    err = capsys.readouterr().err
    assert f"GET {SHOP} -> 200" in err and "very-secret-key" not in err


def test_quiet_by_default(
    emu: Emulator, client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    client.get(SHOP)
    assert capsys.readouterr() == ("", "")


def test_concurrent_latency_overlaps(make_emulator: Make) -> None:
    emulator = make_emulator(latency=0.1)

    async def burst() -> float:
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(
            base_url=emulator.url, limits=limits, headers={"X-API-Key": KEY}
        ) as client:
            started = time.monotonic()
            replies = await asyncio.gather(*(client.get(SHOP) for _ in range(64)))
            assert {r.status_code for r in replies} == {200}
            return time.monotonic() - started

    assert asyncio.run(burst()) < 1.5  # 64 x 0.1 s would be 6.4 s if requests blocked


@pytest.mark.parametrize("kwargs", [{"dialect": "v2"}, {"api_key": ""}])
def test_bad_constructor_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Emulator(**{"api_key": KEY, **kwargs})
