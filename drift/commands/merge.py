"""`drift report merge`: combine the JSON reports of several shards into one Report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drift.errors import Location, UsageError
from drift.model.desired import IgnoreRule
from drift.model.results import IntegrationResult, Report, RunStats
from drift.reporters.jsonfmt import read_report, result_of, stale_rule_of


def _completeness(docs: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """What makes this set of reports not one whole run: missing shards, reports from
    different specs. A shard given twice is refused even with --allow-partial."""
    shards: dict[str, list[str]] = {}
    for path, doc in docs:
        shards.setdefault(doc.get("shard") or "", []).append(path)
    for shard, paths in sorted(shards.items()):
        if shard and len(paths) > 1:
            raise UsageError(f"shard {shard} is given twice: {paths[0]} and {paths[1]}")
    gaps = []
    counts = sorted({int(s.split("/")[1]) for s in shards if s})
    if "" in shards and counts:
        sharded = next(paths[0] for s, paths in sorted(shards.items()) if s)
        gaps.append(f"{shards[''][0]} is a whole run but {sharded} is a shard")
    elif len(counts) > 1:
        gaps.append(f"the reports come from splits into {' and '.join(map(str, counts))} shards")
    elif counts:
        total = counts[0]
        missing = [f"{k}/{total}" for k in range(1, total + 1) if f"{k}/{total}" not in shards]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            gaps.append(f"shard {', '.join(missing)} {verb} missing")
    digests = sorted({doc["specDigest"] for _, doc in docs if doc.get("specDigest")})
    if len(digests) > 1:
        short = ", ".join(d[:12] for d in digests)
        gaps.append(f"the reports come from different specs (spec digests {short})")
    return gaps


def merge(paths: Sequence[str], allow_partial: bool = False) -> Report:
    """One report from many; summary and exit code recomputed. A name in two reports is
    an error: the shards overlapped. An incomplete set (a shard missing, reports of
    different specs) is refused unless `allow_partial`, and then marked partial."""
    docs = [(path, read_report(path)) for path in paths]
    gaps = _completeness(docs)
    if gaps and not allow_partial:
        raise UsageError(
            f"{'; '.join(gaps)}; refusing to merge an incomplete set (--allow-partial merges "
            "anyway and marks the result partial)"
        )
    results: dict[str, tuple[str, IntegrationResult]] = {}
    stats = RunStats()
    base_urls = set()
    declared = 0
    stale: dict[tuple[Location, str], IgnoreRule] = {}
    for path, doc in docs:
        base_urls.add(doc["baseUrl"])
        summary = doc["summary"]
        stats.requests += summary.get("requests", 0)
        stats.retries += summary.get("retries", 0)
        stats.throttled += summary.get("throttled", 0)
        declared = max(declared, summary.get("declared", 0))
        for raw in doc["integrations"]:
            if raw["name"] in results:
                raise UsageError(
                    f"{raw['name']!r} is in both {results[raw['name']][0]} and "
                    f"{path}; were the shards of different splits?"
                )
            results[raw["name"]] = (path, result_of(raw))
        # a shard calls a rule stale only when it checked everything the rule covers
        for rule in map(stale_rule_of, doc.get("staleRules") or ()):
            stale[(rule.source, rule.path)] = rule
    if len(base_urls) > 1:
        raise UsageError(f"the reports come from different APIs: {', '.join(sorted(base_urls))}")
    digests = {doc.get("specDigest") for _, doc in docs}
    # the merged run is as recent as its latest shard
    stamps = sorted(doc["generatedAt"] for _, doc in docs if doc.get("generatedAt"))
    ordered = [results[name][1] for name in sorted(results)]
    return Report(
        base_urls.pop() if base_urls else "",
        ordered,
        stats,
        declared=declared or len(ordered),
        stale_rules=[stale[key] for key in sorted(stale)],
        spec_digest=digests.pop() if len(digests) == 1 else None,
        partial=bool(gaps),
        generated_at=stamps[-1] if stamps else None,
    )
