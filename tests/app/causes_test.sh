#!/usr/bin/env bash
# Goal: the real engine keeps followers on target (DESIGN.md invariant 8) through one scripted
# day per cause of drift found in the order-mirroring core (tests/data/causes/*.txt):
# reversals, a change reported with the final status, an exit decided while a stop-loss
# cancel is in flight, a stop-loss decided while the entry fills, exits in fractional lots,
# and remainders with unfilled orders.
# Method: `tandem demo --script` plays each day against the broker simulator over loopback TLS
# with the demo's five followers; the demo's closing check reads every follower's position
# from the simulator's own books (the journal's, for the paper followers) and compares it with
# its target. Every position must be on target; only f5-tight, whose limits (copy window,
# daily trades, max position, instruments) are there to refuse, may be held off it, and then
# only with a named reason. Each journal must also replay exactly (replay --verify).
# Usage: causes_test.sh path/to/tandem
set -u
tandem=$(realpath "$1")
causes=$(realpath "$(dirname "$0")/../data/causes")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
count=0
for day in "$causes"/*.txt; do
  name=$(basename "$day" .txt)
  count=$((count + 1))
  if ! "$tandem" demo --dir "$work/$name" --script "$day" --speed 30 --http off >"$work/$name.log" 2>&1; then
    echo "FAIL: $name: tandem demo failed:"; tail -20 "$work/$name.log"
    failures=$((failures + 1)); continue
  fi
  summary=$(grep -A1 "^positions at the close" "$work/$name.log" | tail -1)
  if ! echo "$summary" | grep -q " 0 off target with no reason"; then
    echo "FAIL: $name: a follower is off target: $summary"; grep -A30 "^positions at the close" "$work/$name.log" | grep "OFF TARGET"
    failures=$((failures + 1)); continue
  fi
  if grep -A40 "^positions at the close" "$work/$name.log" | grep "held by" | grep -v "^  f5-tight" >"$work/$name.held"; then
    echo "FAIL: $name: a follower with no limit is held off target:"; cat "$work/$name.held"
    failures=$((failures + 1)); continue
  fi
  if ! "$tandem" replay --journal "$work/$name" --day 2026-11-20 --verify >"$work/$name.replay" 2>&1; then
    echo "FAIL: $name: the journal does not replay:"; tail -5 "$work/$name.replay"
    failures=$((failures + 1)); continue
  fi
  echo "ok: $name: $summary"
done
if [ "$count" -eq 0 ]; then echo "FAIL: no cause days in $causes"; exit 1; fi
echo "$count cause days, $failures failed"
[ "$failures" -eq 0 ]
