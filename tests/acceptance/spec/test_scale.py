"""A large spec validates, and its problems are still found and placed. How fast is for
`make bench` (bench/run.py times `drift validate` of 10,000 integrations): a time limit
here would fail on a loaded machine and prove nothing on an idle one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

RunCli = Callable[[list[str]], tuple[int, str, str]]  # the run_cli fixture (conftest.py)

COUNT = 10_000


def big_spec(count: int) -> str:
    rows = ["version: 1", "integrations:"]
    for i in range(count):
        rows += [
            f"  svc_{i:05d}:",
            f"    integrationId: intg_{i:08d}Ab",
            f"    authId: auth_{i:08d}Cd",
            "    authType: API_KEY",
            "    headers:",
            f"      X-Team: team-{i % 17}",
            "      Accept: application/json",
        ]
    return "\n".join(rows) + "\n"


def test_ten_thousand_integrations(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("big.yaml").write_text(big_spec(COUNT), encoding="utf-8")
    code, out, err = run_cli(["validate", "big.yaml"])
    assert (code, out, err) == (0, f"1 file valid ({COUNT} integrations)\n", "")


def test_ten_thousand_integrations_with_one_problem_each_side(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Problems are still found, and placed, in a big file."""
    monkeypatch.chdir(tmp_path)
    text = big_spec(COUNT).replace("    authType: API_KEY\n", "    authType: APIKEY\n", 1)
    text = text.replace("      X-Team: team-16\n", "      x-team: a\n      X-Team: team-16\n", 1)
    Path("big.yaml").write_text(text, encoding="utf-8")
    code, out, _ = run_cli(["validate", "big.yaml"])
    assert code == 2
    assert out.splitlines() == [
        "big.yaml:6:15: integrations.svc_00000.authType: 'APIKEY' is not one of NO_AUTH, "
        "BASIC_AUTH, BEARER_TOKEN, API_KEY (did you mean 'API_KEY'?)",
        "big.yaml:121:7: integrations.svc_00016.headers.X-Team: header 'X-Team' differs only "
        "in case from 'x-team' (line 120); header names are case-insensitive",
        "2 problems in 1 of 1 file",
    ]
