"""Rendering of `drift compare` (and the spec section of `check --compare-base`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from drift import __version__
from drift.compare import Review
from drift.model import MARKS
from drift.reporters.escape import json_safe
from drift.reporters.markdown import md
from drift.reporters.text import quote


def summary_line(review: Review) -> str:
    c = review.counts()
    return f"{c['added']} added, {c['removed']} removed, {c['changed']} changed"


def render_text(review: Review) -> str:
    out = [f"Spec changes {review.base} -> {review.head}:"]
    for item in review.items:
        out.append(
            f"{MARKS[item.kind]} {item.name}: {item.kind}  ({item.ids}, {item.source.short})"
        )
        for change in item.changes:
            if change.kind == "changed":
                detail = f"{quote(change.expected)} -> {quote(change.actual)}"
            else:
                detail = quote(change.actual if change.kind == "added" else change.expected)
            out.append(f"    {MARKS[change.kind]} {change.path}: {detail}")
    if not review.items:
        out.append("  (no changes to the desired state)")
    out.append(summary_line(review))
    return "\n".join(out) + "\n"


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
                "changes": [
                    {"kind": c.kind, "path": c.path, "before": c.expected, "after": c.actual}
                    for c in i.changes
                ],
            }
            for i in review.items
        ],
    }


def render_json(review: Review) -> str:
    doc = {"schemaVersion": 1, "tool": {"name": "drift", "version": __version__}, **as_dict(review)}
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def _md(value: Any) -> str:
    # the same escaping as the check report's markdown: no table break, HTML or emphasis
    return md("(none)" if value is None else str(value))


def render_markdown(review: Review) -> str:
    out = [f"### This change to the spec: {summary_line(review)}", ""]
    if review.items:
        out += ["| | integration | field | before | after |", "|---|---|---|---|---|"]
        for item in review.items:
            mark = MARKS[item.kind]
            if not item.changes:
                out.append(f"| {mark} | {_md(item.name)} | ({item.kind}) | | |")
            for change in item.changes:
                out.append(
                    f"| {MARKS[change.kind]} | {_md(item.name)} | {_md(change.path)} "
                    f"| {_md(change.expected)} | {_md(change.actual)} |"
                )
    else:
        out.append("No changes to the desired state.")
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[Review], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
