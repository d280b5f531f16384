"""SARIF 2.1.0 for code scanning: one result per finding, on the spec line it concerns.

Every counted change, warning and ignored change is a result, and so is every record
not found or not checked; ignored ones carry an external suppression with the rule's
reason, so code scanning shows them as suppressed. Records a stopped run never got to
are one notification per reason, as in the other formats. Results carry a
`partialFingerprints` entry of integration + path + rule only, so an alert stays the
same alert across runs while the drift lasts, wherever its line moves.

GitHub's upload limits are kept: at most 25,000 results and (counted before gzip, so
safely) 10 MB; past either, the least severe results are left out and a notification
says how many.
"""

from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from drift import __version__
from drift.errors import Location
from drift.model.desired import IgnoreRule
from drift.model.results import Report
from drift.reporters import RenderOptions
from drift.reporters.escape import json_safe
from drift.reporters.findings import RULE_INDEX, RULES, Finding, digest, findings_of, ignore_reason
from drift.reporters.wording import not_attempted_lines, stale_line

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/sigmamind-drift/drift"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "driftFinding/v1"
MAX_RESULTS = 25_000
MAX_BYTES = 10_000_000
_LEVEL = {"drift": "error", "warning": "warning", "ignored": "note"}
_RANK = {"error": 0, "warning": 1, "note": 2}
_DEFAULT_LEVEL = {"drift/stale-ignore-rule": "warning"}
_INDENT = 8  # a result's own lines sit this deep in the document (runs[0].results[i])


def _inside(path: str, cwd: str) -> str | None:
    """`path` (absolute) relative to `cwd` when it is inside, else None; symlinked
    folders (macOS /tmp, some CI workspaces) are compared resolved too."""
    for a, b in ((path, cwd), (os.path.realpath(path), os.path.realpath(cwd))):
        rel = os.path.relpath(a, b).replace(os.sep, "/")
        if rel != ".." and not rel.startswith("../"):
            return rel
    return None


def artifact_location(file: str, cwd: str) -> dict[str, str]:
    """A spec file as reports name it (as given on the command line) as a SARIF artifact
    location: relative to %SRCROOT% (the folder drift ran in, the repository root in CI)
    when it is inside that folder, else an absolute file: URI."""
    path = file
    if os.path.isabs(path):
        rel = _inside(path, cwd)
        if rel is None:
            return {"uri": PurePosixPath(posixpath.normpath(path)).as_uri()}
        path = rel
    norm = posixpath.normpath(path)
    if norm == ".." or norm.startswith("../"):
        absolute = posixpath.normpath(posixpath.join(cwd, norm))
        return {"uri": PurePosixPath(absolute).as_uri()}
    # percent-encoded: a space, '#', '%' or ':' in a file name stays part of the path
    return {"uri": quote(norm), "uriBaseId": SRCROOT}


def _physical(where: Location, cwd: str) -> dict[str, Any]:
    out: dict[str, Any] = {"artifactLocation": artifact_location(where.file, cwd)}
    if where.line > 0:  # line 0: the file as a whole
        region = {"startLine": where.line}
        if where.column > 0:
            region["startColumn"] = where.column
        out["region"] = region
    return out


@dataclass(frozen=True)
class _Entry:
    rank: int
    order: tuple[str, int, int, str, str, str]
    result: dict[str, Any]


def _finding(finding: Finding, cwd: str) -> _Entry:
    level = _LEVEL.get(finding.disposition, "error")
    properties = {"integration": finding.integration}
    if finding.path:
        properties["path"] = finding.path
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": RULE_INDEX[finding.rule],
        "level": level,
        "message": {
            "text": f"{finding.integration} ({finding.result.desired.ids}): {finding.text}"
        },
        "locations": [{"physicalLocation": _physical(finding.where, cwd)}],
        "partialFingerprints": {FINGERPRINT: finding.identity()},
        "properties": properties,
    }
    if finding.disposition == "ignored" and finding.change is not None:
        # "external": the rule lives in the spec, not at the finding's own line
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": ignore_reason(finding.change),
            }
        ]
    where = finding.where
    order = (where.file, where.line, where.column, finding.integration, finding.rule, finding.path)
    return _Entry(_RANK[level], order, result)


