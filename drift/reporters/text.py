"""Terraform-like text report: one block per integration that needs attention."""

from __future__ import annotations

from drift.model.results import Report, Status
from drift.reporters import RenderOptions
from drift.reporters.wording import (
    Paint,
    block,
    ids,
    not_attempted_lines,
    stale_line,
    stats_line,
    summary_line,
)


def render(report: Report, options: RenderOptions) -> str:
    return _render_live(report, options)


def _render_live(report: Report, options: RenderOptions) -> str:
    paint = Paint(options.color)
    out: list[str] = []
    shown, skipped = report.not_attempted()
    for result in shown:
        # in-sync integrations still get a block when they carry ignored findings or warnings
        if result.status is not Status.IN_SYNC or result.changes:
            out.extend(block(result, paint))
            out.append("")
    if skipped:
        out.extend(f"{paint('!', 'red')} {line}" for line in not_attempted_lines(skipped))
        out.append("")
    in_sync = [r for r in report.results if r.status is Status.IN_SYNC and not r.changes]
    if in_sync and options.verbose:
        out.append(f"in sync ({len(in_sync)}):")
        out.extend(
            f"  {paint('=', 'green')} {r.name}  ({ids(r)}, {r.desired.source.short})"
            for r in in_sync
        )
        out.append("")
    if report.stale_rules:
        out.append(f"stale ignore rules ({len(report.stale_rules)}), they matched nothing:")
        out.extend(f"  ? {stale_line(rule)}" for rule in report.stale_rules)
        out.append("")
    out.extend(f"hint: {hint}" for hint in report.hints())
    out.append(stats_line(report))
    out.append(summary_line(report))
    return "\n".join(out) + "\n"
