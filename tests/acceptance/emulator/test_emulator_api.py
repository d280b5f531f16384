"""Every endpoint, in both dialects: bodies, 401/404/405, and POST/PATCH semantics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from drift.emulator import Emulator

SHOP = "/v1/integrations/intg_AuUKK371Spr5"
SHOP_AUTH = SHOP + "/auth/auth_P3kNz7Yv1Qm9"
SHOP_RECORD = {
    "authId": "auth_P3kNz7Yv1Qm9",
    "integrationId": "intg_AuUKK371Spr5",
    "authType": "API_KEY",
    "headers": [{"key": "X-Request-Source", "value": "sigmamind"}],
    "createdAt": "2023-11-07T05:31:56Z",
    "updatedAt": "2023-11-07T05:31:56Z",
}

Make = Callable[..., Emulator]
Connect = Callable[..., httpx.Client]


def odd_data() -> dict[str, Any]:
    return {
        "integrations": [
            {
                "integrationId": "intg_a",
                "name": "A",
                "authentication": "auth_dup",
                "extra": {"status": "active"},
            },
            {"integrationId": "intg_none", "name": "No auth"},
        ],
        "auth": [
            {
                "authId": "auth_dup",
                "integrationId": "intg_a",
                "authType": "API_KEY",
                "headers": [{"key": "X-A", "value": "1"}, {"key": "X-A", "value": "2"}],
                "extra": {"providerType": "custom"},
            },
            # served under intg_a while its body claims another integration
            {
                "authId": "auth_stray",
                "integrationId": "intg_other",
                "servedUnder": "intg_a",
                "authType": "NO_AUTH",
            },
        ],
    }


def test_get_auth_modern(client: httpx.Client) -> None:
    response = client.get(SHOP_AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == SHOP_RECORD


def test_get_integration_modern(client: httpx.Client) -> None:
    assert client.get(SHOP).json() == {
        "integrationId": "intg_AuUKK371Spr5",
        "name": "My Shopify Store",
        "description": "Orders and customers from the Shopify storefront",
        "authentication": SHOP_RECORD,
        "tools": [],
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
    }


def test_legacy_dialect(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(dialect="legacy"))
    legacy_record = {
        "authId": "auth-P3kNz7Yv1Qm9",
        "integrationId": "intg-AuUKK371Spr5",
        "authType": "api_key",
        "headers": {"X-Request-Source": "sigmamind"},
        "createdAt": "2023-11-07T05:31:56.000Z",
        "updatedAt": "2023-11-07T05:31:56.000Z",
    }
    for path in (SHOP_AUTH, "/v1/integrations/intg-AuUKK371Spr5/auth/auth-P3kNz7Yv1Qm9"):
        assert client.get(path).json() == legacy_record
    body = client.get("/v1/integrations/intg-AuUKK371Spr5").json()
    assert body["authentication"] == legacy_record
    assert body["integrationId"] == "intg-AuUKK371Spr5"
    assert body["updatedAt"] == "2023-11-07T05:31:56.000Z"


def test_modern_paths_match_ids_exactly(client: httpx.Client) -> None:
    assert client.get("/v1/integrations/intg-AuUKK371Spr5").status_code == 404
    assert client.get("/v1/integrations/intg_auukk371spr5").status_code == 404


def test_duplicates_extras_and_missing_auth(make_emulator: Make, connect: Connect) -> None:
    modern = connect(make_emulator(odd_data()))
    body = modern.get("/v1/integrations/intg_a").json()
    assert body["status"] == "active"
    assert body["authentication"]["providerType"] == "custom"
    assert body["authentication"]["headers"] == [
        {"key": "X-A", "value": "1"},
        {"key": "X-A", "value": "2"},
    ]
    assert modern.get("/v1/integrations/intg_none").json()["authentication"] is None
    legacy = connect(make_emulator(odd_data(), dialect="legacy"))
    record = legacy.get("/v1/integrations/intg-a/auth/auth-dup").json()
    assert record["headers"] == {"X-A": "1"}  # a map keeps the first of duplicates


def test_served_under_gives_an_id_mismatch(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(odd_data()))
    response = client.get("/v1/integrations/intg_a/auth/auth_stray")
    assert response.status_code == 200
    assert response.json()["integrationId"] == "intg_other"
    assert client.get("/v1/integrations/intg_other/auth/auth_stray").status_code == 404


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/v1/integrations/intg_nope", "integration not found"),
        ("/v1/integrations/intg_nope/auth/auth_P3kNz7Yv1Qm9", "integration not found"),
        (SHOP + "/auth/auth_nope", "auth record not found"),
        (SHOP + "/auth/auth_Crm7Tb2Wq8Zx", "auth record not found"),  # another integration's
        ("/v1/integrations", "not found"),
        ("/v1/integrations/", "not found"),
        (SHOP + "/", "not found"),
        (SHOP + "/tools", "not found"),
        ("/", "not found"),
        ("/v2/integrations/intg_AuUKK371Spr5", "not found"),
    ],
)
def test_not_found(client: httpx.Client, path: str, error: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": error}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", SHOP, "GET, PATCH"),
        ("POST", SHOP, "GET, PATCH"),
        ("GET", SHOP + "/auth", "POST"),
        ("PUT", SHOP_AUTH, "GET, PATCH"),
    ],
)
def test_wrong_method(client: httpx.Client, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"error": "method not allowed"}


@pytest.mark.parametrize("key", [None, "", "wrong", "test-ke", "test-keyy", "TEST-KEY"])
def test_unauthorized(emu: Emulator, connect: Connect, key: str | None) -> None:
    response = connect(emu, key=key).get(SHOP_AUTH)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized"}


def test_create_auth(client: httpx.Client) -> None:
    sent = {
        "authType": "bearer_token",
        "token": "s3cret",
        "username": "u",
        "password": "p",
        "apiKey": {"key": "k", "value": "v", "position": "header"},
        "headers": {"X-Team": "ops"},
    }
    response = client.post(SHOP + "/auth", json=sent)
    assert response.status_code == 200
    record = response.json()
    assert set(record) == {
        "authId",
        "integrationId",
        "authType",
        "headers",
        "createdAt",
        "updatedAt",
    }
    assert record["authId"].startswith("auth_") and len(record["authId"]) == 17
    assert record["authId"][5:].isalnum()
    assert (record["integrationId"], record["authType"]) == ("intg_AuUKK371Spr5", "BEARER_TOKEN")
    assert record["headers"] == [{"key": "X-Team", "value": "ops"}]
    assert "s3cret" not in response.text
    assert client.get(f"{SHOP}/auth/{record['authId']}").json() == record
    assert client.get(SHOP).json()["authentication"] == record
    assert client.get(SHOP_AUTH).status_code == 200  # the old record is still there


def test_created_ids_follow_the_seed(make_emulator: Make, connect: Connect) -> None:
    ids = []
    for _ in range(2):
        client = connect(make_emulator(seed=5))
        ids.append(client.post(SHOP + "/auth", json={"authType": "NO_AUTH"}).json()["authId"])
    assert ids[0] == ids[1]


def test_create_auth_legacy(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(dialect="legacy"))
    record = client.post(
        "/v1/integrations/intg-AuUKK371Spr5/auth",
        json={"authType": "API_KEY", "headers": [{"key": "A", "value": "b"}]},
    )
    body = record.json()
    assert body["authId"].startswith("auth-") and body["authType"] == "api_key"
    assert body["headers"] == {"A": "b"} and body["createdAt"].endswith(".000Z")
    assert client.get(f"/v1/integrations/intg_AuUKK371Spr5/auth/{body['authId']}").json() == body


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "authType is required"),
        ({"authType": "OAUTH"}, "authType: 'OAUTH' is not one of"),
        ({"authType": "NO_AUTH", "headers": "x"}, "headers: expected a map or a list"),
        ({"authType": "NO_AUTH", "headers": {"A": 1}}, "header value must be a string"),
        ({"authType": "BEARER_TOKEN", "token": 5}, "token must be a string"),
        ({"authType": "API_KEY", "apiKey": "k"}, "apiKey must be an object"),
        ([], "body must be a JSON object"),
    ],
)
def test_create_auth_rejects(client: httpx.Client, body: Any, error: str) -> None:
    response = client.post(SHOP + "/auth", json=body)
    assert response.status_code == 400
    assert error in response.json()["error"]


def test_create_auth_rejects_bad_json(client: httpx.Client) -> None:
    response = client.post(SHOP + "/auth", content=b"{nope")
    assert (response.status_code, response.json()) == (400, {"error": "body is not valid JSON"})


def test_patch_auth_replaces_headers(client: httpx.Client) -> None:
    response = client.patch(
        SHOP_AUTH, json={"headers": [{"key": "X-New", "value": "1"}], "token": "t0ken-Zx9"}
    )
    assert response.status_code == 200
    record = response.json()
    assert record["headers"] == [{"key": "X-New", "value": "1"}]
    assert record["authType"] == "API_KEY" and record["createdAt"] == SHOP_RECORD["createdAt"]
    assert record["updatedAt"] != SHOP_RECORD["updatedAt"]
    assert "t0ken-Zx9" not in response.text  # credentials are write-only
    assert client.get(SHOP_AUTH).json() == record
    assert "t0ken-Zx9" not in client.get(SHOP).text
    assert client.patch(SHOP_AUTH, json={"headers": []}).json()["headers"] == []
    assert client.patch(SHOP_AUTH, json={}).status_code == 200


def test_patch_auth_keeps_headers_not_sent(client: httpx.Client) -> None:
    response = client.patch(SHOP_AUTH, json={"password": "pw-Zx9"})
    assert response.status_code == 200
    assert response.json()["headers"] == SHOP_RECORD["headers"]
    assert "pw-Zx9" not in response.text


@pytest.mark.parametrize("auth_type", ["BEARER_TOKEN", "API_KEY", "api_key", "nope"])
def test_patch_auth_refuses_auth_type(client: httpx.Client, auth_type: str) -> None:
    # fixed at creation: in the body at all, even unchanged, it is refused
    response = client.patch(SHOP_AUTH, json={"authType": auth_type, "headers": []})
    assert response.status_code == 400
    assert response.json() == {"error": "authType cannot be changed; create a new auth record"}
    assert client.get(SHOP_AUTH).json() == SHOP_RECORD  # nothing changed, headers included


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"password": None}, "password must be a string"),
        ({"headers": {}}, "headers must be a list"),
        ({"headers": [[{"key": "A", "value": "1"}]]}, "expected a mapping"),
        ({"headers": [], "name": "x"}, "unknown field 'name'"),
    ],
)
def test_patch_auth_rejects(client: httpx.Client, body: Any, error: str) -> None:
    response = client.patch(SHOP_AUTH, json=body)
    assert response.status_code == 400
    assert error in response.json()["error"]
    assert client.get(SHOP_AUTH).json() == SHOP_RECORD


def test_patch_auth_rejects_an_empty_body(client: httpx.Client) -> None:
    assert client.patch(SHOP_AUTH, content=b"").status_code == 400


def test_patch_integration(client: httpx.Client) -> None:
    response = client.patch(SHOP, json={"name": "shopify_store", "description": None})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["description"]) == ("shopify_store", None)
    assert body["authentication"] == SHOP_RECORD
    assert client.get(SHOP).json() == body
    assert client.patch(SHOP, json={"description": "d"}).json()["name"] == "shopify_store"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "My Store"},
        {"name": "a" * 129},
        {"name": "shop\n"},  # `$` alone would let a final line break through
        {"name": 3},
        {"description": 3},
        "x",
    ],
)
def test_patch_integration_rejects(client: httpx.Client, body: Any) -> None:
    assert client.patch(SHOP, json=body).status_code == 400
    assert client.get(SHOP).json()["name"] == "My Shopify Store"


@pytest.mark.parametrize(
    ("stored", "legacy"),
    [
        ("2023-11-07T05:31:56Z", "2023-11-07T05:31:56.000Z"),
        ("2023-11-07T05:31:56.120Z", "2023-11-07T05:31:56.120Z"),
        ("2023-11-07T05:31:56+00:00", "2023-11-07T05:31:56+00:00"),
    ],
)
def test_legacy_timestamps(make_emulator: Make, connect: Connect, stored: str, legacy: str) -> None:
    data = {"integrations": [{"integrationId": "intg_t", "createdAt": stored}]}
    assert connect(make_emulator(data)).get("/v1/integrations/intg_t").json()["createdAt"] == stored
    body = connect(make_emulator(data, dialect="legacy")).get("/v1/integrations/intg_t").json()
    assert body["createdAt"] == legacy
