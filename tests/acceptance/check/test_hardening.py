"""Hostile and careless input found by review: each gets one line and the documented
exit code, and nothing secret or half-written is left behind."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from drift.emulator import DEMO_DATA_PATH, Emulator
from drift.live.fetch import fetch_many
from drift.live.settings import FetchSettings
from drift.model.live import Fetched, Target
from drift.secret import Secret

Run = Callable[[list[str]], tuple[int, str, str]]
Make = Callable[..., Emulator]
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: Make, api_key: str) -> str:
    """The example specs in a scratch folder, and the demo emulator's URL."""
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    return emulator(DEMO_DATA_PATH).url


def test_report_through_a_symlink_keeps_the_link(run: Run, demo: str, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link.json").symlink_to(tmp_path / "real" / "report.json")
    code, _, err = run(["check", "specs", "--base-url", demo, "-q", "--report", "json=link.json"])
    assert code == 1, err
    assert (tmp_path / "link.json").is_symlink()
    assert (tmp_path / "real" / "report.json").read_text(encoding="utf-8").startswith("{")


def test_report_gets_umask_permissions(run: Run, demo: str, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        run(["check", "specs", "--base-url", demo, "-q", "--report", "json=r.json"])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o644


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_report_to_a_folder_or_pipe_is_refused_before_any_request(
    run: Run, demo: str, tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "out"
    if kind == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    code, _, err = run(["check", "specs", "--base-url", demo, "--report", "json=out"])
    assert code == 2
    assert "cannot write report out" in err
    assert "Traceback" not in err


def test_api_key_with_a_line_break_is_refused_and_not_shown(
    run: Run, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGMAMIND_API_KEY", "sk-LEAKME-abcdef\n")
    code, out, err = run(["check", "specs", "--base-url", demo])
    assert code == 3
    assert "SIGMAMIND_API_KEY contains characters an HTTP header cannot carry" in err
    assert "LEAKME" not in out + err


def test_internal_errors_never_show_a_secret(
    run: Run, demo: str, monkeypatch: pytest.MonkeyPatch, api_key: str
) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"unexpected: key was {api_key}")

    monkeypatch.setattr("drift.commands.check.fetch_many", boom)
    for args in (["check"], ["--debug", "check"]):
        code, out, err = run([*args, "specs", "--base-url", demo])
        assert code == 3
        assert api_key not in out + err
        assert "<redacted>" in err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://bob:sk-SECRET-1@127.0.0.1:9", "must not contain a user name or password"),
        ("http://[::1", "invalid base URL"),
        (" http://127.0.0.1:9", "spaces or control characters"),
        ("http://127.0.0.1:99999", "invalid base URL"),
        ("http://127.0.0.1:9/?x=1", "no query or fragment"),
    ],
)
def test_bad_base_urls_are_usage_errors(run: Run, demo: str, url: str, message: str) -> None:
    code, out, err = run(["check", "specs", "--base-url", url])
    assert code == 2
    assert message in err
    assert "sk-SECRET-1" not in out + err


@pytest.mark.parametrize(
    "flag",
    [
        ["--timeout", "nan"],
        ["--timeout", "inf"],
        ["--deadline", "inf"],
        ["--max-rps", "nan"],
        ["--timeout", "1e10"],
    ],
)
def test_non_finite_numbers_are_usage_errors(run: Run, demo: str, flag: list[str]) -> None:
    code, _, err = run(["check", "specs", "--base-url", demo, *flag])
    assert code == 2, err
    assert "Traceback" not in err


def test_json_nested_too_deeply_fails_only_that_record() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if "deep" in request.url.path:
            return httpx.Response(200, text="[" * 100_000 + "]" * 100_000)
        return httpx.Response(200, json={"authType": "NO_AUTH"})

    settings = FetchSettings(base_url="https://api.test", api_key=Secret("k-123"))
    results, _ = fetch_many(
        [Target("deep", "a"), Target("fine", "b")], settings, transport=httpx.MockTransport(answer)
    )
    assert results[0].kind == "error"
    assert "nested too deeply" in results[0].message
    assert results[1].kind == "ok"


def test_baseline_keeps_rules_of_integrations_it_did_not_check(run: Run, demo: str) -> None:
    baseline = Path("specs/drift-baseline.yaml")
    assert run(["baseline", "specs", "--base-url", demo, "-q", "--until", "2099-01-01"])[0] == 0
    full = baseline.read_text(encoding="utf-8")
    assert full.count("integration:") == 3
    # a narrower selection keeps the rules of everything it did not look at
    code, _, err = run(["baseline", "specs", "--base-url", demo, "-q", "--only", "crm_sync"])
    assert code == 0, err
    assert "kept 3 earlier rule(s)" in err
    assert baseline.read_text(encoding="utf-8").count('"payments_gateway"') == 3
    # an unreachable API checks nothing, so nothing accepted is thrown away
    code, _, err = run(
        ["baseline", "specs", "--base-url", "http://127.0.0.1:1", "--retries", "0", "-q"]
    )
    assert code == 3
    assert baseline.read_text(encoding="utf-8").count('"payments_gateway"') == 3
    assert run(["check", "specs", "--base-url", demo, "-q"])[0] == 0


def test_validate_never_echoes_a_value_pasted_into_sha256(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text(
        "version: 1\nintegrations:\n  a:\n    integrationId: intg_A\n    authType: API_KEY\n"
        "    headers:\n      Authorization: {sha256: Bearer-PASTED-SECRET}\n",
        encoding="utf-8",
    )
    for fmt in ("text", "json", "github"):
        code, out, err = run(["validate", "s.yaml", "--format", fmt])
        assert code == 2
        assert "PASTED" not in out + err
        assert "not a SHA-256 digest" in out


def test_import_the_same_id_twice_is_one_integration(run: Run, demo: str) -> None:
    code, out, err = run(["import", "intg_AuUKK371Spr5", "intg_AuUKK371Spr5", "--base-url", demo])
    assert code == 0, err
    assert out.count("integrationId:") == 1


def test_reprs_never_show_secret_values() -> None:
    from drift.live.normalize import normalize_auth
    from drift.spec.load import build_spec
    from drift.spec.yamlload import parse

    live = {
        "authId": "auth_A",
        "integrationId": "intg_A",
        "authType": "API_KEY",
        "headers": [{"key": "Authorization", "value": "LIVE-s3cret"}],
    }
    text = (
        "version: 1\nintegrations:\n  a:\n    integrationId: intg_A\n    authType: API_KEY\n"
        "    headers:\n      Authorization: SPEC-s3cret\n"
    )
    spec, problems = build_spec([("s.yaml", lambda: parse(text, "s.yaml"))])
    assert not problems
    shown = " ".join(
        repr(x)
        for x in (
            normalize_auth(live),
            Fetched("ok", body=live),
            parse(text, "s.yaml"),
            spec,
            spec.integrations[0],
        )
    )
    assert "LIVE-s3cret" not in shown
    assert "SPEC-s3cret" not in shown


def test_a_live_ignore_rule_wins_over_an_expired_one() -> None:
    import datetime

    from drift.errors import Location
    from drift.judge.ignore import apply
    from drift.model.results import Change
    from drift.spec.load import IgnoreRule

    here = Location("s.yaml", 1, 1)
    expired = IgnoreRule("/authType", "old", datetime.date(2024, 1, 1), here, "shop")
    live = IgnoreRule("/authType", "baseline", datetime.date(2099, 1, 1), here, "shop")
    change = Change("changed", "/authType", "A", "B")
    today = datetime.date(2025, 6, 1)
    (result,) = apply([change], [expired, live], today)
    assert result.disposition == "ignored"
    assert result.note == "ignored: baseline (until 2099-01-01)"
    (result,) = apply([change], [expired], today)
    assert result.disposition == "drift"
    assert result.note == "ignore expired on 2024-01-01: old"


def test_an_answer_for_another_auth_record_is_an_id_mismatch() -> None:
    from drift.errors import Location
    from drift.judge.verdict import judge
    from drift.model.results import Status
    from drift.spec.load import DesiredIntegration

    here = Location("s.yaml", 1, 1)
    item = DesiredIntegration("a", "intg_A", "auth_A", "API_KEY", None, here, here)
    body = {"authId": "auth-B", "integrationId": "intg-A", "authType": "api_key"}
    result = judge(item, Fetched("ok", body=body))
    assert result.status is Status.ERROR
    assert result.error is not None
    assert (
        result.error.message == "id mismatch: the API answered with auth record auth_B, not auth_A"
    )
    body["authId"] = "auth-A"  # the other spelling of the same id is the same record
    assert judge(item, Fetched("ok", body=body)).status is Status.IN_SYNC


def test_a_selection_that_matches_nothing_is_a_usage_error(run: Run, demo: str) -> None:
    code, _, err = run(["check", "specs", "--base-url", demo, "--only", "shopfy_*"])
    assert code == 2
    assert "select none of the 6 declared integrations" in err
    # an empty shard is not an error: a CI matrix may have more shards than integrations
    totals = []
    for k in (1, 2):
        code, out, _ = run(
            ["check", "specs", "--base-url", demo, "-q", "--only", "crm*", "--shard", f"{k}/2"]
        )
        assert code == 0
        totals.append(out.splitlines()[-1])
    assert sorted(totals) == [
        "0 drifted, 0 not found, 0 errors, 0 in sync (0 total)",
        "0 drifted, 0 not found, 0 errors, 1 in sync (1 total)",
    ]


def test_live_text_cannot_forge_report_lines_or_terminal_escapes() -> None:
    """A live header name, a live id and an error body with line breaks and escape codes
    come out escaped in every format; the JUnit file stays valid XML."""
    import json
    import xml.etree.ElementTree as ET

    from drift.errors import Location
    from drift.judge.verdict import judge
    from drift.model.results import Report, RunStats
    from drift.reporters import RenderOptions, get_reporter
    from drift.spec.load import DesiredIntegration

    here = Location("s.yaml", 1, 1)
    forged = "X-Name\x1b[31m\nFAKE: line\u202e"
    drifted = judge(
        DesiredIntegration("a", "intg_A", None, "API_KEY", {}, here, here),
        Fetched(
            "ok",
            body={
                "integrationId": "intg_A",
                "authentication": {
                    "authId": "auth_A",
                    "integrationId": "intg_A",
                    "authType": "API_KEY",
                    "headers": {forged: "v"},
                },
            },
        ),
    )
    mismatch = judge(
        DesiredIntegration("b", "intg_B", "auth_B", "API_KEY", None, here, here),
        Fetched(
            "ok",
            body={"authId": "auth_B\n\x1b[2Jx", "integrationId": "intg_B", "authType": "API_KEY"},
        ),
    )
    failed = judge(
        DesiredIntegration("c", "intg_C", None, "API_KEY", None, here, here),
        Fetched("error", message="HTTP 500 after 1 attempt: oops\r\x1b[0mOK"),
    )
    report = Report("https://api.test", [drifted, mismatch, failed], RunStats())
    for fmt in ("text", "markdown", "github", "junit", "json"):
        out = get_reporter(fmt)(report, RenderOptions())
        assert "\x1b" not in out and "\r" not in out and "\u202e" not in out, fmt
        assert not any(line.lstrip("#:* ").startswith("FAKE") for line in out.splitlines()), fmt
    text = get_reporter("text")(report, RenderOptions())
    assert '+ /headers/X-Name\\x1b[31m\\nFAKE: line\\u202e: "v" (live only)' in text
    ET.fromstring(get_reporter("junit")(report, RenderOptions()))
    json.loads(get_reporter("json")(report, RenderOptions()))
