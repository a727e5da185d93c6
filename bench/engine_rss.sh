#!/usr/bin/env bash
# The live engine's memory with N followers, measured on the product as a user runs it:
# `tandem run --live` against `tandem sim` in another process (so the simulator's own
# connections and books are not counted), N Kite followers each with its own warm HTTPS
# connection and order WebSocket, a leader placing 20 market orders. Prints the engine
# process's peak and final resident set (VmHWM, VmRSS), how many follower orders were
# acknowledged, how big and how quick the dashboard's /api/state is at the end, and the
# simulator's own peak beside it.
#   bench/engine_rss.sh [N=1000]      (after scripts/build release)
# KEEP=1 keeps the working directory (configs, logs, journal); RUN_WRAP=heaptrack (or any
# wrapper) runs the engine under it to see where its memory goes.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
bin=${TANDEM_BIN:-$PWD/build/release/app/tandem}
dir=$(mktemp -d)
sim_pid=""
run_pid=""
cleanup() {
  [[ -n "$run_pid" ]] && { kill -- "-$run_pid" 2>/dev/null || kill "$run_pid" 2>/dev/null; } || true
  [[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null || true
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$dir"; else echo "kept $dir"; fi
}
trap cleanup EXIT
cd "$dir"

account() { printf 'F%04d' "$1"; }

{
  printf '[kite]\napi_key = "rk"\napi_secret = "rs"\n'
  printf '[[account]]\nuser_id = "LEADER1"\naccess_token = "tl"\nfunds = 100000000.00\n'
  for ((i = 1; i <= n; i++)); do
    printf '[[account]]\nuser_id = "%s"\naccess_token = "t%s"\nfunds = 10000000.00\n' \
      "$(account $i)" "$(account $i)"
  done
  printf '[[instrument]]\nexchange = "NSE"\nsymbol = "INFY"\nprice = 1500.00\n'
} >sim.toml

# The leader's day: 20 market orders, one every 500 ms, starting 5 s in (time to connect).
{
  echo "10:00:00.000 price NSE:INFY 1500.00"
  for ((i = 0; i < 20; i++)); do
    side=BUY
    ((i % 2 == 1)) && side=SELL
    printf '10:00:%02d.%03d place LEADER1 o%d %s NSE:INFY 1 MARKET MIS\n' \
      $((5 + i / 2)) $((i % 2 * 500)) "$i" "$side"
  done
} >day.txt

TANDEM_SECRET_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export TANDEM_SECRET_KEY
set_secret() { printf '%s' "$2" | "$bin" secrets set "$1" >/dev/null; }
set_secret kite.LEADER1.api_key rk
set_secret kite.LEADER1.access_token tl
for ((i = 1; i <= n; i++)); do
  set_secret "kite.$(account $i).api_key" rk
  set_secret "kite.$(account $i).access_token" "t$(account $i)"
done

anchor=$(($(date +%s) + 2))
clock=(--clock-start "2026-11-20 10:00:00" --clock-anchor "$anchor")
"$bin" sim --config sim.toml --listen 127.0.0.1:0 --ca-out ca.pem --script day.txt \
  "${clock[@]}" >sim.out 2>&1 &
sim_pid=$!
for _ in $(seq 100); do grep -q "Kite API at" sim.out && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' sim.out | head -1 | cut -d: -f2)
url="://localhost:$port"
{
  printf 'mode = "live"\njournal = "journal"\n'
  printf '[leader]\naccount = "LEADER1"\napi_url = "https%s"\nws_url = "wss%s"\nca_file = "ca.pem"\n' \
    "$url" "$url"
  for ((i = 1; i <= n; i++)); do
    printf '[[follower]]\nid = "f%d"\naccount = "%s"\nbroker = "kite"\n' "$i" "$(account $i)"
    printf 'api_url = "https%s"\nws_url = "wss%s"\nca_file = "ca.pem"\n' "$url" "$url"
  done
} >tandem.toml

# Its own process group, so that a wrapper's child (RUN_WRAP=heaptrack) stops with it.
setsid ${RUN_WRAP:-} "$bin" run --config tandem.toml --live --http 127.0.0.1:0 "${clock[@]}" \
  >run.out 2>&1 &
run_pid=$!
# The script ends 15 s after the clock's start; give the last acks time to land.
sleep $((anchor + 20 - $(date +%s)))
# The operator's view of all of it, as the dashboard fetches it: size and time to serve.
api=$(grep -o 'event=http url=[^ ]*' run.out | cut -d= -f3)
state_figures=""
if [[ -n "$api" ]] && command -v curl >/dev/null; then
  state_figures=$(curl -s -o /dev/null -w '%{size_download} bytes in %{time_total} s' "${api}api/state")
fi
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$run_pid/status")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$run_pid/status")
sim_hwm=$(awk '/VmHWM/ {print $2}' "/proc/$sim_pid/status")
kill -TERM -- "-$run_pid" 2>/dev/null || kill -TERM "$run_pid"
wait "$run_pid" || true
run_pid=""
acks=$("$bin" journal dump --journal journal 2>/dev/null | grep -c '"FollowerOrderAck"' || true)
echo "tandem run with $n Kite followers: peak RSS $((hwm / 1024)) MiB, RSS at the end" \
  "$((rss / 1024)) MiB; follower orders acknowledged: $acks of $((20 * n))"
[[ -n "$state_figures" ]] && echo "GET /api/state: $state_figures"
echo "tandem sim beside it (2 connections per account): peak RSS $((sim_hwm / 1024)) MiB"
