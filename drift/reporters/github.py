"""GitHub Actions annotations: one workflow command per finding, at its line in the spec.

An integration's findings are annotated on the line that declares it, except changes to
a declared field (`authType:`, a header), which get their own annotation on that field's
line. Counted drift is an error, a warning stays a warning, and ignored findings (an
ignore rule accepts them) are not annotated. Nothing else is printed: in Actions, stdout
already carries the text report.
"""

from __future__ import annotations

from typing import NamedTuple

from drift.errors import Location
from drift.model.results import IntegrationResult, Report, Status
from drift.reporters import RenderOptions
from drift.reporters.escape import gh_command, gh_data, gh_property

# text.py has the wording of a change line; annotations use the same words
from drift.reporters.wording import change_line, ids, not_attempted_lines, stale_line

_TITLE = {
    Status.DRIFTED: "drifted",
    Status.NOT_FOUND: "not found",
    Status.ERROR: "could not be checked",
}
_LEVEL = {"drift": "error", "warning": "warning"}  # by Change.disposition; others: none


class _Annotation(NamedTuple):
    where: Location
    name: str
    order: int  # within the integration: the entry's own annotations first
    level: str
    title: str
    message: str


def _title(result: IntegrationResult, level: str) -> str:
    what = "warning" if level == "warning" else _TITLE.get(result.status, "drifted")
    if result.action and level != "warning":  # `drift apply`: stale, cannot apply, ...
        what = result.action
    return f"drift: {result.name} {what}"


def _annotations(result: IntegrationResult) -> list[_Annotation]:
    item = result.desired
    if result.status in (Status.NOT_FOUND, Status.ERROR) or (
        result.status is Status.DRIFTED and not result.changes
    ):
        reason = result.error.message if result.error is not None else _TITLE[result.status]
        message = f"{ids(result)}: {reason}"
        return [_Annotation(item.source, item.name, 0, "error", _title(result, "error"), message)]
    out: list[_Annotation] = []
    at_entry: dict[str, list[str]] = {}
    if result.error is not None:  # `drift apply`: why drift remains (stale, cannot apply)
        at_entry["error"] = [result.error.message]
    for change in result.changes:
        level = _LEVEL.get(change.disposition)
        if level is None:
            continue
        line = change_line(change)
        if change.source is not None and change.source != item.source:
            title = _title(result, level)
            out.append(_Annotation(change.source, item.name, len(out) + 2, level, title, line))
        else:
            # live-only headers and the like have no line of their own
            at_entry.setdefault(level, []).append(line)
    for order, (level, lines) in enumerate(sorted(at_entry.items())):
        title = _title(result, level)
        out.append(_Annotation(item.source, item.name, order, level, title, "\n".join(lines)))
    return out


def render(report: Report, options: RenderOptions) -> str:
    shown, skipped = report.not_attempted()
    found = [a for r in shown for a in _annotations(r)]
    found += [
        _Annotation(
            rule.source,
            "",
            0,
            "warning",
            "drift: stale ignore rule",
            f"this ignore rule matched nothing in this run and can be deleted: {stale_line(rule)}",
        )
        for rule in report.stale_rules
    ]
    found.sort(key=lambda a: (a.where.file, a.where.line, a.name, a.order))
    lines = [
        gh_command(
            a.level,
            a.message,
            file=a.where.file,
            line=a.where.line,
            col=a.where.column,
            title=a.title,
        )
        for a in found
    ]
    # records a stopped run never got to: one annotation, not one per spec line
    title = gh_property("drift: the run stopped")
    lines += [f"::error title={title}::{gh_data(line)}" for line in not_attempted_lines(skipped)]
    return "".join(f"{line}\n" for line in lines)
