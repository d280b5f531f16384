"""Check a loaded document against the spec JSON Schema; each error at its YAML line."""

from __future__ import annotations

import difflib
import json
import reprlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from drift.errors import Problem
from drift.model.matchers import MATCHER_KEYS
from drift.schemas import spec_errors
from drift.spec.yamlload import Document, PathT

if TYPE_CHECKING:
    import jsonschema


def dotted(path: PathT) -> str:
    """`integrations.shop.headers.X-Id`, with list indices as `[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # a key with a newline or other control character must not break the line
            text = part if part.isprintable() else repr(part)[1:-1]
            if len(text) > 80:  # a hostile 5 MB key must not become a 5 MB line
                text = f"{text[:38]}...{text[-38:]}"
            out += f".{text}" if out else text
    return out


_SHORT = reprlib.Repr()
_SHORT.maxstring = 80
_SHORT.maxother = 80


def _show(value: object) -> str:
    """repr() of a value from the spec, shortened so that a huge one cannot flood the
    output."""
    return _SHORT.repr(value)


def _hint(word: object, choices: list[str]) -> str:
    # a word 4 times longer than every choice can never reach the 0.6 cutoff, and difflib
    # on a multi-megabyte key takes seconds and hundreds of MB
    if not isinstance(word, str) or len(word) > 4 * max(map(len, choices), default=0):
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
        return f"unsupported spec version {_show(value)} (this drift reads version 1)"
    if kind == "const":
        return f"must be {json.dumps(expected)}"
    if kind == "uniqueItems" and isinstance(value, list):
        seen: set[str] = set()
        for item in value:
            text = json.dumps(item, sort_keys=True, default=str)
            if text in seen:
                return f"{_show(item)} is listed more than once"
            seen.add(text)
    if kind == "enum":
        choices = [str(c) for c in expected]
        return f"{_show(value)} is not one of {', '.join(choices)}{_hint(value, choices)}"
    if kind == "type":
        wanted = expected
        wanted_words = " or ".join(
            _TYPE_WORDS.get(str(w), str(w))
            for w in (wanted if isinstance(wanted, list) else [wanted])
        )
        return f"expected {wanted_words}, got {_type_name(value)}"
    if kind in ("minProperties", "maxProperties") and title == "Exact matcher":
        return "an accepted value needs exactly one of equals, sha256, absent"
    if kind == "pattern" and title == "Until":
        return f"{_show(value)} is not a date (YYYY-MM-DD)"
    if kind in ("pattern", "minLength") and value == "":
        return "must not be empty"
    if kind == "pattern" and title == "SHA-256":
        # what was pasted where a digest belongs may be the secret itself: never echo it
        return "is not a SHA-256 digest (64 hex digits); the value is not shown"
    if kind == "pattern" and title:
        return f"{_show(value)} is not a valid {_noun(title)}"
    return str(error.message)


def _branch_errors(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """For anyOf/oneOf: the errors of the one branch whose type fits the value, if any."""
    branches: dict[object, list[jsonschema.ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def misfits(subs: list[jsonschema.ValidationError]) -> bool:
        return any(s.validator == "type" and s.absolute_path == error.absolute_path for s in subs)

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


def _missing_key(error: jsonschema.ValidationError) -> str:
    """The key a `required` error is about (jsonschema says "'name' is a required ...")."""
    message = str(error.message)
    return message.split("'")[1] if "'" in message else message


def _matcher_problem(error: jsonschema.ValidationError, doc: Document) -> Iterator[Problem]:
    """A matcher without exactly one kind; not said again for one with an unknown key,
    whose own problem (a misspelt kind, most likely) is reported instead."""
    path: PathT = tuple(error.absolute_path)
    matcher = error.instance if isinstance(error.instance, dict) else {}
    if set(matcher) <= {*MATCHER_KEYS, "secret"}:
        kinds = [key for key in MATCHER_KEYS if key in matcher]
        found = ", ".join(kinds) or "none"
        yield Problem(
            doc.location(path),
            dotted(path),
            f"a matcher needs exactly one of {', '.join(MATCHER_KEYS)} (found {found})",
        )


def _problems_for(error: jsonschema.ValidationError, doc: Document) -> Iterator[Problem]:
    path: PathT = tuple(error.absolute_path)
    kind = error.validator
    title = _schema_of(error).get("title")
    if kind == "oneOf" and title == "Value matcher":
        yield from _matcher_problem(error, doc)
        return
    if kind in ("anyOf", "oneOf"):
        inner = _branch_errors(error)
        if inner:
            for sub in inner:
                yield from _problems_for(sub, doc)
            return
        subs = error.context or []
        if subs and all(sub.validator == "required" for sub in subs):
            # e.g. anyOf: [{required: [integrations]}, {required: [ignore]}]
            names = " or ".join(dict.fromkeys(repr(_missing_key(sub)) for sub in subs))
            yield Problem(
                doc.location(path, key=True), dotted(path), f"missing required key {names}"
            )
            return
        yield Problem(
            doc.location(path),
            dotted(path),
            f"expected {_branch_types(error)}, got {_type_name(error.instance)}",
        )
        return
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(_schema_of(error).get("properties", {}))
        for key in sorted(k for k in error.instance if k not in known):
            where = (*path, key)
            message = f"unknown key {_show(key)}{_hint(key, known)}"
            if key == "integration" and title == "Ignore rule":
                message = "'integration' is only allowed in top-level ignore rules"
            yield Problem(doc.location(where, key=True), dotted(where), message)
        return
    if kind == "required":
        missing = _missing_key(error)
        # the top-level `else`: no authType in this file's defaults, none here either
        hint = " (set it here or in defaults)" if missing == "authType" else ""
        yield Problem(
            doc.location(path, key=True), dotted(path), f"missing required key {missing!r}{hint}"
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
            f"{_show(name)} is not a valid {_noun(title)}",
        )
        return
    yield Problem(doc.location(path), dotted(path), _describe(error))


def schema_problems(doc: Document) -> list[Problem]:
    """Every schema violation of one document, at its line and column."""
    problems: list[Problem] = []
    for error in spec_errors(doc.data):
        problems.extend(_problems_for(error, doc))
    return list(dict.fromkeys(problems))  # one line per problem, even if two rules fire
