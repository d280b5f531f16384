"""Which hosts count as this machine: plain http and the emulator are allowed only there."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """localhost or a loopback IP literal; never a DNS name that merely starts with 127."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
