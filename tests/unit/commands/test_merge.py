"""drift.commands.merge: a set of shard reports is merged only when it is one whole run."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from drift.commands.merge import merge
from drift.errors import Location, UsageError
from drift.model.desired import DesiredIntegration, IgnoreRule
from drift.model.results import Change, ErrorInfo, IntegrationResult, Report, RunStats, Status
from drift.reporters.jsonfmt import as_dict

DIGEST = "a" * 64


def _report(tmp_path: Path, name: str, shard: str | None, digest: str = DIGEST) -> str:
    doc: dict[str, Any] = {
        "schemaVersion": 1,
        "tool": {"name": "drift", "version": "0"},
        "baseUrl": "https://api.test",
        "exitCode": 0,
        "summary": {"total": 1, "inSync": 1, "drifted": 0, "notFound": 0, "errors": 0},
        "integrations": [
            {
                "name": name,
                "integrationId": f"intg_{name}",
                "authId": None,
                "status": "in_sync",
                "source": {"file": "s.yaml", "line": 3, "column": 3},
                "changes": [],
                "error": None,
            }
        ],
        "staleRules": [
            {
                "integration": "*",
                "path": f"/headers/{name}",
                "reason": "r",
                "until": "2027-01-01",
                "source": {"file": "s.yaml", "line": 9, "column": 9},
            }
        ],
        "shard": shard,
        "specDigest": digest,
    }
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_a_complete_set_merges(tmp_path: Path) -> None:
    paths = [_report(tmp_path, n, f"{k}/3") for k, n in enumerate("abc", 1)]
    report = merge(paths)
    assert ([r.name for r in report.results], report.partial) == (["a", "b", "c"], False)
    assert report.spec_digest == DIGEST
    assert [r.path for r in report.stale_rules] == ["/headers/a", "/headers/b", "/headers/c"]


@pytest.mark.parametrize(
    ("shards", "message"),
    [
        (["1/3", "3/3"], "shard 2/3 is missing"),
        (["1/3"], "shard 2/3, 3/3 are missing"),
        (["1/2", "1/3"], "the reports come from splits into 2 and 3 shards"),
        ([None, "1/2"], "is a whole run but"),
    ],
)
def test_an_incomplete_set_is_refused_unless_allowed(
    tmp_path: Path, shards: list[str | None], message: str
) -> None:
    paths = [_report(tmp_path, f"n{i}", s) for i, s in enumerate(shards)]
    with pytest.raises(UsageError, match=message):
        merge(paths)
    assert merge(paths, allow_partial=True).partial is True


def test_reports_of_different_specs_are_refused(tmp_path: Path) -> None:
    paths = [_report(tmp_path, "a", "1/2"), _report(tmp_path, "b", "2/2", "b" * 64)]
    with pytest.raises(UsageError, match="different specs"):
        merge(paths)
    merged = merge(paths, allow_partial=True)
    assert (merged.partial, merged.spec_digest) == (True, None)


def test_a_shard_given_twice_is_refused_even_when_partial_is_allowed(tmp_path: Path) -> None:
    one = _report(tmp_path, "a", "1/2")
    two = _report(tmp_path, "b", "1/2")
    with pytest.raises(UsageError, match="shard 1/2 is given twice"):
        merge([one, two], allow_partial=True)


def test_unsharded_reports_still_merge(tmp_path: Path) -> None:
    report = merge([_report(tmp_path, "a", None), _report(tmp_path, "b", None)])
    assert (len(report.results), report.partial) == (2, False)


# -- what a merged report says: a round trip through the JSON report --------------------------


def _item(name: str, line: int, auth_id: str | None = None) -> DesiredIntegration:
    where = Location("specs/s.yaml", line, 3)
    return DesiredIntegration(name, f"intg_{name}", auth_id, "API_KEY", None, where, where)


def _whole(tmp_path: Path, file: str, report: Report) -> str:
    path = tmp_path / file
    path.write_text(json.dumps(as_dict(report)), encoding="utf-8")
    return str(path)


SHOP = IntegrationResult(
    _item("shop", 3, "auth_S"),
    Status.DRIFTED,
    (
        Change("changed", "/headers/X-A", "a", "b", Location("specs/s.yaml", 7, 9), note="n"),
        Change("added", "/headers/X-B", None, "1", None, disposition="warning"),
        Change("removed", "/headers/X-C", "c", None, None, disposition="ignored"),
    ),
)
DOWN = IntegrationResult(
    _item("down", 12), Status.ERROR, error=ErrorInfo("HTTP 500 from the API", 500)
)
GONE = IntegrationResult(
    _item("gone", 15), Status.NOT_FOUND, error=ErrorInfo("the integration does not exist", 404)
)
CALM = IntegrationResult(_item("calm", 18), Status.IN_SYNC)
RULE_A = IgnoreRule(
    "/headers/X-Z", "old", datetime.date(2027, 1, 31), Location("s.yaml", 30, 5), "sh*"
)
RULE_B = IgnoreRule("/authType", "r", None, Location("s.yaml", 20, 5), "calm")


def test_merged_shards_say_what_one_whole_run_would_say(tmp_path: Path) -> None:
    one = Report(
        "https://api.test",
        [DOWN, SHOP],
        RunStats(5, 2, 1),
        declared=7,
        stale_rules=[RULE_A],
        shard="1/2",
        spec_digest=DIGEST,
    )
    two = Report(
        "https://api.test",
        [CALM, GONE],
        RunStats(3, 1, 4),
        declared=7,
        stale_rules=[RULE_B],
        shard="2/2",
        spec_digest=DIGEST,
    )
    merged = merge([_whole(tmp_path, "1.json", one), _whole(tmp_path, "2.json", two)])
    whole = Report(
        "https://api.test",
        [CALM, DOWN, GONE, SHOP],
        RunStats(8, 3, 5),
        declared=7,
        stale_rules=[RULE_B, RULE_A],
        spec_digest=DIGEST,
    )
    assert as_dict(merged) == as_dict(whole)
    assert (merged.exit_code, merged.partial, merged.shard) == (1, False, None)


def test_fields_a_report_may_leave_out(tmp_path: Path) -> None:
    # the schema requires neither request counts nor `declared`, nor a change's source,
    # note and disposition: a change with no disposition counts as drift
    paths = [_report(tmp_path, "a", None), _report(tmp_path, "b", None)]
    doc = json.loads(Path(paths[1]).read_text(encoding="utf-8"))
    doc["integrations"][0]["status"] = "drifted"
    doc["integrations"][0]["changes"] = [
        {"kind": "changed", "path": "/authType", "expected": "API_KEY", "actual": "NO_AUTH"}
    ]
    doc["staleRules"][0]["until"] = None
    Path(paths[1]).write_text(json.dumps(doc), encoding="utf-8")
    merged = merge(paths)
    assert (merged.stats, merged.declared, merged.exit_code) == (RunStats(0, 0, 0), 2, 1)
    (change,) = merged.results[1].changes
    assert change == Change("changed", "/authType", "API_KEY", "NO_AUTH", None, None, "drift")
    assert [r.until for r in merged.stale_rules] == [datetime.date(2027, 1, 1), None]


def _refusal(paths: list[str], allow_partial: bool = False) -> str:
    with pytest.raises(UsageError) as caught:
        merge(paths, allow_partial)
    return str(caught.value)


REFUSED = (
    "; refusing to merge an incomplete set"
    " (--allow-partial merges anyway and marks the result partial)"
)


def test_every_reason_a_set_is_incomplete_is_named(tmp_path: Path) -> None:
    paths = [_report(tmp_path, "a", "1/3"), _report(tmp_path, "c", "3/3", "b" * 64)]
    assert _refusal(paths) == (
        "shard 2/3 is missing; the reports come from different specs "
        "(spec digests aaaaaaaaaaaa, bbbbbbbbbbbb)" + REFUSED
    )


def test_the_first_shard_missing_is_named(tmp_path: Path) -> None:
    paths = [_report(tmp_path, "b", "2/3"), _report(tmp_path, "c", "3/3")]
    assert _refusal(paths) == "shard 1/3 is missing" + REFUSED


def test_a_whole_run_and_a_shard_are_named(tmp_path: Path) -> None:
    whole, shard = _report(tmp_path, "a", None), _report(tmp_path, "b", "1/2")
    assert _refusal([shard, whole]) == f"{whole} is a whole run but {shard} is a shard" + REFUSED


def test_a_shard_given_twice_names_both_files(tmp_path: Path) -> None:
    one, two = _report(tmp_path, "a", "1/2"), _report(tmp_path, "b", "1/2")
    assert _refusal([one, two], True) == f"shard 1/2 is given twice: {one} and {two}"


def test_an_integration_in_two_reports_names_both_files(tmp_path: Path) -> None:
    one = _report(tmp_path, "a", None)
    two = str(tmp_path / "copy.json")
    Path(two).write_text(Path(one).read_text(encoding="utf-8"), encoding="utf-8")
    assert _refusal([one, two]) == (
        f"'a' is in both {one} and {two}; were the shards of different splits?"
    )


def test_reports_of_two_apis_are_refused(tmp_path: Path) -> None:
    one = _report(tmp_path, "a", None)
    other = Report("https://other.test", [CALM])
    two = _whole(tmp_path, "other.json", other)
    assert _refusal([one, two], True) == (
        "the reports come from different APIs: https://api.test, https://other.test"
    )


def test_a_file_that_is_not_a_report_is_named(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.json")
    assert _refusal([missing]) == f"{missing}: cannot read: No such file or directory"
    text = tmp_path / "text.json"
    text.write_text("drifted: 1\n", encoding="utf-8")
    assert _refusal([str(text)]) == f"{text}: not JSON: Expecting value: line 1 column 1 (char 0)"
    top = tmp_path / "top.json"
    top.write_text('{"schemaVersion": 1}', encoding="utf-8")
    assert _refusal([str(top)]).startswith(f"{top}: not a drift JSON report: (top): '")
    inner = json.loads(Path(_report(tmp_path, "a", None)).read_text(encoding="utf-8"))
    inner["integrations"][0]["status"] = "fine"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(inner), encoding="utf-8")
    assert _refusal([str(bad)]).startswith(
        f"{bad}: not a drift JSON report: integrations/0/status: 'fine' is not one of "
    )
