"""A report as a flat list of findings, each with a rule and an identity that last.

SARIF and `drift report diff` both speak of findings: a counted change, a warning, an
ignored change, a record not found or not checked. Each has a rule (what kind of finding
it is, the same in every run) and an identity (integration + path + rule) that does not
depend on values or line numbers, so the same drift is recognised from run to run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from drift.errors import ExitCode, Location
from drift.model.results import Change, IntegrationResult, Status
from drift.reporters.wording import change_line
from drift.secret import sha256_hex


@dataclass(frozen=True)
class Rule:
    id: str  # drift/header-changed: stable, what code scanning groups alerts by
    name: str  # HeaderChanged
    short: str
    full: str
    help: str


_FIX = (
    "Make the live record match the spec (in SigmaMind), or change the spec if the live "
    "value is the one you want. To accept the difference for a while, add an ignore rule "
    "with a reason and an `until` date; `drift baseline` writes such rules for all of today's "
    "drift."
)

RULES: tuple[Rule, ...] = (
    Rule(
        "drift/authtype-changed",
        "AuthTypeChanged",
        "The live auth type differs from the spec",
        "The integration's live auth record has another authType than the spec declares.",
        _FIX,
    ),
    Rule(
        "drift/header-changed",
        "HeaderChanged",
        "A static header has another value live",
        "A header the spec declares has a live value the spec's matcher does not accept "
        "(secret values are shown as fingerprints).",
        _FIX,
    ),
    Rule(
        "drift/header-added",
        "HeaderAdded",
        "The live record has a header the spec does not declare",
        "The live auth record carries a header that the spec does not declare (with "
        "`extraHeaders: fail`, or `warn` for a warning), one it requires to be absent, or a "
        "header given more than once.",
        _FIX + " Set `extraHeaders: ignore` or `warn` if undeclared headers are expected.",
    ),
    Rule(
        "drift/header-removed",
        "HeaderRemoved",
        "A declared header is missing live",
        "A header the spec declares is not on the live auth record.",
        _FIX,
    ),
    Rule(
        "drift/field-changed",
        "FieldChanged",
        "Another field differs from the spec",
        "A field other than authType or a header differs between the spec and the live record.",
        _FIX,
    ),
    Rule(
        "drift/not-found",
        "NotFound",
        "The declared record does not exist",
        "The declared integration or auth record does not exist (HTTP 404), or the integration "
        "has no auth record.",
        "Check the ids in the spec (integrationId, authId) and the API base URL; create the "
        "record, or remove the integration from the spec.",
    ),
    Rule(
        "drift/error",
        "CheckError",
        "The record could not be checked",
        "The live record could not be read or judged: a server error after retries, a "
        "timeout, an unexpected response shape or an id mismatch. Its drift is unknown.",
        "Read the message; rerun the check. Persistent errors point at the API, the network "
        "or the ids in the spec.",
    ),
    Rule(
        "drift/stale-ignore-rule",
        "StaleIgnoreRule",
        "An ignore rule matched nothing",
        "An ignore rule matched no finding although every integration it covers was checked.",
        "Delete the rule: what it accepted is gone.",
    ),
)
RULE_INDEX = {rule.id: index for index, rule in enumerate(RULES)}
_BY_STATUS = {Status.NOT_FOUND: "drift/not-found", Status.ERROR: "drift/error"}


def rule_of(change: Change) -> str:
    if change.path == "/authType":
        return "drift/authtype-changed"
    if change.path.startswith("/headers/") and change.kind in ("changed", "added", "removed"):
        return f"drift/header-{change.kind}"
    return "drift/field-changed"


def digest(*parts: str) -> str:
    text = "\0".join(parts)
    return sha256_hex(text)


@dataclass(frozen=True)
class Finding:
    """One finding of one integration. `change` is None for a record-level finding
    (not found, error); `text` is one line, safe to show (values quoted, secrets redacted)."""

    result: IntegrationResult
    rule: str
    change: Change | None
    text: str

    @property
    def integration(self) -> str:
        return self.result.name

    @property
    def path(self) -> str:
        return self.change.path if self.change is not None else ""

    @property
    def disposition(self) -> str:
        return self.change.disposition if self.change is not None else "drift"

    @property
    def counts(self) -> bool:
        return self.disposition == "drift"

    @property
    def where(self) -> Location:
        if self.change is not None and self.change.source is not None:
            return self.change.source
        return self.result.desired.source

    def identity(self) -> str:
        """SHA-256 of integration, path and rule: the same finding in every run, wherever
        its line moves and whatever the values. Header names compare case-insensitively,
        as HTTP has them (the live spelling of an undeclared header may change)."""
        path = self.path
        if path.startswith("/headers/"):
            path = path.lower()
        return digest(self.integration, path, self.rule)

    def value_key(self) -> str:
        """SHA-256 of the values as shown (already redacted): tells a changed value from the
        same one without revealing a secret. Record-level findings have none."""
        if self.change is None:
            return ""
        shown = json.dumps([self.change.kind, self.change.expected, self.change.actual])
        return digest(shown)


def findings_of(result: IntegrationResult) -> list[Finding]:
    """Every finding of one result: its changes, or the record-level finding."""
    rule = _BY_STATUS.get(result.status)
    if rule is not None or (result.status is Status.DRIFTED and not result.changes):
        message = result.error.message if result.error is not None else result.status.label
        return [Finding(result, rule or "drift/field-changed", None, message)]
    return [Finding(result, rule_of(c), c, change_line(c)) for c in result.changes]


def ignore_reason(change: Change) -> str:
    """The reason of the ignore rule that accepted a change, from its note."""
    # the note ends with "ignored: REASON (until DAY)" (drift.judge.ignore); what comes before
    # it is the diff's own wording, which never says "ignored: "
    _, found, reason = (change.note or "").partition("ignored: ")
    return reason if found and reason else "accepted by an ignore rule"


@dataclass(frozen=True)
class Side:
    """One of the two reports: as named on the command line, and when it was made."""

    name: str
    generated_at: str | None
    checked: int


@dataclass
class ReportDiff:
    old: Side
    new: Side
    added: list[Finding] = field(default_factory=list)  # in NEW, not in OLD
    resolved: list[Finding] = field(default_factory=list)  # in OLD, gone from NEW
    present: list[Finding] = field(default_factory=list)  # in both (NEW's wording)
    # in OLD, for an integration NEW did not check or could not (an error): not known
    unverified: list[Finding] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.DRIFT if self.added else ExitCode.OK

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.added),
            "resolved": len(self.resolved),
            "present": len(self.present),
            "unverified": len(self.unverified),
        }
