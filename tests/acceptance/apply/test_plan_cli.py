"""`drift plan` through the real CLI: what it prints, the plan file it writes, its exit
codes, and that no secret reaches any of it, nor anything apply writes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from apply_support import ENV_SECRET, LIVE_SECRET, PARTNER, SECRETS, RunCli, headers_of

from drift.emulator import Emulator
from drift.reporters import FORMATS
from drift.schemas import PLAN_SCHEMA, REPORT_SCHEMA, load_schema
from drift.secret import RUN

Make = Callable[..., Emulator]
Read = Callable[[Emulator, str], Any]

pytestmark = pytest.mark.usefixtures("env")

LIVE_DIGEST = hashlib.sha256(LIVE_SECRET.encode()).hexdigest()

TEXT = """\
partner: update in place  (intg_Q / auth_Q, {spec}:17)
  ~ /headers/X-Api-Key: "<redacted sha256:{env8}> ($PARTNER_KEY)" -> "<redacted sha256:{old8}>"
  will send 2 headers, replacing the live list:
    "X-Api-Key": $PARTNER_KEY  (read from the environment at apply time)
    "X-Team": "partners"

pay: cannot apply  (intg_P / auth_P, {spec}:11)
  ~ /authType: "API_KEY" -> "BEARER_TOKEN"
  ~ /headers/X-Source: "new" -> "old"
  ! authType differs: fixed at creation, replace the auth record by hand

shop: update in place  (intg_S / auth_S, {spec}:3)
  ~ /headers/X-Source: "new" -> "old"
  will send 3 headers, replacing the live list:
    "X-Source": "new"
    "X-Trace": "t1"  (live value kept)
    "Authorization": <redacted sha256:{live8}>  (live value kept)

