"""drift.judge.ignore: per-segment globs, accepted values, expiry and stale rules."""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path

import pytest

from drift.errors import Location
from drift.judge.ignore import SharedRules, accepts, apply, path_matches, stale_rules
from drift.model.desired import DesiredIntegration, IgnoreRule
from drift.model.matchers import Matcher
from drift.model.results import Change, Seen

HERE = Location("s.yaml", 3, 5)
TODAY = datetime.date(2026, 11, 29)
README = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")


def _rule(path: str, **kw: object) -> IgnoreRule:
    return IgnoreRule(path=path, reason="why", until=None, source=HERE, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/headers/X-Trace-*", "/headers/X-Trace-Id", True),
        ("/headers/X-Trace-*", "/headers/x-trace-id", True),
        ("/headers/x-trace-*", "/headers/X-TRACE-ID", True),
        ("/headers/X-Trace-*", "/headers/X-Tracer", False),
        ("/headers/X-Trace-*", "/headers/X-Trace-", True),
        ("/headers/*", "/headers/Anything", True),
        ("/headers/*", "/authType", False),
        ("/*", "/authType", True),
        ("/*", "/headers/X-A", False),
        ("/headers/X-?", "/headers/X-A", True),
        ("/headers/X-?", "/headers/X-AB", False),
        ("/headers/X-[AB]", "/headers/X-b", True),
        ("/authType", "/authType", True),
        ("/authtype", "/authType", False),  # field names are written exactly
        ("/*", "/authType", True),
        ("/Headers/X-A", "/headers/X-A", False),
        ("/headers/X-A", "/headers/X-A/extra", False),
        ("/headers/*", "/headers/a~1b", True),  # an escaped "/" stays inside one segment
    ],
)
def test_each_segment_is_a_glob(pattern: str, path: str, expected: bool) -> None:
    assert path_matches(pattern, path) is expected


def test_the_readme_ignore_examples_match_what_they_say() -> None:
    section = README[README.index("### Ignore rules") :]
    paths = re.findall(r"path: (/\S+)", section[: section.index("## Commands")])
    assert "/headers/X-Trace-*" in paths
    assert path_matches("/headers/X-Trace-*", "/headers/X-Trace-Id")
    assert path_matches("/headers/X-Trace-*", "/headers/x-trace-span")
    for quoted in re.findall(r"`(/headers/[^`]+)` matches `(/headers/[^`]+)`", section):
        assert path_matches(*quoted), quoted


def _seen(value: str | None, secret: bool = False) -> Seen:
    if value is None:
        return Seen(None)
    return Seen(hashlib.sha256(value.encode()).hexdigest(), None if secret else value)


def test_accepts_only_the_value_it_names() -> None:
    assert accepts(Matcher("equals", "a"), _seen("a"))
    assert not accepts(Matcher("equals", "a"), _seen("b"))
    assert not accepts(Matcher("equals", "a"), _seen(None))
    digest = hashlib.sha256(b"tok").hexdigest()
    assert accepts(Matcher("sha256", digest.upper()), _seen("tok", secret=True))
    assert not accepts(Matcher("sha256", digest), _seen("other", secret=True))
    assert accepts(Matcher("absent"), _seen(None))
    assert not accepts(Matcher("absent"), _seen(""))
    assert not accepts(Matcher("equals", "a"), None)
    assert not accepts(Matcher("present"), _seen("a"))  # only exact matchers can accept


def _change(path: str = "/headers/X-A", value: str | None = "b") -> Change:
    return Change("changed", path, "a", value, HERE, seen=_seen(value))


def test_a_rule_with_accept_ignores_only_that_value() -> None:
    rule = _rule("/headers/X-A", accept=Matcher("equals", "b"))
    (same,) = apply([_change(value="b")], [rule], TODAY)
    assert (same.disposition, same.note) == ("ignored", "ignored: why")
    (other,) = apply([_change(value="attacker")], [rule], TODAY)
    assert other.disposition == "drift"
    assert other.note == "the ignore rule at s.yaml:3 accepts another value: why"


def test_a_rule_without_accept_ignores_any_value() -> None:
    (change,) = apply([_change(value="anything")], [_rule("/headers/*")], TODAY)
    assert change.disposition == "ignored"


