"""How `drift report diff` shows what is new, resolved, still present and unverified."""

from __future__ import annotations

import json
from typing import Any

from drift import __version__
from drift.errors import printable
from drift.reporters.codespan import code_span
from drift.reporters.escape import json_safe
from drift.reporters.findings import Finding, ReportDiff, Side
from drift.reporters.markdown import MAX_CHARS, cell

# (attribute, heading, mark) in the order every format shows them
SECTIONS = (
    ("added", "new", "+"),
    ("resolved", "resolved", "-"),
    ("present", "still present", "="),
    ("unverified", "not checked in the newer report", "?"),
)


def summary_line(diff: ReportDiff) -> str:
    c = diff.counts()
    line = f"{c['new']} new, {c['resolved']} resolved, {c['present']} still present"
    return line + (f", {c['unverified']} not checked again" if c["unverified"] else "")


def finding_line(finding: Finding) -> str:
    """`shop: ~ /headers/X-Team: "a" -> "b"`, or `shop: not found: the integration ...`."""
    # a report is a file anyone could have written: names are made printable too
    name = printable(finding.integration)
    if finding.change is not None:
        return f"{name}: {finding.text}"
    return f"{name}: {finding.result.status.label}: {printable(finding.text)}"


def _side(side: Side) -> str:
    made = printable(side.generated_at or "time unknown")
    return f"{printable(side.name)} ({made}, {side.checked} checked)"


def render_text(diff: ReportDiff) -> str:
    out = [f"drift report diff: {_side(diff.old)} -> {_side(diff.new)}", ""]
    for attr, heading, mark in SECTIONS:
        found: list[Finding] = getattr(diff, attr)
        if found:
            out.append(f"{heading} ({len(found)}):")
            out += [f"  {mark} {finding_line(f)}  ({printable(f.where.short)})" for f in found]
            out.append("")
    out.append(summary_line(diff))
    return "\n".join(out) + "\n"


def _finding_dict(finding: Finding) -> dict[str, Any]:
    change = finding.change
    where = finding.where
    item = finding.result.desired
    return {
        "integration": finding.integration,
        "integrationId": item.integration_id,
        "authId": item.auth_id,
        "rule": finding.rule,
        "status": finding.result.status.value,
        "kind": change.kind if change else None,
        "path": change.path if change else None,
        "expected": change.expected if change else None,
        "actual": change.actual if change else None,
        "message": None if change else finding.text,
        "source": {"file": where.file, "line": where.line, "column": where.column},
        "fingerprint": finding.identity(),
    }


def _side_dict(side: Side) -> dict[str, Any]:
    return {"report": side.name, "generatedAt": side.generated_at, "checked": side.checked}


def render_json(diff: ReportDiff) -> str:
    doc = {
        "schemaVersion": 1,
        "tool": {"name": "drift", "version": __version__},
        "old": _side_dict(diff.old),
        "new": _side_dict(diff.new),
        "exitCode": int(diff.exit_code),
        "summary": diff.counts(),
        "findings": {
            key: [_finding_dict(f) for f in getattr(diff, attr)]
            for attr, key in (
                ("added", "new"),
                ("resolved", "resolved"),
                ("present", "present"),
                ("unverified", "unverified"),
            )
        },
    }
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def _row(finding: Finding) -> str:
    what = cell(finding.text)
    if finding.change is None:
        what = f"{finding.result.status.label}: {what}"
    return f"| {cell(finding.integration)} | {what} | {cell(finding.where.short)} |\n"


def render_markdown(diff: ReportDiff) -> str:
    """Sections of table rows, within the size of a GitHub issue or comment: past it, each
    section says how many rows it left out."""
    head = f"### drift: {summary_line(diff)}\n\n"
    head += f"Since {code_span(_side(diff.old))}, in {code_span(_side(diff.new))}.\n\n"
    budget = MAX_CHARS - len(head) - 1000
    parts = [head]
    for attr, heading, _ in SECTIONS:
        found: list[Finding] = getattr(diff, attr)
        if not found:
            continue
        section = f"#### {heading[0].upper()}{heading[1:]} ({len(found)})\n\n"
        section += "| Integration | Finding | Declared at |\n| --- | --- | --- |\n"
        budget -= len(section) + 200
        rows = []
        for finding in found:
            row = _row(finding)
            if len(row) > budget:
                break
            budget -= len(row)
            rows.append(row)
        left = len(found) - len(rows)
        tail = f"\n{left} more left out; the JSON output has them all.\n\n" if left else "\n"
        parts.append(section + "".join(rows) + tail)
    return "".join(parts)
