"""drift.plan: the header list a plan sends and why a record cannot be applied, built
from a check run over httpx.MockTransport (no emulator, no network)."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from drift.commands.check import resolve_env, run_check, secrets_of
from drift.commands.plan import build_plan
from drift.live.fetch import FetchSettings
from drift.live.normalize import LiveAuth
from drift.model.plan import (
    AUTH_TYPE_FIXED,
    CANNOT_APPLY,
    NONE,
    UPDATE,
    LiveState,
    Plan,
    PlanHeader,
    fingerprint,
)
from drift.secret import Secret
from drift.spec.load import load_valid_spec

KEY = "unit-plan-key-Qw83Lm"
PATH = "/v1/integrations/intg_A/auth/auth_A"


def record(headers: list[tuple[str, str]], auth_type: str = "API_KEY") -> dict[str, Any]:
    return {
        "authId": "auth_A",
        "integrationId": "intg_A",
        "authType": auth_type,
        "headers": [{"key": k, "value": v} for k, v in headers],
        "updatedAt": "2024-01-01T00:00:00.000Z",
    }


def plan_of(
    tmp_path: Path,
    body: str,
    live: Any,
    status: int = 200,
    environ: dict[str, str] | None = None,
) -> Plan:
    """The plan of one integration `a` (intg_A / auth_A) declared with `body` (YAML lines
    under it), against a live record answered with `status`."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "version: 1\nintegrations:\n  a:\n    integrationId: intg_A\n    authId: auth_A\n" + body,
        encoding="utf-8",
    )
    loaded = load_valid_spec([str(spec)])

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == PATH
        return httpx.Response(status, json=live)

    settings = FetchSettings(base_url="https://api.test", api_key=Secret(KEY), retries=0)
    items = resolve_env(loaded.integrations, environ or {})
    judged: list[Any] = []
    report = run_check(
        items,
        settings,
        transport=httpx.MockTransport(answer),
        shared_rules=loaded.ignores,
        today=datetime.date(2026, 1, 1),
        keep=judged,
    )
    redact = secrets_of([i for i, _, _ in judged], [f for _, f, _ in judged], settings)
    return build_plan(report, judged, redact, "2026-01-01T00:00:00Z")


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def test_in_sync_is_no_change(tmp_path: Path) -> None:
    plan = plan_of(
        tmp_path, "    authType: API_KEY\n    headers: {X-A: '1'}\n", record([("X-A", "1")])
    )
    (rec,) = plan.records
    assert (rec.action, rec.headers, rec.reason) == (NONE, (), None)
    assert rec.live == LiveState("auth_A", "API_KEY", "2024-01-01T00:00:00Z", rec.live.fingerprint)
    assert int(plan.exit_code) == 0


def test_update_sends_declared_values_in_live_order_then_new_ones(tmp_path: Path) -> None:
    body = (
        "    authType: API_KEY\n    headers:\n      X-New: n\n      x-a: '2'\n"
        "      X-Gone: {absent: true}\n"
    )
    plan = plan_of(tmp_path, body, record([("X-A", "1"), ("X-Gone", "g"), ("X-Extra", "e")]))
    (rec,) = plan.records
    assert rec.action == UPDATE
    # live order, spelled as the spec spells it; absent dropped; undeclared dropped (fail)
    assert rec.headers == (
        PlanHeader("x-a", "spec", value="2"),
        PlanHeader("X-New", "spec", value="n"),
    )
    assert int(plan.exit_code) == 1


@pytest.mark.parametrize("extra", ["ignore", "warn"])
def test_undeclared_headers_are_kept_unless_extra_headers_fail(tmp_path: Path, extra: str) -> None:
    body = f"    authType: API_KEY\n    extraHeaders: {extra}\n    headers:\n      X-A: '2'\n"
    live = record([("X-A", "1"), ("X-Trace", "t"), ("Cookie", "c-secret-value-9")])
    (rec,) = plan_of(tmp_path, body, live).records
    assert rec.headers == (
        PlanHeader("X-A", "spec", value="2"),
        PlanHeader("X-Trace", "live", value="t"),
        PlanHeader("Cookie", "live", sha256=sha("c-secret-value-9")),  # secret by its name
    )


