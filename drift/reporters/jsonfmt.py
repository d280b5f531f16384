"""The JSON report: a stable contract, published as schemas/report.schema.json, written
and read back (by `drift report merge`) here, in one place."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from drift import __version__
from drift.errors import Location, UsageError
from drift.model.desired import DesiredIntegration, IgnoreRule
from drift.model.results import Change, ErrorInfo, IntegrationResult, Report, Status
from drift.reporters import RenderOptions
from drift.reporters.escape import json_safe
from drift.schemas import report_error


def location_dict(loc: Location) -> dict[str, Any]:
    return {"file": loc.file, "line": loc.line, "column": loc.column}


def change_dict(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": change.kind,
        "path": change.path,
        "expected": change.expected,
        "actual": change.actual,
        "disposition": change.disposition,
    }
    if change.source is not None:
        out["source"] = location_dict(change.source)
    if change.note:
        out["note"] = change.note
    return out


def _result(result: IntegrationResult) -> dict[str, Any]:
    item = result.desired
    out: dict[str, Any] = {
        "name": item.name,
        "integrationId": item.integration_id,
        "authId": item.auth_id,
        "status": result.status.value,
        "source": location_dict(item.source),
        "changes": [change_dict(c) for c in result.changes],
        "error": None
        if result.error is None
        else {"message": result.error.message, "httpStatus": result.error.http_status},
        "updatedAt": result.updated_at,
    }
    if result.action is not None:  # `drift apply`
        out["action"] = result.action
    return out


def as_dict(report: Report) -> dict[str, Any]:
    summary: dict[str, Any] = report.summary()
    summary.update(
        requests=report.stats.requests,
        retries=report.stats.retries,
        throttled=report.stats.throttled,
    )
    if report.declared is not None:
        summary["declared"] = report.declared
    doc = {
        "schemaVersion": 1,
        "tool": {"name": "drift", "version": __version__},
        "generatedAt": report.generated_at,
        "baseUrl": report.base_url,
        "exitCode": int(report.exit_code),
        "summary": summary,
        "integrations": [_result(r) for r in report.results],
    }
    doc["staleRules"] = [
        {
            "integration": rule.integration,
            "path": rule.path,
            "reason": rule.reason,
            "until": rule.until.isoformat() if rule.until else None,
            "source": location_dict(rule.source),
        }
        for rule in report.stale_rules
    ]
    doc["hints"] = report.hints()
    actions = report.actions()
    if actions:  # `drift apply`
        doc["actions"] = {
            "applied": actions["applied"],
            "stale": actions["stale"],
            "cannotApply": actions["cannot apply"],
            "failed": actions["failed"],
        }
    doc["shard"] = report.shard
    doc["specDigest"] = report.spec_digest
    if report.partial:
        doc["partial"] = True
    return doc


def render(report: Report, options: RenderOptions) -> str:
    return json_safe(json.dumps(as_dict(report), indent=2, ensure_ascii=False)) + "\n"


# -- reading a report back ------------------------------------------------------------


def location_of(raw: dict[str, Any]) -> Location:
    return Location(str(raw["file"]), int(raw["line"]), int(raw["column"]))


def change_of(raw: dict[str, Any]) -> Change:
    """A change as `change_dict` wrote it (in a report or a plan file)."""
    return Change(
        raw["kind"],
        raw["path"],
        raw["expected"],
        raw["actual"],
        location_of(raw["source"]) if raw.get("source") else None,
        raw.get("note"),
        raw.get("disposition", "drift"),
    )


def result_of(raw: dict[str, Any]) -> IntegrationResult:
    source = location_of(raw["source"])
    desired = DesiredIntegration(
        name=raw["name"],
        integration_id=raw["integrationId"],
        auth_id=raw["authId"],
        auth_type="",
        headers=None,
        source=source,
        auth_type_source=source,
    )
    changes = tuple(change_of(c) for c in raw["changes"])
    error = raw.get("error")
    return IntegrationResult(
        desired,
        Status(raw["status"]),
        changes,
        ErrorInfo(error["message"], error.get("httpStatus")) if error else None,
        updated_at=raw.get("updatedAt"),
    )


def read_report(path: str) -> dict[str, Any]:
    """A JSON report, validated against the published report schema."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{path}: not JSON: {exc}") from None
    error = report_error(doc)
    if error is not None:
        raise UsageError(f"{path}: not a drift JSON report: {error}")
    return dict(doc)


def stale_rule_of(raw: dict[str, Any]) -> IgnoreRule:
    until = raw.get("until")
    return IgnoreRule(
        path=raw["path"],
        reason=raw["reason"],
        until=datetime.date.fromisoformat(until) if until else None,
        source=location_of(raw["source"]),
        integration=raw["integration"],
    )
