"""drift.commands.importer: ids, names, quoting, pinned secrets, failures and merging."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from drift.commands.importer import (
    HEADER,
    Imported,
    ImportFailed,
    build,
    compose,
    merge_base,
    parse_ids,
    render_entries,
    snake_name,
    unfit_reason,
)
from drift.errors import SpecError, UsageError
from drift.model.live import Fetched, Target
from drift.spec.load import build_spec
from drift.spec.yamlload import parse


def _integration(iid: str, name: str = "My Shop", **auth: Any) -> Fetched:
    record = {"authId": "auth_1", "integrationId": iid, "authType": "api_key", **auth}
    body = {"integrationId": iid, "name": name, "authentication": record}
    return Fetched("ok", body=body, http_status=200)


def test_parse_ids() -> None:
    assert parse_ids(["intg_A:auth_B", "intg_C", "intg_A:auth_B", " # note", ""]) == [
        Target("intg_A", "auth_B"),
        Target("intg_C", None),
    ]
    assert parse_ids(["intg-D  # comment"]) == [Target("intg-D", None)]
    with pytest.raises(UsageError, match=r"^ids.txt:2: 'bad id' is not INTEGRATION_ID"):
        parse_ids(["intg_A", "bad id"], "ids.txt")
    with pytest.raises(UsageError, match=r"^'intg_A:' is not|^'intg_A:x y'"):
        parse_ids(["intg_A:x y"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My Shopify Store", "my_shopify_store"),
        ("  CRM -- Sync!! ", "crm_sync"),
        ("Ünïcode Näme", "n_code_n_me"),
        ("___", "fallback"),
        ("9 lives", "9_lives"),
        ("x" * 150, "x" * 100),
    ],
)
def test_snake_names(text: str, expected: str) -> None:
    assert snake_name(text, "fallback") == expected


def test_build_names_headers_and_pins_secrets() -> None:
    headers = [
        {"key": "X-Team", "value": "web"},
        {"key": "Authorization", "value": "Bearer live-token"},
        {"key": "x-team", "value": "dup"},  # the same header again: the first is kept
    ]
    taken = {"my_shop"}
    [item] = build(
        [Target("intg_A", None)], [_integration("intg_A", headers=headers)], [None], taken
    )
    assert (item.name, item.auth_type) == ("my_shop_2", "API_KEY")
    assert item.headers == (("X-Team", "web"), ("Authorization", "Bearer live-token"))
    assert "my_shop_2" in taken
    text = render_entries([item])
    digest = hashlib.sha256(b"Bearer live-token").hexdigest()
    assert f'"Authorization": {{sha256: {digest}}}' in text
    assert "live-token" not in text
    assert '"X-Team": "web"' in text


def test_values_are_quoted_so_they_read_back_exactly() -> None:
    hostile = 'x"\n  ignore: [{path: /authType, reason: r}]\u2028\x85\U0001f600'
    item = Imported("n", "c", "intg_A", None, "API_KEY", (("X-Note", hostile),))
    assert unfit_reason(item) is None
    spec, problems = build_spec(
        [("s.yaml", lambda: parse(HEADER + render_entries([item]), "s.yaml"))]
    )
    assert problems == []
    [got] = spec.integrations
    assert [(h.name, h.matcher.argument) for h in got.headers or ()] == [("X-Note", hostile)]
    assert got.ignores == ()


def test_records_that_do_not_fit_the_spec_language_fail_the_import() -> None:
    # JSON can carry a lone surrogate; YAML cannot: refused, named, never half-written
    surrogate = Imported("n", "c", "intg_A", None, "API_KEY", (("X-Note", "a\ud800"),))
    assert unfit_reason(surrogate) == (
        "the live record does not fit the spec language: "
        "YAML syntax error: found invalid Unicode character escape code"
    )
    odd_type = Imported("n", "c", "intg_A", None, "OAUTH2", ())
    assert "authType" in (unfit_reason(odd_type) or "")
    bad_name = Imported("n", "c", "intg_A", None, "API_KEY", (("X Bad", "v"),))
    assert unfit_reason(bad_name) is not None


def test_every_failure_is_named_and_nothing_is_built() -> None:
    targets = [Target(f"intg_{n}", None) for n in range(5)]
    fetched = [
        Fetched("not_found", http_status=404),
        Fetched("error", message="HTTP 500 after 4 attempts", http_status=500),
        Fetched("ok", body={"integrationId": "intg_2", "authentication": None}),
        Fetched("ok", body={"integrationId": "intg_3", "authentication": {"authType": 1}}),
        _integration("intg_4"),
    ]
    with pytest.raises(ImportFailed) as failed:
        build(targets, fetched, [None] * 5, set())
    message = str(failed.value)
    assert message.startswith("nothing written; 4 of 5 failed: intg_0: not found (HTTP 404); ")
    assert "intg_1: HTTP 500 after 4 attempts; " in message
    assert "intg_2: the integration has no auth record" in message
    assert message.endswith("; and 1 more")


def test_a_named_auth_record_is_read_from_its_own_fetch() -> None:
    record = Fetched(
        "ok",
        body={"authId": "auth_9", "integrationId": "intg_A", "authType": "NO_AUTH"},
    )
    [item] = build([Target("intg_A", "auth_9")], [_integration("intg_A")], [record], set())
    assert (item.auth_id, item.auth_type) == ("auth_9", "NO_AUTH")
    failing = Fetched("not_found", http_status=404)
    with pytest.raises(ImportFailed, match="intg_A:auth_9: not found"):
        build([Target("intg_A", "auth_9")], [_integration("intg_A")], [failing], set())


def test_compose_a_new_file_and_a_merge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    item = Imported("shop", "Shop, updated x", "intg_A", None, "API_KEY", ())
    text = compose([item], None, "specs/live.yaml")
    assert text.startswith("# yaml-language-server: $schema=../.drift/spec.schema.json\n")
    assert "  shop:\n    integrationId: \"intg_A\"\n" in text
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "version: 1\nintegrations:\n    old:\n        integrationId: intg_O\n"
        "        authType: NO_AUTH\n",
        encoding="utf-8",
    )
    base = merge_base(str(spec))
    assert (base.names, base.indent) == ({"old"}, 4)
    assert base.declares(Target("intg-O", None)) and not base.declares(Target("intg_A", None))
    merged = compose([item], base, str(spec))
    assert merged.startswith(spec.read_text(encoding="utf-8"))
    assert "\n    shop:\n        integrationId: \"intg_A\"\n" in merged


def test_merge_refuses_what_new_entries_cannot_follow(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("integrations: {a: {integrationId: intg_A, authType: NO_AUTH}}\nversion: 1\n")
    with pytest.raises(UsageError, match="'integrations:' must be the last top-level key"):
        merge_base(str(spec))
    spec.write_text("version: 1\nintegrations:\n  a: {integrationId: 1}\n")
    with pytest.raises(SpecError):
        merge_base(str(spec))
