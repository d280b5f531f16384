"""Proxies: a loopback base URL never goes through one (a proxy would see the API key in
cleartext); a proxy setting drift cannot use is one line, exit 2, before any request; a
usable one is used for a remote API, and its password is never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_server import answer, as_json
from hostile_support import KEY, RunCli, Start, record, write_spec

from drift.errors import UsageError
from drift.live.hosts import check_base_url, proxy_for

REMOTE = "https://api.sigmamind.test"  # never resolved: only the proxy is ever contacted


def _spec(tmp_path: Path) -> Path:
    return write_spec(
        tmp_path / "spec.yaml", {"svc": {"integrationId": "intg_1", "authType": "API_KEY"}}
    )


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_loopback_never_goes_through_a_proxy(
    run_cli: RunCli,
    api_key: str,
    hostile: Start,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    api = hostile(lambda request: as_json(record("intg_1")))
    proxy = hostile(lambda request: answer(502, b"proxied"))
    monkeypatch.setenv(variable, proxy.url)
    code, _, err = run_cli(["check", str(_spec(tmp_path)), "--base-url", api.url, "-q"])
    assert (code, err) == (0, "")
    assert proxy.requests == []
    assert [r.headers["x-api-key"] for r in api.requests] == [KEY]


def test_a_remote_api_goes_through_the_proxy_without_showing_its_password(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = hostile(lambda request: answer(403, b"no"))
    monkeypatch.setenv("HTTPS_PROXY", f"http://drift:proxy-PASSWORD-8c7d6e@127.0.0.1:{proxy.port}")
    code, out, err = run_cli(
        ["check", str(_spec(tmp_path)), "--base-url", REMOTE, "-q", "--retries", "0"]
    )
    assert code == 3
    # the proxy was asked for a tunnel (TLS inside): it never sees the key
    [asked] = proxy.requests
    assert (asked.method, asked.target) == ("CONNECT", "api.sigmamind.test:443")
    assert "x-api-key" not in asked.headers
    assert asked.headers["proxy-authorization"].startswith("Basic ")
    assert "the proxy refused the request" in out
    assert "PASSWORD" not in out + err


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("ALL_PROXY", "socks5://127.0.0.1:1080", "ALL_PROXY names a SOCKS proxy"),
        (
            "https_proxy",
            "socks5h://user:secret-PASSWORD@proxy:1080",
            "https_proxy names a SOCKS proxy",
        ),
        ("HTTPS_PROXY", "http://user:secret-PASSWORD@[bad", "HTTPS_PROXY is not a proxy URL"),
        ("HTTPS_PROXY", "http://proxy:99999", "HTTPS_PROXY is not a proxy URL"),
        ("HTTPS_PROXY", "ftp://proxy:21", "HTTPS_PROXY is not a proxy URL"),
        ("ALL_PROXY", "http://proxy:3128/some/path", "ALL_PROXY is not a proxy URL"),
    ],
)
def test_a_proxy_drift_cannot_use_is_one_line_and_exit_2(
    run_cli: RunCli,
    api_key: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    words: str,
) -> None:
    monkeypatch.setenv(variable, value)
    code, out, err = run_cli(["check", str(_spec(tmp_path)), "--base-url", REMOTE])
    assert (code, out) == (2, "")
    assert err.startswith(f"drift: error: {words}")
    assert len(err.splitlines()) == 1
    assert "PASSWORD" not in err


def test_proxy_choice_follows_curl() -> None:
    env = {"HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2", "ALL_PROXY": "x:3"}
    chosen = proxy_for(REMOTE, env)
    assert chosen is not None and (chosen.url, chosen.source) == ("http://lower:2", "https_proxy")
    chosen = proxy_for("https://api.test", {"ALL_PROXY": "proxy.corp:3128"})
    assert chosen is not None and chosen.url == "http://proxy.corp:3128"
    assert proxy_for("https://api.test", {"HTTP_PROXY": "http://p:1"}) is None  # wrong scheme
    for no_proxy in ("api.test", ".test", "*", "other, api.test:443"):
        assert (
            proxy_for("https://api.test", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": no_proxy})
            is None
        )
    assert proxy_for("https://api.test", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "pi.test"})
    assert proxy_for("http://[::1]:8080", {"ALL_PROXY": "socks5://bad"}) is None  # loopback


@pytest.mark.parametrize("url", ["https://api.test:0", "http://127.0.0.1:0", "https://api.test:00"])
def test_port_zero_is_refused(url: str) -> None:
    with pytest.raises(UsageError, match="port 0"):
        check_base_url(url)
