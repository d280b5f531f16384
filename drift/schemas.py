"""Find the JSON Schema files, in a source checkout or inside an installed wheel."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, cast

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
