"""The CI examples shipped in the repository parse, use only real drift commands and flags,
and keep to the hardening rules (`make workflows` runs actionlint and zizmor on them too)."""

from __future__ import annotations

import fnmatch
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
PR = ROOT / ".github/workflows/drift-pr.yml"
NIGHTLY = ROOT / ".github/workflows/drift-nightly.yml"
WORKFLOWS = [PR, NIGHTLY]

_OPERATOR = re.compile(r"^[();<>|&]+$")
_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _jobs(workflow: dict[str, Any]) -> dict[str, Any]:
    jobs: dict[str, Any] = workflow["jobs"]
    return jobs


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in _jobs(workflow).values() for step in job["steps"]]


def _words(line: str) -> list[str]:
    """The words of one shell command line, up to the first operator (`||`, `>`, `;`)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words = []
    for word in lexer:
        if _OPERATOR.match(word):
            break
        words.append(word)
    return words


def _drift_commands(steps: list[dict[str, Any]]) -> list[list[str]]:
    commands = []
    for step in steps:
        script = re.sub(r"\\\n\s*", " ", step.get("run", ""))
        for line in script.splitlines():
            words = _words(line.strip())
            if words[:1] == ["drift"]:
                commands.append(words[1:])
    return commands


def _resolve(args: list[str]) -> tuple[list[str], click.Command | None, list[str]]:
    """The command path (`report merge`), its click command (None: a pending one), and
    the words after it."""
    path: list[str] = []
    command: click.Command = cli
    words = list(args)
    while isinstance(command, click.Group) and words:
        ctx = click.Context(command, info_name=" ".join(["drift", *path]))
        sub = command.get_command(ctx, words[0])  # commands are loaded lazily
        path.append(words.pop(0))
        assert sub is not None, f"drift has no command {' '.join(path)}"
        command = sub
    return path, command, words


def _check_args(args: list[str]) -> None:
    """Every option in `args` exists on the (sub)command, with a valid value."""
    path, command, rest = _resolve(args)
    if command is None:
        return
    name = " ".join(path)
    result = CliRunner().invoke(cli, [*path, "--help"])
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
                fmt = value.partition("=")[0]
                assert fmt in FORMATS, value


def _as_glob(path: str) -> str:
    """A path with its shell variables and `${{ }}` expressions as `*`."""
    return re.sub(r"\$\{\{[^}]*\}\}|\$\{?\w+\}?", "*", path)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_parses_and_uses_real_flags(path: Path) -> None:
    workflow = _load(path)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert triggers
    commands = _drift_commands(_steps(workflow))
    assert any(c[0] == "check" for c in commands)
    for args in commands:
        _check_args(args)
    uploads = [
        step
        for step in _steps(workflow)
        if str(step.get("uses", "")).startswith("actions/upload-artifact")
    ]
    assert uploads
    assert all(step.get("if") == "always()" for step in uploads)
    uploaded = [_as_glob(p) for s in uploads for p in str(s["with"]["path"]).split()]
    written = [a.partition("=")[2] for c in commands for a in c if re.match(r"\w+=", a)]
    assert written
    for report in written:
        assert any(fnmatch.fnmatch(_as_glob(report), glob) for glob in uploaded), report


def _uses_lines(path: Path) -> list[str]:
    return re.findall(r"^\s*(?:- )?uses: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_hardened(path: Path) -> None:
    workflow = _load(path)
    text = path.read_text(encoding="utf-8")
    assert workflow["permissions"] == {}  # each job asks for what it needs
    assert workflow["concurrency"]["group"]
    for name, job in _jobs(workflow).items():
        assert isinstance(job["permissions"], dict), name
        assert job["timeout-minutes"] <= 30, name
        for step in job["steps"]:
            # `${{ }}` in a script is pasted into it before the shell reads it: values
            # reach scripts through env instead
            assert "${{" not in step.get("run", ""), (name, step.get("name"))
            uses = str(step.get("uses", ""))
            if uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            if uses.startswith("actions/setup-python@"):
                assert step["with"]["cache"] == "pip"
    uses = _uses_lines(path)
    assert uses
    for line in uses:
        assert _PINNED.match(line), f"not pinned by commit with a # vX.Y.Z comment: {line}"
    assert "pull_request_target" not in text


def test_workflows_pin_each_action_to_one_commit() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for line in _uses_lines(path):
            action, _, ref = line.partition("@")
            pins.setdefault(action.split("/")[0] + "/" + action.split("/")[1], set()).add(ref)
    assert {action for action, refs in pins.items() if len(refs) > 1} == set()


def _step(workflow: dict[str, Any], job: str, text: str) -> dict[str, Any]:
    (step,) = [s for s in _jobs(workflow)[job]["steps"] if text in s.get("run", "")]
    return step


def test_pr_workflow_gates_on_the_change() -> None:
    workflow = _load(PR)
    triggers = workflow.get("on", workflow.get(True))
    assert "specs/**" in triggers["pull_request"]["paths"]
    job = _jobs(workflow)["drift"]
    assert job["permissions"] == {"contents": "read"}
    assert job["env"]["BASE"] == "origin/${{ github.base_ref }}"
    (checkout,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0  # git history for --changed-since, compare
    commands = _drift_commands(job["steps"])
    assert ["validate", "--format", "github", "specs/"] in commands
    assert ["compare", "$BASE:specs", "specs"] in commands
    check = next(c for c in commands if c[0] == "check")
    assert "--format" not in check  # annotations and step summary come from GITHUB_ACTIONS
    assert check[check.index("--changed-since") + 1] == "$BASE"
    assert check[check.index("--compare-base") + 1] == "$BASE"
    step = _step(workflow, "drift", "drift check")
    assert step["env"]["SIGMAMIND_API_KEY"] == "${{ secrets.SIGMAMIND_API_KEY }}"
    assert step["if"] == "env.LIVE == 'true'"


def test_pr_workflow_skips_the_live_check_without_secrets() -> None:
    workflow = _load(PR)
    live = _jobs(workflow)["drift"]["env"]["LIVE"]
    assert "secrets.SIGMAMIND_API_KEY != ''" in live
    assert "!github.event.pull_request.head.repo.fork" in live
    assert "!= 'dependabot[bot]'" in live
    skipped = _step(workflow, "drift", "::notice")
    assert skipped["if"] == "env.LIVE != 'true'"
    assert "live check skipped" in skipped["run"]
    assert '>> "$GITHUB_STEP_SUMMARY"' in skipped["run"]
    # validate and compare run whatever LIVE says
    for text in ("drift validate", "drift compare"):
        assert "if" not in _step(workflow, "drift", text)


def test_nightly_workflow_shards_merges_and_tracks() -> None:
    workflow = _load(NIGHTLY)
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers
    jobs = _jobs(workflow)
    shards = jobs["check"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))
    step = _step(workflow, "check", "drift check")
    assert step["env"]["SHARD"] == "${{ matrix.shard }}"
    assert step["env"]["SIGMAMIND_API_KEY"] == "${{ secrets.SIGMAMIND_API_KEY }}"
    (check,) = _drift_commands([step])
    assert check[check.index("--shard") + 1] == f"$SHARD/{len(shards)}"
    assert check[check.index("--format") + 1] == "text"
    assert {"json=shard-$SHARD.json", "sarif=shard-$SHARD.sarif"} <= set(check)

    merge = jobs["merge"]
    assert merge["needs"] == "check"
    assert merge["permissions"] == {"contents": "read", "actions": "read"}
    (merged,) = _drift_commands([_step(workflow, "merge", "drift report merge")])
    assert merged[:3] == ["report", "merge", "shard-*.json"]
    assert {"json=drift.json", "sarif=drift.sarif", "markdown=drift.md"} <= set(merged)
    summary = _step(workflow, "merge", "cat drift.md")["run"]
    assert 'cat drift.md >> "$GITHUB_STEP_SUMMARY"' in summary
    previous = _step(workflow, "merge", "gh run download")["run"]
    assert "--name drift-report --dir previous" in previous
    (diff,) = _drift_commands([_step(workflow, "merge", "drift report diff")])
    assert diff[:4] == ["report", "diff", "previous/drift.json", "drift.json"]
    (upload,) = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/upload-")]
    assert upload["with"]["name"] == "drift-report"


def test_nightly_writes_alerts_and_issues_from_their_own_jobs() -> None:
    jobs = _jobs(_load(NIGHTLY))
    writers = {name for name, job in jobs.items() if "write" in job["permissions"].values()}
    assert writers == {"code-scanning", "issue"}
    assert jobs["code-scanning"]["permissions"]["security-events"] == "write"
    (sarif,) = [s for s in jobs["code-scanning"]["steps"] if "upload-sarif" in s.get("uses", "")]
    assert sarif["with"]["sarif_file"] == "drift.sarif"
    issue = jobs["issue"]
    assert issue["permissions"] == {"issues": "write"}
    # only when `drift report diff` says there is new drift (exit 1)
    assert "needs.merge.outputs.new-drift == 'true'" in issue["if"]
    script = issue["steps"][-1]["run"]
    assert "gh issue list --label drift --state open" in script
    assert "gh issue comment" in script
    assert "gh issue create" in script


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
