"""The plan file: a Plan as JSON (schemas/plan.schema.json) and back.

Written whole (fileio) by `drift plan -o`; read and validated by `drift apply`, which
trusts nothing in it it has not checked: a plan edited by hand is refused unless it still
fits the schema, and its headers still carry no value apply would send blindly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drift import __version__
from drift.errors import ExitCode, UsageError
from drift.model.plan import CANNOT_APPLY, NONE, UPDATE, LiveState, Plan, PlanHeader, PlannedRecord
from drift.model.results import Status
from drift.reporters.escape import json_safe
from drift.reporters.jsonfmt import change_dict, change_of, location_dict, location_of
from drift.schemas import PLAN_SCHEMA, document_error

KIND = "drift-plan"


def _header(header: PlanHeader) -> dict[str, Any]:
    out: dict[str, Any] = {"name": header.name, "origin": header.origin}
    for key in ("value", "sha256", "env"):
        if getattr(header, key) is not None:
            out[key] = getattr(header, key)
    return out


def _live(live: LiveState | None) -> dict[str, Any] | None:
    if live is None:
        return None
    return {
        "authId": live.auth_id,
        "authType": live.auth_type,
        "updatedAt": live.updated_at,
        "fingerprint": live.fingerprint,
    }


def _record(record: PlannedRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "integrationId": record.integration_id,
        "authId": record.auth_id,
        "authType": record.auth_type,
        "source": location_dict(record.source),
        "action": record.action,
        "status": record.status.value,
        "reason": record.reason,
        "live": _live(record.live),
        "headers": [_header(h) for h in record.headers],
        "changes": [change_dict(c) for c in record.changes],
    }


def as_dict(plan: Plan) -> dict[str, Any]:
    return {
        "schemaVersion": 1,
        "kind": KIND,
        "tool": {"name": "drift", "version": __version__},
        "createdAt": plan.created_at,
        "baseUrl": plan.base_url,
        "specDigest": plan.spec_digest,
        "declared": plan.declared,
        "shard": plan.shard,
        "exitCode": int(plan.exit_code),
        "summary": {
            "records": len(plan.records),
            "update": plan.count(UPDATE),
            "none": plan.count(NONE),
            "cannotApply": plan.count(CANNOT_APPLY),
        },
        "records": [_record(r) for r in plan.records],
    }


def render(plan: Plan) -> str:
    """The plan file's text: JSON with every character that is not printable escaped."""
    return json_safe(json.dumps(as_dict(plan), indent=2, ensure_ascii=False)) + "\n"


def _to_record(raw: dict[str, Any]) -> PlannedRecord:
    live = raw["live"]
    return PlannedRecord(
        name=raw["name"],
        integration_id=raw["integrationId"],
        auth_id=raw["authId"],
        auth_type=raw["authType"],
        source=location_of(raw["source"]),
        action=raw["action"],
        status=Status(raw["status"]),
        changes=tuple(change_of(c) for c in raw["changes"]),
        reason=raw["reason"],
        live=None
        if live is None
        else LiveState(live["authId"], live["authType"], live["updatedAt"], live["fingerprint"]),
        headers=tuple(
            PlanHeader(h["name"], h["origin"], h.get("value"), h.get("sha256"), h.get("env"))
            for h in raw["headers"]
        ),
    )


def _check(path: str, records: list[PlannedRecord]) -> None:
    """What the schema leaves to code: each record once, and each header's origin agrees
    with how its value is given."""
    allowed = {"value": ("spec", "live"), "sha256": ("live",), "env": ("env",)}
    names: set[str] = set()
    for record in records:
        if record.name in names:
            raise UsageError(f"{path}: not a valid drift plan: {record.name} is there twice")
        names.add(record.name)
        for header in record.headers:
            given = next(k for k in allowed if getattr(header, k) is not None)
            if header.origin not in allowed[given]:
                raise UsageError(
                    f"{path}: not a valid drift plan: {record.name}: header {header.name!r} "
                    f"has origin {header.origin!r} with {given!r}"
                )


def read_plan(path: str) -> Plan:
    """A plan file, validated against the published plan schema; any problem is a
    UsageError (exit 2) naming the file."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{path}: not JSON: {exc}") from None
    error = document_error(doc, PLAN_SCHEMA)
    if error is not None:
        raise UsageError(f"{path}: not a valid drift plan: {error}")
    records = [_to_record(r) for r in doc["records"]]
    _check(path, records)
    return Plan(
        base_url=doc["baseUrl"],
        created_at=doc["createdAt"],
        records=records,
        spec_digest=doc["specDigest"],
        declared=doc.get("declared"),
        shard=doc.get("shard"),
        exit_code=ExitCode(doc["exitCode"]),
    )
