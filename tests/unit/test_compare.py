"""drift.commands.compare: every change that decides a verdict is shown; loosenings are marked."""

from __future__ import annotations

from drift.commands.compare import Review, compare_specs
from drift.spec.load import Spec, build_spec
from drift.spec.yamlload import parse

HEAD = """version: 1
integrations:
  shop:
    integrationId: intg_A
    authType: API_KEY
    headers:
      X-Source: web
"""


def _spec(text: str) -> Spec:
    spec, problems = build_spec([("s.yaml", lambda: parse(text, "s.yaml"))])
    assert not problems, problems
    return spec


def _review(base: str, head: str) -> Review:
    return compare_specs(_spec(base), _spec(head), "base", "head")


def _lines(review: Review) -> list[tuple[str, str, str, bool]]:
    out = [(i.name, c.kind, c.path, c.loosening) for i in review.items for c in i.changes]
    return out + [("(top)", c.kind, c.path, c.loosening) for c in review.rules]


def test_no_change_is_no_change() -> None:
    review = _review(HEAD, HEAD)
    assert (review.changed, review.items, review.rules) == (False, [], ())


def test_added_ignore_rules_loosen() -> None:
    head = HEAD + "    ignore:\n      - {path: /headers/X-Source, reason: r}\n"
    head += "ignore:\n  - {integration: 'sh*', path: /authType, reason: r}\n"
    assert _lines(_review(HEAD, head)) == [
        ("shop", "added", "ignore /headers/X-Source", True),
        ("(top)", "added", "ignore sh* /authType", True),
    ]
    # and taking them away is shown, but tightens
    assert _lines(_review(head, HEAD)) == [
        ("shop", "removed", "ignore /headers/X-Source", False),
        ("(top)", "removed", "ignore sh* /authType", False),
    ]


def test_extending_a_rule_loosens() -> None:
    base = HEAD + "    ignore:\n      - {path: /authType, reason: r, until: 2026-01-01}\n"
    head = HEAD + "    ignore:\n      - {path: /authType, reason: r, until: 2027-01-01}\n"
    assert _lines(_review(base, head)) == [("shop", "changed", "ignore /authType", True)]


def test_extra_headers_relaxed_loosens_tightened_does_not() -> None:
    warn = HEAD.replace("    authType", "    extraHeaders: warn\n    authType")
    ignore = HEAD.replace("    authType", "    extraHeaders: ignore\n    authType")
    assert _lines(_review(HEAD, warn)) == [("shop", "changed", "/extraHeaders", True)]
    assert _lines(_review(warn, ignore)) == [("shop", "changed", "/extraHeaders", True)]
    assert _lines(_review(ignore, HEAD)) == [("shop", "changed", "/extraHeaders", False)]


def test_matchers_widened_loosen() -> None:
    pattern = HEAD.replace("X-Source: web", "X-Source: {pattern: 'w.*'}")
    other_pattern = HEAD.replace("X-Source: web", "X-Source: {pattern: '.*'}")
    present = HEAD.replace("X-Source: web", "X-Source: {present: true}")
    other_value = HEAD.replace("X-Source: web", "X-Source: mobile")
    assert _lines(_review(HEAD, pattern)) == [("shop", "changed", "/headers/X-Source", True)]
    assert _lines(_review(pattern, other_pattern)) == [
        ("shop", "changed", "/headers/X-Source", True)
    ]
    assert _lines(_review(pattern, present)) == [("shop", "changed", "/headers/X-Source", True)]
    assert _lines(_review(present, HEAD)) == [("shop", "changed", "/headers/X-Source", False)]
    assert _lines(_review(HEAD, other_value)) == [("shop", "changed", "/headers/X-Source", False)]


def test_headers_dropped_loosen() -> None:
    unchecked = HEAD.replace("    headers:\n      X-Source: web\n", "")
    fewer = HEAD.replace("      X-Source: web\n", "      X-Other: a\n")
    assert _lines(_review(HEAD, unchecked)) == [("shop", "changed", "/headers", True)]
    assert _lines(_review(HEAD, fewer)) == [
        ("shop", "added", "/headers/X-Other", False),
        ("shop", "removed", "/headers/X-Source", True),
    ]


def test_an_added_integration_shows_its_content() -> None:
    head = HEAD + "  new:\n    integrationId: intg_B\n    authType: NO_AUTH\n    headers: {}\n"
    review = _review(HEAD, head)
    (item,) = review.items
    assert (item.name, item.kind) == ("new", "added")
    assert [(c.path, c.actual) for c in item.changes] == [
        ("/authType", "NO_AUTH"),
        ("/extraHeaders", "fail"),
        ("/headers", {}),
        ("/integrationId", "intg_B"),
    ]
    assert not any(c.loosening for c in item.changes)


def test_a_new_local_name_for_the_same_record_is_a_rename() -> None:
    head = HEAD.replace("  shop:", "  storefront:").replace("X-Source: web", "X-Source: app")
    (item,) = _review(HEAD, head).items
    assert (item.name, item.kind, item.renamed_from) == ("storefront", "renamed", "shop")
    assert [(c.kind, c.path) for c in item.changes] == [("changed", "/headers/X-Source")]
    assert _review(HEAD, head).counts()["renamed"] == 1


def test_secret_values_are_fingerprints() -> None:
    base = HEAD.replace("X-Source: web", "Authorization: spec-secret-1")
    head = HEAD.replace("X-Source: web", "Authorization: spec-secret-2")
    (item,) = _review(base, head).items
    (change,) = item.changes
    assert "spec-secret" not in f"{change.expected}{change.actual}"
    assert str(change.expected).startswith("<redacted sha256:")
