"""The nightly flow through the real CLI against the emulator: sharded checks, a merge to
JSON and SARIF, and `report diff` against the previous night. A drift that stays keeps its
SARIF fingerprint; only a new one makes `report diff` exit 1."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from drift.emulator import Emulator
from drift.judge.select import shard_of

Run = Callable[[list[str]], tuple[int, str, str]]
Make = Callable[..., Emulator]

NAMES = [f"n{i}" for i in range(6)]
SPEC = "version: 1\nintegrations:\n" + "".join(
    f"  {n}:\n    integrationId: intg_{n}\n    authType: API_KEY\n    headers:\n      X-Team: web\n"
    for n in NAMES
)
DATA: dict[str, Any] = {
    "integrations": [
        {"integrationId": f"intg_{n}", "name": n, "authentication": f"auth_{n}"} for n in NAMES
    ],
    "auth": [
        {
            "authId": f"auth_{n}",
            "integrationId": f"intg_{n}",
            "authType": "API_KEY",
            "headers": {"X-Team": "web"},
            "updatedAt": "2024-03-04T05:06:07.000Z",
        }
        for n in NAMES
    ],
}


def _night(
    run: Run, emu: Emulator, night: str, drifted: set[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two shards, merged; returns the merged JSON and SARIF documents. A shard exits 1
    when it holds one of the `drifted` names, else 0."""
    for k in (1, 2):
        code, _, err = run(
            [
                "check",
                "specs",
                "--base-url",
                emu.url,
                "-q",
                "--shard",
                f"{k}/2",
                "--format",
                "json",
                "--report",
                f"json={night}-{k}.json",
            ]
        )
        expected = 1 if any(shard_of(name, 2) == k for name in drifted) else 0
        assert code == expected, err
    code, _, err = run(
        [
            "report",
            "merge",
            f"{night}-1.json",
            f"{night}-2.json",
            "--report",
            f"json={night}.json",
            "--report",
            f"sarif={night}.sarif",
            "--format",
            "json",
        ]
    )
    assert code == 1, err  # both nights have drift
    merged = json.loads(Path(f"{night}.json").read_text(encoding="utf-8"))
    sarif = json.loads(Path(f"{night}.sarif").read_text(encoding="utf-8"))
    return merged, sarif


def _alerts(sarif: dict[str, Any]) -> dict[str, str]:
    return {
        r["partialFingerprints"]["driftFinding/v1"]: r["message"]["text"]
        for r in sarif["runs"][0]["results"]
    }


def test_nightly_runs_diff_and_keep_their_alerts(
    run: Run, emulator: Make, api_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text(SPEC, encoding="utf-8")
    data = copy.deepcopy(DATA)
    data["auth"][1]["headers"] = {"X-Team": "mobile"}
    first, first_sarif = _night(run, emulator(data), "mon", {"n1"})
    assert first["summary"]["drifted"] == 1
    assert {i["updatedAt"] for i in first["integrations"]} == {"2024-03-04T05:06:07Z"}
    assert first["generatedAt"].endswith("Z")

    # Tuesday: n1 still drifts with another value, n4 drifts too; a line moved in the spec
    data["auth"][1]["headers"] = {"X-Team": "ops"}
    data["auth"][4]["authType"] = "BEARER_TOKEN"
    (tmp_path / "specs" / "a.yaml").write_text(
        SPEC.replace("version: 1\n", "version: 1\n\n"), encoding="utf-8"
    )
    second, second_sarif = _night(run, emulator(data), "tue", {"n1", "n4"})
    assert second["summary"]["drifted"] == 2
    before, after = _alerts(first_sarif), _alerts(second_sarif)
    # n1's alert is the same alert (its value and line changed); n4's is new
    assert set(before) < set(after) and len(after) == 2
    assert [after[k] for k in set(after) - set(before)] == [
        'n4 (intg_n4 / embedded auth): ~ /authType: "API_KEY" -> "BEARER_TOKEN"'
    ]

    code, out, err = run(["report", "diff", "mon.json", "tue.json"])
    assert (code, err) == (1, "")
    assert out.splitlines()[-1] == "2 new, 1 resolved, 0 still present"
    code, out, _ = run(["report", "diff", "tue.json", "tue.json", "--format", "json"])
    assert (code, json.loads(out)["summary"]) == (
        0,
        {"new": 0, "resolved": 0, "present": 2, "unverified": 0},
    )
