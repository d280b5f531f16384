"""Load spec files or folders into the desired state, collecting every problem first."""

from __future__ import annotations

import datetime
import difflib
import functools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from drift.errors import Location, Problem, SpecError
from drift.model.desired import DesiredHeader, DesiredIntegration, IgnoreRule
from drift.model.desired import Spec as Spec
from drift.model.matchers import parse_matcher
from drift.spec import yamlload
from drift.spec.discover import SPEC_SUFFIXES as SPEC_SUFFIXES
from drift.spec.discover import discover as discover
from drift.spec.rules import clash_problems, semantic_problems, shape_problems
from drift.spec.validate import dotted, schema_problems
from drift.spec.yamlload import Document
from drift.tuning import gc_paused


def _headers(doc: Document, base: yamlload.PathT, raw: dict[str, Any]) -> dict[str, DesiredHeader]:
    return {
        name.lower(): DesiredHeader(
            name, parse_matcher(value), doc.location((*base, "headers", name), key=True)
        )
        for name, value in raw.items()
    }


def _rules(
    doc: Document, base: yamlload.PathT, raw: list[dict[str, Any]]
) -> tuple[IgnoreRule, ...]:
    return tuple(
        IgnoreRule(
            path=rule["path"],
            reason=rule["reason"],
            until=datetime.date.fromisoformat(rule["until"]) if "until" in rule else None,
            source=doc.location((*base, "ignore", index)),
            integration=rule.get("integration", "*"),
            accept=parse_matcher(rule["accept"]) if "accept" in rule else None,
        )
        for index, rule in enumerate(raw)
    )


def _build(doc: Document, name: str, entry: dict[str, Any]) -> DesiredIntegration:
    base = ("integrations", name)
    defaults: dict[str, Any] = doc.data.get("defaults") or {}
    headers: dict[str, DesiredHeader] | None = None
    if "headers" in defaults or "headers" in entry:
        headers = _headers(doc, ("defaults",), defaults.get("headers") or {})
        headers.update(_headers(doc, base, entry.get("headers") or {}))
    own_type = "authType" in entry
    return DesiredIntegration(
        name=name,
        integration_id=entry["integrationId"],
        auth_id=entry.get("authId"),
        auth_type=entry["authType"] if own_type else defaults["authType"],
        headers=None if headers is None else tuple(headers.values()),
        source=doc.location(base, key=True),
        auth_type_source=doc.location(
            (*base, "authType") if own_type else ("defaults", "authType"), key=True
        ),
        tags=tuple(entry.get("tags") or ()),
        ignores=_rules(doc, base, entry.get("ignore") or []),
        extra_headers=entry.get("extraHeaders")
        or defaults.get("extraHeaders")
        or doc.data.get("extraHeaders")
        or "fail",
    )


def _rule_target_problems(spec: Spec) -> list[Problem]:
    """A top-level rule naming (no glob) an integration the spec does not declare: a typo
    or a deleted integration, either way a rule that can never apply. Only checked when
    the run loaded integrations: a baseline file read alone names integrations elsewhere."""
    names = {i.name for i in spec.integrations}
    if not names:
        return []
    problems = []
    for rule in spec.ignores:
        if rule.integration in names or any(ch in rule.integration for ch in "*?["):
            continue
        close = difflib.get_close_matches(rule.integration, sorted(names), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(
            Problem(
                rule.source,
                "ignore.integration",
                f"no integration named {rule.integration!r} is declared{hint}",
            )
        )
    return problems


def build_spec(
    sources: Iterable[tuple[str, Callable[[], Document]]], problems: list[Problem] | None = None
) -> tuple[Spec, list[Problem]]:
    """Validate documents (display name, loader) and build the desired state."""
    with gc_paused():
        return _build_spec(sources, problems)


def _build_spec(
    sources: Iterable[tuple[str, Callable[[], Document]]], problems: list[Problem] | None
) -> tuple[Spec, list[Problem]]:
    problems = list(problems or [])
    spec = Spec()
    for display, load in sources:
        spec.files.append(display)
        try:
            doc = load()
        except yamlload.YamlError as exc:
            problems.append(Problem(Location(display, exc.line, exc.column), "", exc.message))
            continue
        problems.extend(
            Problem(Location(display, line, col), dotted(path), message)
            for path, line, col, message in doc.duplicates
        )
        shape = shape_problems(doc)
        if shape:
            problems.extend(shape)
            continue
        file_problems = schema_problems(doc) + semantic_problems(doc)
        problems.extend(file_problems)
        if not file_problems and not doc.duplicates:
            spec.integrations.extend(
                _build(doc, name, entry)
                for name, entry in (doc.data.get("integrations") or {}).items()
            )
            spec.ignores.extend(_rules(doc, (), doc.data.get("ignore") or []))
    problems.extend(clash_problems(spec.integrations))
    problems.extend(_rule_target_problems(spec))
    spec.integrations.sort(key=lambda i: i.name)
    return spec, sorted(set(problems))


def load_spec(paths: Sequence[str], exclude: Path | None = None) -> tuple[Spec, list[Problem]]:
    """Load and validate every spec file; returns the spec and every problem found."""
    files, problems = discover(paths)
    if exclude is not None:
        files = [f for f in files if f[0].resolve() != exclude.resolve()]
    return build_spec(
        ((display, functools.partial(yamlload.load, path, display)) for path, display in files),
        problems,
    )


def load_valid_spec(paths: Sequence[str], exclude: Path | None = None) -> Spec:
    """Like load_spec, but raise SpecError (exit 2) when anything is wrong."""
    spec, problems = load_spec(paths, exclude)
    if problems:
        raise SpecError(problems)
    return spec
