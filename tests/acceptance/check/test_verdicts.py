"""Issue 11, end to end through the real CLI against the emulator: a baseline accepts
today's value only, stale rules are listed, an empty spec is not a pass, and a run where
every record is missing says the base URL may be wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from drift.emulator import Emulator

Run = Callable[[list[str]], tuple[int, str, str]]
Make = Callable[..., Emulator]

SPEC = """version: 1
integrations:
  shop:
    integrationId: intg_Shop1
    authId: auth_Shop1
    authType: API_KEY
    headers:
      X-Request-Source: sigmamind
      Authorization: Bearer spec-declared-SECRET-0001
  crm:
    integrationId: intg_Crm1
    authId: auth_Crm1
    authType: API_KEY
    ignore:
      - {path: /headers/X-Never, reason: nothing will match this}
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _data(source: str = "evil", token: str = "Bearer live-SECRET-value-9999") -> dict[str, Any]:
    return {
        "integrations": [
            {"integrationId": "intg_Shop1", "name": "Shop", "authentication": "auth_Shop1"},
            {"integrationId": "intg_Crm1", "name": "Crm", "authentication": "auth_Crm1"},
        ],
        "auth": [
            {
                "authId": "auth_Shop1",
                "integrationId": "intg_Shop1",
                "authType": "API_KEY",
                "headers": [
                    {"key": "X-Request-Source", "value": source},
                    {"key": "Authorization", "value": token},
                    {"key": "X-Extra", "value": "1"},
                ],
            },
            {"authId": "auth_Crm1", "integrationId": "intg_Crm1", "authType": "API_KEY"},
        ],
    }


def _patch(emu: Emulator, key: str, headers: list[dict[str, str]]) -> None:
    response = httpx.patch(
        f"{emu.url}/v1/integrations/intg_Shop1/auth/auth_Shop1",
        headers={"X-API-Key": key},
        json={"headers": headers},
    )
    assert response.status_code == 200, response.text


def test_a_baseline_accepts_todays_value_not_every_future_one(
    run: Run, emulator: Make, api_key: str, tmp_path: Path
) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "spec.yaml").write_text(SPEC, encoding="utf-8")
    emu = emulator(_data())
    code, _, err = run(["baseline", "specs", "--base-url", emu.url, "-q", "--until", "2099-01-01"])
    assert code == 0, err
    baseline = (tmp_path / "specs" / "drift-baseline.yaml").read_text(encoding="utf-8")
    assert 'accept: "evil"' in baseline
    assert "accept: {sha256: " in baseline  # the secret live value, pinned by its digest
    assert "live-SECRET" not in baseline
    code, out, _ = run(["check", "specs", "--base-url", emu.url, "-q"])
    assert code == 0, out

    # someone changes the header after the baseline: that is drift again
    _patch(
        emu,
        api_key,
        [
            {"key": "X-Request-Source", "value": "attacker"},
            {"key": "Authorization", "value": "Bearer live-SECRET-value-9999"},
            {"key": "X-Extra", "value": "1"},
        ],
    )
    code, out, _ = run(["check", "specs", "--base-url", emu.url, "-q"])
    assert code == 1
    assert '~ /headers/X-Request-Source: "sigmamind" -> "attacker"' in out
    assert "accepts another value: baseline" in out

    # a secret value is pinned by its digest: a new token is drift again, never shown
    _patch(
        emu,
        api_key,
        [
            {"key": "X-Request-Source", "value": "evil"},
            {"key": "Authorization", "value": "Bearer live-SECRET-value-0000"},
        ],
    )
    code, out, _ = run(["check", "specs", "--base-url", emu.url, "-q"])
    assert code == 1
    assert "~ /headers/Authorization: " in out and "accepts another value" in out
    assert "live-SECRET" not in out


def test_stale_rules_are_listed_in_every_format(
    run: Run, emulator: Make, api_key: str, tmp_path: Path
) -> None:
    (tmp_path / "spec.yaml").write_text(
        SPEC + "ignore:\n  - {integration: 'legacy_*', path: /authType, reason: gone}\n",
        encoding="utf-8",
    )
    emu = emulator(_data(source="sigmamind"))
    code, out, _ = run(
        [
            *("check", "spec.yaml", "--base-url", emu.url, "-q", "--report", "json=r.json"),
            *("--report", "markdown=r.md", "--report", "github=r.gh"),
        ]
    )
    assert code == 1  # shop's X-Extra
    assert "stale ignore rules (2), they matched nothing:" in out
    assert "  ? spec.yaml:15: /headers/X-Never (nothing will match this)" in out
    assert "  ? spec.yaml:17: legacy_* /authType (gone)" in out
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [(r["integration"], r["path"]) for r in doc["staleRules"]] == [
        ("*", "/headers/X-Never"),
        ("legacy_*", "/authType"),
    ]
    assert "2 stale ignore rules" in (tmp_path / "r.md").read_text(encoding="utf-8")
    github = (tmp_path / "r.gh").read_text(encoding="utf-8")
    assert "::warning file=spec.yaml,line=15,col=9,title=drift%3A stale ignore rule::" in github

    # not stale when the integration it covers was not checked
    code, out, _ = run(["check", "spec.yaml", "--base-url", emu.url, "-q", "--only", "shop"])
    assert "X-Never" not in out


def test_a_plain_integration_name_that_nobody_declares_is_a_spec_error(
    run: Run, tmp_path: Path
) -> None:
    (tmp_path / "spec.yaml").write_text(
        SPEC + "ignore:\n  - {integration: shoop, path: /authType, reason: typo}\n",
        encoding="utf-8",
    )
    code, out, err = run(["validate", "spec.yaml"])
    assert code == 2
    assert "spec.yaml:17:5: ignore.integration: no integration named 'shoop' is declared; " in (
        out + err
    )
    assert "did you mean 'shop'?" in out + err


def test_a_spec_without_integrations_is_not_a_pass(run: Run, api_key: str, tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("version: 1\nintegrations: {}\n", encoding="utf-8")
    code, out, err = run(["check", "empty.yaml", "--base-url", "http://127.0.0.1:9"])
    assert (code, out) == (2, "")
    assert err == (
        "drift: error: the spec (empty.yaml) declares no integrations; nothing to check\n"
    )


def test_every_record_missing_suggests_the_base_url(
    run: Run, emulator: Make, api_key: str, tmp_path: Path
) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    emu = emulator({"integrations": [], "auth": []})
    code, out, _ = run(["check", "spec.yaml", "--base-url", emu.url, "-q", "--format", "json"])
    assert code == 1
    assert json.loads(out)["hints"] == [
        f"every record was not found at {emu.url}: is the base URL right "
        "(--base-url, SIGMAMIND_BASE_URL)?"
    ]
