"""What the apply tests share: an account with one record of each kind, the spec that
wants one thing of each, the secrets that must never show, and small helpers."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import Any

from drift.emulator import Emulator

KEY = "apply-test-key-Vb72mQ"
ENV_SECRET = "env-secret-Zq81-abcdef"  # $PARTNER_KEY: written to the record, never shown
LIVE_SECRET = "Bearer live-secret-Hk4-0123"  # a live Authorization value kept as it is
OLD_PARTNER = "old-partner-Wm5-987654"  # the partner record's value before the apply
SECRETS = (KEY, ENV_SECRET, LIVE_SECRET, OLD_PARTNER)

RunCli = Callable[[list[str]], tuple[int, str, str]]

SHOP = "/v1/integrations/intg_S/auth/auth_S"
PAY = "/v1/integrations/intg_P/auth/auth_P"
PARTNER = "/v1/integrations/intg_Q/auth/auth_Q"
CRM = "/v1/integrations/intg_C"

# shop: update in place (X-Source changes; X-Trace undeclared and the secret
#       Authorization, pinned by sha256, are kept)
# pay: authType drift (cannot apply), plus header drift left alone with it
# partner: update in place with the value of an env matcher
# crm: in sync, embedded auth
DATA: dict[str, Any] = {
    "integrations": [
        {"integrationId": "intg_S", "name": "Shop", "authentication": "auth_S"},
        {"integrationId": "intg_P", "name": "Pay", "authentication": "auth_P"},
        {"integrationId": "intg_Q", "name": "Partner", "authentication": "auth_Q"},
        {"integrationId": "intg_C", "name": "CRM", "authentication": "auth_C"},
    ],
    "auth": [
        {
            "authId": "auth_S",
            "integrationId": "intg_S",
            "authType": "API_KEY",
            "headers": [
                {"key": "X-Source", "value": "old"},
                {"key": "X-Trace", "value": "t1"},
                {"key": "Authorization", "value": LIVE_SECRET},
            ],
            "updatedAt": "2024-01-01T00:00:00Z",
        },
        {
            "authId": "auth_P",
            "integrationId": "intg_P",
            "authType": "BEARER_TOKEN",
            "headers": {"X-Source": "old"},
        },
        {
            "authId": "auth_Q",
            "integrationId": "intg_Q",
            "authType": "API_KEY",
            "headers": {"X-Api-Key": OLD_PARTNER, "X-Team": "partners"},
        },
        {
            "authId": "auth_C",
            "integrationId": "intg_C",
            "authType": "NO_AUTH",
            "headers": {"Accept": "application/json"},
        },
    ],
}

SPEC = f"""\
version: 1
integrations:
  shop:
    integrationId: intg_S
    authId: auth_S
    authType: API_KEY
    extraHeaders: ignore
    headers:
      X-Source: new
      Authorization: {{sha256: {hashlib.sha256(LIVE_SECRET.encode()).hexdigest()}}}
  pay:
    integrationId: intg_P
    authId: auth_P
    authType: API_KEY
    headers:
      X-Source: new
  partner:
    integrationId: intg_Q
    authId: auth_Q
    authType: API_KEY
    headers:
      X-Api-Key: {{env: PARTNER_KEY}}
      X-Team: partners
  crm:
    integrationId: intg_C
    authType: NO_AUTH
    headers:
      accept: application/json
"""


def data(**faults: dict[str, Any]) -> dict[str, Any]:
    """DATA with per-record faults, by auth id: data(auth_S={"patch": {"status": 500}})."""
    out = copy.deepcopy(DATA)
    for record in out["auth"]:
        if record["authId"] in faults:
            record["faults"] = faults[record["authId"]]
    return out


def headers_of(record: Any) -> list[tuple[str, str]]:
    return [(h["key"], h["value"]) for h in record["headers"]]


def patches(emu: Emulator) -> list[str]:
    """Paths of the PATCH requests the emulator received."""
    return [path for method, path in emu.requests if method == "PATCH"]
