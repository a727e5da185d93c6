#!/usr/bin/env bash
# Goal: the `tandem` command behaves for a user as the README says: the demo records and
# verifies a journal; verify/stats/dump/tail work on it; bad input (no journal, not a
# journal, a flipped byte on disk) gives a clear message and exit 1, and changes nothing.
# Method: run the real binary on journals in a temp dir. Usage: cli_test.sh path/to/tandem
set -u
tandem=$(realpath "$1")
source_dir=$(realpath "$(dirname "$0")/../..")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
pass=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
run() {  # run CMD... → sets out, err, rc
  out=$("$@" 2>"$work/err"); rc=$?; err=$(cat "$work/err")
}

cd "$work"
# A word that is no command gets the nearest one and the list; `tandem help` is the help.
run "$tandem" jornal verify
check "a typo'd command exits 2" test "$rc" -eq 2
check "…suggesting the command meant" grep -q "Did you mean 'tandem journal'?" <<<"$err"
check "…and listing them all" grep -q "^Commands: journal demo sim" <<<"$err"
run "$tandem" help
check "tandem help exits 0 with the commands" test "$rc" -eq 0 -a -n "$(grep -o "^Usage: tandem" <<<"$out")"
run "$tandem" help check
check "tandem help COMMAND shows that command's options" grep -q "^Pre-flight: config, journal, secrets, brokers" <<<"$out"
# Every command a user runs shows an example of itself in its help.
without_example=""
for c in demo sim run check replay state backtest "audit export" "audit verify" \
  "journal verify" "journal stats" "journal dump" "journal import" "journal tail" \
  "journal backup" "journal restore" "secrets init" "secrets set" "secrets list" \
  "secrets remove" "login kite" "login dhan" "config import-env"; do
  # shellcheck disable=SC2086
  "$tandem" $c --help 2>&1 | grep -q "^Examples\?:" || without_example="$without_example [$c]"
done
check "every command's help has an example${without_example:+ (not:$without_example)}" test -z "$without_example"
run "$tandem" demo --dir "$work/demo" --speed 2000 --log-file "$work/demo.log" --log-format json
check "demo exits 0" test "$rc" -eq 0
check "demo verifies its journal" grep -q "OK, .* records, hash chain verified" <<<"$out"
check "demo prints the next commands" grep -q "tandem journal verify --journal" <<<"$out"
for f in f1-multiplier f2-fixed-ratio f3-capital f4-risk f5-tight f6-both@scalper f6-both@writer; do
  check "demo copies to $f" grep -Eq "^$f +[1-9][0-9]* " <<<"$out"
done
check "demo's day has two leaders, one on Dhan" \
  grep -q "leaders scalper LEADER1 (kite) and writer LEADER2 (dhan) play" <<<"$out"
check "demo's tight follower hits its limits" grep -Eq "^f5-tight .*daily_trade_limit" <<<"$out"
check "…and its daily loss guard, at the ticker's prices" grep -q "loss_guard .* IST; the last: follower f5-tight: day P&L -[0-9.]* reached its maximum daily loss of 3000.00; action flatten" <<<"$out"
check "demo's summary gives each follower's P&L, turnover and positions at the close" \
  grep -Eq "^f1-multiplier +-?₹[0-9,]+\.[0-9]{2} +₹[0-9,]+\.[0-9]{2}  (NSE|NFO):" <<<"$out"
check "…each share of f6-both with its own leader's P&L, not the account's twice" \
  test "$(grep -E "^f6-both@[a-z]+ +-?₹" <<<"$out" | awk '{ print $2 }' | sort -u | wc -l)" -eq 2
check "…groups the alerts by kind, with counts" grep -Eq "^  position_drift +[0-9]+ × [0-9:]{5}" <<<"$out"
check "…and its progress says the market's time of day and how far the day is" \
  grep -Eq "^[0-9]{2}:[0-9]{2} IST 100% \| leader updates" <<<"$out"
intents=$(sed -n 's/^FollowerOrderIntent *\([0-9]*\)$/\1/p' <<<"$out")
acks=$(sed -n 's/^FollowerOrderAck *\([0-9]*\)$/\1/p' <<<"$out")
rejected=$(sed -n 's/^FollowerOrderRejected *\([0-9]*\)$/\1/p' <<<"$out")
answered=$(( ${acks:-0} + ${rejected:-0} ))
check "demo has an answer for every follower order it journaled" test "${intents:-0}" -gt 500 -a "${intents:-0}" = "$answered"
[ "${intents:-0}" = "$answered" ] || echo "$out" | tail -40 >&2  # what the demo said, when not
# The one rejection the demo may see: a leader's modify or cancel reaches the broker after the
# follower's copy has filled (a race the real exchange has too; the sim's CPU load decides it).
# The simulated brokers say so through their error envelopes ("kite OrderException (HTTP 400):
# paper: order P451 is COMPLETE"). Any other rejection (a placement, a bad field) is a bug.
"$tandem" journal dump --journal "$work/demo" >"$work/demo.jsonl"
unexplained=0
while read -r line; do
  tag=$(sed -n 's/.*"tag":"\([^"]*\)".*/\1/p' <<<"$line")
  intent=$(grep "\"type\":\"FollowerOrderIntent\".*\"tag\":\"$tag\"" "$work/demo.jsonl")
  grep -Eq '"message":"[^"]*paper: order [^"]* is (COMPLETE|CANCELLED|REJECTED)"' <<<"$line" &&
    grep -Eq '"action":"(modify|cancel)"' <<<"$intent" || { unexplained=$((unexplained + 1)); echo "$line" >&2; }
done < <(grep '"type":"FollowerOrderRejected"' "$work/demo.jsonl")
check "…and rejects only a modify or cancel that lost the race with a fill" test "$unexplained" -eq 0

