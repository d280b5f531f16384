"""The JSON Schemas: found in a source checkout or inside an installed wheel, and applied.

jsonschema is used here and nowhere else: the spec validator (ECMA-262 patterns, and two
measured shortcuts, bench/RESULTS.md) and the check of a JSON report read back."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import jsonschema

from drift.tuning import inline_refs

_HERE = Path(__file__).resolve().parent
# The wheel carries schemas/ inside the package; a checkout has it beside the package.
_CANDIDATES = (_HERE / "schemas", _HERE.parent / "schemas")


def schema_path(name: str) -> Path:
    for folder in _CANDIDATES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"schema {name} is missing from this installation")


def schema_text(name: str) -> str:
    return schema_path(name).read_text(encoding="utf-8")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(schema_text(name)))


SPEC_SCHEMA = "spec.schema.json"
REPORT_SCHEMA = "report.schema.json"
PLAN_SCHEMA = "plan.schema.json"


_STOCK_PROPERTY_NAMES = jsonschema.Draft202012Validator.VALIDATORS["propertyNames"]


def ecma_anchors(pattern: str) -> str:
    """A schema pattern with each `$` outside a character class written `\\Z`. In ECMA-262,
    the dialect of JSON Schema and of editors, `$` is the end of the value; in Python it
    also matches before a final line break, which let `"intg_A1\\n"` through."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
        index += 1
    return "".join(out)


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    # ASCII: `\d` and `\w` mean ASCII digits and letters in ECMA-262, as here
    return re.compile(ecma_anchors(pattern), re.ASCII)


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    """The `pattern` keyword with ECMA-262 anchors (see ecma_anchors)."""
    if isinstance(instance, str) and not _regex(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _property_names(
    validator: Any, names: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    """The stock propertyNames keyword, with a shortcut when the names schema is only a
    pattern and every name matches it (a fifth of the time on a big spec)."""
    if (
        isinstance(names, dict)
        and isinstance(instance, dict)
        and isinstance(names.get("pattern"), str)
        and set(names) <= {"pattern", "title", "description"}
    ):
        regex = _regex(names["pattern"])
        if all(isinstance(name, str) and regex.search(name) for name in instance):
            return
    yield from _STOCK_PROPERTY_NAMES(validator, names, instance, schema)


_STOCK_ADDITIONAL = jsonschema.Draft202012Validator.VALIDATORS["additionalProperties"]


def _additional_properties(
    validator: Any, extra: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    """The stock additionalProperties keyword, with a shortcut for the schema's `else`
    (authType in every integration) when every integration has the keys: it would
    otherwise walk thousands of integrations a second time."""
    if (
        isinstance(extra, dict)
        and set(extra) == {"required"}
        and isinstance(instance, dict)
        and not {"properties", "patternProperties"} & set(schema)
    ):
        keys = extra["required"]
        if all(not isinstance(v, dict) or all(k in v for k in keys) for v in instance.values()):
            return
    yield from _STOCK_ADDITIONAL(validator, extra, instance, schema)


@functools.cache
def _spec_validator() -> Any:
    schema = load_schema(SPEC_SCHEMA)
    validators: Any = jsonschema.validators  # extend() is untyped in the stubs
    cls = validators.extend(
        jsonschema.Draft202012Validator,
        {
            "propertyNames": _property_names,
            "pattern": _pattern,
            "additionalProperties": _additional_properties,
        },
    )
    return cls(inline_refs(schema, schema.get("$defs", {})))


def spec_errors(data: Any) -> Iterator[jsonschema.ValidationError]:
    """Every violation of the spec schema in a loaded document."""
    return _spec_validator().iter_errors(data)  # type: ignore[no-any-return]


def report_error(doc: Any) -> str | None:
    """Why `doc` is not a drift JSON report (`PATH: message`), or None when it is one."""
    return document_error(doc, REPORT_SCHEMA)


def document_error(doc: Any, schema: str) -> str | None:
    """Why `doc` does not follow the published schema `schema` (`PATH: message`), or None."""
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(load_schema(schema)).iter_errors(doc)
    )
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    return f"{where}: {error.message}"
