"""Check a loaded document against the spec JSON Schema; each error at its YAML line."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

import jsonschema

from drift.errors import Problem
from drift.schemas import SPEC_SCHEMA, load_schema
from drift.yamlload import Document, PathT


def dotted(path: PathT) -> str:
    """`integrations.shop.headers.X-Id`, with list indices as `[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _hint(word: object, choices: list[str]) -> str:
    if not isinstance(word, str):
        return ""
    lowered = {c.lower(): c for c in choices}
    match = lowered.get(word.lower()) or next(
        iter(difflib.get_close_matches(word, choices, n=1, cutoff=0.6)), None
    )
    return f" (did you mean {match!r}?)" if match else ""


def _noun(title: str) -> str:
    """'Header name' -> 'header name', but 'SHA-256' stays."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def _type_name(value: object) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "nothing (null)",
    }
    return names.get(type(value), type(value).__name__)


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _schema_of(error: jsonschema.ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _describe(error: jsonschema.ValidationError) -> str:
    kind, value = error.validator, error.instance
    title = _schema_of(error).get("title")
    expected: Any = error.validator_value
    if kind == "const" and error.absolute_path and error.absolute_path[-1] == "version":
        return f"unsupported spec version {value!r} (this drift reads version 1)"
    if kind == "enum":
        choices = [str(c) for c in expected]
        return f"{value!r} is not one of {', '.join(choices)}{_hint(value, choices)}"
    if kind == "type":
        wanted = expected
        wanted_words = " or ".join(
            _TYPE_WORDS.get(str(w), str(w))
            for w in (wanted if isinstance(wanted, list) else [wanted])
        )
        return f"expected {wanted_words}, got {_type_name(value)}"
    if kind == "pattern" and title:
        return f"{value!r} is not a valid {_noun(title)}"
    if kind == "minLength" and value == "":
        return "must not be empty"
    return str(error.message)


def _branch_errors(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """For anyOf/oneOf: the errors of the one branch whose type fits the value, if any."""
    branches: dict[object, list[jsonschema.ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    def misfits(subs: list[jsonschema.ValidationError]) -> bool:
        return any(
            s.validator == "type" and s.absolute_path == error.absolute_path for s in subs
        )

    fitting = [subs for subs in branches.values() if not misfits(subs)]
    return fitting[0] if len(fitting) == 1 else []


def _branch_types(error: jsonschema.ValidationError) -> str:
    wanted: list[str] = []
    for sub in error.context or []:
        if sub.validator == "type" and sub.absolute_path == error.absolute_path:
            words = _TYPE_WORDS.get(str(sub.validator_value), str(sub.validator_value))
            if words not in wanted:
                wanted.append(words)
    return " or ".join(wanted) or "another value"


def _problems_for(error: jsonschema.ValidationError, doc: Document) -> Iterator[Problem]:
    path: PathT = tuple(error.absolute_path)
    kind = error.validator
    if kind in ("anyOf", "oneOf"):
        inner = _branch_errors(error)
        if inner:
            for sub in inner:
                yield from _problems_for(sub, doc)
            return
        yield Problem(doc.location(path), dotted(path),
                      f"expected {_branch_types(error)}, got {_type_name(error.instance)}")
        return
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(_schema_of(error).get("properties", {}))
        for key in sorted(k for k in error.instance if k not in known):
            where = (*path, key)
            yield Problem(
                doc.location(where, key=True),
                dotted(where),
                f"unknown key {key!r}{_hint(key, known)}",
            )
        return
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        yield Problem(
            doc.location(path, key=True), dotted(path), f"missing required key {missing!r}"
        )
        return
    if kind == "propertyNames" or (
        error.relative_schema_path and "propertyNames" in error.relative_schema_path
    ):
        name = error.instance
        where = (*path, name) if isinstance(name, str) else path
        title = _schema_of(error).get("title", "name")
        yield Problem(
            doc.location(where, key=True),
            dotted(where),
            f"{name!r} is not a valid {_noun(title)}",
        )
        return
    yield Problem(doc.location(path), dotted(path), _describe(error))


def schema_problems(doc: Document) -> list[Problem]:
    """Every schema violation of one document, at its line and column."""
    validator = jsonschema.Draft202012Validator(load_schema(SPEC_SCHEMA))
    problems: list[Problem] = []
    for error in validator.iter_errors(doc.data):
        problems.extend(_problems_for(error, doc))
    return problems


def check_schema_itself(schema: dict[str, Any]) -> None:
    """Raise if `schema` is not a valid 2020-12 schema (used by tests and `drift schema`)."""
    jsonschema.Draft202012Validator.check_schema(schema)