requests: 4, retries: 0, throttled: 0
Plan: 2 to update in place, 1 cannot apply, 1 no change (4 records)
"""


def short(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:8]


def test_plan_prints_each_action(run_cli: RunCli, spec: Path, emulator: Make) -> None:
    emu = emulator()
    code, out, err = run_cli(["plan", str(spec), "--base-url", emu.url, "-q"])
    assert code == 1
    from apply_support import OLD_PARTNER

    assert out == TEXT.format(
        spec=spec, env8=short(ENV_SECRET), old8=short(OLD_PARTNER), live8=short(LIVE_SECRET)
    )
    assert err == ""
    assert [m for m, _ in emu.requests] == ["GET"] * 4  # a plan changes nothing


def test_plan_verbose_lists_records_with_nothing_to_do(
    run_cli: RunCli, spec: Path, emulator: Make
) -> None:
    emu = emulator()
    code, out, _ = run_cli(["plan", str(spec), "--base-url", emu.url, "-q", "-v"])
    assert code == 1
    assert "no change (1):\n  = crm  (intg_C / embedded auth, " in out


def test_plan_file_fits_its_schema_and_holds_no_secret(
    run_cli: RunCli, spec: Path, emulator: Make, tmp_path: Path
) -> None:
    emu = emulator()
    out = tmp_path / "plan.json"
    code, _, err = run_cli(["plan", str(spec), "--base-url", emu.url, "-o", str(out), "-q"])
    assert code == 1
    assert err == f"wrote the plan to {out}\n"
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema(PLAN_SCHEMA)).validate(doc)
    assert doc["kind"] == "drift-plan" and doc["baseUrl"] == emu.url
    assert doc["summary"] == {"records": 4, "update": 2, "none": 1, "cannotApply": 1}
    records = {r["name"]: r for r in doc["records"]}
    assert records["shop"]["headers"] == [
        {"name": "X-Source", "origin": "spec", "value": "new"},
        {"name": "X-Trace", "origin": "live", "value": "t1"},
        {"name": "Authorization", "origin": "live", "sha256": LIVE_DIGEST},
    ]
    assert records["partner"]["headers"] == [
        {"name": "X-Api-Key", "origin": "env", "env": "PARTNER_KEY"},
        {"name": "X-Team", "origin": "spec", "value": "partners"},
    ]
    assert records["shop"]["live"]["updatedAt"] == "2024-01-01T00:00:00Z"
    assert records["crm"]["live"]["authId"] == "auth_C"  # the embedded record's own id
    assert (records["pay"]["action"], records["pay"]["headers"]) == ("cannot_apply", [])
    text = out.read_text(encoding="utf-8")
    assert not leaks(text)


def test_plan_with_nothing_to_do_exits_0(run_cli: RunCli, spec: Path, emulator: Make) -> None:
    emu = emulator()
    code, out, _ = run_cli(["plan", str(spec), "--base-url", emu.url, "--only", "crm", "-q"])
    assert code == 0
    assert out == (
        "requests: 1, retries: 0, throttled: 0\n"
        "Plan: 0 to update in place, 0 cannot apply, 1 no change (1 records)\n"
    )


def test_plan_formats(run_cli: RunCli, spec: Path, emulator: Make, tmp_path: Path) -> None:
    emu = emulator()
    md, js = tmp_path / "plan.md", tmp_path / "plan.json"
    code, out, _ = run_cli(
        [
            "plan",
            str(spec),
            "--base-url",
            emu.url,
            "-q",
            "--format",
            "markdown",
            "--report",
            f"markdown={md}",
            "--report",
            f"json={js}",
        ]
    )
    assert code == 1
    assert out == md.read_text(encoding="utf-8")
    assert out.startswith(
        "### drift plan: 2 to update in place, 1 cannot apply, 1 no change (4 records)\n"
    )
    assert "| `shop` | update in place | `intg_S / auth_S` |" in out
    assert "| `Authorization` | `<redacted sha256:" in out
    assert json.loads(js.read_text(encoding="utf-8"))["kind"] == "drift-plan"


def test_plan_refuses_a_report_format_plans_do_not_have(
    run_cli: RunCli, spec: Path, tmp_path: Path
) -> None:
    code, _, err = run_cli(["plan", str(spec), "--report", f"junit={tmp_path / 'x.xml'}"])
    assert code == 2
    assert err.startswith("drift: error: Invalid value for '--report': 'junit': a plan is")


def test_plan_of_a_stopped_run_writes_no_plan(
    run_cli: RunCli, spec: Path, emulator: Make, tmp_path: Path
) -> None:
    emu = emulator(api_key="another-key")
    out = tmp_path / "plan.json"
    code, stdout, err = run_cli(["plan", str(spec), "--base-url", emu.url, "-o", str(out)])
    assert code == 3
    assert err == "drift: error: the API key was rejected (HTTP 401); check SIGMAMIND_API_KEY\n"
    assert (stdout, out.exists()) == ("", False)


def leaks(text: str) -> list[str]:
    """Every secret of the test, whole or as any run of RUN characters, found in text."""
    return [s for s in SECRETS if any(s[i : i + RUN] in text for i in range(len(s) - RUN + 1))]


def test_no_secret_in_any_output_of_plan_and_apply(
    run_cli: RunCli,
    spec: Path,
    emulator: Make,
    read: Read,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The env value is written to the record, and shows nowhere: not in the plan (any
    format, the file, the step summary), nor in apply's stdout, stderr with --debug, any
    report format, or the step summary; neither does the API key or any live secret."""
    emu = emulator()
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    plan = tmp_path / "plan.json"
    plan_reports = [f"--report={fmt}={tmp_path / f'plan.{fmt}'}" for fmt in ("text", "markdown")]
    seen: list[str] = []
    code, out, err = run_cli(
        ["--debug", "plan", str(spec), "--base-url", emu.url, "-o", str(plan), *plan_reports]
    )
    assert code == 1
    seen += [out, err]
    reports = [f"--report={fmt}={tmp_path / f'apply.{fmt}'}" for fmt in FORMATS]
    code, out, err = run_cli(
        ["--debug", "apply", str(plan), "--base-url", emu.url, "--auto-approve",
         "--max-changes", "2", *reports]
    )  # fmt: skip
    assert code == 1  # pay cannot be applied
    seen += [out, err]
    assert headers_of(read(emu, PARTNER))[0] == ("X-Api-Key", ENV_SECRET)  # written
    files = sorted(tmp_path.glob("*.*"))
    # the plan, 2 plan reports, an apply report per format, the summary
    assert len(files) == 3 + len(FORMATS) + 1
    seen += [f.read_text(encoding="utf-8") for f in files]
    assert "::error file=" in out  # in GitHub Actions: annotations after the text
    summary_text = summary.read_text(encoding="utf-8")
    assert "### drift plan:" in summary_text and "### drift: Drift found" in summary_text
    assert [leaks(text) for text in seen] == [[]] * len(seen)
    doc = json.loads((tmp_path / "apply.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema(REPORT_SCHEMA)).validate(doc)
    assert doc["actions"] == {"applied": 2, "stale": 0, "cannotApply": 1, "failed": 0}


def test_plan_in_actions_without_a_summary_file_prints_only(
    run_cli: RunCli, spec: Path, emulator: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    emu = emulator()
    code, out, _ = run_cli(["plan", str(spec), "--base-url", emu.url, "-q", "--only", "crm"])
    assert code == 0
    assert out.endswith("(1 records)\n")


def test_plan_says_when_the_step_summary_cannot_be_written(
    run_cli: RunCli, spec: Path, emulator: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a folder
    emu = emulator()
    code, _, err = run_cli(["plan", str(spec), "--base-url", emu.url, "-q", "--only", "crm"])
    assert code == 3
    assert err == f"drift: error: cannot write {tmp_path}: Is a directory\n"
