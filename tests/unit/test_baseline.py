"""drift.commands.baseline: rules that record the value they accept, and earlier rules kept."""

from __future__ import annotations

import datetime
import hashlib

from drift.commands.baseline import render_baseline
from drift.errors import Location
from drift.model.desired import DesiredIntegration, IgnoreRule
from drift.model.matchers import Matcher
from drift.model.results import Change, IntegrationResult, Report, Seen, Status
from drift.spec.load import build_spec
from drift.spec.yamlload import parse

HERE = Location("s.yaml", 1, 1)
TODAY = datetime.date(2026, 11, 29)
UNTIL = datetime.date(2027, 2, 27)


def _result(name: str, status: Status, *changes: Change) -> IntegrationResult:
    item = DesiredIntegration(name, f"intg_{name}", None, "API_KEY", None, HERE, HERE)
    return IntegrationResult(item, status, changes)


def test_each_rule_accepts_the_value_seen_today() -> None:
    digest = hashlib.sha256(b"tok").hexdigest()
    plain = hashlib.sha256(b'say "hi"\n').hexdigest()
    report = Report(
        "https://api.test",
        [
            _result(
                "shop",
                Status.DRIFTED,
                Change(
                    "changed", "/headers/X-A", "a", 'say "hi"\n', seen=Seen(plain, 'say "hi"\n')
                ),
                Change("changed", "/headers/Authorization", "x", "y", seen=Seen(digest)),
                Change("removed", "/headers/X-Gone", "v", None, seen=Seen(None)),
                Change("added", "/headers/X-Warn", None, "w", disposition="warning"),
            ),
            _result("down", Status.ERROR),
        ],
    )
    kept = IgnoreRule("/authType", "old", None, HERE, "down", Matcher("sha256", digest.upper()))
    dropped = IgnoreRule("/authType", "old", None, HERE, "shop")
    baseline = render_baseline(report, TODAY, UNTIL, [kept, dropped])
    assert (baseline.written, baseline.kept, baseline.skipped) == (3, 1, 1)
    assert 'accept: "say \\"hi\\"\\n"' in baseline.text
    assert f"accept: {{sha256: {digest}}}" in baseline.text
    assert "accept: {absent: true}" in baseline.text
    assert "X-Warn" not in baseline.text
    # what it writes is a valid spec that reads back the same rules
    spec, problems = build_spec([("b.yaml", lambda: parse(baseline.text, "b.yaml"))])
    assert problems == []
    accepted = {(r.integration, r.path): r.accept for r in spec.ignores}
    assert accepted[("shop", "/headers/X-A")] == Matcher("equals", 'say "hi"\n')
    assert accepted[("shop", "/headers/Authorization")] == Matcher("sha256", digest)
    assert accepted[("shop", "/headers/X-Gone")] == Matcher("absent")
    assert accepted[("down", "/authType")] == Matcher("sha256", digest)
    assert ("shop", "/authType") not in accepted
