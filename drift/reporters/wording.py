"""How every format words a finding: quoted values, change lines, status blocks, the
summary and stats lines. The text report is these lines; markdown, JUnit and GitHub
annotations reuse them, so a finding reads the same everywhere."""

from __future__ import annotations

import json
from typing import Any

from drift.errors import printable
from drift.model.desired import IgnoreRule
from drift.model.results import MARKS, NOT_ATTEMPTED, Change, IntegrationResult, Report, Status
from drift.reporters.escape import json_safe

_COLORS = {"red": "31", "green": "32", "yellow": "33", "bold": "1", "dim": "2"}
_STATUS_COLOR = {
    Status.DRIFTED: "yellow",
    Status.NOT_FOUND: "red",
    Status.ERROR: "red",
    Status.IN_SYNC: "green",
}
_MARK_COLOR = {"changed": "yellow", "added": "green", "removed": "red", "renamed": "yellow"}


MAX_SHOWN = 300


def quote(value: Any) -> str:
    """Values in double quotes with every character that is not printable escaped, so
    nothing can forge a line of the report, reorder it (bidi) or drive a terminal."""
    if value is None:
        return "(none)"
    if isinstance(value, str) and len(value) > MAX_SHOWN:
        # a log line is not the place for a 5 MB header; the JSON report has it whole
        rest = len(value) - MAX_SHOWN
        shown = json_safe(json.dumps(value[:MAX_SHOWN], ensure_ascii=False))
        return f"{shown}… ({rest} more characters)"
    return json_safe(json.dumps(value, ensure_ascii=False))


def not_attempted_lines(skipped: dict[str, int]) -> list[str]:
    """One line per reason for the records a stopped run never got to."""
    return [f"{NOT_ATTEMPTED} ({count}): {reason}" for reason, count in skipped.items()]


def ids(result: IntegrationResult) -> str:
    return result.desired.ids


def summary_line(report: Report) -> str:
    s = report.summary()
    line = (
        f"{s['drifted']} drifted, {s['notFound']} not found, {s['errors']} errors, "
        f"{s['inSync']} in sync ({s['total']} total)"
    )
    actions = report.actions()  # `drift apply`: what it did, then the state after it
    if actions:
        line = ", ".join(f"{n} {action}" for action, n in actions.items()) + "; " + line
    return line


def stats_line(report: Report) -> str:
    st = report.stats
    line = f"requests: {st.requests}, retries: {st.retries}, throttled: {st.throttled}"
    if report.declared is not None and report.declared != len(report.results):
        line = f"selected {len(report.results)} of {report.declared} declared; {line}"
    if report.shard:
        line = f"shard {report.shard}; {line}"
    if report.partial:
        line = f"PARTIAL (shards missing); {line}"
    return line


class Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, color: str) -> str:
        return f"\x1b[{_COLORS[color]}m{text}\x1b[0m" if self.enabled else text


def changes_phrase(changes: tuple[Change, ...]) -> str:
    """Like "3 changes", or "1 change, 2 ignored, 1 warning" when some do not count."""
    drift = sum(1 for c in changes if c.disposition == "drift")
    ignored = sum(1 for c in changes if c.disposition == "ignored")
    applied = sum(1 for c in changes if c.disposition == "applied")
    warnings = len(changes) - drift - ignored - applied
    parts = [f"{drift} change" + ("" if drift == 1 else "s")] if drift or not changes else []
    if applied:
        parts.append(f"{applied} applied")
    if ignored:
        parts.append(f"{ignored} ignored")
    if warnings:
        parts.append(f"{warnings} warning" + ("" if warnings == 1 else "s"))
    return ", ".join(parts)


def change_line(change: Change, paint: Paint | None = None) -> str:
    """One change as every line-oriented format words it: `~ /authType: "A" -> "B"`."""
    paint = paint or Paint(False)
    mark = paint(MARKS[change.kind], _MARK_COLOR[change.kind])
    if change.kind == "changed":
        detail = f"{quote(change.expected)} -> {quote(change.actual)}"
    elif change.kind == "added":
        detail = f"{quote(change.actual)} (live only)"
    else:
        detail = f"{quote(change.expected)} (missing live)"
    note = f"  [{change.note}]" if change.note else ""
    if change.disposition == "warning":
        note += "  [warning: extra header, exit code unaffected]"
    return f"{mark} {change.path}: {detail}{note}"


def block(result: IntegrationResult, paint: Paint | None = None) -> list[str]:
    """The lines of one integration's block; uncoloured unless `paint` says otherwise."""
    paint = paint or Paint(False)
    status = result.status
    lines = [
        f"{paint(result.name, 'bold')}: {paint(result.label, _STATUS_COLOR[status])}"
        f"  ({ids(result)}, {result.desired.source.short})"
    ]
    lines += [f"  {change_line(change, paint)}" for change in result.changes]
    if result.error is not None:
        lines.append(f"  {paint('!', 'red')} {result.error.message}")
    return lines


def stale_line(rule: IgnoreRule) -> str:
    """A rule that matched nothing, as every line-oriented format words it."""
    return f"{rule.source.short}: {printable(rule.describe())} ({printable(rule.reason)})"
