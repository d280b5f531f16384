"""The CI examples shipped in the repository parse and use only real drift commands and flags."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from drift.cli.main import cli
from drift.reporters import FORMATS

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = [ROOT / ".github/workflows/drift-pr.yml", ROOT / ".github/workflows/drift-nightly.yml"]


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _drift_commands(workflow: dict[str, Any]) -> list[list[str]]:
    commands = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            script = re.sub(r"\\\n\s*", " ", step.get("run", ""))
            for line in script.splitlines():
                words = shlex.split(line, comments=True)
                if words[:1] == ["drift"]:
                    commands.append(words[1:])
    return commands


def _check_args(args: list[str]) -> None:
    """Every option in `args` exists on the subcommand, with a valid value."""
    name, rest = args[0], args[1:]
    command = cli.get_command(
        click.Context(cli, **cli.context_settings), name
    )  # commands are loaded lazily
    assert command is not None, f"drift has no command {name}"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    options = {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    words = iter(rest)
    for word in words:
        if not word.startswith("-"):
            continue
        flag, _, value = word.partition("=")
        assert flag in options, f"drift {name} has no option {flag}"
        assert flag in result.output
        param = options[flag]
        if not param.is_flag:
            value = value or next(words)
            if isinstance(param.type, click.Choice):
                assert value in param.type.choices, f"{flag} {value}"
            if flag == "--report":
                assert value.partition("=")[0] in FORMATS, value


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_parses_and_uses_real_flags(path: Path) -> None:
    workflow = _load(path)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert triggers
    commands = _drift_commands(workflow)
    assert any(c[0] == "check" for c in commands)
    for args in commands:
        _check_args(args)
    uploads = [
        step
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("actions/upload-artifact")
    ]
    assert uploads
    assert all(step.get("if") == "always()" for step in uploads)
    uploaded = " ".join(str(step["with"]["path"]) for step in uploads).split()
    written = [a.partition("=")[2] for c in commands for a in c if re.match(r"\w+=", a)]
    assert written
    assert set(written) <= set(uploaded)


def test_pr_workflow_shape() -> None:
    workflow = _load(WORKFLOWS[0])
    triggers = workflow.get("on", workflow.get(True))
    assert "specs/**" in triggers["pull_request"]["paths"]
    commands = _drift_commands(workflow)
    assert ["validate", "--format", "github", "specs/"] in commands
    check = next(c for c in commands if c[0] == "check")
    assert "--format" not in check  # annotations and step summary come from GITHUB_ACTIONS
    (step,) = [s for s in workflow["jobs"]["drift"]["steps"] if "drift check" in s.get("run", "")]
    assert step["env"]["SIGMAMIND_API_KEY"] == "${{ secrets.SIGMAMIND_API_KEY }}"


def test_nightly_workflow_shape() -> None:
    workflow = _load(WORKFLOWS[1])
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers
    check = next(c for c in _drift_commands(workflow) if c[0] == "check")
    assert check[check.index("--format") + 1] == "text"
    assert "json=drift-report.json" in check


def test_pre_commit_hook() -> None:
    (hook,) = _load(ROOT / ".pre-commit-hooks.yaml")
    assert hook["id"] == "drift-validate"
    assert hook["entry"] == "drift validate"
    assert hook["language"] == "python"
    # the whole folder: cross-file rules (clashes, rules naming integrations) need it
    assert hook["pass_filenames"] is False
    assert hook["args"] == ["specs/"]
    files = re.compile(hook["files"])
    assert files.search("specs/prod.yaml")
    assert files.search("specs/team/a.yml")
    assert not files.search("specs/readme.md")
    assert not files.search(".github/workflows/drift-pr.yml")
    _check_args(hook["entry"].split()[1:] + hook["args"])