def test_a_repeated_header_keeps_its_first_value(tmp_path: Path) -> None:
    body = "    authType: API_KEY\n    extraHeaders: ignore\n    headers:\n      X-A: '1'\n"
    live = record([("X-A", "1"), ("X-B", "b1"), ("x-b", "b2")])
    (rec,) = plan_of(tmp_path, body, live).records
    assert rec.action == UPDATE
    assert rec.headers == (
        PlanHeader("X-A", "spec", value="1"),
        PlanHeader("X-B", "live", value="b1"),
    )


def test_satisfied_matchers_keep_the_live_value(tmp_path: Path) -> None:
    body = (
        "    authType: API_KEY\n    headers:\n      X-A: '2'\n"
        "      X-Version: {pattern: 'v[0-9]+'}\n"
        f"      X-Token: {{sha256: {sha('tok-secret-1234')}}}\n      X-Any: {{present: true}}\n"
    )
    live = record(
        [("X-A", "1"), ("X-Version", "v3"), ("X-Token", "tok-secret-1234"), ("X-Any", "z")]
    )
    (rec,) = plan_of(tmp_path, body, live).records
    assert rec.headers == (
        PlanHeader("X-A", "spec", value="2"),
        PlanHeader("X-Version", "live", value="v3"),
        PlanHeader("X-Token", "live", sha256=sha("tok-secret-1234")),
        PlanHeader("X-Any", "live", value="z"),
    )


@pytest.mark.parametrize(
    ("matcher", "live_value", "reason"),
    [
        ("{pattern: 'v[0-9]+'}", "beta", "X-M: no value known (a pattern matcher)"),
        ("{present: true}", None, "X-M: no value known (a present matcher)"),
        (f"{{sha256: {sha('x')}}}", "y", "X-M: no value known (a sha256 matcher)"),
    ],
)
def test_an_unmet_matcher_cannot_be_applied(
    tmp_path: Path, matcher: str, live_value: str | None, reason: str
) -> None:
    headers = [("X-A", "1")] + ([("X-M", live_value)] if live_value else [])
    body = f"    authType: API_KEY\n    headers:\n      X-A: '2'\n      X-M: {matcher}\n"
    (rec,) = plan_of(tmp_path, body, record(headers)).records
    assert (rec.action, rec.reason, rec.headers) == (CANNOT_APPLY, reason, ())


def test_a_secret_written_in_the_spec_never_goes_in_a_plan(tmp_path: Path) -> None:
    body = "    authType: API_KEY\n    headers:\n      Authorization: Bearer spec-secret-77\n"
    (rec,) = plan_of(tmp_path, body, record([("Authorization", "Bearer old-secret-88")])).records
    assert rec.action == CANNOT_APPLY
    assert rec.reason == (
        "Authorization: a secret value written in the spec never goes in a plan; declare it "
        "as {env: NAME}"
    )
    assert "spec-secret-77" not in repr(rec) and "old-secret-88" not in repr(rec)


def test_a_satisfied_secret_literal_is_kept_by_digest(tmp_path: Path) -> None:
    body = (
        "    authType: API_KEY\n    headers:\n      Authorization: Bearer s-77-secret\n"
        "      X-A: '2'\n"
    )
    live = record([("Authorization", "Bearer s-77-secret"), ("X-A", "1")])
    (rec,) = plan_of(tmp_path, body, live).records
    assert rec.headers[0] == PlanHeader("Authorization", "live", sha256=sha("Bearer s-77-secret"))


def test_env_matchers_are_stored_by_name(tmp_path: Path) -> None:
    body = "    authType: API_KEY\n    headers:\n      X-Api-Key: {env: PARTNER}\n"
    plan = plan_of(
        tmp_path,
        body,
        record([("X-Api-Key", "old-value-123")]),
        environ={"PARTNER": "new-value-456"},
    )
    (rec,) = plan.records
    assert rec.headers == (PlanHeader("X-Api-Key", "env", env="PARTNER"),)


