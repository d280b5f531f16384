"""drift.planfile: a plan survives the round trip, and anything else is refused with one
line naming the file (apply then exits 2, nothing sent)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from drift.errors import Location, UsageError
from drift.model.plan import CANNOT_APPLY, NONE, UPDATE, LiveState, Plan, PlanHeader, PlannedRecord
from drift.model.results import Change, Status
from drift.reporters.planfile import as_dict, read_plan, render

HERE = Location("specs/a.yaml", 3, 3)
LIVE = LiveState("auth_A", "API_KEY", "2024-01-01T00:00:00Z", "a" * 64)

PLAN = Plan(
    base_url="https://api.test",
    created_at="2026-01-01T00:00:00Z",
    spec_digest="b" * 64,
    declared=3,
    records=[
        PlannedRecord(
            "a",
            "intg_A",
            "auth_A",
            "API_KEY",
            HERE,
            UPDATE,
            Status.DRIFTED,
            (Change("changed", "/headers/X-A", "2", "1", HERE, None),),
            live=LIVE,
            headers=(
                PlanHeader("X-A", "spec", value="2"),
                PlanHeader("Authorization", "live", sha256="c" * 64),
                PlanHeader("X-Key", "env", env="KEY_VAR"),
            ),
        ),
        PlannedRecord("b", "intg_B", None, "NO_AUTH", HERE, NONE, Status.IN_SYNC, live=LIVE),
        PlannedRecord(
            "c",
            "intg_C",
            "auth_C",
            "API_KEY",
            HERE,
            CANNOT_APPLY,
            Status.NOT_FOUND,
            reason="not found: gone",
        ),
    ],
)


def write(tmp_path: Path, doc: Any) -> str:
    path = tmp_path / "plan.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def test_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path, render(PLAN))
    back = read_plan(path)
    assert back.records == PLAN.records
    assert (back.base_url, back.spec_digest, back.declared) == (
        PLAN.base_url,
        PLAN.spec_digest,
        3,
    )
    assert as_dict(back)["summary"] == {"records": 3, "update": 1, "none": 1, "cannotApply": 1}


def edited(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = as_dict(PLAN)
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("{", "not JSON: Expecting property name"),
        ([], "not a valid drift plan: (top): [] is not of type 'object'"),
        (edited(lambda d: d.update(kind="report")), "kind: 'drift-plan' was expected"),
        (
            edited(lambda d: d["records"][0].update(live=None)),
            "not a valid drift plan: records/0/live: None is not of type 'object'",
        ),
        (
            edited(lambda d: d["records"][0]["headers"][0].update(sha256="c" * 64)),
            "records/0/headers/0",
        ),
        (
            edited(lambda d: d["records"][0]["headers"][1].update(origin="spec")),
            "a: header 'Authorization' has origin 'spec' with 'sha256'",
        ),
        (
            edited(lambda d: d["records"][1].update(name="a")),
            "not a valid drift plan: a is there twice",
        ),
        (
            edited(lambda d: d["records"][2].update(reason=None)),
            "records/2/reason: None is not of type 'string'",
        ),
    ],
)
def test_a_bad_plan_is_refused(tmp_path: Path, doc: Any, message: str) -> None:
    path = write(tmp_path, doc)
    with pytest.raises(UsageError) as info:
        read_plan(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_an_unreadable_plan_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"missing\.json: cannot read: No such file"):
        read_plan(str(tmp_path / "missing.json"))


def test_apply_of_a_bad_plan_exits_2(
    tmp_path: Path, run_cli: Callable[[list[str]], tuple[int, str, str]]
) -> None:
    path = write(tmp_path, "{")
    code, out, err = run_cli(["apply", path, "--auto-approve"])
    assert code == 2
    assert out == "" and err.startswith(f"drift: error: {path}: not JSON")


def test_apply_refuses_a_report_over_the_plan(
    tmp_path: Path, run_cli: Callable[[list[str]], tuple[int, str, str]]
) -> None:
    path = write(tmp_path, render(PLAN))
    code, _, err = run_cli(["apply", path, "--report", f"json={path}"])
    assert code == 2
    assert err == f"drift: error: --report {path} is one of the plan file\n"
