"""`drift apply` against the emulator: what it changes, what it leaves alone, and that
every record of the plan is reported whatever happens to its PATCH."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from apply_support import (
    ENV_SECRET,
    KEY,
    LIVE_SECRET,
    PARTNER,
    PAY,
    SHOP,
    RunCli,
    data,
    headers_of,
    patches,
)

from drift.emulator import Emulator

Make = Callable[..., Emulator]
Read = Callable[[Emulator, str], Any]

pytestmark = pytest.mark.usefixtures("env")


def make_plan(run_cli: RunCli, spec: Path, emu: Emulator, *args: str) -> Path:
    """`drift plan -o`, which finds drift (exit 1) in every plan these tests apply."""
    out = spec.parent.parent / "plan.json"
    code, stdout, stderr = run_cli(
        ["plan", str(spec), "--base-url", emu.url, "-o", str(out), "-q", *args]
    )
    assert code == 1, stdout + stderr
    return out


def apply(run_cli: RunCli, plan: Path, emu: Emulator, *args: str) -> tuple[int, str, str, Any]:
    """`drift apply` with a JSON report; returns (code, stdout, stderr, the report by name)."""
    report = plan.parent / "apply.json"
    report.unlink(missing_ok=True)
    code, out, err = run_cli(
        ["apply", str(plan), "--base-url", emu.url, "--report", f"json={report}", *args]
    )
    doc = json.loads(report.read_text(encoding="utf-8")) if report.exists() else None
    by_name = {i["name"]: i for i in doc["integrations"]} if doc else {}
    return code, out, err, by_name


def outcome(entry: Any) -> tuple[str, str | None]:
    return entry["status"], entry.get("action")


def test_update_in_place_keeps_undeclared_and_secret_live_headers(
    run_cli: RunCli, spec: Path, emulator: Make, read: Read
) -> None:
    emu = emulator()
    plan = make_plan(run_cli, spec, emu, "--only", "shop", "--only", "partner")
    emu.reset_counters()
    code, out, err, report = apply(run_cli, plan, emu, "--auto-approve", "--max-changes", "2")
    assert code == 0, out + err
    requests = emu.requests
    # the declared value changed; the undeclared X-Trace (extraHeaders: ignore) and the
    # secret Authorization (a satisfied sha256 matcher) are sent back as they were
    assert headers_of(read(emu, SHOP)) == [
        ("X-Source", "new"),
        ("X-Trace", "t1"),
        ("Authorization", LIVE_SECRET),
    ]
    assert headers_of(read(emu, PARTNER)) == [("X-Api-Key", ENV_SECRET), ("X-Team", "partners")]
    assert {name: outcome(e) for name, e in report.items()} == {
        "partner": ("in_sync", "applied"),
        "shop": ("in_sync", "applied"),
    }
    # one PATCH each, each read again before and read back after
    assert sorted(path for method, path in requests if method == "PATCH") == [PARTNER, SHOP]
    assert requests.count(("GET", SHOP)) == 2
    assert requests.index(("PATCH", SHOP)) < len(requests) - requests[::-1].index(("GET", SHOP))
    assert "shop: applied (in sync)" in out
    assert '~ /headers/X-Source: "new" -> "old"  [applied]' in out
    assert out.endswith(
        "2 applied, 0 stale, 0 cannot apply, 0 failed; 0 drifted, 0 not found, "
        "0 errors, 2 in sync (2 total)\n"
    )


def test_after_apply_check_is_in_sync(
    run_cli: RunCli, spec: Path, emulator: Make, read: Read
) -> None:
    emu = emulator()
    plan = make_plan(run_cli, spec, emu, "--only", "shop", "--only", "partner")
    apply(run_cli, plan, emu, "--auto-approve", "--max-changes", "2")
    code, out, _ = run_cli(["check", str(spec), "--base-url", emu.url, "-q", "--exclude", "pay"])
    assert code == 0, out


def test_auth_type_drift_is_left_alone(
    run_cli: RunCli, spec: Path, emulator: Make, read: Read
) -> None:
    emu = emulator()
    before = read(emu, PAY)
    plan = make_plan(run_cli, spec, emu)
    code, out, _, report = apply(run_cli, plan, emu, "--auto-approve", "--max-changes", "2")
    assert code == 1  # the drift that cannot be applied remains
    assert read(emu, PAY) == before  # its header drift too: the record is not touched
    assert PAY not in patches(emu)
    assert outcome(report["pay"]) == ("drifted", "cannot apply")
    assert report["pay"]["error"]["message"] == (
        "authType differs: fixed at creation, replace the auth record by hand"
    )
    assert outcome(report["shop"]) == ("in_sync", "applied")
    assert outcome(report["crm"]) == ("in_sync", None)
    assert "pay: cannot apply (drifted)" in out


@pytest.mark.parametrize(
    "edit",
    [
        {"headers": [{"key": "X-Source", "value": "old"}, {"key": "X-Trace", "value": "t2"}]},
        {"token": "rotated-by-hand"},  # headers as before, updatedAt bumped
    ],
    ids=["headers edited", "credential rotated"],
)
def test_stale_record_is_not_touched(
    run_cli: RunCli, spec: Path, emulator: Make, read: Read, edit: dict[str, Any]
) -> None:
    emu = emulator()
    plan = make_plan(run_cli, spec, emu, "--only", "shop", "--only", "partner")
    with httpx.Client(base_url=emu.url, headers={"X-API-Key": KEY}) as dashboard:
        assert dashboard.patch(SHOP, json=edit).status_code == 200
    edited = read(emu, SHOP)
    emu.reset_counters()
    code, out, _, report = apply(run_cli, plan, emu, "--auto-approve", "--max-changes", "2")
    assert code == 1
    assert read(emu, SHOP) == edited
    assert patches(emu) == [PARTNER]  # the fresh record is still applied
    assert outcome(report["shop"]) == ("drifted", "stale")
    assert report["shop"]["error"]["message"].startswith("stale: the record changed since")
    assert outcome(report["partner"]) == ("in_sync", "applied")
    assert "shop: stale (drifted)" in out


def test_threshold_refuses_the_whole_plan(
    run_cli: RunCli, spec: Path, emulator: Make, read: Read
) -> None:
    emu = emulator()
    plan = make_plan(run_cli, spec, emu)  # 2 updates among 4 records: more than 4 // 4
    emu.reset_counters()
    code, out, err, report = apply(run_cli, plan, emu, "--auto-approve")
    assert code == 2
    assert (out, report) == ("", {})
    assert err == (
        "drift: error: the plan updates 2 records, more than --max-changes 1 (a quarter of "
        "the 4 records); nothing was sent. Review the plan, then pass --max-changes 2\n"
    )
    assert emu.request_count == 0


def test_no_tty_and_no_auto_approve_refuses(
    run_cli: RunCli, spec: Path, emulator: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    import drift.cli.apply

    monkeypatch.setattr(drift.cli.apply, "stdin_is_tty", lambda: False)
    monkeypatch.setattr(drift.cli.apply, "ask", pytest.fail)
    emu = emulator()
    plan = make_plan(run_cli, spec, emu, "--only", "shop")
    emu.reset_counters()
    code, _out, err, _ = apply(run_cli, plan, emu)
    assert code == 2
    assert err == (
        "drift: error: refusing to apply without --auto-approve: stdin is not a terminal to "
        "ask on; nothing was sent\n"
    )
    assert emu.request_count == 0


def test_stdin_of_a_test_run_is_no_terminal() -> None:
    from drift.cli.apply import stdin_is_tty

    assert stdin_is_tty() is False  # pytest's stdin: the refusal above is the default


@pytest.mark.parametrize(("answer", "code", "sent"), [("yes", 0, 1), ("y", 2, 0), ("", 2, 0)])
def test_on_a_terminal_it_shows_the_plan_and_asks(
    run_cli: RunCli,
    spec: Path,
    emulator: Make,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    code: int,
    sent: int,
) -> None:
    import drift.cli.apply

    asked: list[str] = []
    monkeypatch.setattr(drift.cli.apply, "stdin_is_tty", lambda: True)
    monkeypatch.setattr(drift.cli.apply, "ask", lambda q: asked.append(q) or answer)
    emu = emulator()
    plan = make_plan(run_cli, spec, emu, "--only", "shop")
    emu.reset_counters()
    got, _, err, _ = apply(run_cli, plan, emu)
    assert got == code
    assert asked == [f"Apply 1 update to {emu.url}? Only 'yes' applies"]
    assert "shop: update in place" in err and "will send 3 headers" in err
    assert LIVE_SECRET not in err
    assert len(patches(emu)) == sent
    if not sent:
        assert err.endswith("drift: error: apply cancelled; nothing was sent\n")


def test_nothing_to_apply_needs_no_approval(
    run_cli: RunCli, spec: Path, emulator: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    import drift.cli.apply

    monkeypatch.setattr(drift.cli.apply, "stdin_is_tty", lambda: False)
    emu = emulator()
    out = spec.parent.parent / "plan.json"
    assert (
        run_cli(["plan", str(spec), "--base-url", emu.url, "-o", str(out), "--only", "crm"])[0] == 0
    )
    emu.reset_counters()
    code, _, _, report = apply(run_cli, out, emu)
    assert code == 0
    assert outcome(report["crm"]) == ("in_sync", None)
    assert emu.requests == [("GET", "/v1/integrations/intg_C")]


def test_a_plan_for_another_api_is_refused(run_cli: RunCli, spec: Path, emulator: Make) -> None:
    emu, other = emulator(), emulator()
    plan = make_plan(run_cli, spec, emu, "--only", "shop")
    emu.reset_counters()
    code, _, err, _ = apply(run_cli, plan, other, "--auto-approve")
    assert code == 2
    assert err == (
        f"drift: error: the plan was made against {emu.url}, not {other.url}; nothing was sent\n"
    )
    assert emu.request_count == other.request_count == 0


def test_an_unset_env_variable_is_refused_before_any_request(
    run_cli: RunCli, spec: Path, emulator: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = emulator()
    plan = make_plan(run_cli, spec, emu, "--only", "partner")
    monkeypatch.delenv("PARTNER_KEY")
    emu.reset_counters()
    code, _, err, _ = apply(run_cli, plan, emu, "--auto-approve")
    assert code == 2
    assert err == (
        "drift: error: environment variable PARTNER_KEY not set (the plan sends their "
        "values); nothing was sent\n"
    )
    assert emu.request_count == 0


# -- a PATCH failing at every step: each record ends reported, nothing half-applied hidden -

CHANGED = [("X-Source", "new"), ("X-Trace", "t1"), ("Authorization", LIVE_SECRET)]
UNCHANGED = [("X-Source", "old"), ("X-Trace", "t1"), ("Authorization", LIVE_SECRET)]


@pytest.mark.parametrize(
    ("faults", "code", "state", "after", "sent", "message"),
    [
        ({"status": 409}, 3, ("error", "failed"), UNCHANGED, 1, "not applied: HTTP 409"),
        ({"status": 400}, 3, ("error", "failed"), UNCHANGED, 1, "not applied: HTTP 400"),
        (
            {"status": 500},
            3,
            ("error", "failed"),
            UNCHANGED,
            1,
            "not applied: the PATCH's outcome was unknown (HTTP 500",
        ),
        ({"status": 500, "applied": True}, 0, ("in_sync", "applied"), CHANGED, 1, None),
        ({"status": 502, "applied": True}, 0, ("in_sync", "applied"), CHANGED, 1, None),
        (
            {"drop": True},
            3,
            ("error", "failed"),
            UNCHANGED,
            1,
            "not applied: the PATCH's outcome was unknown (the connection failed",
        ),
        ({"drop": True, "applied": True}, 0, ("in_sync", "applied"), CHANGED, 1, None),
        (
            {"status": 503, "failTimes": 1, "retryAfter": 0},
            0,
            ("in_sync", "applied"),
            CHANGED,
            2,
            None,
        ),
        (
            {"status": 429, "failTimes": 2, "retryAfter": 0},
            0,
            ("in_sync", "applied"),
            CHANGED,
            3,
            None,
        ),
        (
            {"status": 503, "retryAfter": 0},
            3,
            ("error", "failed"),
            UNCHANGED,
            4,
            "not applied: HTTP 503 after 4 attempts",
        ),
        (
            {"discard": True},
            1,
            ("drifted", "applied"),
            UNCHANGED,
            1,
            "applied (HTTP 200), but the record read back differs from what was sent (a header "
            "value differs)",
        ),
        (
            {"readStatusAfter": 500},
            3,
            ("error", "applied"),
            CHANGED,
            1,
            "applied (HTTP 200), not verified: HTTP 500",
        ),
    ],
    ids=[
        "409",
        "400",
        "500 not applied",
        "500 applied",
        "502 applied",
        "dropped before applying",
        "dropped after applying",
        "503 then applied",
        "429 twice then applied",
        "503 every time",
        "accepted but not kept",
        "cannot be read back",
    ],
)
def test_patch_failures_are_reported_never_resent_blindly(
    run_cli: RunCli,
    spec: Path,
    emulator: Make,
    read: Read,
    faults: dict[str, Any],
    code: int,
    state: tuple[str, str],
    after: list[tuple[str, str]],
    sent: int,
    message: str | None,
) -> None:
    emu = emulator(data(auth_S={"patch": faults}))
    plan = make_plan(run_cli, spec, emu, "--only", "shop")
    emu.reset_counters()
    got, out, err, report = apply(run_cli, plan, emu, "--auto-approve")
    assert got == code, out + err
    assert outcome(report["shop"]) == state
    assert len(patches(emu)) == sent
    emu.reset_counters()  # so that reads work again (readStatusAfter)
    assert headers_of(read(emu, SHOP)) == after
    error = report["shop"]["error"]
    if message is None:
        assert error is None
    else:
        assert error["message"].startswith(message), error["message"]
        assert f"shop: {state[1]} ({state[0].replace('_', ' ')})" in out


def test_an_answer_lost_but_applied_says_so(run_cli: RunCli, spec: Path, emulator: Make) -> None:
    emu = emulator(data(auth_S={"patch": {"drop": True, "applied": True}}))
    plan = make_plan(run_cli, spec, emu, "--only", "shop")
    code, _out, _, report = apply(run_cli, plan, emu, "--auto-approve")
    assert code == 0
    (change,) = [c for c in report["shop"]["changes"] if c["disposition"] == "applied"]
    assert change["note"] == (
        "applied: the PATCH's outcome was unknown (the connection failed after 1 attempt), "
        "the record read back holds it"
    )


def test_a_record_that_cannot_be_read_again_is_not_touched(
    run_cli: RunCli, spec: Path, emulator: Make, read: Read
) -> None:
    emu = emulator(data(auth_S={"status": 502, "failTimes": 1, "retryAfter": 0}))
    plan = make_plan(run_cli, spec, emu, "--only", "shop", "--retries", "1")
    emu.reset_counters()  # the first GET fails again
    code, _, _, report = apply(run_cli, plan, emu, "--auto-approve", "--retries", "0")
    assert code == 3
    assert outcome(report["shop"]) == ("error", "failed")
    assert report["shop"]["error"]["message"].startswith(
        "not touched: reading the record again failed: HTTP 502"
    )
    assert patches(emu) == []
    assert headers_of(read(emu, SHOP)) == UNCHANGED


def test_a_forbidden_patch_stops_the_run_and_reports_the_rest(
    run_cli: RunCli, spec: Path, emulator: Make, read: Read
) -> None:
    # partner comes first (plans are sorted by name): its 403 stops the run before shop
    emu = emulator(data(auth_Q={"patch": {"status": 403}}))
    plan = make_plan(run_cli, spec, emu, "--only", "shop", "--only", "partner")
    emu.reset_counters()
    code, out, err, report = apply(run_cli, plan, emu, "--auto-approve", "--max-changes", "2")
    assert code == 3
    assert err == ("drift: error: the API key was rejected (HTTP 403); check SIGMAMIND_API_KEY\n")
    assert patches(emu) == [PARTNER]
    assert outcome(report["partner"]) == ("error", "failed")
    assert report["partner"]["error"]["message"] == (
        "not applied: the API key was rejected (HTTP 403); check SIGMAMIND_API_KEY "
        "(is it a key that may only read?)"
    )
    assert outcome(report["shop"]) == ("error", "failed")
    assert headers_of(read(emu, SHOP)) == UNCHANGED
    assert "! not attempted (1): the API key was rejected (HTTP 403)" in out


def test_ctrl_c_during_apply_still_writes_every_report(
    run_cli: RunCli, spec: Path, emulator: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    import drift.commands.apply

    real = drift.commands.apply.apply_plan

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        applied = real(*args, **kwargs)
        applied.interrupted = KeyboardInterrupt()  # as if Ctrl-C came while reading back
        return applied

    monkeypatch.setattr(drift.commands.apply, "apply_plan", interrupted)
    emu = emulator()
    plan = make_plan(run_cli, spec, emu, "--only", "shop")
    code, out, err, report = apply(run_cli, plan, emu, "--auto-approve")
    assert code == 130
    assert err.endswith("drift: interrupted\n")
    assert outcome(report["shop"]) == ("in_sync", "applied")
    assert "shop: applied (in sync)" in out


def test_the_prompt_reads_the_answer_from_the_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    from drift.cli.apply import ask

    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))
    assert ask("Apply 1 update? Only 'yes' applies") == "yes"
    assert capsys.readouterr().err == "Apply 1 update? Only 'yes' applies: "


def test_the_legacy_dialect_applies_alike(
    run_cli: RunCli, spec: Path, emulator: Make, read: Read
) -> None:
    emu = emulator(dialect="legacy")  # headers as a map, ids spelled with `-`
    plan = make_plan(run_cli, spec, emu, "--exclude", "pay")
    code, out, _, report = apply(run_cli, plan, emu, "--auto-approve", "--max-changes", "2")
    assert code == 0, out
    assert read(emu, SHOP)["headers"] == {
        "X-Source": "new",
        "X-Trace": "t1",
        "Authorization": LIVE_SECRET,
    }
    assert {name: outcome(e) for name, e in report.items()} == {
        "crm": ("in_sync", None),
        "partner": ("in_sync", "applied"),
        "shop": ("in_sync", "applied"),
    }
