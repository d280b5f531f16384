"""drift.commands.compare: every change that decides a verdict is shown; loosenings are marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from drift.commands.compare import compare, compare_base_view, compare_specs, load_side
from drift.errors import SpecError
from drift.model.review import Review
from drift.reporters.review import render_text
from drift.spec import gitread
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


# -- the whole review, as `drift compare` prints it -----------------------------------------

BASE = """version: 1
integrations:
  shop:
    integrationId: intg_A
    authType: API_KEY
    headers:
      X-Source: web
  legacy:
    integrationId: intg_L
    authType: NO_AUTH
  old:
    integrationId: intg_O
    authId: auth_O
    authType: API_KEY
    headers: {}
ignore:
  - {integration: shop, path: /authType, reason: was}
  - {integration: '*', path: /headers/X-Gone, reason: gone}
"""
CHANGED = """version: 1
integrations:
  shop:
    integrationId: intg_A
    authType: BEARER_TOKEN
    headers:
      X-Source: {pattern: 'w.*'}
      X~Id: a
  fresh:
    integrationId: intg_F
    authType: NO_AUTH
  older:
    integrationId: intg_O
    authId: auth_O
    authType: API_KEY
    headers: {}
ignore:
  - {integration: shop, path: /authType, reason: now}
  - {integration: fresh, path: /authType, reason: new}
"""
REVIEW = """Spec changes base.yaml -> head.yaml:
+ fresh: added  (intg_F / embedded auth, head.yaml:9)
    + /authType: "NO_AUTH"
    + /extraHeaders: "fail"
    + /headers: "(not checked)"
    + /integrationId: "intg_F"
- legacy: removed  (intg_L / embedded auth, base.yaml:8)
> older: renamed from old  (intg_O / auth_O, head.yaml:12)
~ shop: changed  (intg_A / embedded auth, head.yaml:3)
    ~ /authType: "API_KEY" -> "BEARER_TOKEN"
    ~ /headers/X-Source: "web" -> "(matching /w.*/)"  [loosens the check]
    + /headers/X~0Id: "a"
~ top-level ignore rules:
    - ignore * /headers/X-Gone: "gone"
    + ignore fresh /authType: "new"  [loosens the check]
    ~ ignore shop /authType: "was" -> "now"  [loosens the check]
1 added, 1 removed, 1 changed, 1 renamed, 3 top-level ignore rule changes; 3 loosen the check
"""


def test_compare_two_spec_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("base.yaml").write_text(BASE, encoding="utf-8")
    Path("head.yaml").write_text(CHANGED, encoding="utf-8")
    review = compare("base.yaml", "head.yaml")
    assert render_text(review) == REVIEW
    assert review.counts() == {
        "added": 1,
        "removed": 1,
        "changed": 1,
        "renamed": 1,
        "loosening": 3,
    }


def test_an_invalid_side_is_a_spec_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("base.yaml").write_text(BASE, encoding="utf-8")
    Path("head.yaml").write_text("version: 1\nintegrations: []\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        compare("base.yaml", "head.yaml")
    assert {p.location.file for p in caught.value.problems} == {"head.yaml"}


def test_a_changed_auth_type_does_not_loosen() -> None:
    head = HEAD.replace("authType: API_KEY", "authType: NO_AUTH")
    assert _lines(_review(HEAD, head)) == [("shop", "changed", "/authType", False)]


# -- a side read from git: git itself is faked here (the acceptance tests in
# tests/acceptance/check/test_cli.py run the real thing in a temporary repository) ----


class _FakeGit:
    """Spec files by (ref, path), as gitread.git_files would list them."""

    def __init__(self, files: dict[tuple[str, str], str]) -> None:
        self.files = files
        self.asked: list[tuple[str, str]] = []

    def __call__(self, ref: str, path: str) -> list[tuple[str, str]]:
        self.asked.append((ref, path))
        return [(f"{ref}:{path}", self.files[(ref, path)])]


def test_a_git_side_is_read_at_its_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    git = _FakeGit({("main", "specs/base.yaml"): BASE, ("main", "specs/bad.yaml"): "version: 2\n"})
    monkeypatch.setattr(gitread, "git_files", git)
    spec = load_side("main:/specs/base.yaml/")
    assert [i.name for i in spec.integrations] == ["legacy", "old", "shop"]
    assert [r.path for r in spec.ignores] == ["/authType", "/headers/X-Gone"]
    assert git.asked == [("main", "specs/base.yaml")]
    with pytest.raises(SpecError) as caught:
        load_side("main:specs/bad.yaml")
    assert {p.location.file for p in caught.value.problems} == {"main:specs/bad.yaml"}


def test_compare_base_reads_each_checked_path_at_the_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two spec files, one named relative to the working directory, one absolute and
    # through a symlink: both are asked of git relative to the working directory
    (tmp_path / "work" / "specs").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "work")
    monkeypatch.chdir(tmp_path / "work")
    head_part, old_part = BASE.split("  old:\n")
    old_part, rules = old_part.split("ignore:\n")
    first = head_part + "ignore:\n" + rules
    second = "version: 1\nintegrations:\n  old:\n" + old_part
    git = _FakeGit({("main", "specs/a.yaml"): first, ("main", "specs/b.yaml"): second})
    monkeypatch.setattr(gitread, "git_files", git)
    other = str(tmp_path / "link" / "specs" / "b.yaml")
    head = _spec(CHANGED)
    review = compare_base_view("main", ["specs/a.yaml", other], head)
    assert git.asked == [("main", "specs/a.yaml"), ("main", "specs/b.yaml")]
    assert (review.base, review.head) == (f"main:specs/a.yaml {other}", f"specs/a.yaml {other}")
    expected = _lines(_review(BASE, CHANGED))
    assert _lines(review) == expected
    assert [(i.name, i.kind) for i in review.items] == [
        ("fresh", "added"),
        ("legacy", "removed"),
        ("older", "renamed"),
        ("shop", "changed"),
    ]
