"""Selection: --only/--exclude/--tag globs and --shard K/N partitions."""

from __future__ import annotations

import pytest

from drift.errors import Location, UsageError
from drift.select import parse_shard, select, select_shard, shard_of
from drift.spec import DesiredIntegration

HERE = Location("spec.yaml", 1, 1)


def item(name: str, tags: tuple[str, ...] = ()) -> DesiredIntegration:
    return DesiredIntegration(name, f"intg_{name}", None, "API_KEY", None, HERE, HERE, tags=tags)


NAMES = [f"integration_{i:03d}" for i in range(200)]


@pytest.mark.parametrize("count", range(1, 8))
def test_shards_cover_every_integration_exactly_once(count: int) -> None:
    items = [item(n) for n in NAMES]
    seen: list[str] = []
    for k in range(1, count + 1):
        seen += [i.name for i in select_shard(items, (k, count))]
    assert sorted(seen) == NAMES
    if count > 1:  # and the split is not degenerate
        sizes = [len(select_shard(items, (k, count))) for k in range(1, count + 1)]
        assert min(sizes) > 0


def test_shard_is_stable() -> None:
    # a stable hash: the same on every machine, run and Python hash seed
    assert [shard_of(n, 4) for n in ("a", "shopify_store", "crm_sync")] == [
        shard_of(n, 4) for n in ("a", "shopify_store", "crm_sync")
    ]
    assert shard_of("anything", 1) == 1


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "x", "1-2", "", "2/"])
def test_invalid_shards(text: str) -> None:
    with pytest.raises(UsageError):
        parse_shard(text)


def test_parse_shard() -> None:
    assert parse_shard(" 2/5 ") == (2, 5)
    assert parse_shard("1/1") == (1, 1)


def test_select_globs_and_tags() -> None:
    items = [item("alpha", ("pay",)), item("beta", ("crm",)), item("gamma", ("crm", "x"))]
    names = lambda chosen: [i.name for i in chosen]  # noqa: E731
    assert names(select(items)) == ["alpha", "beta", "gamma"]
    assert names(select(items, only=("a*", "g*"))) == ["alpha", "gamma"]
    assert names(select(items, exclude=("b*",))) == ["alpha", "gamma"]
    assert names(select(items, tags=("crm",))) == ["beta", "gamma"]
    assert names(select(items, tags=("pay", "x"))) == ["alpha", "gamma"]
    assert names(select(items, only=("*a",), tags=("crm",), exclude=("gam*",))) == ["beta"]
    assert names(select(items, only=("ALPHA",))) == []  # globs are case-sensitive
