"""Markdown report for pull-request comments and $GITHUB_STEP_SUMMARY.

A headline, one table row per integration that needs attention, then a <details> block
with the changes of each drifted one. Everything that comes from a spec or the API is
shown as code (codespan.py), so it can neither mention, link nor inject markup, and the
output is capped below GitHub's 65,536-character comment limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from drift.errors import ExitCode
from drift.model.results import MARKS, NOT_ATTEMPTED, Change, IntegrationResult, Report, Status
from drift.reporters import RenderOptions
from drift.reporters.codespan import code_span, html_code
from drift.reporters.escape import visible
from drift.reporters.wording import (
    changes_phrase,
    ids,
    quote,
    stale_line,
    stats_line,
    summary_line,
)

MAX_CHARS = 60_000  # GitHub rejects comments over 65,536; leave room for a bot's wrapper
_NOTE_RESERVE = 600  # room kept for the truncation note once cutting starts
_CELL_CHARS = 200  # a long error message is shown whole in its details block instead
_URL_CHARS = 200  # keeps the fixed part of the output bounded

_HEADLINE = {
    ExitCode.OK: "In sync",
    ExitCode.DRIFT: "Drift found",
    ExitCode.INCOMPLETE: "Check incomplete",
}
# Entities, not backslashes: backslash escapes are not honoured inside HTML blocks such as
# <details>. These cover HTML, table cells, emphasis, links, strikethrough and math.
_ESCAPES: dict[int, str | None] = {ord(c): f"&#{ord(c)};" for c in "|`\\*_[]~$"}
_ESCAPES.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"})
# Newlines would end a table row; other control characters have no business in a comment.
_ESCAPES.update(dict.fromkeys([*range(32), 127]))
_ESCAPES.update({ord("\n"): "<br>", ord("\r"): "<br>", ord("\t"): " "})
_C0 = "".join(map(chr, [*range(32), 127]))  # the table above handles these


def md(text: str) -> str:
    """Fixed text made safe anywhere in the output: in a table cell, a list, or an HTML
    block. Other characters that are not printable (C1 controls, bidi overrides, U+2028)
    become visible escapes first: an entity for a bidi override would still reorder the
    comment. Live text goes through cell() or code_span() instead."""
    return visible(text.replace("\r\n", "\n"), keep=_C0).translate(_ESCAPES)


def cell(text: str) -> str:
    """Live text in a table cell."""
    return code_span(text, in_table=True)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(result: IntegrationResult) -> str:
    if result.error is not None:
        what = cell(_clip(result.error.message, _CELL_CHARS))
    else:
        what = changes_phrase(result.changes)
    cells = (
        cell(result.name),
        result.label,
        cell(ids(result)),
        cell(result.desired.source.short),
        what,
    )
    return f"| {' | '.join(cells)} |\n"


def _change_row(change: Change) -> str:
    expected = "(absent)" if change.kind == "added" else cell(quote(change.expected))
    actual = "(absent)" if change.kind == "removed" else cell(quote(change.actual))
    if change.note:
        actual += f" ({cell(change.note)})"
    if change.disposition == "warning":
        actual += " (warning: extra header, exit code unaffected)"
    return f"| {md(MARKS[change.kind])} | {cell(change.path)} | {expected} | {actual} |\n"


def _details(result: IntegrationResult) -> str:
    """The changes, or an error message too long for its table cell; "" when neither."""
    if not result.changes and (result.error is None or len(result.error.message) <= _CELL_CHARS):
        return ""
    # the summary line is HTML (markdown is not read there): an escaped <code> element
    summary = f"{html_code(result.name)}: {result.label}"
    parts = []
    if result.changes:
        summary += f", {changes_phrase(result.changes)}"
        parts.append("| | Path | Expected | Actual |\n| --- | --- | --- | --- |\n")
        parts.extend(_change_row(c) for c in result.changes)
        parts.append("\n")
    if result.error is not None:
        parts.append(f"Error: {code_span(result.error.message)}\n\n")
    return f"<details><summary>{summary}</summary>\n\n{''.join(parts)}</details>\n\n"


def _in_sync(results: list[IntegrationResult], verbose: bool, cut: bool = False) -> str:
    if not results:
        return ""
    if cut:
        return f"{len(results)} in sync with no differences.\n\n"
    if not verbose:
        return (
            f"{len(results)} in sync with no differences (run with `--verbose` to list them).\n\n"
        )
    items = "".join(
        f"- {code_span(r.name)} ({code_span(ids(r))}, {code_span(r.desired.source.short)})\n"
        for r in results
    )
    summary = f"{len(results)} in sync with no differences"
    return f"<details><summary>{summary}</summary>\n\n{items}\n</details>\n\n"


def _stale(report: Report) -> str:
    if not report.stale_rules:
        return ""
    items = "".join(f"- {code_span(stale_line(rule))}\n" for rule in report.stale_rules)
    return (
        f"**{len(report.stale_rules)} stale ignore rules** matched nothing in this run; "
        f"they can be deleted:\n\n{items}\n"
    )


@dataclass
class _Cut:
    in_sync: int = 0
    details: int = 0
    rows: int = 0


def _prefix_within(sizes: list[int], budget: int) -> int:
    """How many leading items fit in `budget` characters."""
    used = 0
    for count, size in enumerate(sizes):
        used += size
        if used > budget:
            return count
    return len(sizes)


def _note(cut: _Cut, with_details: int) -> str:
    parts = []
    if cut.details:
        parts.append(f"details left out for {cut.details} of {with_details} integrations")
    if cut.rows:
        parts.append(f"{cut.rows} integrations left out of the table")
    if cut.in_sync:
        parts.append(f"{cut.in_sync} in-sync integrations not listed")
    return (
        f"**Report truncated** to stay under {MAX_CHARS} characters: {'; '.join(parts)}. "
        "The full report is in the JSON or text report artifact.\n\n"
    )


def render(report: Report, options: RenderOptions) -> str:
    return _render_live(report, options)


def _render_live(report: Report, options: RenderOptions) -> str:
    # in-sync integrations with ignored findings or warnings are shown like the others
    shown, skipped = report.not_attempted()
    flagged = [r for r in shown if r.status is not Status.IN_SYNC or r.changes]
    in_sync = [r for r in shown if r.status is Status.IN_SYNC and not r.changes]
    head = (
        f"### drift: {_HEADLINE[report.exit_code]} — {summary_line(report)}\n\n"
        f"Checked against {code_span(_clip(report.base_url, _URL_CHARS))}.\n\n"
    )
    table_head = (
        "| Integration | Status | IDs | Declared at | Changes or error |\n"
        "| --- | --- | --- | --- | --- |\n"
        if flagged
        else ""
    )
    rows = [_row(r) for r in flagged]
    details = [d for d in map(_details, flagged) if d]
    tail = "".join(
        f"{NOT_ATTEMPTED} ({count}): {code_span(reason)}\n\n" for reason, count in skipped.items()
    )
    tail += _stale(report) + "".join(f"> {code_span(hint)}\n\n" for hint in report.hints())
    tail += f"{stats_line(report)}\n"
    in_sync_text = _in_sync(in_sync, options.verbose)

    def assemble(n_rows: int, n_details: int, note: str) -> str:
        table = (table_head + "".join(rows[:n_rows]) + "\n") if n_rows else ""
        return head + table + "".join(details[:n_details]) + in_sync_text + note + tail

    full = assemble(len(rows), len(details), "")
    if len(full) < MAX_CHARS:
        return full
    # Too long: list in-sync ones by count only, then drop details, then table rows.
    cut = _Cut()
    if options.verbose and in_sync:
        cut.in_sync = len(in_sync)
        in_sync_text = _in_sync(in_sync, verbose=True, cut=True)
    budget = MAX_CHARS - _NOTE_RESERVE - len(head + table_head + "\n" + in_sync_text + tail)
    row_sizes = [len(r) for r in rows]
    n_rows = _prefix_within(row_sizes, budget)
    n_details = _prefix_within([len(d) for d in details], budget - sum(row_sizes))
    if n_rows < len(rows):
        n_details = 0
    cut.details = len(details) - n_details
    cut.rows = len(rows) - n_rows
    return assemble(n_rows, n_details, _note(cut, len(details)))
