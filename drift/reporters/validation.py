"""Output of `drift validate`: text lines, JSON, or GitHub annotations.

Each shows at most the first MAX_PROBLEMS problems, then says how many there are in all:
a 10 MiB hostile spec must not print hundreds of thousands of lines."""

from __future__ import annotations

import json

from drift import __version__
from drift.errors import ExitCode, Problem
from drift.model.desired import Spec
from drift.reporters.escape import gh_command, json_safe


def summary(spec: Spec, problems: list[Problem]) -> str:
    files = len(spec.files)
    file_word = "file" if files == 1 else "files"
    if not problems:
        count = len(spec.integrations)
        return f"{files} {file_word} valid ({count} integration{'' if count == 1 else 's'})"
    bad = len({p.location.file for p in problems})
    total = max(files, bad)
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{len(problems)} {noun} in {bad} of {total} {'file' if total == 1 else 'files'}"


MAX_PROBLEMS = 1000


def not_shown(problems: list[Problem]) -> str:
    """The line that stands for the problems beyond the first MAX_PROBLEMS ("" if none)."""
    rest = len(problems) - MAX_PROBLEMS
    if rest <= 0:
        return ""
    return f"... and {rest} more problems not shown ({len(problems)} in all)\n"


def render_text(spec: Spec, problems: list[Problem]) -> str:
    shown = "".join(f"{p}\n" for p in problems[:MAX_PROBLEMS])
    return shown + not_shown(problems) + summary(spec, problems) + "\n"


def render_json(spec: Spec, problems: list[Problem]) -> str:
    doc: dict[str, object] = {
        "schemaVersion": 1,
        "tool": {"name": "drift", "version": __version__},
        "valid": not problems,
        "exitCode": int(ExitCode.USAGE if problems else ExitCode.OK),
        "files": spec.files,
        "integrations": len(spec.integrations),
        "problems": [
            {
                "file": p.location.file,
                "line": p.location.line,
                "column": p.location.column,
                "path": p.path,
                "message": p.message,
            }
            for p in problems[:MAX_PROBLEMS]
        ],
    }
    if len(problems) > MAX_PROBLEMS:
        doc["problemsNotShown"] = len(problems) - MAX_PROBLEMS
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def render_github(spec: Spec, problems: list[Problem]) -> str:
    lines = [
        gh_command(
            "error",
            f"{p.path}: {p.message}" if p.path else p.message,
            file=p.location.file,
            line=p.location.line,
            col=p.location.column,
            title="drift validate",
        )
        for p in problems[:MAX_PROBLEMS]
    ]
    shown = "".join(f"{line}\n" for line in lines)
    return shown + not_shown(problems) + summary(spec, problems) + "\n"
