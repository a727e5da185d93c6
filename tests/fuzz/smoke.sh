#!/usr/bin/env bash
# A bounded fuzz run: smoke.sh TARGET SECONDS SEED_DIR... (TANDEM_FUZZ_SECONDS, when set,
# overrides SECONDS: the long run in docs/fuzzing.md).
# New inputs go to a fresh directory (libFuzzer writes into its first corpus directory), so
# the seeds are only read. Any crash, leak, timeout or failed FUZZ_CHECK fails the test, and
# libFuzzer prints the input that reproduces it (saved as crash-*/leak-*/timeout-* here).
set -euo pipefail
target=$1 seconds=${TANDEM_FUZZ_SECONDS:-$2}
shift 2
seeds=()
for d in "$@"; do [ -d "$d" ] && seeds+=("$d"); done
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
artifacts=${TANDEM_FUZZ_ARTIFACTS:-$PWD}/
mkdir -p "$artifacts"
log="$corpus.log"
rc=0
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$artifacts$(basename "$target")-" \
  "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  grep -v "^#[0-9]" "$log" | tail -n 60
  echo "$(basename "$target"): FAILED (exit $rc); the input is saved under $artifacts"
else
  grep -E "INITED|DONE|stat::number_of_executed_units|stat::peak_rss_mb" "$log"
  echo "$(basename "$target"): $(ls "$corpus" | wc -l) new inputs, no crash in ${seconds} s"
fi
rm -f "$log"
exit "$rc"
