"""Output of `drift validate`: text lines, JSON, or GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Callable

from drift import __version__
from drift.errors import ExitCode, Problem
from drift.reporters.escape import gh_command
from drift.spec import Spec


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


def render_text(spec: Spec, problems: list[Problem]) -> str:
    return "".join(f"{p}\n" for p in problems) + summary(spec, problems) + "\n"


def render_json(spec: Spec, problems: list[Problem]) -> str:
    doc = {
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
            for p in problems
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


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
        for p in problems
    ]
    return "".join(f"{line}\n" for line in lines) + summary(spec, problems) + "\n"


RENDERERS: dict[str, Callable[[Spec, list[Problem]], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
}
