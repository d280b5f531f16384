"""Rendering of `drift compare` (and the spec section of `check --compare-base`)."""

from __future__ import annotations

import json
from typing import Any

from drift import __version__
from drift.errors import printable
from drift.model.results import MARKS, Change
from drift.model.review import Review, SpecChange
from drift.reporters.codespan import code_span
from drift.reporters.escape import json_safe
from drift.reporters.wording import quote

LOOSENS = "loosens the check"


def summary_line(review: Review) -> str:
    c = review.counts()
    line = f"{c['added']} added, {c['removed']} removed, {c['changed']} changed"
    if c["renamed"]:
        line += f", {c['renamed']} renamed"
    if review.rules:
        line += f", {len(review.rules)} top-level ignore rule changes"
    if c["loosening"]:
        line += f"; {c['loosening']} {'loosen' if c['loosening'] > 1 else 'loosens'} the check"
    return line


def _what(item: SpecChange) -> str:
    return f"renamed from {item.renamed_from}" if item.renamed_from else item.kind


def _change_text(change: Change) -> str:
    if change.kind == "changed":
        detail = f"{quote(change.expected)} -> {quote(change.actual)}"
    else:
        detail = quote(change.actual if change.kind == "added" else change.expected)
    mark = f"  [{LOOSENS}]" if change.loosening else ""
    return f"{MARKS[change.kind]} {printable(change.path)}: {detail}{mark}"


def render_text(review: Review) -> str:
    out = [f"Spec changes {review.base} -> {review.head}:"]
    for item in review.items:
        out.append(
            f"{MARKS[item.kind]} {item.name}: {_what(item)}  ({item.ids}, {item.source.short})"
        )
        out.extend(f"    {_change_text(change)}" for change in item.changes)
    if review.rules:
        out.append("~ top-level ignore rules:")
        out.extend(f"    {_change_text(change)}" for change in review.rules)
    if not review.changed:
        out.append("  (no changes to the desired state)")
    out.append(summary_line(review))
    return "\n".join(out) + "\n"


def _change_dict(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "path": change.path,
        "before": change.expected,
        "after": change.actual,
        "loosening": change.loosening,
    }


def as_dict(review: Review) -> dict[str, Any]:
    return {
        "base": review.base,
        "head": review.head,
        "summary": review.counts(),
        "integrations": [
            {
                "name": i.name,
                "kind": i.kind,
                "ids": i.ids,
                "source": {"file": i.source.file, "line": i.source.line, "column": i.source.column},
                "renamedFrom": i.renamed_from,
                "changes": [_change_dict(c) for c in i.changes],
            }
            for i in review.items
        ],
        "ignoreRules": [_change_dict(c) for c in review.rules],
    }


def render_json(review: Review) -> str:
    doc = {"schemaVersion": 1, "tool": {"name": "drift", "version": __version__}, **as_dict(review)}
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def _cell(value: Any) -> str:
    # as in the check report's markdown: live text is code, so it cannot break the table,
    # mention, link or inject HTML
    return "(none)" if value is None else code_span(str(value), in_table=True)


def _what_cell(item: SpecChange) -> str:
    if item.renamed_from:
        return f"(renamed from {_cell(item.renamed_from)})"
    return f"({item.kind})"


def render_markdown(review: Review) -> str:
    out = [f"### This change to the spec: {summary_line(review)}", ""]
    if review.changed:
        out += ["| | integration | field | before | after |", "|---|---|---|---|---|"]
        rows = [
            (_cell(item.name), item.kind, _what_cell(item), item.changes) for item in review.items
        ]
        if review.rules:
            rows.append(("(top-level ignore rules)", "changed", "(changed)", review.rules))
        for name, kind, what, changes in rows:
            if not changes or kind == "renamed":
                out.append(f"| {MARKS[kind]} | {name} | {what} | | |")
            for change in changes:
                loosens = f" **({LOOSENS})**" if change.loosening else ""
                out.append(
                    f"| {MARKS[change.kind]} | {name} | {_cell(change.path)}{loosens} "
                    f"| {_cell(change.expected)} | {_cell(change.actual)} |"
                )
    else:
        out.append("No changes to the desired state.")
    return "\n".join(out) + "\n"
