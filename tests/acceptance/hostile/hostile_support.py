"""What the hostile-server tests share: the key, types, and spec and record builders.
(A module of its own: `from conftest import` would find whichever conftest came last.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from hostile_server import Hostile, Route

KEY = "hostile-test-KEY-7f3a9c2e51d4b8"  # long enough that any 8 characters identify it
RunCli = Callable[[list[str]], tuple[int, str, str]]
Start = Callable[[Route], Hostile]

# every variable that could send drift's requests somewhere else
PROXY_VARIABLES = [
    spelling
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    for spelling in (name, name.upper())
]


def write_spec(path: Path, entries: dict[str, dict[str, object]]) -> Path:
    """A spec file with these integrations (JSON is YAML: no quoting surprises)."""
    path.write_text(json.dumps({"version": 1, "integrations": entries}, indent=1), "utf-8")
    return path


def record(
    iid: str, auth_type: str = "API_KEY", headers: dict[str, str] | None = None
) -> dict[str, object]:
    """An integration with its auth record embedded, as the API sends it."""
    return {
        "integrationId": iid,
        "name": iid,
        "authentication": {
            "authId": "auth_" + iid.removeprefix("intg_"),
            "integrationId": iid,
            "authType": auth_type,
            "headers": [{"key": k, "value": v} for k, v in (headers or {}).items()],
        },
    }
