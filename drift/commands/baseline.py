"""`drift baseline`: today's drift as ignore rules in a file the spec folder loads."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drift.errors import ExitCode, SpecError, UsageError
from drift.fileio import check_output_path
from drift.model.desired import IgnoreRule
from drift.model.results import Report, Seen, Status
from drift.spec.load import load_spec

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


def previous_rules(target: Path) -> list[IgnoreRule]:
    """The rules of the baseline file being replaced (none when there is none yet)."""
    if not target.exists():
        return []
    spec, problems = load_spec([str(target)])
    if problems:
        raise SpecError(problems)
    return spec.ignores


@dataclass
class Baseline:
    text: str
    written: int  # rules for today's drift
    kept: int  # earlier rules for integrations this run did not check
    skipped: int  # integrations not found or not checked


@dataclass(frozen=True)
class _Rule:
    integration: str
    path: str
    reason: str
    until: datetime.date | None
    accept: str | None  # the YAML of the accepted value, or None: any value


def _accept(seen: Seen | None) -> str | None:
    """The live value a new rule accepts, as YAML: the value itself, or its SHA-256 when
    it is secret, or `{absent: true}` when the live record has nothing there."""
    if seen is None:
        return None
    if seen.digest is None:
        return "{absent: true}"
    if seen.plain is None:
        return f"{{sha256: {seen.digest}}}"
    return json.dumps(seen.plain, ensure_ascii=True)


def _kept_accept(rule: IgnoreRule) -> str | None:
    matcher = rule.accept
    if matcher is None:
        return None
    if matcher.kind == "absent":
        return "{absent: true}"
    if matcher.kind == "sha256":
        return f"{{sha256: {matcher.argument.lower()}}}"
    return json.dumps(matcher.argument, ensure_ascii=True)


def _rule_lines(rule: _Rule) -> list[str]:
    # JSON strings (ASCII only) are valid YAML double-quoted scalars: no quoting surprises
    lines = [
        f"  - integration: {json.dumps(rule.integration)}",
        f"    path: {json.dumps(rule.path)}",
    ]
    if rule.accept is not None:
        lines.append(f"    accept: {rule.accept}")
    lines.append(f"    reason: {json.dumps(rule.reason)}")
    return lines + ([f"    until: {rule.until.isoformat()}"] if rule.until else [])


def render_baseline(
    report: Report, today: datetime.date, until: datetime.date, previous: list[IgnoreRule]
) -> Baseline:
    """Today's drift as rules, plus the earlier rules of every integration this run did
    not fully check (not selected, not found, or failed), so that a partial or failed
    run never throws accepted findings away."""
    checked = {r.name for r in report.results if r.status in (Status.IN_SYNC, Status.DRIFTED)}
    rules: list[_Rule] = []
    for result in report.results:
        if result.name in checked:
            rules += [
                _Rule(result.name, c.path, f"baseline {today.isoformat()}", until, _accept(c.seen))
                for c in result.changes
                if c.disposition == "drift"
            ]
    written = len(rules)
    kept = [r for r in previous if r.integration not in checked]
    rules += [_Rule(r.integration, r.path, r.reason, r.until, _kept_accept(r)) for r in kept]
    lines = [
        f"{MARKER} written {today.isoformat()} from {len(checked)} checked "
        f"integration{'' if len(checked) == 1 else 's'}"
        + (f" ({len(kept)} earlier rules kept)." if kept else "."),
        "# Regenerate with `drift baseline`; delete entries as the drift is fixed.",
        "version: 1",
        "ignore:" if rules else "ignore: []",
    ]
    for rule in sorted(rules, key=lambda r: (r.integration, r.path)):
        lines += _rule_lines(rule)
    skipped = len(report.results) - len(checked)
    return Baseline("\n".join(lines) + "\n", written, len(kept), skipped)


def exit_code(report: Report) -> ExitCode:
    """What the next `drift check` will still find: what a baseline cannot cover (records
    not found, records that could not be checked) still fails it."""
    statuses = {r.status for r in report.results}
    if Status.NOT_FOUND in statuses:
        return ExitCode.DRIFT
    return ExitCode.INCOMPLETE if Status.ERROR in statuses else ExitCode.OK


def last_day(today: datetime.date, until: datetime.date | None) -> datetime.date:
    """The baseline's last day: --until, else 90 days from today; never in the past."""
    day = until or today + datetime.timedelta(days=90)
    if day < today:
        raise UsageError(f"--until {day} is in the past")
    return day


def prepare(paths: Sequence[str], output: str | None) -> tuple[Path, list[IgnoreRule]]:
    """Where the baseline goes and the rules already there; refused before any request
    when the target cannot be written or is not a baseline drift wrote."""
    target = default_output(paths, output)
    check_output_path(target, "the baseline")
    writable(target)
    return target, previous_rules(target)
