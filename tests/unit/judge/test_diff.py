"""drift.judge.diff: the one diff engine. One test per deepdiff option that can change what drift
reports, and the check-side diff over the cases that once gave a wrong verdict."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from drift.errors import Location
from drift.judge.diff import DEEPDIFF_OPTIONS, Difference, diff, differences, pointer
from drift.model.desired import DesiredHeader, DesiredIntegration
from drift.model.live import LiveAuth
from drift.model.matchers import Matcher
from drift.model.results import Change, Seen

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


# -- what each finding says, exactly --------------------------------------------------------


def _fp(value: str) -> str:
    return f"<redacted sha256:{hashlib.sha256(value.encode()).hexdigest()[:8]}>"


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def _at(line: int) -> Location:
    return Location("s.yaml", line, 3)


def test_each_finding_carries_both_values_in_path_order() -> None:
    old = {"a": "1", "h": {"x": "1"}}
    new = {"a": "2", "g": {"y": "2"}}
    assert differences(old, new) == [
        Difference("changed", ("a",), "1", "2"),
        Difference("added", ("g", "y"), None, "2"),
        Difference("removed", ("h", "x"), "1", None),
    ]


def test_a_difference_the_engine_cannot_express_is_refused_not_dropped() -> None:
    # drift's documents hold mappings and strings; a set would need a kind of finding
    # the reports do not have
    with pytest.raises(ValueError, match=r"^unexpected difference set_item_added$"):
        differences({"s": {1}}, {"s": {1, 2}})


def test_paths_are_json_pointers_with_escapes() -> None:
    assert pointer("headers", "a/b~c") == "/headers/a~1b~0c"
    item = _item({}, "fail")
    (change,) = diff(item, _live(("X~Trace/1", "v")))
    assert change.path == "/headers/X~0Trace~11"


def test_each_change_says_what_was_expected_what_is_live_and_where() -> None:
    item = DesiredIntegration(
        name="a",
        integration_id="intg_A",
        auth_id="auth_A",
        auth_type="API_KEY",
        headers=(
            DesiredHeader("X-Source", Matcher("equals", "web"), _at(2)),
            DesiredHeader("Authorization", Matcher("equals", "spec-secret"), _at(3)),
            DesiredHeader("X-Gone", Matcher("present"), _at(4)),
            DesiredHeader("X-Version", Matcher("pattern", "v[0-9]+"), _at(5)),
        ),
        source=_at(1),
        auth_type_source=_at(6),
        extra_headers="warn",
    )
    live = _live(
        ("x-source", "mobile"),
        ("Authorization", "live-secret"),
        ("X-Version", "beta"),
        ("X-Extra", "1"),
        auth_type="BEARER",
    )
    changes = diff(item, live)
    assert changes == (
        Change("changed", "/authType", "API_KEY", "BEARER", _at(6)),
        Change("changed", "/headers/Authorization", _fp("spec-secret"), _fp("live-secret"), _at(3)),
        Change("added", "/headers/X-Extra", None, "1", _at(1), disposition="warning"),
        Change("removed", "/headers/X-Gone", "(any value)", None, _at(4)),
        Change("changed", "/headers/X-Source", "web", "mobile", _at(2)),
        Change("changed", "/headers/X-Version", "(matching /v[0-9]+/)", "beta", _at(5)),
    )
    # what live held, for rules that accept one value: the auth type and plain values as
    # they are, secrets by digest only, nothing for a missing header
    seen = {c.path: c.seen for c in changes}
    assert seen == {
        "/authType": Seen(_sha("BEARER"), "BEARER"),
        "/headers/Authorization": Seen(_sha("live-secret"), None),
        "/headers/X-Extra": Seen(_sha("1"), "1"),
        "/headers/X-Gone": Seen(None),
        "/headers/X-Source": Seen(_sha("mobile"), "mobile"),
        "/headers/X-Version": Seen(_sha("beta"), "beta"),
    }


def test_a_pattern_on_a_secret_header_is_not_shown() -> None:
    item = _item({"Authorization": Matcher("pattern", "Bearer [a-z]+")})
    (change,) = diff(item, _live(("authorization", "Basic abc")))
    assert (change.path, change.expected, change.actual) == (
        "/headers/Authorization",
        "(matching a pattern)",
        _fp("Basic abc"),
    )


def test_a_header_sent_twice_is_reported_with_its_second_value() -> None:
    item = DesiredIntegration(
        name="a",
        integration_id="intg_A",
        auth_id="auth_A",
        auth_type="API_KEY",
        headers=(DesiredHeader("X-Source", Matcher("equals", "web"), _at(2)),),
        source=_at(1),
        auth_type_source=_at(1),
    )
    live = _live(
        ("X-Source", "web"),
        ("x-source", "web2"),
        ("X-Api-Token", "t1"),
        ("x-api-token", "t2"),
    )
    twice = "the live record has this header more than once"
    changes = diff(item, live)
    expected = [
        Change("added", "/headers/X-Source", None, "web2", _at(2), note=twice),
        # undeclared: secret by its name, shown as live spells it
        Change("added", "/headers/x-api-token", None, _fp("t2"), _at(1), note=twice),
        Change("added", "/headers/X-Api-Token", None, _fp("t1"), _at(1)),
    ]
    assert changes == tuple(sorted(expected, key=Change.sort_key))
    assert {(c.path, c.note): c.seen for c in changes} == {
        ("/headers/X-Source", twice): Seen(_sha("web2"), "web2"),
        ("/headers/x-api-token", twice): Seen(_sha("t2"), None),
        ("/headers/X-Api-Token", None): Seen(_sha("t1"), None),
    }


def test_a_value_with_a_lone_surrogate_is_recorded_not_a_crash() -> None:
    # JSON may carry "\ud800"; json.loads gives a str that strict UTF-8 cannot encode
    (change,) = diff(_item({"X-A": Matcher("equals", "a")}), _live(("X-A", "\ud800")))
    assert change.seen == Seen(hashlib.sha256(b"\xed\xa0\x80").hexdigest(), "\ud800")


def test_a_secret_live_value_with_a_lone_surrogate_is_drift_not_a_crash() -> None:
    # JSON may carry "\ud800"; strict UTF-8 cannot encode it (was an internal error, exit 3)
    item = _item({"Authorization": Matcher("equals", "Bearer ok")})
    (change,) = diff(item, _live(("Authorization", "Bearer \ud800")))
    assert (change.kind, change.disposition) == ("changed", "drift")
    assert str(change.actual).startswith("<redacted sha256:")
    pinned = _item({"Authorization": Matcher("sha256", "0" * 64)})
    (change,) = diff(pinned, _live(("Authorization", "\udfff")))
    assert change.kind == "changed"
