"""Write drift specs that match the emulator's `generated_data(n, seed)` exactly."""

from __future__ import annotations

import json
from pathlib import Path

from drift.emulator import generated_data


def write_spec(path: Path, n: int, seed: int, first: int | None = None) -> int:
    """Write a spec for the first `first` (default all) of `n` generated integrations."""
    data = generated_data(n, seed)
    auth = {a["authId"]: a for a in data["auth"]}
    lines = ["version: 1", "integrations:"]
    count = 0
    for intg in data["integrations"][: first if first is not None else n]:
        rec = auth[intg["authentication"]]
        lines.append(f"  {intg['integrationId'].removeprefix('intg_')}:")
        lines.append(f"    integrationId: {intg['integrationId']}")
        lines.append(f"    authId: {rec['authId']}")
        lines.append(f"    authType: {rec['authType']}")
        if rec["headers"]:
            lines.append("    headers:")
            for name, value in rec["headers"].items():
                lines.append(f"      {name}: {json.dumps(value)}")
        else:
            lines.append("    headers: {}")
        count += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count