# The log tells the day (app/day_log.h): a line for every leader order report, copy decision,
# order sent and broker answer the journal holds, each a JSON object stamped in IST, and no
# line carries a secret: the simulator's API key and secret, any access token, the dashboard's.
count_records() { grep -c "\"type\":\"$1\"" "$work/demo.jsonl"; }
count_lines() { grep -c "\"event\":\"$1\"" "$work/demo.log"; }
check "the demo's log exists" test -s "$work/demo.log"
for pair in LeaderOrderUpdate:leader_order CopyDecision:copy FollowerOrderIntent:order \
  FollowerOrderAck:broker_ack FollowerOrderRejected:broker_reject FollowerOrderUpdate:broker_update; do
  records=$(count_records "${pair%%:*}"); lines=$(count_lines "${pair#*:}")
  check "…has a line for each of the journal's ${pair%%:*} records ($records records, $lines lines)" \
    test "$records" = "$lines"
done
check "…and the day had them" test "$(count_records LeaderOrderUpdate)" -gt 50 -a "$(count_records FollowerOrderAck)" -gt 500
check "…with the copy decisions' skip reasons" grep -q '"event":"copy".*"skip":"daily_trade_limit"' "$work/demo.log"
check "…the loss guard's trip" grep -q '"event":"loss_guard_tripped","seq":"[0-9]*".*"follower":"f5-tight"' "$work/demo.log"
check "…and the alerts" grep -q '"event":"alert","kind":"loss_guard"' "$work/demo.log"
if command -v python3 >/dev/null; then
  check "…every line a JSON object with an IST time" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert o["time"].endswith("+05:30") and o["level"] and o["event"], line
' "$work/demo.log"
fi
dashboard_token=$(sed -n 's/.*#token=\([0-9a-f]*\)$/\1/p' <<<"$out")
leaked=""
for secret in demokey demosecret demo-leader demo-follow1 demo-follow2 demo-follow3 ${dashboard_token:-no-token-printed}; do
  grep -q -- "$secret" "$work/demo.log" && leaked="$leaked $secret"
done
check "…and no line holds a secret's value${leaked:+ (found:$leaked)}" test -z "$leaked"
check "…(the dashboard's token was printed, so the check saw it)" test -n "$dashboard_token"

check "demo prints the replay command" grep -q "tandem replay --journal .* --day 2026-11-20 --verify" <<<"$out"
run "$tandem" journal dump --journal "$work/demo" --from 50 --to 10
check "journal dump of an empty range exits 1" test "$rc" -eq 1
check "…saying so" grep -q "^tandem journal dump: --from 50 --to 10 is an empty range$" <<<"$err"
run "$tandem" journal dump --journal "$work/demo" --from 99999999
check "journal dump from past the head exits 1, naming the head" grep -q "past this journal's head, [0-9]" <<<"$err"
run "$tandem" replay --journal "$work/demo" --day 2026-11-20 --verify
check "replay of the demo day exits 0" test "$rc" -eq 0
check "…every decision recomputed equal" grep -q "decisions and intents equal to the recorded ones" <<<"$out"
check "…with a digest per follower (f6-both per leader)" test "$(grep -c "digest [0-9a-f]\{64\}" <<<"$out")" -eq 7
run "$tandem" replay --journal "$work/demo" --day 2026-11-21 --verify
check "replay of a day not in the journal exits 1, saying so" grep -q "no record of those days" <<<"$err"

