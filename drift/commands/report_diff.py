"""`drift report diff`: what is new since an earlier JSON report, what was resolved, what stays.

Only counted findings are compared (a change with disposition drift, a record not found
or not checked): warnings and ignored findings never fail a run, so they never make news
either. A finding is identified by integration + path + rule + a fingerprint of its
values as the report shows them (already redacted), so a changed value at the same path
is a new finding and the old one resolved. Not found and error records are keyed by
their status alone: a new error message for the same failing record is not news.
"""

from __future__ import annotations

from drift.model.results import Report, Status
from drift.reporters.findings import Finding, ReportDiff, Side, findings_of


def _key(finding: Finding) -> tuple[str, str]:
    return finding.identity(), finding.value_key()


def _order(finding: Finding) -> tuple[str, str, str]:
    return finding.integration, finding.path.lower(), finding.rule


def counted(report: Report) -> dict[tuple[str, str], Finding]:
    """The counted findings of a report by key (a repeated header once)."""
    out: dict[tuple[str, str], Finding] = {}
    for result in report.results:
        for finding in findings_of(result):
            if finding.counts:
                out.setdefault(_key(finding), finding)
    return out


def diff_reports(old: Report, new: Report, old_name: str, new_name: str) -> ReportDiff:
    before, after = counted(old), counted(new)
    status = {r.name: r.status for r in new.results}
    out = ReportDiff(
        Side(old_name, old.generated_at, len(old.results)),
        Side(new_name, new.generated_at, len(new.results)),
    )
    for key, finding in after.items():
        (out.present if key in before else out.added).append(finding)
    for key, finding in before.items():
        if key in after:
            continue
        unknown = status.get(finding.integration) in (None, Status.ERROR)
        (out.unverified if unknown else out.resolved).append(finding)
    for found in (out.added, out.resolved, out.present, out.unverified):
        found.sort(key=_order)
    return out


def diff_files(old_path: str, new_path: str) -> ReportDiff:
    """Read and validate both JSON reports (as `report merge` does), then compare them."""
    from drift.commands.merge import merge

    # a report alone is a set of one: a shard's report is compared as it is
    old = merge([old_path], allow_partial=True)
    new = merge([new_path], allow_partial=True)
    return diff_reports(old, new, old_path, new_path)
