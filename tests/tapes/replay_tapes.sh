#!/usr/bin/env bash
# Goal: the golden tapes (DESIGN.md invariant 3 in CI). Every tape under tests/data/tapes is a
# `journal dump` of a day the engine recorded. Each is re-imported (every record's hash
# recomputed, so the tape is the recorded journal, not an edited one), replayed with
# --verify (every decision recomputed by today's core must equal the recorded one), and its
# per-follower digests (decisions, then final positions) must equal the ones recorded with
# the tape. A change to the core that changes a decision or a position fails here on
# purpose; a deliberate change re-records the tapes (tools/record_tapes.sh) in the same
# commit, with the reason. Usage: replay_tapes.sh path/to/tandem
set -u
tandem=$(realpath "$1")
tapes=$(realpath "$(dirname "$0")/../data/tapes")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
count=0
for tape in "$tapes"/*.jsonl; do
  name=$(basename "$tape" .jsonl)
  count=$((count + 1))
  if ! "$tandem" journal import --journal "$work/$name" --from "$tape" >"$work/$name.import" 2>&1; then
    echo "FAIL: $name does not import:"; cat "$work/$name.import"
    failures=$((failures + 1)); continue
  fi
  day=$(head -c 400 "$tape" | sed -n 's/.*"trading_day":\([0-9]\{8\}\).*/\1/p')
  to=$(tail -n 1 "$tape" | sed -n 's/.*"trading_day":\([0-9]\{8\}\).*/\1/p')
  if ! "$tandem" replay --journal "$work/$name" --day "$day" --to "$to" --verify >"$work/$name.replay" 2>&1; then
    echo "FAIL: $name no longer replays to its recorded decisions:"; cat "$work/$name.replay"
    failures=$((failures + 1)); continue
  fi
  if ! diff <(grep digest "$work/$name.replay") "$tapes/$name.digests" >"$work/$name.diff"; then
    echo "FAIL: $name replays, but its digests differ from the recorded ones (< now, > recorded):"
    cat "$work/$name.diff"
    failures=$((failures + 1)); continue
  fi
  echo "ok: $name ($(sed -n 's/^imported \([0-9]*\) records.*/\1/p' "$work/$name.import") records, $(grep -c digest "$tapes/$name.digests") followers)"
done
if [ "$count" -eq 0 ]; then echo "FAIL: no tapes in $tapes"; exit 1; fi
echo "$count tapes, $failures failed"
[ "$failures" -eq 0 ]
