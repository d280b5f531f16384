"""Spec checks JSON Schema cannot express: file shape, header-name case clashes, bad
regexes and dates, and clashes across files. Everything a schema can say is said by
schemas/spec.schema.json, so that editors applying it agree with drift."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from drift.errors import Location, Problem
from drift.model.matchers import MATCHER_KEYS
from drift.spec import yamlload
from drift.spec.validate import dotted
from drift.spec.yamlload import Document

if TYPE_CHECKING:
    from drift.model.desired import DesiredIntegration


def shape_problems(doc: Document) -> list[Problem]:
    where = Location(doc.file, 1, 1)
    if doc.data is None:
        return [Problem(where, "", "the file is empty (expected 'version: 1' and 'integrations:')")]
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        return [Problem(where, "", f"expected a mapping at the top level, got {kind}")]
    return []


def _header_problems(doc: Document, base: yamlload.PathT, headers: Any) -> list[Problem]:
    """Case-only duplicates and bad regexes in one headers mapping."""
    if not isinstance(headers, dict):
        return []
    problems = []
    seen: dict[str, str] = {}
    for header, value in headers.items():
        path = (*base, "headers", header)
        lowered = header.lower()
        if lowered in seen:
            first = doc.location((*base, "headers", seen[lowered]), key=True)
            problems.append(
                Problem(
                    doc.location(path, key=True),
                    dotted(path),
                    f"header {header!r} differs only in case from {seen[lowered]!r} "
                    f"(line {first.line}); header names are case-insensitive",
                )
            )
        else:
            seen[lowered] = header
        if not isinstance(value, dict):
            continue
        # a matcher without exactly one kind is the schema's to report (oneOf)
        kinds = [k for k in MATCHER_KEYS if k in value]
        if kinds == ["pattern"] and isinstance(value["pattern"], str):
            try:
                re.compile(value["pattern"])
            except re.error as exc:
                where = (*path, "pattern")
                problems.append(
                    Problem(
                        doc.location(where), dotted(where), f"invalid regular expression: {exc}"
                    )
                )
    return problems


def semantic_problems(doc: Document) -> list[Problem]:
    data = doc.data
    defaults = data.get("defaults") if isinstance(data.get("defaults"), dict) else {}
    problems = _header_problems(doc, ("defaults",), defaults.get("headers"))
    integrations = data.get("integrations")
    for name, entry in sorted((integrations if isinstance(integrations, dict) else {}).items()):
        if not isinstance(entry, dict):
            continue
        base = ("integrations", name)
        problems.extend(_header_problems(doc, base, entry.get("headers")))
        problems.extend(_until_problems(doc, base, entry.get("ignore")))
    problems.extend(_until_problems(doc, (), data.get("ignore")))
    return problems


_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits, as the schema says


def _until_problems(doc: Document, base: yamlload.PathT, rules: Any) -> list[Problem]:
    """`until` dates the schema's pattern lets through but no calendar has (2027-02-30)."""
    problems = []
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        until = rule.get("until") if isinstance(rule, dict) else None
        if not isinstance(until, str) or not _DATE_SHAPE.fullmatch(until):
            continue  # the schema's pattern reports those
        try:
            datetime.date.fromisoformat(until)
        except ValueError:
            where = (*base, "ignore", index, "until")
            problems.append(
                Problem(doc.location(where), dotted(where), f"{until!r} is not a date (YYYY-MM-DD)")
            )
    return problems


def clash_problems(integrations: Iterable[DesiredIntegration]) -> list[Problem]:
    problems = []
    by_name: dict[str, DesiredIntegration] = {}
    by_key: dict[tuple[str, str | None], DesiredIntegration] = {}
    for item in integrations:
        path = f"integrations.{item.name}"
        if item.name in by_name:
            first = by_name[item.name]
            problems.append(
                Problem(
                    item.source,
                    path,
                    f"local name {item.name!r} is also declared at {first.source}",
                )
            )
        else:
            by_name[item.name] = item
        if item.key in by_key:
            first = by_key[item.key]
            what = f"integration {item.integration_id}" + (
                f" with auth {item.auth_id}" if item.auth_id else " (embedded auth)"
            )
            problems.append(
                Problem(
                    item.source,
                    path,
                    f"{what} is also declared as {first.name!r} at {first.source}",
                )
            )
        else:
            by_key[item.key] = item
    return problems