def _stale(rule: IgnoreRule, cwd: str) -> _Entry:
    rule_id = "drift/stale-ignore-rule"
    identity = digest("stale", rule.source.file, rule.integration, rule.path)
    result = {
        "ruleId": rule_id,
        "ruleIndex": RULE_INDEX[rule_id],
        "level": "warning",
        "message": {
            "text": "this ignore rule matched nothing in this run and can be deleted: "
            + stale_line(rule)
        },
        "locations": [{"physicalLocation": _physical(rule.source, cwd)}],
        "partialFingerprints": {FINGERPRINT: identity},
        "properties": {"integration": rule.integration, "path": rule.path},
    }
    where = rule.source
    return _Entry(
        _RANK["warning"], (where.file, where.line, where.column, "", rule_id, rule.path), result
    )


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.short},
            "fullDescription": {"text": rule.full},
            "help": {"text": rule.help, "markdown": rule.help},
            "defaultConfiguration": {"level": _DEFAULT_LEVEL.get(rule.id, "error")},
            "properties": {"tags": ["drift", "configuration"], "precision": "very-high"},
        }
        for rule in RULES
    ]


def _notifications(report: Report, skipped: dict[str, int]) -> list[dict[str, Any]]:
    notes: list[tuple[str, str]] = []
    if report.stopped:
        notes.append(("error", f"the run stopped early: {report.stopped}"))
    notes += [("error", line) for line in not_attempted_lines(skipped)]
    if report.partial:
        notes.append(("warning", "a merge of an incomplete set of shards (--allow-partial)"))
    notes += [("warning", hint) for hint in report.hints()]
    return [{"level": level, "message": {"text": text}} for level, text in notes]


def _text(doc: dict[str, Any]) -> str:
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def _size(result: dict[str, Any]) -> int:
    """Bytes a result takes in the document: its own text, indented, and a separator."""
    text = json_safe(json.dumps(result, indent=2, ensure_ascii=False))
    return len(text.encode("utf-8")) + (text.count("\n") + 1) * _INDENT + 2


def _within(entries: list[_Entry], budget: int, max_results: int) -> int:
    """How many of the entries (most severe first) fit the limits."""
    used = 0
    for count, entry in enumerate(entries[:max_results]):
        used += _size(entry.result)
        if used > budget:
            return count
    return min(len(entries), max_results)


def render_at(
    report: Report, cwd: str, max_results: int = MAX_RESULTS, max_bytes: int = MAX_BYTES
) -> str:
    """The SARIF log of a report, with spec files named relative to `cwd`."""
    shown, skipped = report.not_attempted()
    entries = [_finding(f, cwd) for result in shown for f in findings_of(result)]
    entries += [_stale(rule, cwd) for rule in report.stale_rules]
    invocation: dict[str, Any] = {"executionSuccessful": report.stopped is None}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "drift",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": _rules(),
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The folder drift ran in (the repository root)."}}
        },
        "columnKind": "unicodeCodePoints",
        "results": [],
        "properties": {
            "baseUrl": report.base_url,
            "exitCode": int(report.exit_code),
            "generatedAt": report.generated_at,
            "shard": report.shard,
            "summary": report.summary(),
        },
    }
    doc = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    notes = _notifications(report, skipped)
    entries.sort(key=lambda e: (e.rank, e.order))
    # room for the rest of the document and the note that results were left out
    budget = max_bytes - len(_text(doc).encode("utf-8")) - 4096 - sum(_size(n) for n in notes)
    kept = _within(entries, budget, max_results)
    if kept < len(entries):
        notes.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{len(entries) - kept} of {len(entries)} results left out (the "
                    f"least severe): code scanning takes at most {max_results} results and "
                    f"{max_bytes} bytes; the JSON report has every finding"
                },
            }
        )
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run["results"] = [e.result for e in sorted(entries[:kept], key=lambda e: e.order)]
    return _text(doc)


def render(report: Report, options: RenderOptions) -> str:
    return render_at(report, os.getcwd())