def test_expiry_is_inclusive_and_a_live_rule_wins() -> None:
    last = IgnoreRule("/headers/X-A", "old", TODAY, HERE)
    (today,) = apply([_change()], [last], TODAY)
    assert today.note == "ignored: old (until 2026-11-29)"
    (after,) = apply([_change()], [last], TODAY + datetime.timedelta(days=1))
    assert (after.disposition, after.note) == ("drift", "ignore expired on 2026-11-29: old")
    (both,) = apply([_change()], [last, _rule("/headers/X-A")], TODAY + datetime.timedelta(days=1))
    assert both.disposition == "ignored"


def test_rules_that_matched_are_recorded() -> None:
    used: set[IgnoreRule] = set()
    hit, miss = _rule("/headers/X-A"), _rule("/headers/X-B")
    apply([_change()], [hit, miss], TODAY, used)
    assert used == {hit}


def _item(name: str, *rules: IgnoreRule) -> DesiredIntegration:
    return DesiredIntegration(
        name, "intg_" + name, None, "NO_AUTH", None, HERE, HERE, ignores=rules
    )


def test_stale_rules_only_when_everything_they_cover_was_checked() -> None:
    own_used, own_unused, own_unchecked = _rule("/a"), _rule("/b"), _rule("/c")
    items = [_item("shop", own_used, own_unused), _item("gone", own_unchecked), _item("legacy_x")]
    glob_checked = _rule("/d", integration="shop*")
    glob_partly = _rule("/e", integration="*")  # covers "gone", which was not checked
    glob_nothing = _rule("/f", integration="nobody_*")
    plain_used = _rule("/g", integration="legacy_x")
    checked = {"shop", "legacy_x"}
    used = {own_used, plain_used}
    stale = stale_rules(items, [glob_checked, glob_partly, glob_nothing, plain_used], checked, used)
    assert {r.path for r in stale} == {"/b", "/d", "/f"}


def test_a_note_already_on_the_change_is_kept() -> None:
    twice = "the live record has this header more than once"
    change = Change("added", "/headers/X-A", None, "b", HERE, note=twice, seen=_seen("b"))
    (ignored,) = apply([change], [_rule("/headers/X-A")], TODAY)
    assert ignored.note == f"{twice}; ignored: why"
    (other,) = apply([change], [_rule("/headers/X-A", accept=Matcher("equals", "c"))], TODAY)
    assert other.note == f"{twice}; the ignore rule at s.yaml:3 accepts another value: why"
    expired = IgnoreRule("/headers/X-A", "old", TODAY, HERE)
    (late,) = apply([change], [expired], TODAY + datetime.timedelta(days=1))
    assert late.note == f"{twice}; ignore expired on 2026-11-29: old"


def test_a_change_already_ignored_is_left_as_it_is() -> None:
    done = Change(
        "changed", "/headers/X-A", "a", "b", HERE, note="ignored: first", disposition="ignored"
    )
    used: set[IgnoreRule] = set()
    second = _rule("/headers/X-A")
    assert apply([done], [second], TODAY, used) == (done,)
    assert used == {second}


def test_a_value_with_a_lone_surrogate_can_be_accepted() -> None:
    # what drift.judge.diff records for a live value JSON gave as "\ud800"
    seen = Seen(hashlib.sha256(b"\xed\xa0\x80").hexdigest(), "\ud800")
    assert accepts(Matcher("equals", "\ud800"), seen)


def test_a_rule_using_every_glob_character_is_a_glob() -> None:
    rule = _rule("/headers/X-[AB]?*", integration="sh[o]?*")
    assert path_matches(rule.path, "/headers/X-B1-trace")
    assert SharedRules([rule]).rules_for("shop", ()) == [rule]
    assert SharedRules([rule]).rules_for("shed", ()) == []


def test_a_used_rule_does_not_hide_the_stale_rules_after_it() -> None:
    used, unused = _rule("/a", integration="shop"), _rule("/b", integration="shop")
    stale = stale_rules([_item("shop")], [used, unused], {"shop"}, {used})
    assert stale == [unused]