def test_a_value_holding_the_api_key_is_kept_by_digest(tmp_path: Path) -> None:
    body = "    authType: API_KEY\n    extraHeaders: ignore\n    headers:\n      X-A: '2'\n"
    live = record([("X-A", "1"), ("X-Echo", f"echo {KEY}")])
    (rec,) = plan_of(tmp_path, body, live).records
    assert rec.headers[1] == PlanHeader("X-Echo", "live", sha256=sha(f"echo {KEY}"))


def test_auth_type_drift_cannot_be_applied(tmp_path: Path) -> None:
    body = "    authType: API_KEY\n    headers:\n      X-A: '2'\n"
    (rec,) = plan_of(tmp_path, body, record([("X-A", "1")], "BEARER_TOKEN")).records
    assert (rec.action, rec.reason) == (CANNOT_APPLY, AUTH_TYPE_FIXED)
    assert rec.live is not None and rec.live.auth_type == "BEARER_TOKEN"


def test_auth_type_drift_with_unchecked_headers_cannot_be_applied(tmp_path: Path) -> None:
    (rec,) = plan_of(tmp_path, "    authType: API_KEY\n", record([("X-A", "1")], "NO_AUTH")).records
    assert (rec.action, rec.reason) == (CANNOT_APPLY, AUTH_TYPE_FIXED)


def test_ignored_findings_keep_the_live_state(tmp_path: Path) -> None:
    body = (
        "    authType: API_KEY\n    headers:\n      X-A: '2'\n      X-B: '2'\n      X-Missing: m\n"
        "    ignore:\n"
        "      - {path: /authType, reason: migrating}\n"
        "      - {path: /headers/X-B, reason: rollout}\n"
        "      - {path: /headers/X-Missing, reason: later}\n"
        "      - {path: /headers/X-Debug, reason: debugging}\n"
    )
    live = record([("X-A", "1"), ("X-B", "1"), ("X-Debug", "on")], "BEARER_TOKEN")
    (rec,) = plan_of(tmp_path, body, live).records
    assert rec.action == UPDATE  # the authType finding is ignored, so it does not block
    assert rec.headers == (
        PlanHeader("X-A", "spec", value="2"),
        PlanHeader("X-B", "live", value="1"),
        PlanHeader("X-Debug", "live", value="on"),
    )


def test_only_ignored_findings_and_warnings_is_no_change(tmp_path: Path) -> None:
    body = "    authType: API_KEY\n    extraHeaders: warn\n    headers:\n      X-A: '1'\n"
    (rec,) = plan_of(tmp_path, body, record([("X-A", "1"), ("X-W", "w")])).records
    assert (rec.action, [c.disposition for c in rec.changes]) == (NONE, ["warning"])


def test_not_found_and_errors_cannot_be_applied(tmp_path: Path) -> None:
    body = "    authType: API_KEY\n"
    (missing,) = plan_of(tmp_path, body, {"error": "no"}, status=404).records
    assert (missing.action, missing.live) == (CANNOT_APPLY, None)
    assert missing.reason == (
        "not found: the auth record does not exist (HTTP 404); create it by hand"
    )
    (broken,) = plan_of(tmp_path, body, {"authId": "auth_A"}).records
    assert broken.action == CANNOT_APPLY
    assert (
        broken.reason == "error: unexpected response shape: 'authType' is missing or not a string"
    )


def test_a_live_header_name_holding_a_secret_cannot_be_kept(tmp_path: Path) -> None:
    body = "    authType: API_KEY\n    extraHeaders: ignore\n    headers:\n      X-A: '2'\n"
    (rec,) = plan_of(tmp_path, body, record([("X-A", "1"), (f"X-{KEY}", "v")])).records
    assert rec.action == CANNOT_APPLY
    assert rec.reason == "a live header name holds a secret value; fix it by hand"


def test_fingerprint_is_the_same_in_either_dialect() -> None:
    modern = LiveAuth("auth_A", "intg_A", "API_KEY", (("X-A", "1"),), "2024-01-01T00:00:00Z")
    assert fingerprint(modern) == fingerprint(
        LiveAuth("auth_A", "intg_A", "API_KEY", (("X-A", "1"),), None)
    )
    assert fingerprint(modern) != fingerprint(
        LiveAuth("auth_A", "intg_A", "API_KEY", (("X-A", "2"),), None)
    )
    assert json.dumps(fingerprint(modern))  # plain hex, nothing secret
