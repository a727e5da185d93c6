#!/usr/bin/env bash
# Re-records the golden tapes of tests/data/tapes after a deliberate change to the core:
# runs `tandem demo` on each tape's leader day, dumps the journal, and keeps the digests of
# its replay. Commit the new tapes with the change and say why the decisions changed.
# Usage: tools/record_tapes.sh [path/to/tandem]   (default build/release/app/tandem)
set -euo pipefail
cd "$(dirname "$0")/.."
tandem=$(realpath "${1:-build/release/app/tandem}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for day in tests/data/tapes/*.leader_day.txt; do
  name=$(basename "$day" .leader_day.txt)
  "$tandem" demo --dir "$work/$name" --speed 400 --script "$day" >"$work/$name.log"
  "$tandem" journal dump --journal "$work/$name" >"tests/data/tapes/$name.jsonl"
  "$tandem" replay --journal "$work/$name" --day 2026-11-20 --verify | grep digest \
    >"tests/data/tapes/$name.digests"
  echo "recorded $name: $(wc -l <"tests/data/tapes/$name.jsonl") records"
done
