"""drift.commands.merge: a set of shard reports is merged only when it is one whole run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from drift.commands.merge import merge
from drift.errors import UsageError

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
