"""drift.commands.importer: ids, names, quoting, pinned secrets, failures and merging."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from drift.commands import importer
from drift.commands.importer import (
    HEADER,
    Imported,
    ImportFailed,
    build,
    compose,
    merge_base,
    modeline,
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
    assert '  shop:\n    integrationId: "intg_A"\n' in text
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
    assert '\n    shop:\n        integrationId: "intg_A"\n' in merged


def test_merge_refuses_what_new_entries_cannot_follow(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("integrations: {a: {integrationId: intg_A, authType: NO_AUTH}}\nversion: 1\n")
    with pytest.raises(UsageError, match="'integrations:' must be the last top-level key"):
        merge_base(str(spec))
    spec.write_text("version: 1\nintegrations:\n  a: {integrationId: 1}\n")
    with pytest.raises(SpecError):
        merge_base(str(spec))


def test_ids_with_comments_and_blank_lines_anywhere() -> None:
    lines = ["", "# ids to import", "intg_A # note # another", "   ", "intg_B:auth-1#x", "intg_A"]
    assert parse_ids(lines, "ids.txt") == [Target("intg_A", None), Target("intg_B", "auth-1")]


def _fetched(body: Any) -> Fetched:
    return Fetched("ok", body=body, http_status=200)


def _auth(iid: str, **fields: Any) -> dict[str, Any]:
    return {"authId": "auth_1", "integrationId": iid, "authType": "api_key", **fields}


def test_a_new_spec_file_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    odd = 'a\x07\u2028\U000e0001\uffff "q" \\ \u00e9\U0001f600'
    headers = [
        {"key": "X-Team", "value": "web"},
        {"key": "Authorization", "value": "Bearer tok"},
        {"key": "X-Odd", "value": odd},
    ]
    integrations = [
        _fetched(
            {  # the integration's own timestamp wins over the auth record's
                "name": "Shop\t\t One\x1b[2J",
                "updatedAt": "2026-01-02T03:04:05.000Z",
                "authentication": _auth(
                    "intg_A", headers=headers, updatedAt="2025-01-01T00:00:00Z"
                ),
            }
        ),
        _fetched(
            {  # no name a spec can use: named after the id; the auth record's timestamp
                "name": "!!!",
                "authentication": _auth("Intg-B", updatedAt="2025-05-05T05:05:05.500Z"),
            }
        ),
        _fetched({"name": "y" * 300, "authentication": _auth("intg_C", authType="NO_AUTH")}),
    ]
    targets = [Target("intg_A", None), Target("Intg-B", None), Target("intg_C", None)]
    items = build(targets, integrations, [None] * 3, set())
    digest = hashlib.sha256(b"Bearer tok").hexdigest()
    assert compose(items, None, "specs/live.yaml") == (
        "# yaml-language-server: $schema=../.drift/spec.schema.json\n"
        "# Written by `drift import`. Secret header values are pinned by SHA-256, never stored.\n"
        "version: 1\n"
        "integrations:\n"
        "  # Shop One [2J, updated 2026-01-02T03:04:05Z\n"
        "  shop_one_2j:\n"
        '    integrationId: "intg_A"\n'
        '    authType: "API_KEY"\n'
        "    headers:\n"
        '      "X-Team": "web"\n'
        f'      "Authorization": {{sha256: {digest}}}\n'
        '      "X-Odd": "a\\x07\\u2028\\U000e0001\\uffff \\"q\\" \\\\ \u00e9\U0001f600"\n'
        "\n"
        "  # !!!, updated 2025-05-05T05:05:05.500Z\n"
        "  intg_b:\n"
        '    integrationId: "Intg-B"\n'
        '    authType: "API_KEY"\n'
        "    headers: {}\n"
        "\n"
        f"  # {'y' * 200}, updated unknown\n"
        f"  {'y' * 100}:\n"
        '    integrationId: "intg_C"\n'
        '    authType: "NO_AUTH"\n'
        "    headers: {}\n"
    )
    spec, problems = build_spec([("s.yaml", lambda: parse(compose(items, None, "s"), "s.yaml"))])
    assert problems == []
    [got] = [i for i in spec.integrations if i.name == "shop_one_2j"]
    assert [h.matcher.argument for h in got.headers or ()] == ["web", digest, odd]


def test_names_already_taken_get_the_next_free_number() -> None:
    integrations = [_integration("intg_A", "Shop"), _integration("intg_B", "shop")]
    targets = [Target("intg_A", None), Target("intg_B", None)]
    taken = {"shop", "shop_2", "other"}
    items = build(targets, integrations, [None, None], taken)
    assert [i.name for i in items] == ["shop_3", "shop_4"]
    assert taken == {"shop", "shop_2", "shop_3", "shop_4", "other"}


def test_a_named_auth_record_needs_no_readable_integration() -> None:
    # the integration is fetched only for its name: a body that is not an object is no name
    record = _fetched(_auth("intg_A", authId="auth_9"))
    [item] = build([Target("Intg-A", "auth_9")], [_fetched(["x"])], [record], set())
    assert (item.name, item.comment) == ("intg_a", "Intg-A, updated unknown")
    assert item.auth_id == "auth_9"


def test_one_failure_is_named_alone() -> None:
    with pytest.raises(ImportFailed) as failed:
        build([Target("intg_0", None)], [Fetched("not_found", http_status=404)], [None], set())
    assert str(failed.value) == "nothing written; 1 of 1 failed: intg_0: not found (HTTP 404)"
    assert failed.value.exit_code == 3


def test_three_failures_are_all_shown_and_each_reason_exactly() -> None:
    targets = [Target(f"intg_{n}", None) for n in range(4)]
    fetched = [
        _integration("intg_0", authType="oauth2"),  # a type the spec language does not have
        _fetched({"authentication": _auth("intg_1", headers=7)}),
        _integration("intg_2"),
        _fetched({"name": "none", "authentication": {}}),
    ]
    with pytest.raises(ImportFailed) as failed:
        build(targets, fetched, [None] * 4, set())
    assert str(failed.value) == (
        "nothing written; 3 of 4 failed: "
        "intg_0: the live record does not fit the spec language: authType: 'OAUTH2' is not "
        "one of NO_AUTH, BASIC_AUTH, BEARER_TOKEN, API_KEY (did you mean 'NO_AUTH'?); "
        "intg_1: unexpected response shape: 'headers' is a number, not a list or a map; "
        "intg_3: the integration has no auth record"
    )


def test_a_shape_error_does_not_stop_the_others_being_checked() -> None:
    targets = [Target("intg_0", None), Target("intg_1", None), Target("intg_2", None)]
    fetched = [
        _fetched({"authentication": _auth("intg_0", headers=[{"key": "X-A"}])}),
        _integration("intg_1"),
        Fetched("error", message="HTTP 500 after 4 attempts", http_status=500),
    ]
    with pytest.raises(ImportFailed) as failed:
        build(targets, fetched, [None] * 3, set())
    assert str(failed.value) == (
        "nothing written; 2 of 3 failed: intg_0: unexpected response shape: "
        "'headers[0]' has no 'value'; intg_2: HTTP 500 after 4 attempts"
    )


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (
            (("X Bad", "v"),),
            "headers.X Bad: 'X Bad' is not a valid header name",
        ),
        (
            (("X-A", "v"), ("X:B", "v")),
            "headers.X:B: 'X:B' is not a valid header name",
        ),
    ],
)
def test_an_unfit_header_is_named(headers: tuple[tuple[str, str], ...], reason: str) -> None:
    item = Imported("n", "c", "intg_A", None, "API_KEY", headers)
    assert unfit_reason(item) == f"the live record does not fit the spec language: {reason}"


def test_an_unfit_auth_type_is_named() -> None:
    item = Imported("n", "c", "intg_A", None, "OAUTH2", ())
    assert unfit_reason(item) == (
        "the live record does not fit the spec language: authType: 'OAUTH2' is not one of "
        "NO_AUTH, BASIC_AUTH, BEARER_TOKEN, API_KEY (did you mean 'NO_AUTH'?)"
    )


def test_a_secret_with_a_lone_surrogate_is_pinned_like_any_other() -> None:
    # JSON can carry one; the pin is of the bytes drift check hashes the live value to
    item = Imported("n", "c", "intg_A", None, "API_KEY", (("Authorization", "t\ud800k"),))
    assert unfit_reason(item) is None
    text = render_entries([item])
    digest = hashlib.sha256(b"t\xed\xa0\x80k").hexdigest()
    assert f'"Authorization": {{sha256: {digest}}}' in text
    spec, problems = build_spec([("s.yaml", lambda: parse(HEADER + text, "s.yaml"))])
    assert problems == []
    [header] = spec.integrations[0].headers or ()
    assert header.matcher.matches("t\ud800k")


@pytest.mark.parametrize(
    "entry",
    [
        '    integrationId: "intg_B"\n    authType: "API_KEY"\n',
        '    integrationId: "intg_A"\n    authId: "auth_1"\n    authType: "API_KEY"\n',
        '    integrationId: "intg_A"\n    authType: "NO_AUTH"\n',
        '    integrationId: "intg_A"\n    authType: "API_KEY"\n    headers:\n      X-A: "w"\n',
        '    integrationId: "intg_A"\n    authType: "API_KEY"\n'
        "    ignore: [{path: /authType, reason: r}]\n",
        '    integrationId: "intg_A"\n    authType: "API_KEY"\n'
        "ignore: [{integration: n, path: /authType, reason: r}]\n",
        '    integrationId: "intg_A"\n    authType: "API_KEY"\n    tags: [x]\n',
        '    integrationId: "intg_A"\n    authType: "API_KEY"\n    extraHeaders: ignore\n',
    ],
    ids=["id", "auth-id", "type", "header", "rule", "top-rule", "tag", "extra-headers"],
)
def test_an_entry_that_reads_back_otherwise_is_refused(
    entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a defence against a quoting bug: simulated by a renderer that writes the wrong entry
    item = Imported("n", "c", "intg_A", None, "API_KEY", (("X-A", "v"),))
    if "headers" not in entry:
        entry = entry.replace('"API_KEY"\n', '"API_KEY"\n    headers: {X-A: "v"}\n', 1)
        entry = entry.replace('"NO_AUTH"\n', '"NO_AUTH"\n    headers: {X-A: "v"}\n', 1)
    monkeypatch.setattr(importer, "render_entries", lambda items, indent=2: "  n:\n" + entry)
    assert unfit_reason(item) == "the live record does not read back as written"


def test_compose_never_returns_a_spec_it_cannot_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        importer, "render_entries", lambda items, indent=2: "  n:\n    integrationId: 1\n"
    )
    item = Imported("n", "c", "intg_A", None, "API_KEY", ())
    with pytest.raises(RuntimeError) as caught:
        compose([item], None, "<stdout>")
    assert str(caught.value) == (
        "import produced an invalid spec: <stdout>:5:3: integrations.n: "
        "missing required key 'authType' (set it here or in defaults)"
    )


def test_the_schema_line_points_at_the_local_schema_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    schema = "$schema=.drift/spec.schema.json\n"
    assert modeline("<stdout>") == f"# yaml-language-server: {schema}"
    assert modeline("spec.yaml") == f"# yaml-language-server: {schema}"
    assert modeline(str(tmp_path / "a" / "b" / "spec.yaml")) == (
        "# yaml-language-server: $schema=../../.drift/spec.schema.json\n"
    )


def test_the_schema_line_without_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # on Windows a spec on another drive has no path relative to the schema: a file URI
    monkeypatch.chdir(tmp_path)

    def no_relative_path(path: object, start: object = None) -> str:
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr(importer.os.path, "relpath", no_relative_path)
    uri = (tmp_path / ".drift" / "spec.schema.json").as_uri()
    assert modeline("spec.yaml") == f"# yaml-language-server: $schema={uri}\n"


def test_merge_exactly_after_a_file_with_no_final_newline(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    existing = (
        "version: 1\nintegrations:  # one space a level\n old:\n  integrationId: intg_O\n"
        "  authId: auth_1\n  authType: NO_AUTH"
    )
    spec.write_text(existing, encoding="utf-8")
    base = merge_base(str(spec))
    assert (base.text, base.names, base.indent) == (existing, {"old"}, 1)
    assert base.keys == {("intg_O", "auth_1")}
    assert base.declares(Target("intg-O", "auth-1"))
    assert not base.declares(Target("intg_O", None))
    assert not base.declares(Target("intg_O", "auth_2"))
    item = Imported("shop", "Shop, updated x", "intg_A", "auth_2", "API_KEY", (("X-A", "v"),))
    assert compose([item], base, str(spec)) == existing + (
        "\n"
        "\n"
        " # Shop, updated x\n"
        " shop:\n"
        '  integrationId: "intg_A"\n'
        '  authId: "auth_2"\n'
        '  authType: "API_KEY"\n'
        "  headers:\n"
        '   "X-A": "v"\n'
    )


def test_merge_exactly_after_a_file_with_a_final_newline(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    existing = "version: 1\nintegrations:\n    old:\n        integrationId: intg_O\n"
    existing += "        authType: NO_AUTH\n"
    spec.write_text(existing, encoding="utf-8")
    item = Imported("shop", "Shop, updated x", "intg_A", None, "NO_AUTH", ())
    assert compose([item], merge_base(str(spec)), str(spec)) == existing + (
        "\n"
        "    # Shop, updated x\n"
        "    shop:\n"
        '        integrationId: "intg_A"\n'
        '        authType: "NO_AUTH"\n'
        "        headers: {}\n"
    )


MERGE_REFUSED = (
    "'integrations:' must be the last top-level key, in block style, with at least one entry"
)


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nintegrations:\n  a: {integrationId: intg_A, authType: NO_AUTH}\nignore: []\n",
        "version: 1\nintegrations: {a: {integrationId: intg_A, authType: NO_AUTH}}\n",
        "version: 1\nintegrations:\n  {}\n",
        "version: 1\nignore: []\n",
    ],
    ids=["not-last", "flow-style", "no-entry", "no-integrations"],
)
def test_merge_refuses_each_layout_it_cannot_follow(tmp_path: Path, text: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        merge_base(str(spec))
    assert str(caught.value) == f"cannot merge into {spec}: {MERGE_REFUSED}"


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        (
            b"version: 1\nintegrations: [\n",
            ["{}:3:1: YAML syntax error: did not find expected node content"],
        ),
        (b"version: 1\n\xff\xfe", ["{}:2:1: not valid UTF-8 (byte 0xff)"]),
        (None, ["{}: no such file or folder"]),
        (
            b"version: 1\nintegrations:\n  a:\n    integrationId: 1\n",
            [
                "{}:3:3: integrations.a: missing required key 'authType' (set it here or in "
                "defaults)",
                "{}:4:20: integrations.a.integrationId: expected a string, got a number",
            ],
        ),
    ],
    ids=["yaml", "utf-8", "missing", "schema"],
)
def test_merge_reports_an_invalid_spec_at_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | None, problems: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / "spec.yaml").write_bytes(content)
    with pytest.raises(SpecError) as caught:
        merge_base("spec.yaml")
    assert [str(p) for p in caught.value.problems] == [p.format("spec.yaml") for p in problems]
