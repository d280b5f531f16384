"""Data files: the demo set, YAML/JSON loading, every kind of bad data, generated data."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from drift.emulator import (
    DEMO_DATA_PATH,
    Emulator,
    EmulatorDataError,
    generated_data,
    load_data,
)

DEMO_IDS = {
    "intg_AuUKK371Spr5": "auth_P3kNz7Yv1Qm9",
    "intg_Crm4Hs9Lk2Qa": "auth_Crm7Tb2Wq8Zx",
    "intg_Pay8Gw3Nv6Rt": "auth_Pay2Kd5Hs9Lm",
    "intg_Sup5Dk1Zx7Qp": None,
    "intg_Wth3Fd8Cv2Bn": "auth_Wth6Ln4Jp1Ks",
    "intg_Inv9Ap2Ty5Wd": None,
}


def minimal(**auth: Any) -> dict[str, Any]:
    record = {"authId": "auth_a", "integrationId": "intg_a", "authType": "NO_AUTH", **auth}
    return {"integrations": [{"integrationId": "intg_a"}], "auth": [record]}


def test_demo_data_has_the_example_ids() -> None:
    data = load_data(DEMO_DATA_PATH)
    by_id = {i["integrationId"]: i for i in data["integrations"]}
    assert set(by_id) == set(DEMO_IDS)
    for iid, aid in DEMO_IDS.items():
        if aid is not None:
            assert by_id[iid]["authentication"] == aid
    assert by_id["intg_AuUKK371Spr5"]["name"] == "My Shopify Store"
    pay = next(a for a in data["auth"] if a["authId"] == "auth_Pay2Kd5Hs9Lm")
    assert pay["authType"] == "BEARER_TOKEN"
    assert pay["headers"] == {"X-Request-Source": "sigmamind", "X-Debug": "true"}


def test_yaml_timestamps_stay_as_written(
    tmp_path: Path, make_emulator: Callable[..., Emulator], connect: Callable[..., httpx.Client]
) -> None:
    path = tmp_path / "data.yml"
    path.write_text(
        "integrations:\n"
        "  - {integrationId: intg_a, createdAt: 2023-11-07T05:31:56Z,"
        " updatedAt: 2023-11-07T05:31:56.000Z}\n"
    )
    data = load_data(path)
    assert data["integrations"][0]["createdAt"] == "2023-11-07T05:31:56Z"
    body = connect(make_emulator(path)).get("/v1/integrations/intg_a").json()
    assert (body["createdAt"], body["updatedAt"]) == (
        "2023-11-07T05:31:56Z",
        "2023-11-07T05:31:56.000Z",
    )
    assert body["authentication"] is None


def test_json_data_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(minimal()))
    assert load_data(path) == minimal()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("data.txt", "{}", "unknown data file type '.txt'"),
        (
            "data.yaml",
            "integrations: [\n",
            "data.yaml:2:1: YAML syntax error: did not find expected node content",
        ),
        ("data.json", "{\n  'x': 1}", "data.json:2:3: Expecting property name"),
        ("data.yaml", "- 1\n", "data: expected a mapping"),
        ("data.yaml", "", "data: expected a mapping"),
    ],
)
def test_unreadable_data_files(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(EmulatorDataError, match="^" + re.escape(str(tmp_path))) as info:
        load_data(path)
    assert message in str(info.value)


def test_missing_data_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(EmulatorDataError, match=r"missing\.yaml: cannot read data file"):
        load_data(tmp_path / "missing.yaml")


def test_problem_in_file_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "integrations: [{integrationId: intg_a}]\n"
        "auth: [{authId: auth_a, integrationId: intg_a, authType: API_KEYS}]\n"
    )
    with pytest.raises(EmulatorDataError) as info:
        load_data(path)
    assert str(info.value) == (
        f"{path}: auth[0].authType: 'API_KEYS' is not one of "
        "NO_AUTH, BASIC_AUTH, BEARER_TOKEN, API_KEY"
    )


INTG_A = {"integrationId": "intg_a"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"integration": []}, "data: unknown field 'integration'"),
        ({"integrations": {}}, "integrations: expected a list"),
        ({"integrations": [{"name": "x"}]}, "integrations[0].integrationId: must be a non-empty"),
        ({"integrations": [{"integrationId": "a/b"}]}, "integrationId: must be a non-empty id"),
        ({"integrations": [INTG_A, INTG_A]}, "integrations[1].integrationId: duplicate id"),
        ({"integrations": [{**INTG_A, "nmae": "x"}]}, "integrations[0]: unknown field 'nmae'"),
        ({"integrations": [{**INTG_A, "description": 3}]}, "description: must be a string"),
        (
            {"integrations": [{**INTG_A, "authentication": "auth_x"}]},
            "integrations[0].authentication: no auth record 'auth_x'",
        ),
        (
            {"integrations": [{**INTG_A, "extra": {"name": "x"}}]},
            "extra: 'name' is a standard field",
        ),
        (minimal(authType="bearer"), "auth[0].authType: 'bearer' is not one of"),
        (minimal(integrationId="intg_b"), "auth[0]: integration 'intg_b' is not declared"),
        (
            {"integrations": [INTG_A], "auth": minimal()["auth"] * 2},
            "auth[1].authId: duplicate id 'auth_a'",
        ),
        (minimal(headers={"X-Debug": True}), "auth[0].headers.X-Debug: header value must be a"),
        (minimal(headers=[{"key": "A"}]), "auth[0].headers[0]: expected exactly 'key' and"),
        (minimal(headers="A: b"), "auth[0].headers: expected a map or a list"),
        (minimal(headers={"": "b"}), "header name must be a non-empty string"),
        (minimal(createdAt=20231107), "auth[0].createdAt: must be a string"),
        (minimal(faults={"statsu": 500}), "auth[0].faults: unknown field 'statsu'"),
        (minimal(faults={"status": 200}), "faults.status: must be an HTTP status from 400"),
        (minimal(faults={"failTimes": 2}), "faults.failTimes: needs one of status"),
        (minimal(faults={"status": 500, "failTimes": -1}), "failTimes: must be a whole number"),
        (minimal(faults={"retryAfter": 1}), "faults.retryAfter: needs a status"),
        (minimal(faults={"status": 429, "retryAfter": -1}), "retryAfter: seconds >= 0"),
        (minimal(faults={"status": 500, "drop": True}), "faults: use only one of status, drop"),
        (minimal(faults={"latency": -1}), "faults.latency: must be >= 0"),
        (minimal(faults={"slowBody": "1s"}), "faults.slowBody: must be a number of seconds"),
        (minimal(faults={"notJson": "yes"}), "faults.notJson: must be true or false"),
        (minimal(faults={"patch": []}), "auth[0].faults.patch: expected a mapping"),
        (minimal(faults={"patch": {"stat": 500}}), "faults.patch: unknown field 'stat'"),
        (minimal(faults={"patch": {"status": 200}}), "faults.patch.status: must be an HTTP"),
        (minimal(faults={"patch": {"failTimes": 1}}), "patch.failTimes: needs one of status"),
        (minimal(faults={"patch": {"applied": True}}), "patch.applied: needs status or drop"),
        (minimal(faults={"patch": {"drop": True, "discard": True}}), "use only one of drop"),
        (minimal(faults={"patch": {"retryAfter": 1}}), "patch.retryAfter: needs a status"),
        (minimal(faults={"patch": {"readStatusAfter": 99}}), "readStatusAfter: must be an HTTP"),
    ],
)
def test_bad_data_is_named(data: dict[str, Any], message: str) -> None:
    with pytest.raises(EmulatorDataError) as info:
        Emulator(data)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_generated_data_is_deterministic_and_valid() -> None:
    data = generated_data(25, seed=3)
    assert data == generated_data(25, seed=3)
    assert data != generated_data(25, seed=4)
    assert [i["integrationId"] for i in data["integrations"]][:2] == [
        "intg_gen00001",
        "intg_gen00002",
    ]
    assert data["auth"][-1]["authId"] == "auth_gen00025"
    assert len({a["authType"] for a in data["auth"]}) > 1
    assert generated_data(0, seed=1) == {"integrations": [], "auth": []}
    with pytest.raises(ValueError):
        generated_data(-1, seed=1)


def test_generated_records_are_served_beside_file_data(
    make_emulator: Callable[..., Emulator], connect: Callable[..., httpx.Client]
) -> None:
    emulator = make_emulator(generate=3, seed=9)
    assert emulator.integration_count == len(DEMO_IDS) + 3
    expected = generated_data(3, seed=9)["auth"][2]
    body = connect(emulator).get("/v1/integrations/intg_gen00003/auth/auth_gen00003").json()
    assert body["authType"] == expected["authType"]
    assert body["headers"] == [{"key": k, "value": v} for k, v in expected["headers"].items()]
