"""`check --changed-since GIT_REF`: the integrations whose desired state differs from GIT_REF.

The desired state of an integration is what compare diffs (drift.model.desired.document: ids,
authType, extraHeaders, tags, each header's matcher, its own ignore rules) plus the
top-level ignore rules that cover it. An integration new since GIT_REF (by local name)
counts as changed; one removed cannot be checked and does not. When the spec at GIT_REF
is not valid, every integration counts as changed: nothing can be told apart, and a pull
request that repairs the spec must be judged whole.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import Any

from drift.errors import UsageError
from drift.judge.ignore import SharedRules
from drift.model.desired import DesiredIntegration, document, rules_document
from drift.spec import gitread, yamlload
from drift.spec.load import Spec, build_spec


def spec_at(ref: str, paths: Sequence[str]) -> Spec | None:
    """The spec the same paths held at REF (a path not there yet holds nothing); None
    when that spec is not valid. An unknown REF, or no git, is a UsageError."""
    files: dict[str, str] = {}
    for path in paths:
        # the working tree's path as git sees it from here; symlinked workspaces resolved
        here = os.path.relpath(os.path.realpath(path), os.path.realpath(os.getcwd()))
        files.update(gitread.git_files(ref, here, missing_ok=True))
    spec, problems = build_spec(
        (display, functools.partial(yamlload.parse, text, display))
        for display, text in sorted(files.items())
    )
    return None if problems else spec


def _state(item: DesiredIntegration, shared: SharedRules) -> dict[str, Any]:
    return {
        "integration": document(item),
        "ignore": rules_document(shared.rules_for(item.name, ()), top_level=True),
        # the matchers themselves too: a document shows a secret pattern only as
        # "(matching a pattern)", whatever the pattern
        "matchers": {h.name.lower(): h.matcher for h in item.headers or ()},
    }


def changed_names(base: Spec | None, head: Spec) -> set[str]:
    """Local names in `head` whose desired state differs from `base`, or that are new."""
    if base is None:
        return {item.name for item in head.integrations}
    before = {item.name: item for item in base.integrations}
    old_rules, new_rules = SharedRules(base.ignores), SharedRules(head.ignores)
    out = set()
    for item in head.integrations:
        was = before.get(item.name)
        if was is None or _state(was, old_rules) != _state(item, new_rules):
            out.add(item.name)
    return out


def changed_since(ref: str, paths: Sequence[str], head: Spec) -> tuple[set[str], str | None]:
    """The names to check for `--changed-since REF`, and a note for the user when the
    spec at REF was not valid. Errors name the option."""
    if not ref.strip():
        raise UsageError("--changed-since is empty (expected a git revision, e.g. origin/main)")
    try:
        base = spec_at(ref, paths)
    except UsageError as exc:
        raise UsageError(f"--changed-since {ref}: {exc}") from None
    note = None
    if base is None:
        note = f"the spec at {ref} is not valid: every integration counts as changed"
    return changed_names(base, head), note
