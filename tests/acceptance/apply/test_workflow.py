"""The push-to-main workflow that applies the spec: real drift commands and flags, actions
pinned by commit, the apply behind a protected environment, plan and report uploaded."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import yaml

from drift.cli.main import cli

ROOT = Path(__file__).resolve().parents[3]
WORKFLOW = ROOT / ".github/workflows/drift-apply.yml"


def load() -> Any:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def drift_commands(job: dict[str, Any]) -> list[list[str]]:
    out = []
    for step in job["steps"]:
        for line in step.get("run", "").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["drift"]:
                out.append(words[1:])
    return out


def check_flags(args: list[str]) -> None:
    ctx = click.Context(cli, **cli.context_settings)
    command = cli.get_command(ctx, args[0])
    assert command is not None, args[0]
    options = {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    words = iter(args[1:])
    for word in words:
        if word.startswith("-"):
            assert word in options, f"drift {args[0]} has no option {word}"
            if not options[word].is_flag:
                next(words)


def test_triggers_and_least_permissions() -> None:
    workflow = load()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert "specs/**" in triggers["push"]["paths"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_actions_are_pinned_by_commit_and_checkout_keeps_no_credentials() -> None:
    for job in load()["jobs"].values():
        for step in job["steps"]:
            uses = step.get("uses")
            if uses is None:
                continue
            assert re.fullmatch(r"actions/[\w-]+@[0-9a-f]{40}", uses), uses
            if uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_plan_then_apply_in_a_protected_environment() -> None:
    jobs = load()["jobs"]
    plan, apply = jobs["plan"], jobs["apply"]
    assert "environment" not in plan
    assert apply["environment"] == "sigmamind-production"
    assert apply["needs"] == "plan"
    (planning,) = [c for c in drift_commands(plan) if c[0] == "plan"]
    assert planning[2:4] == ["-o", "drift-plan.json"]
    (applying,) = drift_commands(apply)
    assert applying[:3] == ["apply", "drift-plan.json", "--auto-approve"]
    for args in [*drift_commands(plan), applying]:
        check_flags(args)
    for job in (plan, apply):
        (key,) = [s["env"] for s in job["steps"] if "env" in s]
        assert key == {"SIGMAMIND_API_KEY": "${{ secrets.SIGMAMIND_API_KEY }}"}


def test_plan_and_apply_report_are_uploaded_always() -> None:
    jobs = load()["jobs"]
    uploaded: list[str] = []
    for job in jobs.values():
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/upload-artifact@"):
                assert step["if"] == "always()"
                uploaded += str(step["with"]["path"]).split()
    assert set(uploaded) == {
        "drift-plan.json",
        "drift-plan.md",
        "drift-apply.json",
        "drift-apply.md",
    }
    (download,) = [
        s for s in jobs["apply"]["steps"] if str(s.get("uses", "")).startswith("actions/download")
    ]
    assert download["with"]["name"] == "drift-plan"
