"""Where drift may talk and with which key, checked before any request: the base URL
(plain http and the emulator only on this machine), the proxy, and the API key."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from drift.errors import CredentialsError, UsageError

DEFAULT_BASE_URL = "https://api.sigmamind.ai"


def is_loopback(host: str) -> bool:
    """localhost or a loopback IP literal; never a DNS name that merely starts with 127."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """Refuse anything but a plain https://HOST[:PORT][/PREFIX], or http:// to loopback."""
    wanted = "expected https://HOST[:PORT]"
    if url != url.strip() or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise UsageError(f"invalid base URL {url!r}: it contains spaces or control characters")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port  # raises ValueError for a port out of range
    except ValueError as exc:
        raise UsageError(f"invalid base URL {url!r}: {exc}; {wanted}") from None
    if port == 0:
        raise UsageError(f"invalid base URL {url!r}: port 0 is not a port to connect to")
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(f"invalid base URL {url!r}: {wanted}")
    if parts.username is not None or parts.password is not None:
        # credentials in the URL would be printed in every report; the key has its own place
        raise UsageError(
            "invalid base URL: it must not contain a user name or password; "
            "the API key comes from SIGMAMIND_API_KEY"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"invalid base URL {url!r}: no query or fragment allowed; {wanted}")
    if parts.scheme == "http" and not is_loopback(host):
        raise UsageError(
            f"refusing plain http:// to {host}: use https:// "
            "(http is allowed only for loopback hosts)"
        )
    return url.rstrip("/")


@dataclass(frozen=True)
class Proxy:
    """The proxy a run goes through, from the environment variable `source`."""

    url: str  # http(s)://[user:password@]HOST[:PORT]; the user info is secret
    source: str
    password: str | None = None
    username: str | None = None


def _bypassed(host: str, no_proxy: str) -> bool:
    """Whether NO_PROXY (comma-separated; `*`, a host, or a domain with or without its
    leading dot, each maybe with a port) names `host`."""
    for entry in no_proxy.lower().split(","):
        entry = entry.strip()
        if entry == "*":
            return True
        if entry.startswith("["):  # [::1]:8080
            entry = entry[1:].split("]", 1)[0]
        elif entry.count(":") == 1:
            entry = entry.split(":", 1)[0]
        entry = entry.lstrip(".")
        if entry and (host == entry or host.endswith("." + entry)):
            return True
    return False


def proxy_for(base_url: str, environ: Mapping[str, str]) -> Proxy | None:
    """The proxy for requests to `base_url`, from HTTPS_PROXY or HTTP_PROXY (by the URL's
    scheme), else ALL_PROXY, unless NO_PROXY names the host; lower-case names win, as in
    curl. Loopback hosts never go through a proxy: a local proxy would see the API key.
    A setting drift cannot use is a usage error, before any request; its value is never
    shown, since it may hold a password."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if is_loopback(host):
        return None
    found = None
    for name in (f"{parts.scheme}_proxy", "all_proxy"):
        for spelling in (name, name.upper()):
            if environ.get(spelling, "").strip():
                found = spelling
                break
        if found:
            break
    if found is None:
        return None
    if _bypassed(host, environ.get("no_proxy") or environ.get("NO_PROXY") or ""):
        return None
    value = environ[found].strip()
    wanted = f"{found} is not a proxy URL drift can use: expected http://HOST[:PORT]"
    try:
        proxy = urlsplit(value if "://" in value else f"http://{value}")
        proxy.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError:
        raise UsageError(wanted) from None
    if proxy.scheme.lower().startswith("socks"):
        raise UsageError(
            f"{found} names a SOCKS proxy, which drift does not support; use an HTTP proxy, "
            f"or add {host} to NO_PROXY"
        )
    if (
        proxy.scheme.lower() not in ("http", "https")
        or not proxy.hostname
        or proxy.path not in ("", "/")
        or proxy.query
        or proxy.fragment
        or proxy.port == 0
    ):
        raise UsageError(wanted)
    netloc = proxy.hostname if ":" not in proxy.hostname else f"[{proxy.hostname}]"
    if proxy.port is not None:
        netloc += f":{proxy.port}"
    return Proxy(
        f"{proxy.scheme.lower()}://{netloc}",
        found,
        None if proxy.password is None else unquote(proxy.password),
        None if proxy.username is None else unquote(proxy.username),
    )


def check_api_key(key: str, env: str) -> None:
    """A key that cannot go in an HTTP header (a pasted trailing newline, say) is refused
    before any request, without echoing it."""
    if not key:
        raise CredentialsError(f"no API key: set {env} to your SigmaMind API key")
    if not key.isascii() or not key.isprintable() or key != key.strip():
        raise CredentialsError(
            f"{env} contains characters an HTTP header cannot carry (spaces, a line break, "
            "non-ASCII); check how the secret was pasted"
        )
