"""drift.commands.baseline: rules that record the value they accept, and earlier rules kept."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest

from drift.commands.baseline import (
    default_output,
    exit_code,
    last_day,
    prepare,
    previous_rules,
    render_baseline,
    writable,
)
from drift.errors import ExitCode, Location, SpecError, UsageError
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


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def test_the_baseline_file_exactly() -> None:
    odd = "caf\u00e9\u2028x"  # non-ASCII, and a character YAML would read as a line break
    report = Report(
        "https://api.test",
        [
            _result(
                "shop",
                Status.DRIFTED,
                Change("changed", "/headers/X-A", "a", odd, seen=Seen(_sha(odd), odd)),
            ),
            _result(
                "api",
                Status.DRIFTED,
                Change(
                    "changed", "/authType", "API_KEY", "BEARER", seen=Seen(_sha("BEARER"), "BEARER")
                ),
                Change("removed", "/headers/X-Gone", "v", None, seen=Seen(None)),
                Change("added", "/headers/X-Old", None, "1"),  # nothing recorded: any value
            ),
            _result("down", Status.ERROR),
        ],
    )
    previous = [
        IgnoreRule(
            "/headers/X-Q", "legacy", datetime.date(2027, 1, 1), HERE, "down", Matcher("absent")
        ),
        IgnoreRule("/authType", "ok", None, HERE, "down", Matcher("equals", "na\u00efve")),
        IgnoreRule("/headers/X-A", "old", None, HERE, "shop"),
    ]
    baseline = render_baseline(report, TODAY, UNTIL, previous)
    assert (baseline.written, baseline.kept, baseline.skipped) == (4, 2, 1)
    assert baseline.text == (
        "# drift baseline: written 2026-11-29 from 2 checked integrations (2 earlier rules kept).\n"
        "# Regenerate with `drift baseline`; delete entries as the drift is fixed.\n"
        "version: 1\n"
        "ignore:\n"
        '  - integration: "api"\n'
        '    path: "/authType"\n'
        '    accept: "BEARER"\n'
        '    reason: "baseline 2026-11-29"\n'
        "    until: 2027-02-27\n"
        '  - integration: "api"\n'
        '    path: "/headers/X-Gone"\n'
        "    accept: {absent: true}\n"
        '    reason: "baseline 2026-11-29"\n'
        "    until: 2027-02-27\n"
        '  - integration: "api"\n'
        '    path: "/headers/X-Old"\n'
        '    reason: "baseline 2026-11-29"\n'
        "    until: 2027-02-27\n"
        '  - integration: "down"\n'
        '    path: "/authType"\n'
        '    accept: "na\\u00efve"\n'
        '    reason: "ok"\n'
        '  - integration: "down"\n'
        '    path: "/headers/X-Q"\n'
        "    accept: {absent: true}\n"
        '    reason: "legacy"\n'
        "    until: 2027-01-01\n"
        '  - integration: "shop"\n'
        '    path: "/headers/X-A"\n'
        '    accept: "caf\\u00e9\\u2028x"\n'
        '    reason: "baseline 2026-11-29"\n'
        "    until: 2027-02-27\n"
    )
    # and it reads back as the very values accepted
    spec, problems = build_spec([("b.yaml", lambda: parse(baseline.text, "b.yaml"))])
    assert problems == []
    accepted = {(r.integration, r.path): r.accept for r in spec.ignores}
    assert accepted[("shop", "/headers/X-A")] == Matcher("equals", odd)
    assert accepted[("down", "/authType")] == Matcher("equals", "na\u00efve")
    assert accepted[("api", "/headers/X-Old")] is None


def test_one_integration_in_sync_gives_an_empty_baseline() -> None:
    report = Report("https://api.test", [_result("shop", Status.IN_SYNC)])
    baseline = render_baseline(report, TODAY, UNTIL, [])
    assert (baseline.written, baseline.kept, baseline.skipped) == (0, 0, 0)
    assert baseline.text == (
        "# drift baseline: written 2026-11-29 from 1 checked integration.\n"
        "# Regenerate with `drift baseline`; delete entries as the drift is fixed.\n"
        "version: 1\n"
        "ignore: []\n"
    )


def test_the_default_file_is_in_the_first_spec_folder(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    spec_file = tmp_path / "specs" / "prod.yaml"
    spec_file.write_text("version: 1\n", encoding="utf-8")
    folder = str(tmp_path / "specs")
    assert default_output([folder, "other"], None) == Path(folder) / "drift-baseline.yaml"
    assert default_output([str(spec_file)], None) == tmp_path / "specs" / "drift-baseline.yaml"
    assert default_output([folder], "out/b.yaml") == Path("out/b.yaml")


def test_only_a_file_drift_wrote_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "drift-baseline.yaml"
    writable(target)  # nothing there yet
    target.write_text("# drift baseline: written 2026-01-01\nversion: 1\nignore: []\n", "utf-8")
    writable(target)
    target.write_text("version: 1\n# drift baseline:\n", encoding="utf-8")
    message = f"{target} exists and is not a drift baseline; choose another --output"
    with pytest.raises(UsageError) as caught:
        writable(target)
    assert str(caught.value) == message
    target.write_bytes(b"\xff\xfe\x00binary")  # not text at all: the same answer
    with pytest.raises(UsageError) as caught:
        writable(target)
    assert str(caught.value) == message


def test_the_rules_of_the_file_being_replaced(tmp_path: Path) -> None:
    target = tmp_path / "drift-baseline.yaml"
    assert previous_rules(target) == []
    target.write_text(
        "version: 1\nignore:\n"
        '  - {integration: "shop", path: "/authType", accept: "B", reason: "r",'
        " until: 2027-01-01}\n",
        encoding="utf-8",
    )
    (rule,) = previous_rules(target)
    assert (rule.integration, rule.path, rule.reason, rule.until, rule.accept) == (
        "shop",
        "/authType",
        "r",
        datetime.date(2027, 1, 1),
        Matcher("equals", "B"),
    )
    target.write_text("version: 1\nignore: {}\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        previous_rules(target)
    assert [p.location.file for p in caught.value.problems] == [str(target)]


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ((), ExitCode.OK),
        ((Status.IN_SYNC,), ExitCode.OK),
        ((Status.DRIFTED, Status.IN_SYNC), ExitCode.OK),  # the baseline covers the drift
        ((Status.IN_SYNC, Status.NOT_FOUND), ExitCode.DRIFT),
        ((Status.DRIFTED, Status.ERROR), ExitCode.INCOMPLETE),
        ((Status.ERROR, Status.NOT_FOUND), ExitCode.DRIFT),  # not found outranks an error
        ((Status.NOT_FOUND, Status.ERROR), ExitCode.DRIFT),
    ],
)
def test_exit_code_is_what_the_next_check_still_finds(
    statuses: tuple[Status, ...], code: ExitCode
) -> None:
    report = Report("https://api.test", [_result(f"i{n}", s) for n, s in enumerate(statuses)])
    assert exit_code(report) is code


def test_the_last_day_is_ninety_days_out_unless_given() -> None:
    assert last_day(TODAY, None) == datetime.date(2027, 2, 27)
    assert last_day(TODAY, datetime.date(2026, 12, 1)) == datetime.date(2026, 12, 1)
    assert last_day(TODAY, TODAY) == TODAY  # today is not the past


def test_a_last_day_in_the_past_is_refused() -> None:
    with pytest.raises(UsageError) as caught:
        last_day(TODAY, datetime.date(2026, 11, 28))
    assert str(caught.value) == "--until 2026-11-28 is in the past"


def test_prepare_a_new_baseline_in_the_spec_folder(tmp_path: Path) -> None:
    folder = tmp_path / "specs"
    folder.mkdir()
    assert prepare([str(folder)], None) == (folder / "drift-baseline.yaml", [])
    assert not (folder / "drift-baseline.yaml").exists()  # nothing written yet
    assert prepare([str(folder)], str(tmp_path / "b.yaml")) == (tmp_path / "b.yaml", [])


def test_prepare_reads_the_rules_of_the_baseline_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "drift-baseline.yaml"
    target.write_text(
        "# drift baseline: written 2026-11-01 from 1 checked integration.\n"
        "version: 1\nignore:\n"
        '  - {integration: "shop", path: "/authType", reason: "r"}\n',
        encoding="utf-8",
    )
    where, [rule] = prepare([str(tmp_path)], None)
    assert where == target
    assert (rule.integration, rule.path, rule.reason) == ("shop", "/authType", "r")


def test_prepare_refuses_a_file_drift_did_not_write(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("version: 1\nignore: []\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        prepare([str(tmp_path)], str(target))
    assert str(caught.value) == (
        f"{target} exists and is not a drift baseline; choose another --output"
    )
    assert target.read_text(encoding="utf-8") == "version: 1\nignore: []\n"


def test_prepare_refuses_a_path_it_cannot_write(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "b.yaml"
    with pytest.raises(UsageError) as caught:
        prepare([str(tmp_path)], str(missing))
    assert str(caught.value) == (
        f"cannot write the baseline {missing}: folder {missing.parent} does not exist"
    )
    with pytest.raises(UsageError) as caught:
        prepare([str(tmp_path)], str(tmp_path))
    assert str(caught.value) == f"cannot write the baseline {tmp_path}: it is a folder"


def test_prepare_refuses_a_baseline_that_is_not_a_valid_spec(tmp_path: Path) -> None:
    target = tmp_path / "drift-baseline.yaml"
    target.write_text("# drift baseline: hand edited\nversion: 1\nignore: {}\n", "utf-8")
    with pytest.raises(SpecError) as caught:
        prepare([str(tmp_path)], None)
    assert [p.location.file for p in caught.value.problems] == [str(target)]
