"""`drift check` as a plain function: desired state in, Report out. No printing here."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx

from drift import ignore
from drift.desired import DesiredIntegration, IgnoreRule, canonical_id
from drift.diff import diff
from drift.errors import FetchError, Problem, SpecError
from drift.fetch import Fetched, FetchSettings, Target, fetch_many
from drift.matchers import looks_sensitive
from drift.model import ErrorInfo, IntegrationResult, Report, Status
from drift.normalize import ShapeError, embedded_auth, normalize_auth
from drift.secret import RUN, Redactor


def resolve_env(
    items: Sequence[DesiredIntegration], environ: Mapping[str, str]
) -> list[DesiredIntegration]:
    """Read every `{env: NAME}` matcher's variable now, before any request; an unset
    variable is a spec error at the line that names it."""
    problems = []
    out = []
    for item in items:
        if item.headers is None or all(h.matcher.kind != "env" for h in item.headers):
            out.append(item)
            continue
        headers = []
        for header in item.headers:
            if header.matcher.kind == "env":
                name = header.matcher.argument
                if name not in environ:
                    problems.append(
                        Problem(
                            header.source,
                            f"integrations.{item.name}.headers.{header.name}",
                            f"environment variable {name} is not set",
                        )
                    )
                    continue
                header = replace(header, matcher=replace(header.matcher, resolved=environ[name]))
            headers.append(header)
        out.append(replace(item, headers=tuple(headers)))
    if problems:
        raise SpecError(problems)
    return out


def target_of(item: DesiredIntegration) -> Target:
    return Target(item.integration_id, item.auth_id)


def _id_mismatch(
    item: DesiredIntegration, integration_id: str | None, auth_id: str | None
) -> str | None:
    """The record must be the one asked for; ids compare in either spelling."""
    if integration_id is not None and integration_id != canonical_id(item.integration_id):
        return (
            f"id mismatch: the auth record belongs to integration {integration_id}, "
            f"not {item.integration_id}"
        )
    if item.auth_id and auth_id is not None and auth_id != canonical_id(item.auth_id):
        return f"id mismatch: the API answered with auth record {auth_id}, not {item.auth_id}"
    return None


def judge(
    item: DesiredIntegration,
    fetched: Fetched,
    shared: ignore.SharedRules | None = None,
    today: datetime.date | None = None,
    used: set[IgnoreRule] | None = None,
) -> IntegrationResult:
    """Turn one fetch outcome into the integration's status and changes; the ignore
    rules that matched a finding are added to `used`."""
    if fetched.kind == "not_found":
        what = "auth record" if item.auth_id else "integration"
        return IntegrationResult(
            item,
            Status.NOT_FOUND,
            error=ErrorInfo(f"the {what} does not exist (HTTP 404)", fetched.http_status),
        )
    if fetched.kind == "error":
        return IntegrationResult(
            item, Status.ERROR, error=ErrorInfo(fetched.message, fetched.http_status)
        )
    try:
        record: Any = fetched.body
        if item.auth_id is None:
            record = embedded_auth(record)
            if record is None:
                return IntegrationResult(
                    item,
                    Status.NOT_FOUND,
                    error=ErrorInfo("the integration has no auth record", None),
                )
        live = normalize_auth(record)
    except ShapeError as exc:
        return IntegrationResult(
            item,
            Status.ERROR,
            error=ErrorInfo(f"unexpected response shape: {exc}", fetched.http_status),
        )
    mismatch = _id_mismatch(item, live.integration_id, live.auth_id)
    if mismatch:
        return IntegrationResult(item, Status.ERROR, error=ErrorInfo(mismatch, fetched.http_status))
    rules = (shared or ignore.SharedRules()).rules_for(item.name, item.ignores)
    changes = ignore.apply(diff(item, live), rules, today or datetime.date.today(), used)
    drifted = any(change.counts for change in changes)
    return IntegrationResult(item, Status.DRIFTED if drifted else Status.IN_SYNC, changes)


def run_check(
    integrations: list[DesiredIntegration],
    settings: FetchSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    on_done: Callable[[int, int], None] | None = None,
    on_start: Callable[[], None] | None = None,
    declared: int | None = None,
    shared_rules: Sequence[IgnoreRule] = (),
    today: datetime.date | None = None,
    everything: Sequence[DesiredIntegration] | None = None,
    keep: list[tuple[DesiredIntegration, Fetched, IntegrationResult]] | None = None,
) -> Report:
    """Fetch, normalize and diff every integration; one record's failure never hides
    the others. A run stopped early (a rejected key, an API that cannot be reached) still
    gives a Report, with `stopped` saying why. `everything` is the whole declared spec
    (default: `integrations`), which says what rules may cover. `keep`, when given, gets
    each record's declaration, fetch and result before redaction (what `plan` builds on:
    it holds live values, secrets among them)."""
    stopped = None
    try:
        fetched, stats = fetch_many(
            [target_of(i) for i in integrations],
            settings,
            transport=transport,
            on_done=on_done,
            on_start=on_start,
        )
    except FetchError as exc:
        if exc.partial is None:
            raise
        fetched, stats = exc.partial
        stopped = str(exc)
    shared = ignore.SharedRules(shared_rules)
    today = today or datetime.date.today()  # once: a run across midnight stays consistent
    used: set[IgnoreRule] = set()
    judged = [
        (i, f, judge(i, f, shared, today, used)) for i, f in zip(integrations, fetched, strict=True)
    ]
    if keep is not None:
        keep.extend(judged)
    results = sorted((r for _, _, r in judged), key=lambda r: r.name)
    checked = {r.name for r in results if r.status in (Status.IN_SYNC, Status.DRIFTED)}
    if any(r.changes or r.error for r in results):
        redact = secrets_of(integrations, fetched, settings)
        results = [_without(redact, r) for r in results]
    return Report(
        settings.base_url,
        results,
        stats,
        declared=len(integrations) if declared is None else declared,
        stale_rules=ignore.stale_rules(
            everything if everything is not None else integrations, shared_rules, checked, used
        ),
        stopped=stopped,
    )


def secrets_of(
    integrations: Sequence[DesiredIntegration], fetched: Sequence[Fetched], settings: FetchSettings
) -> Redactor:
    """Every secret of the run: the API key, the secret values the spec holds, and the
    live values of every header the spec or its name marks secret."""
    key = settings.api_key.reveal()
    redact = Redactor([key, canonical_id(key)])  # ids are shown as canonical_id spells them
    for item, result in zip(integrations, fetched, strict=True):
        declared = {h.name.lower(): h for h in item.headers or ()}
        for header in declared.values():
            matcher = header.matcher
            value = matcher.resolved if matcher.kind == "env" else matcher.argument
            if matcher.kind in ("equals", "env") and value and matcher.is_secret(header.name):
                redact.add(value, shortest=RUN)
        if result.kind != "ok":
            continue
        try:
            record = result.body if item.auth_id else embedded_auth(result.body)
            live = normalize_auth(record) if record is not None else None
        except ShapeError:
            continue
        for name, value in live.headers if live else ():
            spec = declared.get(name.lower())
            if spec.matcher.is_secret(spec.name) if spec else looks_sensitive(name):
                redact.add(value, shortest=RUN)
    return redact


def _without(redact: Redactor, result: IntegrationResult) -> IntegrationResult:
    """The result with no secret left in any text it shows."""

    def clean(value: Any) -> Any:
        return redact(value) if isinstance(value, str) else value

    error = result.error
    if error is not None:
        error = ErrorInfo(redact(error.message), error.http_status)
    changes = tuple(
        replace(
            c,
            path=redact(c.path),
            expected=clean(c.expected),
            actual=clean(c.actual),
            note=clean(c.note),
        )
        for c in result.changes
    )
    return replace(result, changes=changes, error=error)
