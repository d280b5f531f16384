"""normalize: the two documented dialects of an auth record (/work/shared/SIGMAMIND_API.md)
read as one form. Only the documented shapes are pinned here; what a malformed record
comes to is judged by the differential model (test_verdict_model.py)."""

from __future__ import annotations

from typing import Any

import pytest

from drift.live.normalize import (
    LiveAuth,
    ShapeError,
    canonical_timestamp,
    embedded_auth,
    normalize_auth,
)

MODERN: dict[str, Any] = {
    "authId": "auth_P3kNz7Yv1Qm9",
    "integrationId": "intg_AuUKK371Spr5",
    "authType": "API_KEY",
    "headers": [{"key": "X-Request-Source", "value": "sigmamind"}],
    "createdAt": "2023-11-07T05:31:56Z",
    "updatedAt": "2023-11-07T05:31:56Z",
}
LEGACY: dict[str, Any] = {
    "authId": "auth-P3kNz7Yv1Qm9",
    "integrationId": "intg-AuUKK371Spr5",
    "authType": "api_key",
    "headers": {"X-Request-Source": "sigmamind"},
    "createdAt": "2023-11-07T05:31:56.000Z",
    "updatedAt": "2023-11-07T05:31:56.000Z",
}


def test_both_dialects_read_the_same() -> None:
    expected = LiveAuth(
        auth_id="auth_P3kNz7Yv1Qm9",
        integration_id="intg_AuUKK371Spr5",
        auth_type="API_KEY",
        headers=(("X-Request-Source", "sigmamind"),),
        updated_at="2023-11-07T05:31:56Z",
    )
    modern, legacy = normalize_auth(MODERN), normalize_auth(LEGACY)
    assert modern == expected
    assert legacy == expected
    assert modern.headers == legacy.headers


@pytest.mark.parametrize("empty", [[], {}])
def test_empty_list_and_empty_map_mean_no_headers(empty: Any) -> None:
    assert normalize_auth({**MODERN, "headers": empty}).headers == ()


def test_header_order_and_spelling_are_kept() -> None:
    live = normalize_auth(
        {
            **MODERN,
            "headers": [
                {"key": "b-Second", "value": "2"},
                {"key": "A-first", "value": "1"},
                {"key": "a-FIRST", "value": "1"},
            ],
        }
    )
    # repeats stay, so that the diff can report a header sent twice
    assert live.headers == (("b-Second", "2"), ("A-first", "1"), ("a-FIRST", "1"))
    legacy = normalize_auth({**LEGACY, "headers": {"b-Second": "2", "A-first": "1"}})
    assert legacy.headers == (("b-Second", "2"), ("A-first", "1"))


@pytest.mark.parametrize("spelling", ["API_KEY", "api_key", "Api_Key"])
def test_auth_type_in_any_case(spelling: str) -> None:
    assert normalize_auth({**MODERN, "authType": spelling}).auth_type == "API_KEY"


def test_unknown_extra_fields_are_ignored() -> None:
    record = {**MODERN, "status": "active", "providerType": {"x": [1]}, "apiKey": None}
    assert normalize_auth(record) == normalize_auth(MODERN)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("2023-11-07T05:31:56Z", "2023-11-07T05:31:56Z"),
        ("2023-11-07T05:31:56.000Z", "2023-11-07T05:31:56Z"),
        ("2023-11-07T05:31:56.0Z", "2023-11-07T05:31:56Z"),
        ("2023-11-07T05:31:56.120Z", "2023-11-07T05:31:56.120Z"),
        ("2023-11-07T05:31:56.000+01:00", "2023-11-07T05:31:56.000+01:00"),
        ("2023-11-07T05:31:56", "2023-11-07T05:31:56"),
        ("", None),
        (None, None),
        (1699335116, None),
    ],
)
def test_canonical_timestamp(raw: object, canonical: str | None) -> None:
    assert canonical_timestamp(raw) == canonical


@pytest.mark.parametrize(
    "record",
    [
        [],
        "text",
        None,
        {**MODERN, "authType": None},
        {**MODERN, "authType": ""},
        {**MODERN, "authType": 3},
        {key: value for key, value in MODERN.items() if key != "authType"},
        {**MODERN, "headers": "X-Request-Source: sigmamind"},
        {**MODERN, "headers": [["X-Request-Source", "sigmamind"]]},  # the doc's nesting slip
        {**MODERN, "headers": [{"value": "sigmamind"}]},
        {**MODERN, "integrationId": 12},
        {**MODERN, "authId": ["auth_P3kNz7Yv1Qm9"]},
    ],
)
def test_records_that_cannot_be_read(record: Any) -> None:
    with pytest.raises(ShapeError):
        normalize_auth(record)


@pytest.mark.parametrize("none", [None, {}])
def test_embedded_auth_none_or_empty_means_no_record(none: Any) -> None:
    assert embedded_auth({"integrationId": "intg_A", "authentication": none}) is None


def test_embedded_auth_missing_means_no_record() -> None:
    assert embedded_auth({"integrationId": "intg_A", "tools": []}) is None


def test_embedded_auth_is_returned_as_is() -> None:
    assert embedded_auth({"integrationId": "intg_A", "authentication": LEGACY}) is LEGACY


@pytest.mark.parametrize("body", [[], "text", None, 3])
def test_embedded_auth_needs_an_object(body: Any) -> None:
    with pytest.raises(ShapeError):
        embedded_auth(body)
