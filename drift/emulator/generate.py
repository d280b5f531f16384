"""Synthesize many integrations for load tests, deterministically from a seed."""

from __future__ import annotations

import random
from typing import Any

from .records import AUTH_TYPES

_TEAMS = ("revenue", "support", "growth", "platform", "ops")
_ACCEPTS = ("application/json", "application/xml", "*/*")


def generated_data(n: int, seed: int) -> dict[str, Any]:
    """A data-file dict with `n` integrations `intg_gen00001…`, each with `auth_gen00001…`.

    Same (n, seed), same data; the lead derives a matching spec from it.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    integrations: list[dict[str, Any]] = []
    auth: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        iid, aid = f"intg_gen{i:05d}", f"auth_gen{i:05d}"
        # spread timestamps over a day, half of them with milliseconds
        stamp = f"2024-03-{1 + i % 28:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00"
        stamp += ".000Z" if rng.random() < 0.5 else "Z"
        integrations.append(
            {
                "integrationId": iid,
                "name": f"Generated Integration {i}",
                "description": f"synthetic integration number {i}",
                "createdAt": stamp,
                "updatedAt": stamp,
                "authentication": aid,
            }
        )
        auth.append(
            {
                "authId": aid,
                "integrationId": iid,
                "authType": rng.choice(AUTH_TYPES),
                "headers": _headers(rng, i),
                "createdAt": stamp,
                "updatedAt": stamp,
            }
        )
    return {"integrations": integrations, "auth": auth}


def _headers(rng: random.Random, i: int) -> dict[str, str]:
    headers: dict[str, str] = {}
    if rng.random() < 0.7:
        headers["X-Request-Source"] = "sigmamind"
    if rng.random() < 0.5:
        headers["X-Team"] = rng.choice(_TEAMS)
    if rng.random() < 0.3:
        headers["Accept"] = rng.choice(_ACCEPTS)
    if rng.random() < 0.2:
        headers["X-Tenant"] = f"tenant-{i % 97}"
    return headers
