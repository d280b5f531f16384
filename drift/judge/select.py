"""Choosing which declared integrations a run checks: name globs, tags and shards."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass

from drift.errors import UsageError
from drift.model.desired import DesiredIntegration

_SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(text: str) -> tuple[int, int]:
    match = _SHARD.match(text.strip())
    if not match:
        raise UsageError(f"invalid --shard {text!r}: expected K/N, for example 2/4")
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1 or not 1 <= k <= n:
        raise UsageError(f"invalid --shard {text!r}: K must be between 1 and N")
    return k, n


def shard_of(name: str, count: int) -> int:
    """1-based shard of a local name: a stable hash, the same on every machine and run."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select_shard(
    items: list[DesiredIntegration], shard: tuple[int, int]
) -> list[DesiredIntegration]:
    k, n = shard
    return [item for item in items if shard_of(item.name, n) == k]


def select(
    items: list[DesiredIntegration],
    only: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
) -> list[DesiredIntegration]:
    """Keep integrations whose local name matches any --only glob (all when none), that
    carry any of the --tag tags (all when none), and match no --exclude glob."""

    def keep(item: DesiredIntegration) -> bool:
        if only and not any(fnmatch.fnmatchcase(item.name, g) for g in only):
            return False
        if tags and not set(tags) & set(item.tags):
            return False
        return not any(fnmatch.fnmatchcase(item.name, g) for g in exclude)

    return [item for item in items if keep(item)]


@dataclass(frozen=True)
class Selection:
    """Which declared integrations a run checks, as the selectors were given."""

    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    shard: str | None = None  # "K/N"
    changed: frozenset[str] | None = None  # --changed-since: the names it lets through


def choose(
    items: list[DesiredIntegration], selection: Selection
) -> tuple[list[DesiredIntegration], tuple[int, int] | None]:
    """The integrations a run checks, and its shard. Selecting none of the declared
    integrations is a usage error (a typo in a CI gate's --only must not turn into a
    silent pass); an empty shard (more shards than integrations) is fine."""
    shard = parse_shard(selection.shard) if selection.shard else None
    selected = select(items, selection.only, selection.exclude, selection.tags)
    if not selected and items:
        raise UsageError(
            f"--only/--exclude/--tag select none of the {len(items)} declared integrations"
        )
    if selection.changed is not None:
        selected = [item for item in selected if item.name in selection.changed]
    if shard:
        selected = select_shard(selected, shard)
    return selected, shard
