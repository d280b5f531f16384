"""How a plan reads: text for the terminal and the apply prompt, markdown for pull
requests and the step summary, JSON (the plan file itself).

Per record: no change, update in place (with the whole header list that will be sent,
secrets as fingerprints or variable names), or cannot apply with the reason. The change
lines are the check's, word for word (spec value -> live value).
"""

from __future__ import annotations

from drift.model.plan import CANNOT_APPLY, NONE, UPDATE, Plan, PlanHeader, PlannedRecord
from drift.model.results import MARKS, Change
from drift.reporters.codespan import code_span, html_code
from drift.reporters.markdown import MAX_CHARS, cell, md
from drift.reporters.wording import change_line, changes_phrase, quote

LABELS = {NONE: "no change", UPDATE: "update in place", CANNOT_APPLY: "cannot apply"}
_CELL_CHARS = 200  # a longer reason is shown whole in the record's details


def header_value(header: PlanHeader) -> str:
    """The value as shown: quoted, a fingerprint, or the variable that will hold it."""
    if header.value is not None:
        text = quote(header.value)
    elif header.sha256 is not None:
        text = f"<redacted sha256:{header.sha256[:8]}>"
    else:
        text = f"${header.env}"
    if header.origin == "live":
        text += "  (live value kept)"
    elif header.origin == "env":
        text += "  (read from the environment at apply time)"
    return text


def summary_line(plan: Plan) -> str:
    return (
        f"Plan: {plan.count(UPDATE)} to update in place, {plan.count(CANNOT_APPLY)} cannot "
        f"apply, {plan.count(NONE)} no change ({len(plan.records)} records)"
    )


def _shown(plan: Plan) -> list[PlannedRecord]:
    """Records that get a block: all but the quiet ones with nothing to do."""
    return [r for r in plan.records if r.action != NONE or r.changes]


def block(record: PlannedRecord) -> list[str]:
    lines = [f"{record.name}: {LABELS[record.action]}  ({record.ids}, {record.source.short})"]
    lines += [f"  {change_line(change)}" for change in record.changes]
    if record.action == UPDATE:
        count = len(record.headers)
        lines.append(
            f"  will send {count} header{'s' if count != 1 else ''}, replacing the live list:"
        )
        lines += [f"    {quote(h.name)}: {header_value(h)}" for h in record.headers]
    if record.reason:
        lines.append(f"  ! {record.reason}")
    return lines


def render_text(plan: Plan, verbose: bool = False) -> str:
    out: list[str] = []
    for record in _shown(plan):
        out += [*block(record), ""]
    quiet = [r for r in plan.records if r.action == NONE and not r.changes]
    if quiet and verbose:
        out.append(f"no change ({len(quiet)}):")
        out += [f"  = {r.name}  ({r.ids}, {r.source.short})" for r in quiet]
        out.append("")
    out += [f"hint: {hint}" for hint in plan.hints]
    if plan.stats is not None:
        st = plan.stats
        out.append(f"requests: {st.requests}, retries: {st.retries}, throttled: {st.throttled}")
    out.append(summary_line(plan))
    return "\n".join(out) + "\n"


def _what(record: PlannedRecord) -> str:
    if record.reason:
        clipped = len(record.reason) > _CELL_CHARS
        return cell(record.reason[: _CELL_CHARS - 1] + "…" if clipped else record.reason)
    phrase = changes_phrase(record.changes)
    if record.action == UPDATE:
        phrase += f"; sends {len(record.headers)} headers"
    return phrase


def _change_row(change: Change) -> str:
    expected = "(absent)" if change.kind == "added" else cell(quote(change.expected))
    actual = "(absent)" if change.kind == "removed" else cell(quote(change.actual))
    if change.note:
        actual += f" ({cell(change.note)})"
    return f"| {md(MARKS[change.kind])} | {cell(change.path)} | {expected} | {actual} |\n"


def _details(record: PlannedRecord) -> str:
    """The changes, the headers to send, a reason too long for its table cell."""
    long_reason = len(record.reason or "") > _CELL_CHARS
    if not record.changes and record.action != UPDATE and not long_reason:
        return ""
    parts = []
    if record.changes:
        parts.append("| | Path | Expected | Actual |\n| --- | --- | --- | --- |\n")
        parts += [_change_row(c) for c in record.changes]
        parts.append("\n")
    if record.action == UPDATE:
        parts.append("Headers to send (they replace the live list):\n\n")
        parts.append("| Header | Value |\n| --- | --- |\n")
        parts += [f"| {cell(h.name)} | {cell(header_value(h))} |\n" for h in record.headers]
        parts.append("\n")
    if record.reason:
        parts.append(f"Cannot apply: {code_span(record.reason)}\n\n")
    # the summary line is HTML (markdown is not read there): an escaped <code> element
    summary = f"{html_code(record.name)}: {LABELS[record.action]}"
    return f"<details><summary>{summary}</summary>\n\n{''.join(parts)}</details>\n\n"


def render_markdown(plan: Plan, verbose: bool = False) -> str:
    head = (
        f"### drift plan: {md(summary_line(plan).removeprefix('Plan: '))}\n\n"
        f"Planned against {code_span(plan.base_url[:200])}; `drift apply` re-reads every record "
        "and leaves alone any that changed since.\n\n"
    )
    shown = _shown(plan)
    table = (
        "| Integration | Action | IDs | Declared at | Changes or reason |\n"
        "| --- | --- | --- | --- | --- |\n"
        if shown
        else ""
    )
    rows = [
        f"| {cell(r.name)} | {LABELS[r.action]} | {cell(r.ids)} | {cell(r.source.short)} "
        f"| {_what(r)} |\n"
        for r in shown
    ]
    details = [d for d in map(_details, shown) if d]
    tail = "".join(f"> {code_span(hint)}\n\n" for hint in plan.hints)
    full = head + table + "".join(rows) + ("\n" if rows else "") + "".join(details) + tail
    if len(full) < MAX_CHARS:
        return full
    # too long for a comment: the table without details, then as many rows as fit
    budget = MAX_CHARS - len(head + table + tail) - 400
    kept: list[str] = []
    for row in rows:
        if sum(map(len, kept)) + len(row) > budget:
            break
        kept.append(row)
    note = (
        f"**Plan truncated** to stay under {MAX_CHARS} characters: details left out, "
        f"{len(rows) - len(kept)} of {len(rows)} rows left out. The plan file has it all.\n\n"
    )
    return head + table + "".join(kept) + "\n" + note + tail


def render_json(plan: Plan, verbose: bool = False) -> str:
    from drift.reporters.planfile import render

    return render(plan)
