#!/usr/bin/env bash
# Runs kite_client_test.js: Zerodha's official client (npm kiteconnect, installed by
# scripts/install-deps from package-lock.json) against a real `tandem sim` on loopback TLS.
# Usage: run.sh path/to/tandem path/to/shared/fixtures/kite
set -euo pipefail
tandem=$(realpath "$1")
fixtures=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/kiteconnect" ]; then
  echo "FAIL: $here/node_modules/kiteconnect is missing: run scripts/install-deps" >&2
  exit 1
fi
work=$(mktemp -d)
sim=""
cleanup() { [ -n "$sim" ] && kill "$sim" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
# The price of INFY moves every second, so that the ticker has something to send.
for s in $(seq 0 119); do
  printf '09:%02d:%02d.000  price NSE:INFY %d.%02d\n' $((15 + s / 60)) $((s % 60)) \
    $((1500 + (s % 7) - 3)) $(( (s * 35) % 100 / 5 * 5 ))
done >"$work/day.txt"
# The market clock reads 09:15 IST on a Friday whatever the hour CI runs at: in market hours.
"$tandem" sim --config "$here/sim.toml" --listen 127.0.0.1:0 --ca-out "$work/ca.pem" \
  --script "$work/day.txt" --speed 1 --clock-start "2026-11-20 09:15:00" >"$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 100); do
  grep -q "Kite API at" "$work/sim.log" && break
  kill -0 "$sim" 2>/dev/null || { echo "FAIL: tandem sim exited:"; cat "$work/sim.log"; exit 1; }
  sleep 0.1
done
port=$(sed -n 's/.*Kite API at https:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.log")
[ -n "$port" ] || { echo "FAIL: tandem sim printed no address:"; cat "$work/sim.log"; exit 1; }
cd "$here"
NODE_EXTRA_CA_CERTS="$work/ca.pem" SIM_ROOT="https://localhost:$port" SIM_API_KEY=confkey \
  SIM_API_SECRET=confsecret SIM_USER_ID=CONF01 KITE_FIXTURES="$fixtures" \
  node --test --test-reporter=spec kite_client_test.js
