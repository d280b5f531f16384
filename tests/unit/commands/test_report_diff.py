"""`drift report diff`: new, resolved, still present and not-checked-again findings between
two JSON reports; exit 1 only for a new counted finding. Also the report fields it reads:
generatedAt (from the run's clock) and updatedAt (the live record's)."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from drift.clock import live_timestamp, stamp
from drift.commands.check import run_check
from drift.commands.merge import merge
from drift.commands.report_diff import diff_reports
from drift.errors import Location
from drift.live.fetch import FetchSettings
from drift.model.desired import DesiredIntegration
from drift.model.results import Change, ErrorInfo, IntegrationResult, Report, Status
from drift.reporters import renderer
from drift.reporters.findings import findings_of
from drift.reporters.jsonfmt import as_dict
from drift.reporters.markdown import cell
from drift.secret import Secret

RunCli = Callable[[list[str]], tuple[int, str, str]]
SPEC = "specs/a.yaml"


def _item(name: str, line: int = 3) -> DesiredIntegration:
    where = Location(SPEC, line, 3)
    return DesiredIntegration(name, f"intg_{name}", None, "API_KEY", None, where, where)


def _drifted(name: str, *changes: Change) -> IntegrationResult:
    return IntegrationResult(_item(name), Status.DRIFTED, changes)


def _change(path: str, actual: str | None, kind: str = "changed", **kw: Any) -> Change:
    return Change(kind, path, "want", actual, Location(SPEC, 9, 7), **kw)


def _error(name: str, status: Status, message: str) -> IntegrationResult:
    return IntegrationResult(_item(name), status, error=ErrorInfo(message))


def _in_sync(name: str) -> IntegrationResult:
    return IntegrationResult(_item(name), Status.IN_SYNC)


def _report(*results: IntegrationResult, at: str | None = None) -> Report:
    return Report("https://api.test", list(results), generated_at=at)


def _names(found: list[Any]) -> list[tuple[str, str, str]]:
    return [(f.integration, f.rule, f.path) for f in found]


def test_new_resolved_present_and_not_checked_again() -> None:
    old = _report(
        _drifted("a", _change("/authType", "BASIC"), _change("/headers/X-A", "1")),
        _error("b", Status.NOT_FOUND, "the integration does not exist (HTTP 404)"),
        _drifted("c", _change("/headers/X-C", "1")),
        _drifted("d", _change("/headers/X-D", "1")),
        _error("e", Status.ERROR, "HTTP 500 after 4 attempts"),
    )
    new = _report(
        # a: authType still wrong, X-A now another value, a header newly missing
        _drifted(
            "a",
            _change("/authType", "BASIC"),
            _change("/headers/X-A", "2"),
            _change("/headers/X-B", None, "removed"),
        ),
        _in_sync("b"),
        _error("c", Status.ERROR, "timeout"),  # c could not be checked this time
        # d is gone from the new report (another shard, deleted from the spec)
        _error("e", Status.ERROR, "HTTP 502 after 4 attempts"),  # the same failure, reworded
    )
    diff = diff_reports(old, new, "old.json", "new.json")
    assert _names(diff.added) == [
        ("a", "drift/header-changed", "/headers/X-A"),
        ("a", "drift/header-removed", "/headers/X-B"),
        ("c", "drift/error", ""),
    ]
    assert _names(diff.resolved) == [
        ("a", "drift/header-changed", "/headers/X-A"),
        ("b", "drift/not-found", ""),
    ]
    assert _names(diff.present) == [
        ("a", "drift/authtype-changed", "/authType"),
        ("e", "drift/error", ""),
    ]
    assert _names(diff.unverified) == [
        ("c", "drift/header-changed", "/headers/X-C"),
        ("d", "drift/header-changed", "/headers/X-D"),
    ]
    assert int(diff.exit_code) == 1
    assert diff.counts() == {"new": 3, "resolved": 2, "present": 2, "unverified": 2}


def test_only_counted_findings_are_compared() -> None:
    warning = _change("/headers/X-W", "w", "added", disposition="warning")
    ignored = _change("/headers/X-I", "i", note="ignored: known", disposition="ignored")
    old = _report(_in_sync("a"))
    new = _report(IntegrationResult(_item("a"), Status.IN_SYNC, (warning, ignored)))
    diff = diff_reports(old, new, "o", "n")
    assert (diff.counts(), int(diff.exit_code)) == (
        {"new": 0, "resolved": 0, "present": 0, "unverified": 0},
        0,
    )
    # and a finding that became ignored is resolved, not still present
    drift = _change("/headers/X-I", "i")
    diff = diff_reports(_report(_drifted("a", drift)), new, "o", "n")
    assert (len(diff.resolved), int(diff.exit_code)) == (1, 0)


def test_the_same_report_twice_is_all_present() -> None:
    report = _report(_drifted("a", _change("/authType", "B")), _error("b", Status.ERROR, "x"))
    diff = diff_reports(report, report, "r", "r")
    assert (len(diff.present), diff.added, diff.resolved, int(diff.exit_code)) == (2, [], [], 0)


def test_header_names_compare_case_insensitively() -> None:
    old = _report(_drifted("a", _change("/headers/X-Trace", "1", "added")))
    new = _report(_drifted("a", _change("/headers/x-trace", "1", "added")))
    assert diff_reports(old, new, "o", "n").added == []


def test_value_keys_hash_only_the_redacted_values() -> None:
    shown = "<redacted sha256:1a2b3c4d>"
    [finding] = findings_of(_drifted("a", _change("/headers/Authorization", shown)))
    text = json.dumps(["changed", "want", shown])
    assert finding.value_key() == hashlib.sha256(text.encode()).hexdigest()


def _write(path: Path, report: Report) -> str:
    path.write_text(json.dumps(as_dict(report)), encoding="utf-8")
    return str(path)


def test_through_the_cli_every_format_and_exit_code(run_cli: RunCli, tmp_path: Path) -> None:
    bad = "`@team` [x](y) <b>|"
    old = _write(
        tmp_path / "old.json",
        _report(_drifted("a", _change("/authType", "B")), at="2026-01-01T03:17:00Z"),
    )
    new_report = _report(
        _drifted("a", _change("/authType", "B")),
        _drifted("z", _change("/headers/X-Z", bad)),
        at="2026-01-02T03:17:00Z",
    )
    new = _write(tmp_path / "new.json", new_report)
    code, out, err = run_cli(["report", "diff", old, new])
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"drift report diff: {old} (2026-01-01T03:17:00Z, 1 checked) -> {new} "
        "(2026-01-02T03:17:00Z, 2 checked)",
        "",
        "new (1):",
        '  + z: ~ /headers/X-Z: "want" -> "`@team` [x](y) <b>|"  (specs/a.yaml:9)',
        "",
        "still present (1):",
        '  = a: ~ /authType: "want" -> "B"  (specs/a.yaml:9)',
        "",
        "1 new, 0 resolved, 1 still present",
    ]
    code, out, _ = run_cli(["report", "diff", old, new, "--format", "json"])
    doc = json.loads(out)
    assert (code, doc["exitCode"], doc["summary"]["new"]) == (1, 1, 1)
    assert doc["old"]["generatedAt"] == "2026-01-01T03:17:00Z"
    assert doc["findings"]["new"][0]["actual"] == "`@team` [x](y) <b>|"
    code, out, _ = run_cli(["report", "diff", old, new, "--format", "markdown"])
    assert code == 1
    assert out.startswith("### drift: 1 new, 0 resolved, 1 still present\n")
    # live text only ever inside the markdown report's code element (no mention, no link)
    shown = cell('~ /headers/X-Z: "want" -> "' + bad + '"')
    assert f"| {cell('z')} | {shown} |" in out
    assert out.count("@team") == 1
    # nothing new: exit 0; z was not in the older report, so it is not called resolved
    code_, out, _ = run_cli(["report", "diff", new, old])
    assert (code_, out.splitlines()[-1]) == (
        0,
        "0 new, 0 resolved, 1 still present, 1 not checked again",
    )


def test_markdown_stays_within_a_comment(tmp_path: Path) -> None:
    many = [
        _drifted(f"n{i:05}", _change("/headers/X-" + "y" * 100, "v" * 250)) for i in range(2000)
    ]
    diff = diff_reports(_report(), _report(*many), "o", "n")
    out = renderer("report-diff", "markdown")(diff)
    assert len(out) < 60_000
    assert "more left out; the JSON output has them all." in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{not json", "not JSON"),
        ('{"schemaVersion": 1}', "not a drift JSON report"),
    ],
)
def test_bad_input_is_exit_2_in_one_line(
    run_cli: RunCli, tmp_path: Path, content: str | None, message: str
) -> None:
    good = _write(tmp_path / "good.json", _report(_in_sync("a")))
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    for args in ([good, str(bad)], [str(bad), good]):
        code, out, err = run_cli(["report", "diff", *args])
        assert (code, out) == (2, "")
        assert err.startswith(f"drift: error: {bad}: {message}") and err.count("\n") == 1


def test_reports_from_before_generated_at_still_compare(run_cli: RunCli, tmp_path: Path) -> None:
    doc = as_dict(_report(_in_sync("a")))
    del doc["generatedAt"]
    del doc["integrations"][0]["updatedAt"]
    path = tmp_path / "older.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run_cli(["report", "diff", str(path), str(path)])
    assert code == 0
    assert "(time unknown, 1 checked)" in out


# --- the report fields `report diff` dates its sides by -----------------------------------


def test_generated_at_comes_from_the_injected_clock() -> None:
    fixed = datetime.datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=datetime.timezone.utc)
    settings = FetchSettings(base_url="https://api.test", api_key=Secret("k" * 20))
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    report = run_check([], settings, transport=transport, clock=lambda: fixed)
    assert report.generated_at == "2026-01-02T03:04:05Z"
    assert as_dict(report)["generatedAt"] == "2026-01-02T03:04:05Z"


def test_stamps_are_utc_with_z() -> None:
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    assert stamp(datetime.datetime(2026, 1, 2, 5, 0, tzinfo=plus_two)) == "2026-01-02T03:00:00Z"
    assert stamp(datetime.datetime(2026, 1, 2, 5, 0)) == "2026-01-02T05:00:00Z"  # naive: UTC


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("2024-05-21T08:30:15Z", True),
        ("2024-05-21T08:30:15.123Z", True),
        ("2024-05-21T08:30:15+02:00", True),
        ("yesterday", False),
        ("2024-05-21T08:30:15Z\x1b[31m", False),
        ("2024-05-21T08:30:15Z" + "0" * 40, False),
        (None, False),
    ],
)
def test_live_updated_at_is_kept_only_when_it_is_a_timestamp(value: str | None, kept: bool) -> None:
    assert live_timestamp(value) == (value if kept else None)


def test_merge_keeps_updated_at_and_the_latest_generated_at(tmp_path: Path) -> None:
    first = _report(
        IntegrationResult(_item("a"), Status.IN_SYNC, updated_at="2024-01-01T00:00:00Z")
    )
    second = _report(_in_sync("b"), at="2026-01-03T00:00:00Z")
    first.generated_at = "2026-01-02T00:00:00Z"
    first.shard, second.shard = "1/2", "2/2"
    merged = merge([_write(tmp_path / "1.json", first), _write(tmp_path / "2.json", second)])
    assert merged.generated_at == "2026-01-03T00:00:00Z"
    assert [r.updated_at for r in merged.results] == ["2024-01-01T00:00:00Z", None]
