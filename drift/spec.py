"""Load spec files or folders into the desired state, collecting every problem first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drift import yamlload
from drift.errors import Location, Problem, SpecError
from drift.validate import dotted, schema_problems
from drift.yamlload import Document

SPEC_SUFFIXES = (".yaml", ".yml")


def canonical_id(value: str) -> str:
    """SigmaMind spells ids with `_` or `-`; both name the same record."""
    return value.replace("-", "_")


@dataclass(frozen=True)
class DesiredHeader:
    name: str  # as the spec spells it
    value: str
    source: Location


@dataclass(frozen=True)
class DesiredIntegration:
    """One integration as the spec declares it, with where each part was written."""

    name: str
    integration_id: str
    auth_id: str | None
    auth_type: str
    headers: tuple[DesiredHeader, ...] | None  # None: headers are not checked
    source: Location
    auth_type_source: Location

    @property
    def key(self) -> tuple[str, str | None]:
        return canonical_id(self.integration_id), (
            canonical_id(self.auth_id) if self.auth_id else None
        )

    def field_source(self, pointer: str) -> Location:
        """The line that declared the field a JSON Pointer names (or the entry itself)."""
        if pointer == "/authType":
            return self.auth_type_source
        if pointer.startswith("/headers/") and self.headers is not None:
            wanted = pointer.removeprefix("/headers/").replace("~1", "/").replace("~0", "~")
            for header in self.headers:
                if header.name.lower() == wanted.lower():
                    return header.source
        return self.source


@dataclass
class Spec:
    files: list[str] = field(default_factory=list)
    integrations: list[DesiredIntegration] = field(default_factory=list)


def _display(path: Path) -> str:
    return path.as_posix()


def discover(paths: Sequence[str]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Expand files and folders into spec files, sorted; report paths that give none."""
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        here = Location(raw, 0, 0)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in SPEC_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                problems.append(Problem(here, "", "no *.yaml or *.yml files in this folder"))
            found.extend((f, _display(f)) for f in files)
        elif path.is_file():
            found.append((path, _display(path)))
        elif path.exists():
            problems.append(Problem(here, "", "not a regular file or folder"))
        else:
            problems.append(Problem(here, "", "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for item in found:
        resolved = item[0].resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(item)
    return unique, problems


def _shape_problems(doc: Document) -> list[Problem]:
    where = Location(doc.file, 1, 1)
    if doc.data is None:
        return [Problem(where, "", "the file is empty (expected 'version: 1' and 'integrations:')")]
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        return [Problem(where, "", f"expected a mapping at the top level, got {kind}")]
    return []


def _header_case_problems(doc: Document, name: str, headers: dict[str, Any]) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for header in headers:
        lowered = header.lower()
        if lowered in seen:
            path = ("integrations", name, "headers", header)
            first = doc.location(("integrations", name, "headers", seen[lowered]), key=True)
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
    return problems


def _build(doc: Document, name: str, entry: dict[str, Any]) -> DesiredIntegration:
    base = ("integrations", name)
    headers = entry.get("headers")
    return DesiredIntegration(
        name=name,
        integration_id=entry["integrationId"],
        auth_id=entry.get("authId"),
        auth_type=entry["authType"],
        headers=None
        if headers is None
        else tuple(
            DesiredHeader(h, v, doc.location((*base, "headers", h), key=True))
            for h, v in headers.items()
        ),
        source=doc.location(base, key=True),
        auth_type_source=doc.location((*base, "authType"), key=True),
    )


def _clash_problems(integrations: Iterable[DesiredIntegration]) -> list[Problem]:
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


def load_spec(paths: Sequence[str]) -> tuple[Spec, list[Problem]]:
    """Load and validate every spec file; returns the spec and every problem found."""
    files, problems = discover(paths)
    spec = Spec(files=[display for _, display in files])
    for path, display in files:
        try:
            doc = yamlload.load(path, display)
        except yamlload.YamlError as exc:
            problems.append(Problem(Location(display, exc.line, exc.column), "", exc.message))
            continue
        shape = _shape_problems(doc)
        if shape:
            problems.extend(shape)
            continue
        file_problems = schema_problems(doc)
        for name, entry in sorted((doc.data.get("integrations") or {}).items()):
            if isinstance(entry, dict) and isinstance(entry.get("headers"), dict):
                file_problems.extend(_header_case_problems(doc, name, entry["headers"]))
        problems.extend(file_problems)
        if not file_problems:
            spec.integrations.extend(
                _build(doc, name, entry) for name, entry in doc.data["integrations"].items()
            )
    problems.extend(_clash_problems(spec.integrations))
    spec.integrations.sort(key=lambda i: i.name)
    return spec, sorted(set(problems))


def load_valid_spec(paths: Sequence[str]) -> Spec:
    """Like load_spec, but raise SpecError (exit 2) when anything is wrong."""
    spec, problems = load_spec(paths)
    if problems:
        raise SpecError(problems)
    return spec
