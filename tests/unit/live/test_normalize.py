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


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in MODERN.items() if k != key}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([], "expected a JSON object, got a list"),
        ("text", "expected a JSON object, got a string"),
        (None, "expected a JSON object, got null"),
        (3, "expected a JSON object, got a number"),
        (True, "expected a JSON object, got a boolean"),
        (_without("authType"), "'authType' is missing or not a string"),
        ({**MODERN, "headers": "X-A: b"}, "'headers' is a string, not a list or a map"),
        ({**MODERN, "headers": 7}, "'headers' is a number, not a list or a map"),
        ({**MODERN, "headers": [["X-A", "b"]]}, "'headers[0]' is not a {key, value} object"),
        ({**MODERN, "headers": [{"value": "b"}]}, "'headers[0]' has no 'key'"),
        ({**MODERN, "headers": [{"key": "X-A"}]}, "'headers[0]' has no 'value'"),
        (
            {**MODERN, "headers": [{"key": "X-A", "value": "b"}, {"key": 1, "value": "b"}]},
            "a header name is a number, not a string",
        ),
        (
            {**MODERN, "headers": [{"key": "X-A", "value": None}]},
            "'headers[0].value' (header 'X-A') is null, not a string",
        ),
        (
            {**MODERN, "headers": [{"key": "X-A", "value": 5}]},
            "'headers[0].value' (header 'X-A') is a number, not a string",
        ),
        (
            {**LEGACY, "headers": {"X-A": True}},
            "'headers.X-A' (header 'X-A') is a boolean, not a string",
        ),
        (
            {**LEGACY, "headers": {"X-A": {"v": "b"}}},
            "'headers.X-A' (header 'X-A') is an object, not a string",
        ),
        (
            {**LEGACY, "headers": {"X-A": ["b"]}},
            "'headers.X-A' (header 'X-A') is a list, not a string",
        ),
        (_without("integrationId"), "'integrationId' is missing"),
        ({**MODERN, "integrationId": None}, "'integrationId' is missing"),
        ({**MODERN, "integrationId": 12}, "'integrationId' is a number, not an id"),
        ({**MODERN, "integrationId": ""}, "'integrationId' is empty, not an id"),
        ({**MODERN, "authId": ["auth_P3kNz7Yv1Qm9"]}, "'authId' is a list, not an id"),
        ({**MODERN, "authId": {"id": "auth_P3kNz7Yv1Qm9"}}, "'authId' is an object, not an id"),
    ],
)
def test_a_record_that_cannot_be_read_says_which_field(record: Any, message: str) -> None:
    # the text goes into the report after "unexpected response shape: "
    with pytest.raises(ShapeError) as caught:
        normalize_auth(record)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("body", "message"),
    [([], "a list"), ("text", "a string"), (None, "null"), (3, "a number")],
)
def test_embedded_auth_says_what_it_got(body: Any, message: str) -> None:
    with pytest.raises(ShapeError) as caught:
        embedded_auth(body)
    assert str(caught.value) == f"expected a JSON object, got {message}"


@pytest.mark.parametrize(
    "raw",
    [
        "2023.11.07 05:31:56.000Z",  # another format: a dot before the seconds
        "2023-11-07T05:31:56.000X",  # a zone other than Z
    ],
)
def test_timestamps_in_other_forms_are_kept_as_they_are(raw: str) -> None:
    assert canonical_timestamp(raw) == raw
