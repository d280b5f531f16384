"""Memory and time are bounded: a body past --max-response-bytes (plain, chunked and
endless, or a gzip bomb) is an error without being read whole, and --timeout bounds the
whole request, however slowly the server drips its headers or body."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import httpx
import pytest
from hostile_server import Reply, Request, answer, big, bomb_bytes, drip, gzip_bomb
from hostile_support import KEY, RunCli, Start, record, write_spec

from drift.live.body import Decoder
from drift.live.fetch import fetch_many
from drift.live.settings import FetchSettings, Unreadable
from drift.model.live import Fetched, Target
from drift.secret import Secret

CAP = 64 * 1024
MIB = 1024 * 1024


class SteppingClock:
    """A fake monotonic clock that moves `step` seconds each time it is read: whatever the
    machine's speed, a request is cut after the same number of reads."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _check(run: RunCli, tmp_path: Path, url: str, *extra: str) -> tuple[int, str, str]:
    spec = write_spec(
        tmp_path / "spec.yaml", {"svc": {"integrationId": "intg_1", "authType": "API_KEY"}}
    )
    return run(["check", str(spec), "--base-url", url, "-q", "--retries", "0", *extra])


@pytest.mark.parametrize(
    "reply",
    [big(10 * MIB), big(None), gzip_bomb(64 * MIB)],
    ids=["10-MiB-body", "endless-chunked-body", "64-MiB-gzip-bomb"],
)
def test_a_body_past_the_cap_is_an_error(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path, reply: Reply
) -> None:
    server = hostile(lambda request: reply)
    code, out, err = _check(run_cli, tmp_path, server.url, "--max-response-bytes", str(CAP))
    assert code == 3, err
    assert f"! the response is larger than {CAP} bytes (--max-response-bytes)" in out


def test_the_default_cap_is_one_mib(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path
) -> None:
    server = hostile(lambda request: big(MIB + 1))
    code, out, _ = _check(run_cli, tmp_path, server.url)
    assert code == 3
    assert f"larger than {MIB} bytes" in out


def test_a_compressed_record_under_the_cap_is_read(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path
) -> None:
    packers = {
        "intg_1": ("gzip", gzip.compress),
        "intg_2": ("deflate", zlib.compress),
        "intg_3": ("deflate", lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS)),  # raw
    }

    def route(request: Request) -> Reply:
        iid = request.path.rsplit("/", 1)[1]
        encoding, pack = packers[iid]
        body = pack(json.dumps(record(iid)).encode())
        return answer(200, body, [("Content-Encoding", encoding)])

    server = hostile(route)
    entries = {f"s_{iid}": {"integrationId": iid, "authType": "API_KEY"} for iid in packers}
    spec = write_spec(tmp_path / "spec.yaml", entries)
    code, out, err = run_cli(["check", str(spec), "--base-url", server.url, "-q"])
    assert (code, err) == (0, ""), out


def test_nested_encodings_are_refused_not_decoded(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path
) -> None:
    # two layers of gzip: 64 MiB -> 64 KiB -> a few hundred bytes; httpx would decode both
    server = hostile(lambda request: gzip_bomb(64 * MIB, layers=2))
    code, out, _ = _check(run_cli, tmp_path, server.url)
    assert code == 3
    assert "uses Content-Encoding 'gzip, gzip', which drift does not read" in out


def test_a_corrupt_gzip_body_is_an_error(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path
) -> None:
    server = hostile(
        lambda request: answer(200, b"not gzip at all", [("Content-Encoding", "gzip")])
    )
    code, out, _ = _check(run_cli, tmp_path, server.url)
    assert code == 3
    assert "the response's compressed body is corrupt" in out


def test_the_decoder_never_holds_more_than_the_room_left() -> None:
    chunk = bomb_bytes(64 * MIB)[: 64 * 1024]  # one socket read of a bomb: ~64 MB decoded
    decoder = Decoder("gzip")
    assert len(decoder.decode(chunk, CAP)) == CAP + 1  # "more than the cap": enough to know
    with pytest.raises(Unreadable):
        Decoder("br")


def _one(url: str, clock: SteppingClock, timeout: float = 2.0) -> Fetched:
    settings = FetchSettings(
        base_url=url, api_key=Secret(KEY), timeout=timeout, retries=0, clock=clock
    )
    results, _ = fetch_many([Target("intg_1", None)], settings)
    return results[0]


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_timeout_bounds_the_whole_request(hostile: Start, in_headers: bool) -> None:
    """Each byte comes quickly (10 ms), so no single read ever times out; the whole
    request is cut at --timeout all the same. The clock is a fake one that moves half a
    second per reading: the cut comes after the same number of reads on any machine."""
    server = hostile(lambda request: drip(0.01, in_headers=in_headers))
    fetched = _one(server.url, SteppingClock(0.5))
    assert fetched.kind == "error"
    assert fetched.message == "timed out: no complete response within 2 s after 1 attempt"


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_timeout_bounds_a_dripping_server_through_the_cli(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path, in_headers: bool
) -> None:
    """Real time this once: the server drips forever, so the only way the run can end is
    the cut at --timeout; when exactly it comes does not change what is asserted. The
    timeout is long next to a loopback connect, even on a loaded machine (at 0.5 s the cut
    once came during the connect, which is reported as a failed connection instead)."""
    server = hostile(lambda request: drip(0.05, in_headers=in_headers))
    code, out, _ = _check(run_cli, tmp_path, server.url, "--timeout", "3")
    assert code == 3
    assert "! timed out: no complete response within 3 s after 1 attempt" in out


def test_huge_headers_are_a_failed_connection_not_a_crash(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path
) -> None:
    headers = [(f"X-Pad-{n}", "p" * 1000) for n in range(300)]  # 300 KB of headers
    server = hostile(lambda request: answer(200, b"{}", headers))
    code, out, err = _check(run_cli, tmp_path, server.url)
    assert code == 3, err
    assert "! the connection failed after 1 attempt" in out


def test_mock_stream_is_cut_by_the_fake_clock() -> None:
    """The body loop itself checks the deadline, also without a socket under it."""
    clock = SteppingClock(0.0)

    class Dripping(httpx.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            while True:
                clock.now += 1.0
                yield b" "

    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=Dripping()))
    settings = FetchSettings(
        base_url="https://api.test", api_key=Secret(KEY), timeout=3, retries=0, clock=clock
    )
    results, _ = fetch_many([Target("intg_1", None)], settings, transport=transport)
    assert results[0].message == "timed out: no complete response within 3 s after 1 attempt"
