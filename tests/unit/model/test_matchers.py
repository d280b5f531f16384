"""Header value matchers (README "Header value matchers" and "Secrets"): what each one
accepts, which values are secret, and how an expectation is shown in reports."""

from __future__ import annotations

import hashlib

import pytest

from drift.model.matchers import Matcher, looks_sensitive, parse_matcher
from drift.secret import fingerprint


def sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# --- which names are sensitive -------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "authorization",
        "Authorization",
        "PROXY-AUTHORIZATION",
        "Cookie",
        "set-cookie",
        "X-Auth-Token",
        "X-Client-Secret",
        "X-Api-Key",
        "Password",
        "X-Passwd",
        "X-Signature",
        "Session-Id",
        "XKEYX",
    ],
)
def test_sensitive_names(name: str) -> None:
    assert looks_sensitive(name)


@pytest.mark.parametrize(
    # the four names count only as whole names; the words anywhere in the name
    "name",
    ["X-Request-Source", "Accept", "X-Authorization", "Cookies-Policy", "X-Kee", "", "Set"],
)
def test_ordinary_names(name: str) -> None:
    assert not looks_sensitive(name)


# --- is_secret: sha256/env always, then the flag, then the name ----------------------


@pytest.mark.parametrize("kind", ["sha256", "env"])
@pytest.mark.parametrize("flag", [None, True, False])
def test_sha256_and_env_are_always_secret(kind: str, flag: bool | None) -> None:
    matcher = Matcher(kind, "x", flag)
    assert matcher.always_secret
    assert matcher.is_secret("X-Request-Source")


@pytest.mark.parametrize("kind", ["equals", "present", "absent", "pattern"])
def test_other_kinds_follow_the_flag_then_the_name(kind: str) -> None:
    assert not Matcher(kind, "x").always_secret
    assert Matcher(kind, "x", True).is_secret("X-Request-Source")
    assert not Matcher(kind, "x", False).is_secret("Authorization")
    assert Matcher(kind, "x").is_secret("Authorization")
    assert not Matcher(kind, "x").is_secret("X-Request-Source")


def test_repr_never_shows_the_value() -> None:
    matcher = Matcher("equals", "hunter2-secret", True, resolved="resolved-value")
    assert repr(matcher) == "Matcher('equals')"
    assert repr(Matcher("env", "PARTNER_KEY", resolved="s3cr3t")) == "Matcher('env')"


# --- matches ---------------------------------------------------------------------------


def test_equals_is_exact() -> None:
    matcher = Matcher("equals", "sigmamind")
    assert matcher.matches("sigmamind")
    assert not matcher.matches("Sigmamind")
    assert not matcher.matches("sigmamind ")
    assert not matcher.matches("")
    assert not matcher.matches(None)
    assert Matcher("equals", "").matches("")


def test_present_accepts_any_value_but_not_a_missing_header() -> None:
    matcher = Matcher("present")
    assert matcher.matches("anything")
    assert matcher.matches("")
    assert not matcher.matches(None)


def test_absent_accepts_only_a_missing_header() -> None:
    matcher = Matcher("absent")
    assert matcher.matches(None)
    assert not matcher.matches("")
    assert not matcher.matches("x")


@pytest.mark.parametrize(
    ("value", "ok"),
    [("v1", True), ("v123", True), ("v", False), ("v1x", False), ("xv1", False), ("V1", False)],
)
def test_pattern_must_match_the_whole_value(value: str, ok: bool) -> None:
    assert Matcher("pattern", "v[0-9]+").matches(value) is ok


def test_pattern_alternation_still_needs_a_full_match() -> None:
    matcher = Matcher("pattern", "a|bc")
    assert matcher.matches("a")
    assert matcher.matches("bc")
    assert not matcher.matches("abc")
    assert not matcher.matches(None)


def test_sha256_compares_the_digest_of_the_utf8_value() -> None:
    value = "Bearer ünï-tøken"
    assert Matcher("sha256", sha(value)).matches(value)
    assert Matcher("sha256", sha(value).upper()).matches(value)  # hex in either case
    assert not Matcher("sha256", sha(value)).matches(value + " ")
    assert not Matcher("sha256", sha(value)).matches(None)
    # the latin-1 digest of the same text differs: the value is hashed as UTF-8
    latin = hashlib.sha256(value.encode("latin-1")).hexdigest()
    assert not Matcher("sha256", latin).matches(value)


def test_env_compares_with_the_resolved_value() -> None:
    matcher = Matcher("env", "PARTNER_KEY", resolved="k-123")
    assert matcher.matches("k-123")
    assert not matcher.matches("PARTNER_KEY")  # the variable's name is not its value
    assert not matcher.matches("k-1234")
    assert not matcher.matches(None)
    assert not Matcher("env", "PARTNER_KEY").matches("")  # unresolved matches nothing


# --- expected_text: how an expectation is shown ----------------------------------------


def test_expected_text_of_each_kind() -> None:
    assert Matcher("present").expected_text(False) == "(any value)"
    assert Matcher("present").expected_text(True) == "(any value)"
    assert Matcher("pattern", "v[0-9]+").expected_text(False) == "(matching /v[0-9]+/)"
    assert Matcher("pattern", "v[0-9]+").expected_text(True) == "(matching a pattern)"
    digest = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
    assert Matcher("sha256", digest).expected_text(True) == "<sha256:9f86d081>"
    assert Matcher("equals", "sigmamind").expected_text(False) == "sigmamind"
    assert Matcher("equals", "hunter2").expected_text(True) == fingerprint("hunter2")


def test_expected_text_of_env_never_shows_the_value() -> None:
    resolved = Matcher("env", "PARTNER_KEY", resolved="k-123")
    assert resolved.expected_text(True) == f"{fingerprint('k-123')} ($PARTNER_KEY)"
    assert resolved.expected_text(False) == f"{fingerprint('k-123')} ($PARTNER_KEY)"
    assert Matcher("env", "PARTNER_KEY").expected_text(True) == "(unset) ($PARTNER_KEY)"


# --- parse_matcher: the spec's value as a Matcher ----------------------------------------


def test_a_plain_string_is_equals() -> None:
    assert parse_matcher("sigmamind") == Matcher("equals", "sigmamind", None)
    assert parse_matcher("") == Matcher("equals", "", None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"equals": "abc"}, Matcher("equals", "abc", None)),
        ({"equals": "abc", "secret": False}, Matcher("equals", "abc", False)),
        ({"present": True}, Matcher("present", "", None)),
        ({"present": True, "secret": True}, Matcher("present", "", True)),
        ({"absent": True}, Matcher("absent", "", None)),
        ({"pattern": "v[0-9]+"}, Matcher("pattern", "v[0-9]+", None)),
        ({"sha256": "ab" * 32}, Matcher("sha256", "ab" * 32, None)),
        ({"env": "PARTNER_KEY"}, Matcher("env", "PARTNER_KEY", None)),
        ({"secret": True}, Matcher("present", "", True)),
    ],
)
def test_parse_mapping(raw: dict[str, object], expected: Matcher) -> None:
    parsed = parse_matcher(raw)
    assert parsed == expected
    assert (parsed.kind, parsed.argument, parsed.secret, parsed.resolved) == (
        expected.kind,
        expected.argument,
        expected.secret,
        None,
    )
