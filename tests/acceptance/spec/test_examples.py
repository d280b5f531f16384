"""The shipped examples validate, and the schemas `drift schema` prints are sound and
documented."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

RunCli = Callable[[list[str]], tuple[int, str, str]]  # the run_cli fixture (conftest.py)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted(p for p in (ROOT / "specs").rglob("*") if p.suffix in (".yaml", ".yml"))
SCHEMAS = {
    "spec": ROOT / "schemas" / "spec.schema.json",
    "report": ROOT / "schemas" / "report.schema.json",
    "plan": ROOT / "schemas" / "plan.schema.json",
}


def test_there_are_examples() -> None:
    assert EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_spec_is_valid(
    example: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(["validate", example.relative_to(ROOT).as_posix()])
    assert (code, err) == (0, ""), out
    assert out.startswith("1 file valid (")


def test_all_examples_together_are_valid(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Together too: no local name or record is declared twice across the files."""
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(["validate"])  # the default path is specs/
    assert (code, err) == (0, ""), out
    assert out.startswith(f"{len(EXAMPLES)} files valid (")


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property and definition of a schema, as (JSON Pointer, subschema); a property
    that is a {"$ref": "#/$defs/NAME"} inherits the title and description of NAME."""
    defs = schema.get("$defs", {})

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        # a $ref'd definition documents the property, unless the property says more itself
        ref = node.get("$ref")
        if isinstance(ref, str):
            assert ref.startswith("#/$defs/"), ref
            target = defs[ref.removeprefix("#/$defs/")]
            assert isinstance(target, dict)
            return {**target, **node}
        return node

    def walk(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, f"{pointer}/{index}")
            return
        if not isinstance(node, dict):
            return
        for keyword, value in node.items():
            where = f"{pointer}/{keyword}"
            if keyword in ("properties", "$defs") and isinstance(value, dict):
                for name, sub in value.items():
                    assert isinstance(sub, dict), f"{where}/{name}"
                    yield f"{where}/{name}", resolve(sub)
                    yield from walk(sub, f"{where}/{name}")
            elif keyword in ("if", "then", "else"):
                continue  # a condition on properties documented where they are declared
            elif keyword not in ("const", "enum", "default", "examples", "required"):
                yield from walk(value, where)

    yield from walk(schema, "#")


@pytest.mark.parametrize("which", sorted(SCHEMAS))
def test_drift_schema_prints_the_schema_file(which: str, run_cli: RunCli) -> None:
    code, out, err = run_cli(["schema", "--which", which])
    assert (code, err) == (0, "")
    assert out == SCHEMAS[which].read_text(encoding="utf-8")


def test_drift_schema_defaults_to_the_spec_schema(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["schema"])
    assert code == 0
    assert out == SCHEMAS["spec"].read_text(encoding="utf-8")


@pytest.mark.parametrize("which", sorted(SCHEMAS))
def test_schema_is_a_valid_2020_12_schema(which: str, run_cli: RunCli) -> None:
    _, out, _ = run_cli(["schema", "--which", which])
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema.get("title") and schema.get("description")


@pytest.mark.parametrize("which", sorted(SCHEMAS))
def test_every_property_has_title_and_description(which: str, run_cli: RunCli) -> None:
    _, out, _ = run_cli(["schema", "--which", which])
    found = list(_properties(json.loads(out)))
    assert found
    undocumented = [
        pointer
        for pointer, sub in found
        if not (isinstance(sub.get("title"), str) and sub["title"].strip())
        or not (isinstance(sub.get("description"), str) and sub["description"].strip())
    ]
    assert undocumented == []


def test_examples_validate_against_the_printed_schema(run_cli: RunCli) -> None:
    """Independently of drift's loader: the examples, read by PyYAML, fit the schema."""
    import yaml

    _, out, _ = run_cli(["schema"])
    validator = jsonschema.Draft202012Validator(json.loads(out))
    for example in EXAMPLES:
        data = yaml.safe_load(example.read_text(encoding="utf-8"))
        errors = [error.message for error in validator.iter_errors(data)]
        assert errors == [], example.name
