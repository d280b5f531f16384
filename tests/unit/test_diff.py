"""drift.judge.diff: the one diff engine. One test per deepdiff option that can change what drift
reports, and the check-side diff over the cases that once gave a wrong verdict."""

from __future__ import annotations

from typing import Any

import pytest

from drift.errors import Location
from drift.judge.diff import DEEPDIFF_OPTIONS, Difference, diff, differences
from drift.live.normalize import LiveAuth
from drift.model.desired import DesiredHeader, DesiredIntegration
from drift.model.matchers import Matcher

HERE = Location("s.yaml", 1, 1)


def _item(headers: dict[str, Matcher] | None, extra: str = "fail") -> DesiredIntegration:
    return DesiredIntegration(
        name="a",
        integration_id="intg_A",
        auth_id="auth_A",
        auth_type="API_KEY",
        headers=None
        if headers is None
        else tuple(DesiredHeader(n, m, HERE) for n, m in headers.items()),
        source=HERE,
        auth_type_source=HERE,
        extra_headers=extra,
    )


def _live(*headers: tuple[str, str], auth_type: str = "API_KEY") -> LiveAuth:
    return LiveAuth("auth_A", "intg_A", auth_type, tuple(headers))


def _found(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    return [(d.kind, d.parts) for d in differences(old, new)]


# -- the engine, option by option ----------------------------------------------------------


def test_mappings_that_share_few_keys_are_still_compared_key_by_key() -> None:
    # threshold_to_diff_deeper: deepdiff >= 8 would report one replaced mapping
    old = {"h": {"x-source": "sigmamind"}}
    new = {"h": {"x-source": "evil", "a": "1", "b": "2", "c": "3"}}
    assert DEEPDIFF_OPTIONS["threshold_to_diff_deeper"] == 0
    assert _found(old, new) == [
        ("added", ("h", "a")),
        ("added", ("h", "b")),
        ("added", ("h", "c")),
        ("changed", ("h", "x-source")),
    ]


def test_keys_starting_with_two_underscores_are_compared() -> None:
    # ignore_private_variables: deepdiff's default skips "__x" keys
    assert _found({"h": {"__token": "1"}}, {"h": {"__token": "2"}}) == [
        ("changed", ("h", "__token"))
    ]


def test_string_case_counts() -> None:
    # ignore_string_case
    assert _found({"v": "SigmaMind"}, {"v": "sigmamind"}) == [("changed", ("v",))]


def test_string_and_number_are_different() -> None:
    # ignore_type_in_groups / ignore_numeric_type_changes / ignore_string_type_changes
    assert _found({"v": "1"}, {"v": 1}) == [("changed", ("v",))]
    assert _found({"v": "true"}, {"v": True}) == [("changed", ("v",))]


def test_digits_are_not_rounded() -> None:
    # significant_digits / math_epsilon
    assert _found({"v": 1.0000001}, {"v": 1.0000002}) == [("changed", ("v",))]


def test_every_difference_is_reported_however_many() -> None:
    # max_diffs
    old = {"h": {}}
    new = {"h": {f"x-{i:04d}": str(i) for i in range(1500)}}
    assert len(differences(old, new)) == 1500


def test_list_order_counts() -> None:
    # ignore_order / report_repetition
    assert [d.kind for d in differences({"l": ["a", "b"]}, {"l": ["b", "a"]})] == [
        "changed",
        "changed",
    ]


def test_no_path_is_excluded() -> None:
    # exclude_paths / include_paths / exclude_regex_paths
    assert _found({"root": "a"}, {"root": "b"}) == [("changed", ("root",))]


def test_a_mapping_added_or_removed_whole_is_one_finding_per_key() -> None:
    assert _found({}, {"h": {"a": "1", "b": "2"}}) == [("added", ("h", "a")), ("added", ("h", "b"))]
    assert _found({"h": {"a": "1"}}, {}) == [("removed", ("h", "a"))]
    # an empty mapping has no keys to show: it is one finding
    assert differences({}, {"h": {}}) == [Difference("added", ("h",), None, {})]


def test_equal_documents_have_no_differences() -> None:
    assert differences({"a": {"b": "c"}}, {"a": {"b": "c"}}) == []


def test_every_deepdiff_option_is_one_deepdiff_knows() -> None:
    import inspect

    from deepdiff import DeepDiff

    known = inspect.signature(DeepDiff.__init__).parameters
    assert set(DEEPDIFF_OPTIONS) <= set(known)


# -- spec against live ---------------------------------------------------------------------


def _paths(changes: tuple[Any, ...]) -> list[tuple[str, str, str]]:
    return [(c.kind, c.path, c.disposition) for c in changes]


@pytest.mark.parametrize("extra", ["ignore", "warn", "fail"])
def test_a_changed_header_among_undeclared_ones_is_drift(extra: str) -> None:
    item = _item({"X-Request-Source": Matcher("equals", "sigmamind")}, extra)
    live = _live(("X-Request-Source", "evil"), ("A", "1"), ("B", "2"), ("C", "3"))
    changes = diff(item, live)
    assert ("changed", "/headers/X-Request-Source", "drift") in _paths(changes)
    added = [c for c in changes if c.kind == "added"]
    assert len(added) == (0 if extra == "ignore" else 3)


@pytest.mark.parametrize(
    "matcher",
    [
        Matcher("sha256", "0" * 64),
        Matcher("pattern", "v[0-9]+"),
        Matcher("env", "X", resolved="expected"),
    ],
)
def test_an_unmet_matcher_among_undeclared_headers_is_drift(matcher: Matcher) -> None:
    item = _item({"X-Version": matcher}, "ignore")
    live = _live(("X-Version", "nope"), ("A", "1"), ("B", "2"), ("C", "3"), ("D", "4"))
    assert _paths(diff(item, live)) == [("changed", "/headers/X-Version", "drift")]


def test_a_header_named_with_two_underscores_is_compared() -> None:
    item = _item({"__Token": Matcher("equals", "a", secret=False)})
    assert _paths(diff(item, _live(("__Token", "b")))) == [("changed", "/headers/__Token", "drift")]


def test_changes_record_what_live_held_without_showing_secrets() -> None:
    item = _item({"Authorization": Matcher("equals", "spec-secret")})
    (change,) = diff(item, _live(("Authorization", "live-secret")))
    assert change.seen is not None and change.seen.plain is None
    assert change.seen.digest is not None and len(change.seen.digest) == 64
    assert "live-secret" not in repr(change)
    (missing,) = diff(_item({"X-A": Matcher("equals", "a")}), _live())
    assert missing.seen is not None and missing.seen.digest is None
    (plain,) = diff(_item({"X-A": Matcher("equals", "a")}), _live(("x-a", "b")))
    assert plain.seen is not None and plain.seen.plain == "b"


def test_absent_present_and_repeats() -> None:
    item = _item({"X-Debug": Matcher("absent"), "X-Trace": Matcher("present")})
    changes = diff(item, _live(("X-Debug", "1"), ("x-debug", "2")))
    assert _paths(changes) == [
        ("added", "/headers/X-Debug", "drift"),
        ("added", "/headers/X-Debug", "drift"),
        ("removed", "/headers/X-Trace", "drift"),
    ]
    notes = sorted(c.note or "" for c in changes)
    assert notes == [
        "",
        "the live record has this header more than once",
        "the spec requires this header to be absent",
    ]


def test_headers_not_declared_are_not_compared() -> None:
    assert diff(_item(None), _live(("X-A", "1"))) == ()
    assert _paths(diff(_item(None), _live(auth_type="NO_AUTH"))) == [
        ("changed", "/authType", "drift")
    ]
