"""`drift report merge`: combine the JSON reports of several shards into one Report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drift.desired import DesiredIntegration
from drift.errors import Location, UsageError
from drift.model import Change, ErrorInfo, IntegrationResult, Report, RunStats, Status


def _location(raw: dict[str, Any]) -> Location:
    return Location(str(raw["file"]), int(raw["line"]), int(raw["column"]))


def _result(raw: dict[str, Any]) -> IntegrationResult:
    source = _location(raw["source"])
    desired = DesiredIntegration(
        name=raw["name"],
        integration_id=raw["integrationId"],
        auth_id=raw["authId"],
        auth_type="",
        headers=None,
        source=source,
        auth_type_source=source,
    )
    changes = tuple(
        Change(
            c["kind"],
            c["path"],
            c["expected"],
            c["actual"],
            _location(c["source"]) if c.get("source") else None,
            c.get("note"),
            c.get("disposition", "drift"),
        )
        for c in raw["changes"]
    )
    error = raw.get("error")
    return IntegrationResult(
        desired,
        Status(raw["status"]),
        changes,
        ErrorInfo(error["message"], error.get("httpStatus")) if error else None,
    )


def read_report(path: str) -> dict[str, Any]:
    """A JSON report, validated against the published report schema."""
    import jsonschema

    from drift.schemas import REPORT_SCHEMA, load_schema

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{path}: not JSON: {exc}") from None
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(load_schema(REPORT_SCHEMA)).iter_errors(doc)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise UsageError(f"{path}: not a drift JSON report: {where}: {error.message}")
    return dict(doc)


def merge(paths: Sequence[str]) -> Report:
    """One report from many; summary and exit code recomputed. A name in two reports is
    an error: the shards overlapped."""
    results: dict[str, tuple[str, IntegrationResult]] = {}
    stats = RunStats()
    base_urls = set()
    declared = 0
    for path in paths:
        doc = read_report(path)
        base_urls.add(doc["baseUrl"])
        summary = doc["summary"]
        stats.requests += summary.get("requests", 0)
        stats.retries += summary.get("retries", 0)
        stats.throttled += summary.get("throttled", 0)
        declared = max(declared, summary.get("declared", 0))
        for raw in doc["integrations"]:
            if raw["name"] in results:
                raise UsageError(
                    f"{raw['name']!r} is in both {results[raw['name']][0]} and "
                    f"{path}; were the shards of different splits?"
                )
            results[raw["name"]] = (path, _result(raw))
    if len(base_urls) > 1:
        raise UsageError(f"the reports come from different APIs: {', '.join(sorted(base_urls))}")
    ordered = [results[name][1] for name in sorted(results)]
    return Report(
        base_urls.pop() if base_urls else "", ordered, stats, declared=declared or len(ordered)
    )
