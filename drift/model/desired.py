"""The desired state: what the spec declares, as plain data every later stage reads.

Kept apart from spec.py (which loads and validates YAML) so that the result model and
the reporters do not pull in PyYAML and jsonschema.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from drift.errors import Location
from drift.model.matchers import Matcher
from drift.secret import sha256_hex


def canonical_id(value: str) -> str:
    """SigmaMind spells ids with `_` or `-`; both name the same record."""
    return value.replace("-", "_")


def record_key(integration_id: str, auth_id: str | None) -> tuple[str, str | None]:
    """What makes two declarations the same record, whatever the id spelling."""
    return canonical_id(integration_id), canonical_id(auth_id) if auth_id else None


@dataclass(frozen=True)
class DesiredHeader:
    name: str  # as the spec spells it
    matcher: Matcher
    source: Location  # the line that set it: the integration's or the defaults'

    @property
    def secret(self) -> bool:
        return self.matcher.is_secret(self.name)


@dataclass(frozen=True)
class IgnoreRule:
    path: str
    reason: str
    until: datetime.date | None
    source: Location
    integration: str = "*"  # glob on local names (top-level rules only)
    accept: Matcher | None = None  # None: any value at the path; else only this one

    def describe(self) -> str:
        """How reviews and reports name the rule: its scope, path and the value it takes."""
        scope = "" if self.integration == "*" else f"{self.integration} "
        value = f" = {self.accept.expected_text(False)}" if self.accept else ""
        return f"{scope}{self.path}{value}"


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
    tags: tuple[str, ...] = ()
    ignores: tuple[IgnoreRule, ...] = ()
    extra_headers: str = "fail"

    @property
    def key(self) -> tuple[str, str | None]:
        return record_key(self.integration_id, self.auth_id)

    @property
    def ids(self) -> str:
        """`intg_A / auth_B`, or `intg_A / embedded auth`, as reports show them."""
        return f"{self.integration_id} / {self.auth_id or 'embedded auth'}"

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
    """A whole loaded spec: its files, integrations (sorted by name) and top-level rules."""

    files: list[str] = field(default_factory=list)
    integrations: list[DesiredIntegration] = field(default_factory=list)
    ignores: list[IgnoreRule] = field(default_factory=list)  # top-level rules, all files


NOT_CHECKED = "(not checked)"


def _rule_text(rule: IgnoreRule) -> str:
    accept = f"; accepts {rule.accept.expected_text(False)}" if rule.accept else ""
    until = f"; until {rule.until.isoformat()}" if rule.until else ""
    return f"{rule.reason}{until}{accept}"


def rules_document(rules: Sequence[IgnoreRule], top_level: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for rule in rules:
        key = f"{rule.integration} {rule.path}" if top_level else rule.path
        while key in out:  # the same path twice: both are shown
            key += " (again)"
        out[key] = _rule_text(rule)
    return out


def document(item: DesiredIntegration) -> dict[str, Any]:
    """The desired state of one integration as plain data, safe to show (secret values
    as fingerprints): what compare diffs."""
    doc: dict[str, Any] = {
        "integrationId": item.integration_id,
        "authType": item.auth_type,
        "extraHeaders": item.extra_headers,
    }
    if item.auth_id:
        doc["authId"] = item.auth_id
    if item.tags:
        doc["tags"] = {tag: tag for tag in item.tags}
    if item.headers is None:
        doc["headers"] = NOT_CHECKED
    else:
        doc["headers"] = {h.name.lower(): h.matcher.expected_text(h.secret) for h in item.headers}
    if item.ignores:
        doc["ignore"] = rules_document(item.ignores, top_level=False)
    return doc


def spec_digest(integrations: Iterable[DesiredIntegration], rules: Sequence[IgnoreRule]) -> str:
    """SHA-256 of a whole desired state (not of its files: formatting and comments do not
    count), so that reports can tell whether they came from the same spec."""
    doc = {
        "integrations": {i.name: document(i) for i in integrations},
        "ignore": rules_document(rules, top_level=True),
    }
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    return sha256_hex(text)
