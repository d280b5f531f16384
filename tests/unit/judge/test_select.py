"""Selection: --only/--exclude/--tag globs and --shard K/N partitions (unit, no I/O)."""

from __future__ import annotations

import pytest

from drift.errors import Location, UsageError
from drift.judge.select import (
    Selection,
    choose,
    parse_shard,
    select,
    select_shard,
    shard_of,
)
from drift.spec.load import DesiredIntegration

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


@pytest.mark.parametrize(
    ("name", "shards"),
    [
        # pinned: a shard must not move when drift is upgraded or run elsewhere
        ("a", [1, 1, 2, 3, 5, 1]),
        ("shopify_store", [1, 2, 3, 2, 4, 2]),
        ("crm_sync", [1, 2, 1, 4, 4, 2]),
        ("payments_gateway", [1, 2, 2, 4, 7, 8]),
        ("x", [1, 1, 1, 1, 2, 7]),
        ("ünï", [1, 2, 3, 4, 4, 8]),
    ],
)
def test_shard_of_is_pinned(name: str, shards: list[int]) -> None:
    assert [shard_of(name, count) for count in (1, 2, 3, 4, 7, 10)] == shards


def test_select_shard_keeps_order_and_only_its_shard() -> None:
    items = [item(n) for n in ("a", "shopify_store", "crm_sync", "payments_gateway", "x")]
    assert [i.name for i in select_shard(items, (2, 4))] == ["shopify_store"]
    assert [i.name for i in select_shard(items, (4, 4))] == ["crm_sync", "payments_gateway"]
    assert [i.name for i in select_shard(items, (1, 4))] == ["x"]
    assert select_shard([], (1, 1)) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x", "invalid --shard 'x': expected K/N, for example 2/4"),
        ("1-2", "invalid --shard '1-2': expected K/N, for example 2/4"),
        ("0/3", "invalid --shard '0/3': K must be between 1 and N"),
        ("4/3", "invalid --shard '4/3': K must be between 1 and N"),
        ("1/0", "invalid --shard '1/0': K must be between 1 and N"),
        ("0/0", "invalid --shard '0/0': K must be between 1 and N"),
    ],
)
def test_invalid_shard_messages(text: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_shard(text)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "shard"),
    [("1/3", (1, 3)), ("3/3", (3, 3)), ("2/3", (2, 3)), ("12/40", (12, 40)), ("1/1", (1, 1))],
)
def test_valid_shards(text: str, shard: tuple[int, int]) -> None:
    assert parse_shard(text) == shard


def test_select_each_selector_alone_and_combined() -> None:
    items = [item("alpha", ("pay",)), item("beta", ()), item("gamma", ("crm",))]

    def names(chosen: list[DesiredIntegration]) -> list[str]:
        return [i.name for i in chosen]

    assert names(select(items, only=("alpha",))) == ["alpha"]  # a plain name is a glob too
    assert names(select(items, only=("zeta",))) == []
    assert names(select(items, exclude=("alpha", "gamma"))) == ["beta"]
    assert names(select(items, exclude=("*",))) == []
    assert names(select(items, tags=("nope",))) == []
    assert names(select(items, tags=("crm",), exclude=("gamma",))) == []
    assert names(select(items, only=("alpha", "beta"), tags=("pay",))) == ["alpha"]
    assert names(select(items, only=("beta",), tags=("pay",))) == []  # untagged fails --tag


def _names(chosen: list[DesiredIntegration]) -> list[str]:
    return [i.name for i in chosen]


SHARDED = [item(n) for n in ("a", "shopify_store", "crm_sync", "payments_gateway", "x")]


def test_a_selection_selects_everything_by_default() -> None:
    selection = Selection()
    assert (selection.only, selection.exclude, selection.tags) == ((), (), ())
    assert selection.shard is None
    assert selection.changed is None
    assert choose(SHARDED, selection) == (SHARDED, None)


def test_choose_with_globs_tags_and_a_shard() -> None:
    items = [item("alpha", ("pay",)), item("beta", ("crm",)), item("gamma", ("crm",))]
    chosen, shard = choose(items, Selection(only=("a*", "b*"), exclude=("alpha",)))
    assert (_names(chosen), shard) == (["beta"], None)
    chosen, shard = choose(items, Selection(tags=("crm",)))
    assert (_names(chosen), shard) == (["beta", "gamma"], None)
    # the shard is parsed and returned, and only its integrations are kept, in order
    chosen, shard = choose(SHARDED, Selection(shard=" 4/4 "))
    assert (_names(chosen), shard) == (["crm_sync", "payments_gateway"], (4, 4))
    chosen, shard = choose(SHARDED, Selection(only=("p*", "s*"), shard="2/4"))
    assert (_names(chosen), shard) == (["shopify_store"], (2, 4))


def test_an_empty_shard_is_not_an_error() -> None:
    chosen, shard = choose([item("a")], Selection(shard="2/4"))
    assert (chosen, shard) == ([], (2, 4))


def test_a_bad_shard_is_refused_even_when_nothing_is_declared() -> None:
    with pytest.raises(UsageError) as raised:
        choose([], Selection(shard="5/4"))
    assert str(raised.value) == "invalid --shard '5/4': K must be between 1 and N"


@pytest.mark.parametrize(
    "selection",
    [
        Selection(only=("zeta",)),
        Selection(exclude=("*",)),
        Selection(tags=("nope",)),
        Selection(only=("alpha",), changed=frozenset({"alpha"}), exclude=("al*",)),
    ],
)
def test_selectors_that_select_none_are_a_usage_error(selection: Selection) -> None:
    items = [item("alpha"), item("beta", ("crm",)), item("gamma")]
    with pytest.raises(UsageError) as raised:
        choose(items, selection)
    assert str(raised.value) == "--only/--exclude/--tag select none of the 3 declared integrations"


def test_a_spec_that_declares_nothing_selects_nothing_without_error() -> None:
    assert choose([], Selection(only=("zeta",))) == ([], None)
    assert choose([], Selection(shard="1/2")) == ([], (1, 2))


def test_changed_since_keeps_only_the_changed_names() -> None:
    items = [item("alpha"), item("beta", ("crm",)), item("gamma", ("crm",))]
    changed = frozenset({"gamma", "alpha", "removed_since"})
    chosen, shard = choose(items, Selection(changed=changed))
    assert (_names(chosen), shard) == (["alpha", "gamma"], None)
    # with the other selectors: both must let an integration through
    chosen, _ = choose(items, Selection(tags=("crm",), changed=changed))
    assert _names(chosen) == ["gamma"]
    # nothing changed is an empty run, not an error: the pull request changed no integration
    assert choose(items, Selection(changed=frozenset())) == ([], None)
    assert choose(items, Selection(tags=("crm",), changed=frozenset({"alpha"}))) == ([], None)


def test_changed_since_before_the_shard() -> None:
    # the shard is taken of the changed integrations, each keeping its own stable shard
    changed = frozenset({"a", "crm_sync", "x"})
    assert _names(choose(SHARDED, Selection(changed=changed, shard="4/4"))[0]) == ["crm_sync"]
    assert _names(choose(SHARDED, Selection(changed=changed, shard="1/4"))[0]) == ["x"]
    assert choose(SHARDED, Selection(changed=changed, shard="2/4")) == ([], (2, 4))
