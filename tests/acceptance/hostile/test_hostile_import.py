"""`drift import` is no injection point: every live value is validated against the spec
language and written quoted, the written spec reads back with exactly the intended
content, and a record that does not fit is one clear failure (nothing written, exit 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_server import Reply, Request, as_json
from hostile_support import KEY, RunCli, Start, record

from drift.spec.load import load_valid_spec

# a header value and a live name that try to add rules to the spec they are written into
INJECTION = '"\n    extraHeaders: ignore\n    ignore:\n      - {path: /authType, reason: x}\n#'
NAME = "evil\n  extraHeaders: ignore\u2028ignore: []\x85#"


def _serve(hostile: Start, records: dict[str, dict[str, object]]) -> str:
    def route(request: Request) -> Reply:
        return as_json(records[request.path.rsplit("/", 1)[1]])

    return hostile(route).url


def _import(run: RunCli, url: str, out: Path, *ids: str) -> tuple[int, str, str]:
    return run(["import", *ids, "--base-url", url, "-o", str(out)])


def test_injected_values_read_back_exactly(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path
) -> None:
    live = record("intg_inj", "api_key", {"X-Note": INJECTION, "X-Echo": f"k={KEY}"})
    live["name"] = NAME
    url = _serve(hostile, {"intg_inj": live})
    out = tmp_path / "live.yaml"
    code, _, err = _import(run_cli, url, out, "intg_inj")
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert KEY not in text  # a value holding the key is pinned by its digest
    spec = load_valid_spec([str(out)])
    assert spec.ignores == []
    [item] = spec.integrations
    assert (item.integration_id, item.auth_type, item.extra_headers) == (
        "intg_inj",
        "API_KEY",
        "fail",
    )
    assert item.ignores == () and item.tags == ()
    headers = {h.name: (h.matcher.kind, h.matcher.argument) for h in item.headers or ()}
    assert headers["X-Note"] == ("equals", INJECTION)
    assert headers["X-Echo"][0] == "sha256"
    assert set(headers) == {"X-Note", "X-Echo"}
    # and the round trip: the live record is in sync with what was written
    code, _, err = run_cli(["check", str(out), "--base-url", url, "-q"])
    assert code == 0, err


@pytest.mark.parametrize(
    ("auth_type", "headers", "words"),
    [
        (
            "OAUTH2",
            {},
            "authType: 'OAUTH2' is not one of NO_AUTH, BASIC_AUTH, BEARER_TOKEN, API_KEY",
        ),
        ("api_key\n    extraHeaders: ignore", {}, "authType: 'API_KEY\\n    EXTRAHEADERS: IGNORE'"),
        (
            "API_KEY",
            {"X-Evil: 1\n    extraHeaders": "ignore"},
            "headers.X-Evil: 1\\n    extraHeaders:",
        ),
        ("API_KEY", {"X Bad": "v"}, "headers.X Bad:"),
    ],
    ids=["unknown-authType", "authType-injection", "header-name-injection", "not-a-token"],
)
def test_a_record_the_spec_cannot_hold_fails_the_import(
    run_cli: RunCli,
    api_key: str,
    hostile: Start,
    tmp_path: Path,
    auth_type: str,
    headers: dict[str, str],
    words: str,
) -> None:
    url = _serve(
        hostile,
        {"intg_bad": record("intg_bad", auth_type, headers), "intg_good": record("intg_good")},
    )
    out = tmp_path / "live.yaml"
    code, _stdout, err = _import(run_cli, url, out, "intg_good", "intg_bad")
    assert code == 3
    assert not out.exists()  # nothing written: one failure fails the import
    assert err.startswith(
        "drift: error: nothing written; 1 of 2 failed: intg_bad: the live record does not fit "
        "the spec language: "
    ), err
    assert words in err
    assert len(err.splitlines()) == 1
