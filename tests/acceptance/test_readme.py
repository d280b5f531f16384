"""README.md is the manual: every flag, spec field, format and exit code is in it, and its
`drift validate` example really produces the output it shows."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest

from drift.cli.main import cli, main
from drift.reporters import FORMATS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _commands(cmd: click.Command, ctx: click.Context) -> list[tuple[str, click.Command]]:
    found = [(ctx.command_path, cmd)]
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            assert sub is not None, name
            found += _commands(
                sub, click.Context(sub, info_name=name, parent=ctx, **sub.context_settings)
            )
    return found


def _long_options() -> set[tuple[str, str]]:
    root = click.Context(cli, info_name="drift", **cli.context_settings)
    options = set()
    for path, cmd in _commands(cli, root):
        ctx = click.Context(cmd, info_name=path, **cli.context_settings)
        for param in cmd.get_params(ctx):
            for opt in (*param.opts, *param.secondary_opts):
                if opt.startswith("--"):
                    options.add((path, opt))
    return options


def test_every_long_option_is_documented() -> None:
    options = _long_options()
    assert ("drift check", "--compare-base") in options  # the walk reaches lazy commands
    assert ("drift report merge", "--report") in options  # and nested groups
    missing = sorted(
        f"{path} {opt}"
        for path, opt in options
        if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", README)
    )
    assert not missing, f"options missing from README.md: {missing}"


def _property_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                names.update(value)
            names |= _property_names(value)
    elif isinstance(node, list):
        for item in node:
            names |= _property_names(item)
    return names


def test_every_spec_field_is_documented() -> None:
    schema = json.loads((ROOT / "schemas" / "spec.schema.json").read_text(encoding="utf-8"))
    names = _property_names(schema)
    assert {"version", "integrationId", "sha256", "until"} <= names
    missing = sorted(name for name in names if not re.search(rf"\b{re.escape(name)}\b", README))
    assert not missing, f"spec fields missing from README.md: {missing}"


def test_every_report_field_is_documented() -> None:
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    names = _property_names(schema)
    missing = sorted(name for name in names if not re.search(rf"\b{re.escape(name)}\b", README))
    assert not missing, f"report fields missing from README.md: {missing}"


def test_exit_code_table_lists_every_code() -> None:
    section = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| *(\d+) *\|", section, re.MULTILINE)
    assert sorted(int(code) for code in rows) == [0, 1, 2, 3, 130, 143]


def test_every_report_format_is_documented() -> None:
    for name in FORMATS:
        assert f"`{name}`" in README, name


def test_readme_opens_with_make_demo_and_make_test() -> None:
    first = FENCE.search(README)
    assert first is not None
    assert "make demo" in first.group(1)
    assert "make test" in first.group(1)
    assert README.index("make demo") < README.index("## ")


def _validate_examples() -> list[tuple[str, str, str, int]]:
    """(input file name, input text, command + expected output, exit code) per example."""
    marker = re.compile(r"<!-- example: validate (input=(\S+)|output exit=(\d+)) -->\n")
    examples = []
    pending: tuple[str, str] | None = None
    for match in marker.finditer(README):
        block = FENCE.match(README, match.end())
        assert block is not None, f"no code block right after {match.group(0)!r}"
        if match.group(2):
            pending = (match.group(2), block.group(1))
        else:
            assert pending is not None, "a validate output example without an input"
            examples.append((*pending, block.group(1), int(match.group(3))))
            pending = None
    return examples


EXAMPLES = _validate_examples()


def test_readme_has_a_validate_example() -> None:
    assert EXAMPLES


@pytest.mark.parametrize(("name", "text", "transcript", "code"), EXAMPLES)
def test_validate_example_output_is_real(
    name: str,
    text: str,
    transcript: str,
    code: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    command, expected = transcript.split("\n", 1)
    assert command.startswith("$ drift ")
    spec = tmp_path / name
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    with pytest.raises(SystemExit) as exited:
        main(shlex.split(command)[2:])
    assert exited.value.code == code
    assert capsys.readouterr().out == expected
