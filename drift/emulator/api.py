"""The SigmaMind endpoints: route a request and run it against the in-memory records."""

from __future__ import annotations

import json
import random
import re
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from urllib.parse import unquote

from .data import parse_auth_type, parse_headers
from .records import AuthRecord, Dataset, EmulatorDataError, Faults, Integration
from .render import render_auth, render_integration

# the docs say names written through the API must look like this
_NAME = re.compile(r"^[a-z]+(_[a-z]+)*$")
_ID_CHARS = string.ascii_letters + string.digits
# what PATCH of an auth record accepts (authType is refused with its own message)
_PATCH_FIELDS = frozenset({"headers", "token", "username", "password", "apiKey"})


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def json_reply(status: int, obj: object, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, json.dumps(obj, separators=(",", ":")).encode(), headers=headers)


def error_reply(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return json_reply(status, {"error": message}, headers)


@dataclass(frozen=True)
class Target:
    """A request that reached a record: its faults are checked before `run` changes anything."""

    faults: Faults | None
    run: Callable[[bytes], Reply]
    # PATCH of an auth record: the same answer as `run`, with nothing kept
    dry_run: Callable[[bytes], Reply] | None = None


NOT_FOUND = error_reply(404, "not found")


class Api:
    """Routes `/v1/integrations/...` requests; all state lives in the Dataset it was given."""

    def __init__(self, data: Dataset, legacy: bool, seed: int) -> None:
        self._data = data
        self._legacy = legacy
        self._ids = random.Random(seed)  # ids of created records, reproducible per seed
        # legacy clients may spell ids with `-`; map the `_` spelling back to the stored id
        self._intg_alias = {_canon(k): k for k in data.integrations}
        self._auth_alias = {_canon(k): k for k in data.auth}

    @property
    def data(self) -> Dataset:
        return self._data

    def dispatch(self, method: str, path: str) -> Reply | Target:
        parts = path.split("/")
        if len(parts) < 4 or parts[1] != "v1" or parts[2] != "integrations":
            return NOT_FOUND
        if len(parts) == 4:
            allowed: tuple[str, ...] = ("GET", "PATCH")
        elif len(parts) in (5, 6) and parts[4] == "auth":
            allowed = ("POST",) if len(parts) == 5 else ("GET", "PATCH")
        else:
            return NOT_FOUND
        if not all(parts[3:]):
            return NOT_FOUND
        if method not in allowed:
            return error_reply(405, "method not allowed", (("Allow", ", ".join(allowed)),))
        intg = self._integration(_segment(parts[3]))
        if intg is None:
            return error_reply(404, "integration not found")
        if len(parts) == 4:
            handler = self._get_integration if method == "GET" else self._patch_integration
            return Target(intg.faults, partial(handler, intg))
        if len(parts) == 5:
            return Target(intg.faults, partial(self._create_auth, intg))
        rec = self._auth(_segment(parts[5]))
        if rec is None or rec.served_under != intg.integration_id:
            return error_reply(404, "auth record not found")
        if method == "GET":
            return Target(rec.faults, partial(self._get_auth, rec))
        return Target(
            rec.faults, partial(self._patch_auth, rec), partial(self._patch_auth, rec, keep=False)
        )

    def _integration(self, iid: str) -> Integration | None:
        found = self._data.integrations.get(iid)
        if found is None and self._legacy:
            found = self._data.integrations.get(self._intg_alias.get(_canon(iid), ""))
        return found

    def _auth(self, aid: str) -> AuthRecord | None:
        found = self._data.auth.get(aid)
        if found is None and self._legacy:
            found = self._data.auth.get(self._auth_alias.get(_canon(aid), ""))
        return found

    def _render_integration(self, intg: Integration) -> Reply:
        embedded = None
        if intg.authentication is not None:
            embedded = self._data.auth.get(intg.authentication)
        return json_reply(200, render_integration(intg, embedded, self._legacy))

    def _get_integration(self, intg: Integration, body: bytes) -> Reply:
        return self._render_integration(intg)

    def _patch_integration(self, intg: Integration, body: bytes) -> Reply:
        fields = _object(body)
        if isinstance(fields, Reply):
            return fields
        name, desc = fields.get("name", intg.name), fields.get("description", intg.description)
        if "name" in fields and (
            not isinstance(name, str) or len(name) > 128 or not _NAME.fullmatch(name)
        ):
            return error_reply(400, "name must match ^[a-z]+(_[a-z]+)*$, at most 128 characters")
        if desc is not None and not isinstance(desc, str):
            return error_reply(400, "description must be a string or null")
        intg.name, intg.description, intg.updated_at = name, desc, _now()
        return self._render_integration(intg)

    def _create_auth(self, intg: Integration, body: bytes) -> Reply:
        fields = _object(body)
        if isinstance(fields, Reply):
            return fields
        if "authType" not in fields:
            return error_reply(400, "authType is required")
        try:
            auth_type = parse_auth_type(fields["authType"])
            headers = parse_headers(fields.get("headers", []))
            secrets = _secrets(fields)
        except EmulatorDataError as exc:
            return error_reply(400, str(exc))
        aid = self._new_id()
        now = _now()
        iid = intg.integration_id
        rec = AuthRecord(aid, iid, auth_type, headers, now, now, iid, secrets=secrets)
        self._data.auth[aid] = rec
        self._auth_alias[_canon(aid)] = aid
        intg.authentication = aid  # the newest record is the one the integration uses
        return json_reply(200, render_auth(rec, self._legacy))

    def _get_auth(self, rec: AuthRecord, body: bytes) -> Reply:
        return json_reply(200, render_auth(rec, self._legacy))

    def _patch_auth(self, rec: AuthRecord, body: bytes, keep: bool = True) -> Reply:
        """As documented: only the fields sent change; `headers` (a list of {key, value})
        replaces the whole list; `authType` is fixed at creation, so sending it at all is
        refused; credentials are kept and never shown. `keep=False` answers the same
        without changing anything (the `discard` fault)."""
        fields = _object(body)
        if isinstance(fields, Reply):
            return fields
        if "authType" in fields:
            return error_reply(400, "authType cannot be changed; create a new auth record")
        unknown = sorted(set(fields) - _PATCH_FIELDS)
        if unknown:
            return error_reply(400, f"unknown field {unknown[0]!r}")
        if "headers" in fields and not isinstance(fields["headers"], list):
            return error_reply(400, "headers must be a list of {key, value}")
        try:
            headers = parse_headers(fields["headers"]) if "headers" in fields else rec.headers
            secrets = _secrets(fields)
        except EmulatorDataError as exc:
            return error_reply(400, str(exc))
        if not keep:
            return json_reply(
                200, render_auth(replace(rec, headers=headers, updated_at=_now()), self._legacy)
            )
        rec.headers = headers  # sent headers replace the whole list; [] clears it
        rec.secrets.update(secrets)
        rec.updated_at = _now()
        return json_reply(200, render_auth(rec, self._legacy))

    def _new_id(self) -> str:
        while True:
            aid = "auth_" + "".join(self._ids.choices(_ID_CHARS, k=12))
            if aid not in self._data.auth:
                return aid


def _object(body: bytes) -> dict[str, Any] | Reply:
    try:
        value = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return error_reply(400, "body is not valid JSON")
    if not isinstance(value, dict):
        return error_reply(400, "body must be a JSON object")
    return value


def _secrets(fields: dict[str, Any]) -> dict[str, Any]:
    """The write-only credentials: checked and kept, never rendered."""
    secrets: dict[str, Any] = {}
    for name in ("token", "username", "password"):
        if name in fields:
            if not isinstance(fields[name], str):
                raise EmulatorDataError(f"{name} must be a string")
            secrets[name] = fields[name]
    if "apiKey" in fields:
        key = fields["apiKey"]
        if not isinstance(key, dict) or not all(isinstance(v, str) for v in key.values()):
            raise EmulatorDataError("apiKey must be an object of strings (key, value, position)")
        secrets["apiKey"] = dict(key)
    return secrets


def _segment(text: str) -> str:
    return unquote(text) if "%" in text else text


def _canon(value: str) -> str:
    return value.replace("-", "_")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
