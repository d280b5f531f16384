"""`drift import`: write a spec from live records, secrets pinned by SHA-256 only."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from drift.errors import DriftError, ExitCode, UsageError
from drift.fetch import Fetched, Target
from drift.matchers import looks_sensitive
from drift.normalize import ShapeError, canonical_timestamp, embedded_auth, normalize_auth
from drift.spec import canonical_id


class ImportFailed(DriftError):
    exit_code = ExitCode.INCOMPLETE


@dataclass(frozen=True)
class Imported:
    name: str
    comment: str
    integration_id: str
    auth_id: str | None
    auth_type: str
    headers: tuple[tuple[str, str], ...]


def parse_ids(values: Sequence[str]) -> list[Target]:
    out = []
    for value in values:
        value = value.strip()
        if not value or value.startswith("#"):
            continue
        integration_id, _, auth_id = value.partition(":")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", integration_id) or (
            auth_id and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", auth_id)
        ):
            raise UsageError(f"{value!r} is not INTEGRATION_ID[:AUTH_ID]")
        out.append(Target(integration_id, auth_id or None))
    if not out:
        raise UsageError("no integration ids given")
    return out


def snake_name(text: str, fallback: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return name[:100] if name and name[0].isalnum() else fallback


def _one_line(text: object) -> str:
    return re.sub(r"[\x00-\x1f\x7f]+", " ", str(text))[:200]


def build(
    targets: Sequence[Target],
    integrations: Sequence[Fetched],
    records: Sequence[Fetched | None],
    taken: set[str],
) -> list[Imported]:
    """Turn fetched records into spec entries; raises ImportFailed listing every failure."""
    failures = []
    out = []
    for target, integ, record in zip(targets, integrations, records, strict=True):
        label = target.integration_id + (f":{target.auth_id}" if target.auth_id else "")
        if integ.kind != "ok" or (record is not None and record.kind != "ok"):
            bad = integ if integ.kind != "ok" else record
            assert bad is not None
            failures.append(
                f"{label}: {'not found (HTTP 404)' if bad.kind == 'not_found' else bad.message}"
            )
            continue
        try:
            raw_auth: Any = record.body if record is not None else embedded_auth(integ.body)
            if raw_auth is None:
                failures.append(f"{label}: the integration has no auth record")
                continue
            live = normalize_auth(raw_auth)
        except ShapeError as exc:
            failures.append(f"{label}: unexpected response shape: {exc}")
            continue
        body = integ.body if isinstance(integ.body, dict) else {}
        live_name = str(body.get("name") or target.integration_id)
        base = snake_name(live_name, canonical_id(target.integration_id).lower())
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        updated = canonical_timestamp(body.get("updatedAt")) or live.updated_at
        seen: set[str] = set()
        headers = []
        for header, value in live.headers:
            if header.lower() not in seen:
                seen.add(header.lower())
                headers.append((header, value))
        out.append(
            Imported(
                name,
                f"{_one_line(live_name)}, updated {_one_line(updated or 'unknown')}",
                target.integration_id,
                target.auth_id,
                live.auth_type,
                tuple(headers),
            )
        )
    if failures:
        raise ImportFailed("nothing written; " + "; ".join(failures))
    return out


def render_entries(items: Sequence[Imported]) -> str:
    """YAML for the entries under `integrations:`. Values are JSON strings, which YAML
    reads as double-quoted scalars: no quoting surprises."""
    lines = []
    for item in items:
        lines += [
            f"  # {item.comment}",
            f"  {item.name}:",
            f"    integrationId: {json.dumps(item.integration_id)}",
        ]
        if item.auth_id:
            lines.append(f"    authId: {json.dumps(item.auth_id)}")
        lines.append(f"    authType: {item.auth_type}")
        if not item.headers:
            lines.append("    headers: {}")
        else:
            lines.append("    headers:")
        for header, value in item.headers:
            if looks_sensitive(header):
                digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
                lines.append(f"      {json.dumps(header)}: {{sha256: {digest}}}")
            else:
                lines.append(f"      {json.dumps(header)}: {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)


HEADER = (
    "# yaml-language-server: $schema=https://raw.githubusercontent.com/sigmamind-drift/"
    "drift/main/schemas/spec.schema.json\n# Written by `drift import`. Secret header "
    "values are pinned by SHA-256, never stored.\nversion: 1\nintegrations:\n"
)