# state --at: what the journal knew at an IST instant.
run "$tandem" state --journal "$work/demo" --at "2026-11-20 12:00:00"
check "state at noon exits 0" test "$rc" -eq 0
check "…with every follower" test "$(grep -c "^f[1-5]-.*(account" <<<"$out")" -eq 5
check "…naming the record it stopped at" grep -q "^state at 2026-11-20 12:00:00.000 IST: record [0-9]" <<<"$out"
check "…with settings in the config's words" grep -q "^    ratio = 2$" <<<"$out"
check "…and units (rupees, HH:MM)" grep -q '^    max_daily_loss = 3000$' <<<"$out"
check "…never the journal's field names" test "$(grep -c "ratioPpm\|Paise" <<<"$out")" -eq 0
run "$tandem" state --journal "$work/demo" --at "2026-11-20 12:00:00" --follower f1-multiplier --format json
check "state as JSON has one object per follower" test "$(grep -o '"follower":"' <<<"$out" | wc -l)" -eq 2
run "$tandem" state --journal "$work/demo" --at "2026-11-19 12:00:00"
check "state before the journal begins exits 1, saying so" grep -q "no record at or before" <<<"$err"
run "$tandem" state --journal "$work/demo" --at "noon"
check "state with a malformed instant names it" grep -q -- '--at "noon" is not an IST time' <<<"$err"
run "$tandem" state --journal "$work/demo" --at "2026-11-20 12:00:00" --follower nobody
check "state of an unknown follower exits 1" test "$rc" -eq 1
run "$tandem" state --journal "$work/demo" --at "2026-11-20 14:00:00" --follower f6-both
check "state of a follower of two leaders shows each share" \
  test "$(grep -c "^f6-both@\(scalper\|writer\)  (account FOLLOW4, kite, leader" <<<"$out")" -eq 2
check "…each with its own P&L beside the account's" \
  test "$(grep -cE "^  P&L today: -?[0-9.]+ \((scalper|writer)'s share; the account -?[0-9.]+\)$" <<<"$out")" -eq 2
shares=$(grep -oE "^  P&L today: -?[0-9.]+" <<<"$out" | grep -oE -- "-?[0-9.]+$" | awk '{ s += $1 } END { printf "%.2f", s }')
account=$(grep -oE "the account -?[0-9.]+" <<<"$out" | head -1 | grep -oE -- "-?[0-9.]+$")
check "…and the shares' P&L sums to the account's ($shares = $account)" test "$shares" = "$account"
run "$tandem" state --journal "$work/demo" --at "2026-11-20 14:00:00" --leader writer --format json
check "state --leader writer holds the writer's share alone" \
  test "$(grep -o '"follower":"[^"]*"' <<<"$out" | sort -u | tr '\n' ' ')" = '"follower":"f6-both@writer" '
run "$tandem" state --journal "$work/demo" --at "2026-11-20 14:00:00" --leader nobody
check "state --leader of an unknown leader exits 1 naming the leaders" \
  grep -q 'no leader named "nobody" .*scalper (LEADER1), writer (LEADER2)' <<<"$err"

# backtest: the recorded settings reproduce the day; other settings give a report.
run "$tandem" backtest --journal "$work/demo" --day 2026-11-20 --config "$source_dir/data/demo/tandem.toml" --report "$work/bt/same.html"
check "backtest with the recorded settings exits 0" test "$rc" -eq 0
check "…and every follower's decisions equal the recorded ones" \
  test "$(grep -cE "^f[1-5]-[a-z-]+ +test .* [1-9][0-9]* / 0$" <<<"$out")" -eq 5
check "…each share of f6-both with its own book's P&L" \
  test "$(grep -E "^f6-both@[a-z]+ +test " <<<"$out" | awk '{ print $6 }' | sort -u | wc -l)" -eq 2
check "…its report compares the candidates side by side (P&L, drawdown, peak capital, turnover)" \
  test "$(grep -oE '<tr><td>f[1-5]-[a-z-]+</td><td class="(up|down)">-?₹[0-9,]+\.[0-9]{2}</td><td>₹[0-9,]+\.[0-9]{2}</td><td>₹[0-9,]+\.[0-9]{2}</td><td>₹[0-9,]+\.[0-9]{2}</td>' "$work/bt/same.html" | wc -l)" -eq 5
check "…its charts have an IST time axis" grep -q '>10:00</text>' "$work/bt/same.html"
check "…and mark the loss guard's trip" grep -q '[0-9]:[0-9][0-9] loss guard: flatten</text>' "$work/bt/same.html"
check "…and say what the latency's clock was" grep -q "times faster than real time" "$work/bt/same.html"
sed -e 's/^ratio = 2.0/ratio = 1.0/' "$source_dir/data/demo/tandem.toml" >"$work/whatif.toml"
printf '\n[[follower]]\nid = "f7-new"\nbroker = "paper"\nratio = 3.0\npaper_slippage_bp = 10\n[[follower.follow]]\nleader = "scalper"\n' >>"$work/whatif.toml"
run "$tandem" backtest --journal "$work/demo" --day 2026-11-20 --config "$work/whatif.toml" --report "$work/bt/whatif.html"
check "a what-if backtest exits 0" test "$rc" -eq 0
check "…and f1 at 1x decides otherwise than recorded" grep -qE "^f1-multiplier +test .* [0-9]+ / [1-9][0-9]*$" <<<"$out"
check "…and the new follower trades" grep -qE "^f7-new +test +[1-9]" <<<"$out"
check "…with an HTML report, a summary CSV and a series CSV" \
  test -s "$work/bt/whatif.html" -a -s "$work/bt/whatif.csv" -a -s "$work/bt/whatif-series.csv"
check "…that loads nothing (no scripts, no links but the SVG namespace)" \
  bash -c "! grep -q '<script' '$work/bt/whatif.html' && test -z \"\$(grep -o 'https\?://[^\"]*' '$work/bt/whatif.html' | grep -v 'www.w3.org/2000/svg')\""
check "…with a chart per follower" test "$(grep -o '<svg' "$work/bt/whatif.html" | wc -l)" -ge 12
run "$tandem" backtest --journal "$work/demo" --day 2026-11-20 --config "$source_dir/data/demo/tandem.toml" --leader writer --report "$work/bt/writer.html"
check "backtest --leader writer backtests the writer's share alone, as recorded" \
  test "$(grep -cE "^f6-both@writer +test .* [1-9][0-9]* / 0$" <<<"$out")" -eq 1 -a \
  "$(grep -c "^f[1-6]" <<<"$out")" -eq 2
run "$tandem" backtest --journal "$work/demo" --day 2026-11-20 --config "$source_dir/data/demo/tandem.toml" --leader nobody
check "backtest --leader of an unknown leader exits 1 naming it" grep -q 'no \[\[leader\]\] named "nobody"' <<<"$err"
run "$tandem" backtest --journal "$work/demo" --day 2026-11-20 --config "$work/nothing.toml"
check "backtest with a missing config exits 1 naming it" grep -q "nothing.toml" <<<"$err"

# audit export / verify: a signed, reproducible export that catches any changed byte.
head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/hmac.key"
chmod 644 "$work/hmac.key"
run "$tandem" audit export --journal "$work/demo" --from 2026-11-20 --out "$work/audit" --hmac-key-file "$work/hmac.key"
check "audit export refuses a key file others can read" grep -q "chmod 600" <<<"$err"
chmod 600 "$work/hmac.key"
run "$tandem" audit export --journal "$work/demo" --from 2026-11-20 --out "$work/audit" --hmac-key-file "$work/hmac.key"
check "audit export exits 0" test "$rc" -eq 0
check "…with a register per follower (each share of f6-both), a summary, a manifest and its signature" \
  test "$(ls "$work/audit" | wc -l)" -eq 10
run "$tandem" audit export --journal "$work/demo" --from 2026-11-20 --leader writer --out "$work/audit-writer" --hmac-key-file "$work/hmac.key"
check "audit export --leader writer exits 0" test "$rc" -eq 0
check "…with only the writer's share's register" \
  test "$(ls "$work/audit-writer" | grep register)" = "register-f6-both_writer.csv"
check "…holding the writer's orders only" \
  bash -c "! grep 'LeaderOrderUpdate' '$work/audit-writer/register-f6-both_writer.csv' | grep -qv ',writer:'"
run "$tandem" audit verify "$work/audit-writer" --journal "$work/demo" --hmac-key-file "$work/hmac.key"
check "audit verify of a --leader export against its journal exits 0 (the manifest names the leader)" test "$rc" -eq 0
run "$tandem" audit export --journal "$work/demo" --journal "$work/demo" --from 2026-11-20 --out "$work/audit-twice" --hmac-key-file "$work/hmac.key"
check "audit export of one journal given twice is refused: a follower belongs to one shard" grep -q "is in journal 1 and journal 2" <<<"$err"
run "$tandem" audit export --journal "$work/demo" --from 2026-11-20 --out "$work/audit-again" --hmac-key-file "$work/hmac.key"
check "the same range exports the same bytes" diff -r "$work/audit" "$work/audit-again"
run "$tandem" audit verify "$work/audit" --journal "$work/demo" --hmac-key-file "$work/hmac.key"
check "audit verify of a fresh export against its journal exits 0" test "$rc" -eq 0
check "the demo's tokens and keys never reach the export" \
  bash -c "! grep -rqE 'demo-leader|demo-follow|demokey|demosecret' '$work/audit'"
for f in "$work/audit"/*; do
  name=$(basename "$f")
  rm -rf "$work/audit-bad"; cp -r "$work/audit" "$work/audit-bad"
  printf 'X' | dd of="$work/audit-bad/$name" bs=1 seek=40 conv=notrunc status=none
  run "$tandem" audit verify "$work/audit-bad" --hmac-key-file "$work/hmac.key"
  check "audit verify catches a changed byte in $name" test "$rc" -eq 1
done
rm -rf "$work/audit-bad"; cp -r "$work/audit" "$work/audit-bad"; echo extra >"$work/audit-bad/notes.txt"
run "$tandem" audit verify "$work/audit-bad" --hmac-key-file "$work/hmac.key"
check "audit verify names a file the manifest does not list" grep -q "notes.txt is in the export but not in the manifest" <<<"$out"
run "$tandem" audit verify "$work/audit"
check "audit verify without the HMAC key says which key it needs" grep -q "give its key" <<<"$err"
if command -v openssl >/dev/null; then
  openssl genpkey -algorithm ed25519 -out "$work/audit.pem" 2>/dev/null
  chmod 600 "$work/audit.pem"
  openssl pkey -in "$work/audit.pem" -pubout -out "$work/audit.pub.pem" 2>/dev/null
  run "$tandem" audit export --journal "$work/demo" --from 2026-11-20 --follower f2-fixed-ratio --format jsonl --out "$work/audit-ed" --ed25519-key "$work/audit.pem"
  check "an Ed25519-signed JSONL export of one follower exits 0" test "$rc" -eq 0
  run "$tandem" audit verify "$work/audit-ed" --journal "$work/demo" --public-key "$work/audit.pub.pem"
  check "…and verifies with the public key and the journal" test "$rc" -eq 0
  openssl genpkey -algorithm ed25519 -out "$work/other.pem" 2>/dev/null
  openssl pkey -in "$work/other.pem" -pubout -out "$work/other.pub.pem" 2>/dev/null
  run "$tandem" audit verify "$work/audit-ed" --public-key "$work/other.pub.pem"
  check "…and fails with another public key" test "$rc" -eq 1
else
  echo "skip: no openssl command for the Ed25519 audit checks"
fi

# journal import: a dump becomes the same journal again, and only a faithful dump does.
"$tandem" journal dump --journal "$work/demo" >"$work/demo.jsonl"
demo_head=$("$tandem" journal stats --journal "$work/demo" | sed -n 's/^head hash *//p')
run "$tandem" journal import --journal "$work/reimported" --from "$work/demo.jsonl"
check "import of a dump exits 0" test "$rc" -eq 0
check "…and has the recorded head hash" grep -q "head hash $demo_head" <<<"$out"
run "$tandem" journal import --journal "$work/reimported" --from "$work/demo.jsonl"
check "import never writes into an existing directory" grep -q "already exists" <<<"$err"
edit_line=$(grep -n '"type":"CopyDecision"' "$work/demo.jsonl" | head -1 | cut -d: -f1)
sed "${edit_line}s/\"follower\":\"f[0-9]/\"follower\":\"fX/" "$work/demo.jsonl" >"$work/edited.jsonl"
run "$tandem" journal import --journal "$work/from-edited" --from "$work/edited.jsonl"
check "an edited dump does not import, naming its line" \
  grep -q "line $edit_line: seq $edit_line does not re-create its recorded hash" <<<"$err"
check "…and leaves no journal behind" test ! -e "$work/from-edited"

run "$tandem" journal verify --journal "$work/demo"
check "verify exits 0 on a good journal" test "$rc" -eq 0
records=$(sed -n 's/.*OK, \([0-9]*\) records.*/\1/p' <<<"$out")
check "verify counts records" test "${records:-0}" -gt 600

run "$tandem" journal stats --journal "$work/demo"
check "stats lists event types" grep -q "LeaderOrderUpdate" <<<"$out"
check "stats lists the trading day" grep -q "^20261120 " <<<"$out"

run "$tandem" journal dump --journal "$work/demo" --from 2 --to 4
check "dump prints one line per record" test "$(wc -l <<<"$out")" -eq 3
check "dump lines are JSON records with every envelope field" \
  test "$(grep -c '^{"seq":[0-9]*,"recorded_at_ns":.*"prev_hash":"[0-9a-f]\{64\}","hash":"[0-9a-f]\{64\}","event":{.*}}$' <<<"$out")" -eq 3

run "$tandem" journal dump --journal "$work/demo" --day 2026-11-20
check "dump --day prints every record of that day" test "$(wc -l <<<"$out")" -eq "$records"
run "$tandem" journal dump --journal "$work/demo" --day 2026-11-21
check "dump --day of a day without records exits 1" test "$rc" -eq 1
check "…naming the day" grep -q "no record of trading day 20261121" <<<"$err"

run "$tandem" journal tail --journal "$work/demo" --from-start --count 5
check "tail --from-start --count 5 prints five records" test "$(wc -l <<<"$out")" -eq 5

run "$tandem" journal verify --journal "$work/absent"
check "verify of a missing directory exits 1" test "$rc" -eq 1
check "…saying there is no journal" grep -q "no journal at" <<<"$err"
check "…and creates nothing" test ! -e "$work/absent"

mkdir "$work/notes" && echo hello >"$work/notes/a.txt"
run "$tandem" journal verify --journal "$work/notes"
check "verify of another directory exits 1" test "$rc" -eq 1
check "…saying it is not a Tandem journal" grep -q "not a Tandem journal" <<<"$err"

run "$tandem" journal verify
check "a missing --journal is a usage error" test "$rc" -ne 0

# Flip one byte in the middle of the journal's table file, as a failing disk would.
cp -r "$work/demo" "$work/damaged"
sst=$(ls -S "$work/damaged"/*.sst | head -1)
size=$(stat -c %s "$sst")
offset=$((size / 2))
byte=$(dd if="$sst" bs=1 skip="$offset" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of="$sst" bs=1 seek="$offset" conv=notrunc 2>/dev/null
before=$(md5sum "$work/damaged"/*.sst | md5sum)
run "$tandem" journal verify --journal "$work/damaged"
check "verify of a flipped byte exits 1" test "$rc" -eq 1
check "…naming corruption" grep -qi "corruption" <<<"$err"
check "…and leaves the files as they were" test "$(md5sum "$work/damaged"/*.sst | md5sum)" = "$before"
# The pre-flight walks the whole chain too (a run checks only the journal's last records).
printf 'journal = "%s"\n[leader]\naccount = "L1"\n[[follower]]\nid = "p"\nbroker = "paper"\n' \
  "$work/damaged" >"$work/damaged.toml"
run "$tandem" check --config "$work/damaged.toml"
check "check of a journal damaged anywhere exits 1" test "$rc" -eq 1
check "…with the journal's row failed, naming corruption" \
  grep -Eq "journal $work/damaged +FAIL +.*(corruption|Corruption|hash)" <<<"$out"
check "…and leaves the files as they were" test "$(md5sum "$work/damaged"/*.sst | md5sum)" = "$before"

# Many leaders are read and checked; run reaches for every leader's credentials.
printf 'journal = "%s"\n[[leader]]\nname = "a"\naccount = "L1"\n[[leader]]\nname = "b"\naccount = "L2"\n[[follower]]\nid = "p"\nbroker = "paper"\n[[follower.follow]]\nleader = "a"\n[[follower.follow]]\nleader = "b"\n' \
  "$work/two-leaders" >"$work/two.toml"
"$tandem" secrets init --secrets "$work/two.bin" --key-file "$work/two.key" >/dev/null 2>&1
run "$tandem" run --config "$work/two.toml" --http off --secrets "$work/two.bin" --key-file "$work/two.key"
check "run with two leaders and no credentials exits 1" test "$rc" -eq 1
check "…naming the first leader's missing key" grep -q "kite account L1: no kite.L1.api_key" <<<"$err"
run "$tandem" check --config "$work/two.toml" --secrets "$work/two.bin" --key-file "$work/two.key"
check "check reads both leaders' shares" grep -q "follower p@b .*ok .*paper" <<<"$out"
check "…and checks both leaders" grep -q "leader L2 (kite)" <<<"$out"
sed 's/^account = "L2"/account = "L2"\n[[follower]]\nid = "loop"\naccount = "L1"\n[[follower.follow]]\nleader = "a"/' \
  "$work/two.toml" >"$work/loop.toml"
run "$tandem" check --config "$work/loop.toml" --secrets "$work/two.bin" --key-file "$work/two.key"
check "check of a follower that is a leader's account exits 1" test "$rc" -eq 1
check "…naming the copy loop with its line" grep -q "loop.toml:[0-9]*: follower\[0\].account: is leader 'a''s account (a copy loop)" <<<"$out$err"

# The broker simulator plays the shipped leader day and stops; it writes its CA out.
run "$tandem" sim --config "$source_dir/data/sim/sim.toml" --listen 127.0.0.1:0 \
  --ca-out "$work/ca.pem" --script "$source_dir/data/sim/leader_day.txt" --speed 100 \
  --exit-after-script
check "sim exits 0 after its script" test "$rc" -eq 0
check "…serving Kite on loopback" grep -q "Kite API at https://127.0.0.1:[0-9]" <<<"$out"
check "…playing every step" grep -q "script done, 0 of 9 steps refused" <<<"$out"
check "…with its CA written out" grep -q "BEGIN CERTIFICATE" "$work/ca.pem"
printf '[kite]\napi_key = "k"\n[[account]]\nuser_id = "A"\n' >"$work/bad.toml"
run "$tandem" sim --config "$work/bad.toml" --listen 127.0.0.1:0
check "sim with a bad config exits 1" test "$rc" -eq 1
check "…naming every mistake with its line" \
  test "$(grep -c "bad.toml:[0-9]*: " <<<"$err")" -ge 2
printf '09:15:00 place L1 a BUY NSE:INFY 1 LIMIT MIS\n' >"$work/bad_day.txt"
run "$tandem" sim --config "$source_dir/data/sim/sim.toml" --script "$work/bad_day.txt"
check "sim with a bad script exits 1 naming the line" grep -q "bad_day.txt: leader script line 1" <<<"$err"

# Secrets: a private key file, values from stdin, names listed but never values.
unset TANDEM_SECRET_KEY
sec=(--secrets "$work/s.bin" --key-file "$work/s.key")
run "$tandem" secrets init "${sec[@]}"
check "secrets init exits 0" test "$rc" -eq 0
check "…with a private key file" test "$(stat -c %a "$work/s.key")" = 600
out=$(echo "simsecret" | "$tandem" secrets set kite.simkey.api_secret "${sec[@]}" 2>&1); rc=$?
check "secrets set exits 0" test "$rc" -eq 0
run "$tandem" secrets list "${sec[@]}"
check "secrets list names it" grep -qx "kite.simkey.api_secret" <<<"$out"
check "…and never shows the value" test "$(grep -c simsecret <<<"$out$err")" -eq 0
check "…nor does the file hold it in clear" test "$(grep -c simsecret "$work/s.bin")" -eq 0
run env TANDEM_SECRET_KEY="$(printf 'b%.0s' {1..64})" "$tandem" secrets list "${sec[@]}"
check "a wrong key exits 1" test "$rc" -eq 1
check "…saying it does not decrypt" grep -q "does not decrypt" <<<"$err"
chmod 644 "$work/s.key"
run "$tandem" secrets list "${sec[@]}"
check "a key file others can read is refused" grep -q "chmod 600" <<<"$err"
chmod 600 "$work/s.key"
# A secrets file rewritten keeps its owner and mode: root running `secrets set` on the service
# user's file must not leave it root's (the service then cannot start).
if [ "$(id -u)" -eq 0 ]; then
  cp "$work/s.bin" "$work/svc.bin"; cp "$work/s.key" "$work/svc.key"
  chown 65534:65534 "$work/svc.bin" "$work/svc.key"; chmod 640 "$work/svc.bin"
  echo v | "$tandem" secrets set alerts.slack_url --secrets "$work/svc.bin" --key-file "$work/svc.key" >/dev/null 2>&1
  check "secrets set as root keeps the file's owner and mode" test "$(stat -c '%u:%g %a' "$work/svc.bin")" = "65534:65534 640"
fi

# Kite login against the simulator: the redirect's request_token becomes a stored token.
"$tandem" sim --config "$source_dir/data/sim/sim.toml" --listen 127.0.0.1:0 \
  --ca-out "$work/login-ca.pem" >"$work/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 50); do grep -q "Kite API at" "$work/sim.out" && break; sleep 0.1; done
port=$(sed -n 's/.*https:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.out")
if command -v python3 >/dev/null; then
  # What the browser does: follow the login page to the redirect address.
  redirect=$(python3 - "$port" "$work/login-ca.pem" <<'PY'
import http.client, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
c = http.client.HTTPSConnection("localhost", int(sys.argv[1]), context=ctx)
c.request("GET", "/connect/login?v=3&api_key=simkey&user_id=FOLLOW1")
print(c.getresponse().getheader("Location"))
PY
)
  login=(login kite --account FOLLOW1 --api-url "https://localhost:$port" --ca "$work/login-ca.pem"
         "${sec[@]}")
  out=$(echo "$redirect" | "$tandem" "${login[@]}" 2>&1); rc=$?
  check "login kite without a stored API key exits 1" test "$rc" -eq 1
  check "…saying to give --api-key once" grep -q "run once with --api-key" <<<"$out"
  out=$(echo "$redirect" | "$tandem" "${login[@]}" --api-key simkey 2>&1); rc=$?
  check "login kite exits 0" test "$rc" -eq 0
  check "…storing the token under the user" grep -q "kite.FOLLOW1.access_token" <<<"$out"
  check "…without printing it" test "$(grep -c "at[0-9]*FOLLOW1" <<<"$out")" -eq 0
  run "$tandem" secrets list "${sec[@]}"
  check "…and the store has it" grep -qx "kite.FOLLOW1.access_token" <<<"$out"
  check "…with the API key stored under the account" grep -qx "kite.FOLLOW1.api_key" <<<"$out"
  check "…and the secret moved from a name that held the API key" \
    test "$(grep -c "simkey" <<<"$out")" -eq 0
  check "…to the account's" grep -qx "kite.FOLLOW1.api_secret" <<<"$out"
  out=$(echo "$redirect" | "$tandem" "${login[@]}" 2>&1); rc=$?
  check "a used request token is refused" test "$rc" -eq 1
  check "…as Kite's TokenException" grep -q "TokenException" <<<"$out"
else
  echo "SKIP: login kite (python3 is needed to play the browser)"
fi
# Dhan login against the simulator's Dhan dialect: a pasted token is checked, then stored.
dhan_login=(login dhan --account FOLLOW2 --api-url "https://localhost:$port/v2" --ca "$work/login-ca.pem"
            "${sec[@]}")
out=$(echo "sim-follower2-token" | "$tandem" "${dhan_login[@]}" 2>&1); rc=$?
check "login dhan exits 0" test "$rc" -eq 0
check "…storing the token under the client id" grep -q "dhan.FOLLOW2.access_token" <<<"$out"
check "…without printing it" test "$(grep -c "sim-follower2-token" <<<"$out")" -eq 0
out=$(echo "not-a-token" | "$tandem" "${dhan_login[@]}" 2>&1); rc=$?
check "login dhan with a bad token exits 1" test "$rc" -eq 1
check "…naming Dhan's DH-901" grep -q "DH-901" <<<"$out"
out=$(echo "sim-follower1-token" | "$tandem" "${dhan_login[@]}" 2>&1); rc=$?
check "login dhan with another account's token stores nothing" test "$rc" -eq 1

# Dhan's API-key consent flow: a consent, the browser login (python3 plays the browser),
# the consent traded for FOLLOW2's token (a new one), checked, stored.
if command -v python3 >/dev/null; then
  echo simsecret | "$tandem" secrets set dhan.simkey.app_secret "${sec[@]}" >/dev/null
  coproc CONSENT { "$tandem" login dhan --account FOLLOW2 --app-id simkey \
    --auth-url "https://localhost:$port" --api-url "https://localhost:$port/v2" \
    --ca "$work/login-ca.pem" "${sec[@]}" 2>&1; }
  consent_url=""
  while IFS= read -r -t 10 line <&"${CONSENT[0]}"; do
    case "$line" in *consentApp-login*) consent_url=$(echo "$line" | tr -d ' '); break ;; esac
  done
  redirect=$(python3 - "$port" "$work/login-ca.pem" "${consent_url#https://localhost:$port}" <<'PY'
import http.client, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
c = http.client.HTTPSConnection("localhost", int(sys.argv[1]), context=ctx)
c.request("GET", sys.argv[3])
print(c.getresponse().getheader("Location"))
PY
)
  echo "$redirect" >&"${CONSENT[1]}"
  consent_out=$(cat <&"${CONSENT[0]}")
  wait "$CONSENT_PID"; rc=$?
  check "login dhan through the consent flow exits 0" test "$rc" -eq 0
  check "…storing FOLLOW2's new token" grep -q "dhan.FOLLOW2.access_token" <<<"$consent_out"
  check "…without printing it" test "$(grep -c "dhan-at" <<<"$consent_out")" -eq 0
  out=$("$tandem" secrets list "${sec[@]}")
  check "…the app secret moved from under the app id to the account" \
    grep -qx "dhan.FOLLOW2.app_secret" <<<"$out"
  check "…the app id stored under the account" grep -qx "dhan.FOLLOW2.app_id" <<<"$out"
  check "…no secret name carries the app id" test "$(grep -c "simkey" <<<"$out")" -eq 0
else
  echo "SKIP: login dhan consent flow (python3 is needed to play the browser)"
fi

# The pre-flight against the simulator: every account reached, tokens and funds checked.
for a in LEADER1 FOLLOW1; do echo simkey | "$tandem" secrets set "kite.$a.api_key" "${sec[@]}" >/dev/null; done
echo sim-leader-token | "$tandem" secrets set kite.LEADER1.access_token "${sec[@]}" >/dev/null
# FOLLOW1 keeps the token `login kite` stored above, when that ran: the check proves it works.
"$tandem" secrets list "${sec[@]}" | grep -qx kite.FOLLOW1.access_token ||
  echo sim-follower1-token | "$tandem" secrets set kite.FOLLOW1.access_token "${sec[@]}" >/dev/null
cat >"$work/tandem.toml" <<TOML
journal = "$work/run-journal"
operators = ["asha"]
[leader]
account = "LEADER1"
api_url = "https://localhost:$port"
ws_url = "wss://localhost:$port"
ca_file = "$work/login-ca.pem"
[[follower]]
id = "f1"
account = "FOLLOW1"
broker = "kite"
api_url = "https://localhost:$port"
ca_file = "$work/login-ca.pem"
allow_symbols = ["INFY"]
max_daily_loss = 2500.00
loss_guard_action = "flatten"
[[follower]]
id = "f2"
account = "FOLLOW2"
broker = "dhan"
api_url = "https://localhost:$port/v2"
ws_url = "wss://localhost:$port"
scrip_master_url = "https://localhost:$port/api-scrip-master.csv"
ca_file = "$work/login-ca.pem"
source_ip = "127.0.0.1"
deny_segments = ["derivatives"]   # FOLLOW2 has no F&O enabled (data/sim/sim.toml)
TOML
run "$tandem" check --config "$work/tandem.toml" "${sec[@]}"
test "$rc" -eq 0 || echo "$out$err" >&2
check "check passes against the simulator" test "$rc" -eq 0
check "…reaching the leader with a valid token" grep -q "leader LEADER1 (kite) *ok *reached over TLS, token valid" <<<"$out"
check "…resolving the allowed symbols" grep -q "instruments *ok" <<<"$out"
check "…reading a Dhan follower's scrip master" grep -q "follower FOLLOW2 (dhan) scrip master *ok" <<<"$out"
check "…and reaching it with the token login dhan stored" grep -q "follower FOLLOW2 (dhan) *ok *reached over TLS, token valid" <<<"$out"
check "…with the Dhan follower's segments, token validity and registered static IP" \
  grep -q "follower FOLLOW2 (dhan) account *ok *segments Equity, Currency, Commodity; token valid until [0-9/]* [0-9:]*; orders go from 127.0.0.1, registered" <<<"$out"
check "…saying where the loss guard's prices come from" grep -q "loss guard f1 *ok *max loss .*2500.00.*then flatten; positions marked at the leader's Kite ticker prices" <<<"$out"
sed 's/^source_ip = "127.0.0.1"/source_ip = "127.0.0.2"/' "$work/tandem.toml" >"$work/wrong-ip.toml"
run "$tandem" check --config "$work/wrong-ip.toml" "${sec[@]}"
check "check with a source_ip the broker has not registered exits 1" test "$rc" -eq 1
check "…naming both addresses" grep -q "follower FOLLOW2 (dhan) account *FAIL .*orders would go from 127.0.0.2, but the broker has 127.0.0.1 registered" <<<"$out"
check "…the rest still ok" grep -q "follower FOLLOW2 (dhan) *ok *reached over TLS" <<<"$out"
grep -v '^deny_segments' "$work/tandem.toml" >"$work/no-fno.toml"
run "$tandem" check --config "$work/no-fno.toml" "${sec[@]}"
check "check of a follower without the leader's F&O segment exits 1" test "$rc" -eq 1
check "…saying its copies there would be refused" grep -q "follower FOLLOW2 (dhan) account *FAIL *segments Equity, Currency, Commodity; the leader's account trades derivatives, which this one has not enabled" <<<"$out"
# The dashboard is locked from the first start: with no http.token, run makes one, stores
# it, and shows it once, on its standard output only.
start_engine() {  # → $work/run.out (stdout), $work/run.err (the log), $url
  # Emptied first: the wait below must not find the last engine's start in it (the new one's
  # redirect empties it only once that child runs, and a SIGINT before its handler is lost).
  : >"$work/run.err"
  NOTIFY_SOCKET="${notify_socket:-}" "$tandem" run --config "$work/tandem.toml" --http 127.0.0.1:0 "${sec[@]}" \
    >"$work/run.out" 2>"$work/run.err" &
  engine_pid=$!
  for _ in $(seq 100); do grep -q "event=engine_started" "$work/run.err" && break; sleep 0.1; done
  url=$(sed -n 's/.*event=http url=\(http:[^ ]*\).*/\1/p' "$work/run.err")
}
stop_engine() { kill -INT "$engine_pid"; wait "$engine_pid" 2>/dev/null; }
api_state() { curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $1" "${url}api/state"; }
if command -v curl >/dev/null; then
  # systemd's Type=notify: a datagram socket where systemd would listen for READY=1.
  notify_socket="$work/notify.sock"
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(30)
print(s.recv(256).decode(), flush=True)' "$notify_socket" >"$work/notify.out" 2>&1 &
  for _ in $(seq 30); do [ -S "$notify_socket" ] && break; sleep 0.1; done
  start_engine
  unset notify_socket
  for _ in $(seq 50); do grep -q READY=1 "$work/notify.out" && break; sleep 0.1; done
  check "run tells systemd it is ready (Type=notify) once the engine has started" grep -qx "READY=1" "$work/notify.out"
  token=$(sed -n 's/.*stored as the secret http\.token;.*#token=\([0-9a-f]*\)$/\1/p' "$work/run.out")
  asha=$(sed -n "s/.*operator asha's access token.*#token=\([0-9a-f]*\)\$/\1/p" "$work/run.out")
  check "run without http.token generates one (128 bits)" test "${#token}" -eq 32
  check "…says so in the log without it" grep -q "token=generated" "$work/run.err"
  check "…and the log never holds it" test "$(grep -c "$token" "$work/run.err")" -eq 0
  check "the log's lines are stamped in IST, as the dashboard shows times" \
    grep -Eq '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+05:30 info event=engine_started$' "$work/run.err"
  for _ in $(seq 50); do grep -q "event=connected .*account=LEADER1" "$work/run.err" && break; sleep 0.1; done
  check "…and say when the leader's stream connects" grep -q "event=connected seq=[0-9]* at=[^ ]*+05:30 account=LEADER1 broker=kite" "$work/run.err"
  check "…stores it" grep -qx "http.token" <<<"$("$tandem" secrets list "${sec[@]}")"
  check "…and the API takes it" test "$(api_state "$token")" = 200
  check "…and nothing else" test "$(api_state "x$token")" = 401
  # A named operator: a token of their own, and what they do journaled under their name.
  check "an operator named in the config gets a token of their own, shown once" test "${#asha}" -eq 32
  pause_f1() { curl -s -X POST -H "Authorization: Bearer $asha" -H "Content-Type: application/json" \
                 -d '{"by":"someone else"}' "${url}api/followers/f1/pause"; }
  check "…with which a pause is done" grep -q '"changed":true' <<<"$(pause_f1)"
  check "…and a second pause of the paused follower changes nothing" grep -q '"changed":false' <<<"$(pause_f1)"
  stop_engine
  run "$tandem" journal dump --journal "$work/run-journal"
  check "…journaled once, by the token's name, not the body's" \
    test "$(grep -c '"type":"FollowerPaused".*"by":"asha from 127.0.0.1"' <<<"$out")" -eq 1
  check "…and alerted once" test "$(grep -c '"type":"AlertRaised".*paused f1 by asha' <<<"$out")" -eq 1
  check "…and nobody else paused it" test "$(grep -c '"type":"FollowerPaused"' <<<"$out")" -eq 1
  start_engine
  check "the next start uses the stored one" test "$(api_state "$token")" = 200
  check "…and shows it no more" test "$(grep -c "#token=" "$work/run.out")" -eq 0
  stop_engine
fi
echo expired | "$tandem" secrets set kite.FOLLOW1.access_token "${sec[@]}" >/dev/null
run "$tandem" check --config "$work/tandem.toml" "${sec[@]}"
check "check with a dead token exits 1" test "$rc" -eq 1
check "…naming the account and what to do" grep -q "FOLLOW1 (kite) *FAIL *token expired or invalid: tandem login kite" <<<"$out"
check "…and never printing a token" test "$(grep -c "sim-leader-token" <<<"$out$err")" -eq 0
kill "$sim_pid"; wait "$sim_pid" 2>/dev/null

# Switching from the Zerodha copier: its .env becomes tandem.toml and secrets.
printf 'MASTER_API_KEY=mk1\nMASTER_API_SECRET=topsecret1\nMASTER_USER_ID=AB1234\nFOLLOWER_COUNT=1\nFOLLOWER_1_USER_ID=CD5678\nFOLLOWER_1_MULTIPLIER=0.5\nFOLLOWER_1_NFO_MULTIPLIER=0.2\nPAPER_TRADING=True\n' >"$work/seed.env"
run "$tandem" config import-env "$work/seed.env" --out "$work/imported.toml" "${sec[@]}"
check "import-env exits 0" test "$rc" -eq 0
check "…writing a config tandem reads" grep -q 'ratio = 0.5' "$work/imported.toml"
check "…warning about the multiplier it cannot keep" grep -q "WARNING: FOLLOWER_1_NFO_MULTIPLIER=0.2" <<<"$out"
check "…keeping the secret out of the config and the output" test "$(cat "$work/imported.toml" - <<<"$out$err" | grep -c topsecret1)" -eq 0
run "$tandem" secrets list "${sec[@]}"
check "…and in the secrets file, under the account" grep -qx "kite.AB1234.api_secret" <<<"$out"
check "…never under its API key" test "$(grep -c "mk1" <<<"$out")" -eq 0
run "$tandem" config import-env "$work/seed.env" --out "$work/imported.toml" "${sec[@]}"
check "import-env never replaces a config unasked" test "$rc" -eq 1

# Backups: a consistent copy of a journal while the engine writes it, restored and verified.
"$tandem" demo --dir "$work/live" --speed 100 >"$work/live.out" 2>&1 &
live_pid=$!
for _ in $(seq 100); do [ -d "$work/live" ] && break; sleep 0.1; done
sleep 2
run "$tandem" journal backup --journal "$work/live" --to "$work/bk1"
check "backup of a live journal exits 0" test "$rc" -eq 0
check "…and says its chain verified" grep -q "records, hash chain verified; head seq" <<<"$out"
bk_seq=$(grep -o 'head seq [0-9]*' <<<"$out" | grep -o '[0-9]*$')
bk_hash=$(grep -o 'hash [0-9a-f]\{64\}' <<<"$out" | cut -d' ' -f2)
kill "$live_pid" 2>/dev/null; wait "$live_pid" 2>/dev/null
live_hash=$("$tandem" journal dump --journal "$work/live" --from "${bk_seq:-1}" --to "${bk_seq:-1}" | grep -o '"hash":"[0-9a-f]*"' | cut -d'"' -f4)
check "…a prefix of the live journal (same hash at its head seq)" test -n "$bk_hash" -a "$bk_hash" = "$live_hash"
run "$tandem" journal backup --journal "$work/live" --to "$work/bk1"
check "backup into an existing directory exits 1" test "$rc" -eq 1
check "…saying so" grep -q "already exists" <<<"$err"
run "$tandem" journal restore --journal "$work/restored" --from "$work/bk1"
check "restore exits 0" test "$rc" -eq 0
run "$tandem" journal verify --journal "$work/restored"
check "…and the restored journal verifies" grep -q "OK, ${bk_seq:-x} records" <<<"$out"
run "$tandem" journal restore --journal "$work/restored" --from "$work/bk1"
check "restore over an existing journal exits 1" test "$rc" -eq 1

echo "$pass passed, $failures failed"
test "$failures" -eq 0
