"""The JSON report: a stable contract, published as schemas/report.schema.json."""

from __future__ import annotations

import json
from typing import Any

from drift import __version__
from drift.errors import Location
from drift.model import Change, IntegrationResult, Report
from drift.reporters import RenderOptions
from drift.reporters.escape import json_safe


def _location(loc: Location) -> dict[str, Any]:
    return {"file": loc.file, "line": loc.line, "column": loc.column}


def _change(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": change.kind,
        "path": change.path,
        "expected": change.expected,
        "actual": change.actual,
        "disposition": change.disposition,
    }
    if change.source is not None:
        out["source"] = _location(change.source)
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
        "source": _location(item.source),
        "changes": [_change(c) for c in result.changes],
        "error": None
        if result.error is None
        else {"message": result.error.message, "httpStatus": result.error.http_status},
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
            "source": _location(rule.source),
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
    if report.review is not None:
        from drift.reporters import review

        doc["specChanges"] = review.as_dict(report.review)
    return doc


def render(report: Report, options: RenderOptions) -> str:
    return json_safe(json.dumps(as_dict(report), indent=2, ensure_ascii=False)) + "\n"
