#!/usr/bin/env python3
"""Per-rule match counts of sigma-kql (its JSON eval report) against rsigma-run's counts.

Usage: python3 bench/compare_counts.py SIGMA_KQL_REPORT.json RSIGMA_COUNTS.json [EVENTS.jsonl]

Prints the totals, then every rule whose counts differ, grouped by the rule's log source, so
that each difference can be explained (which side is right is a question of the rule's log
source and of matching semantics, see BENCHMARKS.md). With the events file, it also counts
the events of each (Channel, EventID) pair, to show which sources the differing rules fire on.
"""
import collections
import json
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    ours = json.load(open(sys.argv[1], encoding="utf-8"))
    peer = json.load(open(sys.argv[2], encoding="utf-8"))
    ours_by_id: dict[str, int] = collections.Counter()
    where: dict[str, str] = {}
    status: dict[str, str] = {}
    for r in ours["rules"]:
        key = r.get("id") or r["title"]
        ours_by_id[key] += r.get("alert_count", 0)
        where[key] = r["path"]
        status[key] = r["status"]
    theirs = peer["counts"]
    keys = sorted(set(ours_by_id) | set(theirs))
    same = [k for k in keys if ours_by_id.get(k, 0) == theirs.get(k, 0)]
    diff = [k for k in keys if ours_by_id.get(k, 0) != theirs.get(k, 0)]
    print(f"rules: {len(keys)}; same count: {len(same)}; different: {len(diff)}")
    print(f"total matches: sigma-kql {sum(ours_by_id.values())}, rsigma {sum(theirs.values())}")
    fired_same = sum(1 for k in same if ours_by_id.get(k, 0) > 0)
    print(f"rules firing with the same count: {fired_same}")
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for k in diff:
        path = where.get(k, "?")
        parts = path.split("/")
        source = "/".join(parts[-3:-1]) if len(parts) >= 3 else path
        groups[source].append(k)
    for source, ks in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{source}: {len(ks)} rule(s)")
        for k in sorted(ks, key=lambda k: -abs(ours_by_id.get(k, 0) - theirs.get(k, 0))):
            name = where.get(k, k).split("/")[-1]
            print(
                f"  {name}: sigma-kql {ours_by_id.get(k, 0)} ({status.get(k, '?')}), "
                f"rsigma {theirs.get(k, 0)}"
            )
    if len(sys.argv) > 3:
        origins: dict[tuple, int] = collections.Counter()
        with open(sys.argv[3], encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                origins[(e.get("Channel"), e.get("EventID"))] += 1
        print("\nevents by source:")
        for (channel, event_id), n in origins.most_common():
            print(f"  {channel} {event_id}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
