"""Property: the two API dialects (and the spellings the API allows) of one record never
show as drift against a spec built from the same data."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from drift.errors import Location
from drift.judge.verdict import judge
from drift.live.normalize import normalize_auth
from drift.model.live import Fetched
from drift.model.matchers import Matcher
from drift.model.results import Status
from drift.spec.load import DesiredHeader, DesiredIntegration

AUTH_TYPES = ["NO_AUTH", "BASIC_AUTH", "BEARER_TOKEN", "API_KEY"]
HERE = Location("spec.yaml", 1, 1)

ids = st.from_regex(r"[A-Za-z0-9]{1,6}(_[A-Za-z0-9]{1,6}){1,3}", fullmatch=True)
header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}(-[A-Za-z0-9]{1,6}){0,2}", fullmatch=True)
values = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
stamps = st.sampled_from(["2023-11-07T05:31:56Z", "2024-01-15T09:12:44.000Z"])


def recase(draw: Any, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.swapcase() if f else c for c, f in zip(text, flips, strict=True))


def dashed(draw: Any, value: str) -> str:
    return value.replace("_", "-") if draw(st.booleans()) else value


@st.composite
def cases(draw: Any) -> tuple[DesiredIntegration, dict[str, Any], bool]:
    integration_id = draw(ids)
    auth_id = draw(st.one_of(st.none(), ids))
    auth_type = draw(st.sampled_from(AUTH_TYPES))
    raw = draw(
        st.lists(st.tuples(header_names, values), max_size=5, unique_by=lambda h: h[0].lower())
    )
    declare_headers = draw(st.booleans()) or bool(raw)
    spec_headers = tuple(
        DesiredHeader(recase(draw, name), Matcher("equals", value), HERE) for name, value in raw
    )
    desired = DesiredIntegration(
        name="item",
        integration_id=dashed(draw, integration_id),
        auth_id=None if auth_id is None else dashed(draw, auth_id),
        auth_type=auth_type,
        headers=spec_headers if declare_headers else None,
        source=HERE,
        auth_type_source=HERE,
    )
    live_headers = [(recase(draw, name), value) for name, value in raw]
    headers: Any
    if draw(st.booleans()):
        headers = {name: value for name, value in live_headers}
    else:
        headers = [{"key": name, "value": value} for name, value in live_headers]
    if not live_headers and draw(st.booleans()):
        headers = draw(st.sampled_from([None, [], {}]))
    record: dict[str, Any] = {
        "authType": draw(st.sampled_from([auth_type, auth_type.lower(), recase(draw, auth_type)])),
        "headers": headers,
        "createdAt": draw(stamps),
        "updatedAt": draw(stamps),
    }
    # every record carries both ids (issue 11: a record without them is an error)
    record["integrationId"] = dashed(draw, integration_id)
    record["authId"] = dashed(draw, auth_id if auth_id is not None else draw(ids))
    for key, value in draw(
        st.dictionaries(st.sampled_from(["rotation", "meta", "x_v2"]), st.integers(), max_size=2)
    ).items():
        record[key] = value
    embedded = auth_id is None
    if embedded:
        body: dict[str, Any] = {
            "integrationId": dashed(draw, integration_id),
            "name": "Some Name",
            "authentication": record,
            "tools": [],
            "createdAt": draw(stamps),
        }
        return desired, body, True
    return desired, record, False


@settings(max_examples=100, derandomize=True, deadline=None, database=None)
@given(cases())
def test_equivalent_records_never_drift(
    case: tuple[DesiredIntegration, dict[str, Any], bool],
) -> None:
    desired, body, _ = case
    result = judge(desired, Fetched("ok", body=body, http_status=200))
    assert result.status is Status.IN_SYNC, result
    assert result.changes == ()


@settings(max_examples=50, derandomize=True, deadline=None, database=None)
@given(cases())
def test_header_order_and_form_do_not_matter(
    case: tuple[DesiredIntegration, dict[str, Any], bool],
) -> None:
    _, body, embedded = case
    record = body["authentication"] if embedded else body
    live = normalize_auth(record)
    assert live.auth_type in AUTH_TYPES
    assert all(isinstance(v, str) for _, v in live.headers)
    assert "-" not in live.integration_id
