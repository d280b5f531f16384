"""`drift baseline`: today's drift as ignore rules in a file the spec folder loads."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from pathlib import Path

from drift.errors import UsageError
from drift.model import Report, Status

MARKER = "# drift baseline:"
DEFAULT_NAME = "drift-baseline.yaml"


def default_output(paths: Sequence[str], output: str | None) -> Path:
    if output:
        return Path(output)
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / DEFAULT_NAME


def writable(target: Path) -> None:
    """Only a file drift wrote itself may be replaced."""
    if target.exists():
        head = target.read_text(encoding="utf-8", errors="replace")[:200]
        if not head.startswith(MARKER):
            raise UsageError(
                f"{target} exists and is not a drift baseline; choose another --output"
            )


def render_baseline(
    report: Report, today: datetime.date, until: datetime.date
) -> tuple[str, int, int]:
    """The baseline file's text, the number of rules, and the records left out."""
    lines = [
        f"{MARKER} written {today.isoformat()} from {len(report.results)} integrations.",
        "# Regenerate with `drift baseline`; delete entries as the drift is fixed.",
        "version: 1",
        "ignore:",
    ]
    count = 0
    skipped = 0
    reason = json.dumps(f"baseline {today.isoformat()}")
    for result in report.results:
        if result.status in (Status.NOT_FOUND, Status.ERROR):
            skipped += 1
            continue
        for change in result.changes:
            if change.disposition != "drift":
                continue
            count += 1
            # JSON strings are valid YAML double-quoted scalars: no quoting surprises
            lines += [
                f"  - integration: {json.dumps(result.name)}",
                f"    path: {json.dumps(change.path)}",
                f"    reason: {reason}",
                f"    until: {until.isoformat()}",
            ]
    if not count:
        lines[-1] = "ignore: []"
    return "\n".join(lines) + "\n", count, skipped
