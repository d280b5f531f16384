"""Where drift may talk and with which key, checked before any request: the base URL
(plain http and the emulator only on this machine) and the API key."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

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
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError as exc:
        raise UsageError(f"invalid base URL {url!r}: {exc}; {wanted}") from None
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
