"""The CLI seam: each command parses its flags into a typed options object and hands it to
`execute`. Tested without a server: `execute` is replaced and the object is inspected."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from click.testing import CliRunner

from drift.cli import apply, baseline, check, import_, plan
from drift.judge.select import Selection
from drift.live.settings import ApiOptions


def _parsed(module: Any, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> Any:
    seen: list[Any] = []
    monkeypatch.setattr(module, "execute", lambda options: seen.append(options) or 0)
    command = next(v for k, v in vars(module).items() if k.endswith("_command"))
    result = CliRunner().invoke(command, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (options,) = seen
    return options


def test_check_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    options = _parsed(check, monkeypatch, [])
    assert options == check.CheckOptions(
        paths=["specs"],
        fmt=None,
        reports=[],
        compare_base=None,
        changed_since=None,
        verbose=False,
        quiet=False,
        api=ApiOptions(),
        selection=Selection(),
    )


def test_check_every_flag(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    report = str(tmp_path / "r.json")
    options = _parsed(
        check,
        monkeypatch,
        [
            *("a.yaml", "b", "--format", "sarif", "--report", f"json={report}"),
            *("--compare-base", "main", "--changed-since", "origin/main", "-v", "-q"),
            *("--base-url", "https://x.test", "--api-key-env", "KEY", "--timeout", "2.5"),
            *("--retries", "0", "--concurrency", "64", "--max-rps", "5", "--deadline", "60"),
            *("--max-response-bytes", "2048", "--only", "a*", "--only", "b"),
            *("--exclude", "c", "--tag", "prod", "--shard", "2/4"),
        ],
    )
    assert options.paths == ["a.yaml", "b"]
    assert (options.fmt, options.reports) == ("sarif", [("json", report)])
    assert (options.compare_base, options.changed_since) == ("main", "origin/main")
    assert (options.verbose, options.quiet) == (True, True)
    assert options.api == ApiOptions("https://x.test", "KEY", 2.5, 0, 64, 5.0, 60.0, 2048)
    assert options.selection == Selection(("a*", "b"), ("c",), ("prod",), "2/4")


def test_baseline_import_plan_apply(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    options = _parsed(baseline, monkeypatch, ["s", "-o", "b.yaml", "--until", "2027-03-31"])
    assert (options.paths, options.output) == (["s"], "b.yaml")
    assert options.until == datetime.date(2027, 3, 31)
    ids = tmp_path / "ids.txt"
    ids.write_text("intg_A\nintg_B:auth_B\n", encoding="utf-8")
    options = _parsed(import_, monkeypatch, ["intg_C", "--from-file", str(ids), "--merge"])
    assert options.ids == ("intg_C",)
    assert options.id_file == (str(ids), ["intg_A", "intg_B:auth_B"])
    assert (options.output, options.merge) == (None, True)
    options = _parsed(plan, monkeypatch, ["-o", "p.json", "--format", "markdown", "--tag", "t"])
    assert (options.output, options.fmt, options.selection.tags) == ("p.json", "markdown", ("t",))
    options = _parsed(apply, monkeypatch, ["p.json", "--auto-approve", "--max-changes", "3"])
    assert (options.plan_file, options.auto_approve, options.max_changes) == ("p.json", True, 3)


@pytest.mark.parametrize(
    ("module", "args", "message"),
    [
        (check, ["--report", "yaml=x"], "expected FORMAT=PATH"),
        (check, ["--timeout", "nan"], "is not a finite number"),
        (check, ["--concurrency", "0"], "0 is not in the range"),
        (plan, ["--report", "junit=x"], "a plan is written as"),
    ],
)
def test_bad_flags_are_refused_before_execute(
    module: Any, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "execute", pytest.fail)
    command = next(v for k, v in vars(module).items() if k.endswith("_command"))
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 2
    assert message in result.output
