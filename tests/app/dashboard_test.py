#!/usr/bin/env python3
"""Goal: the operator's dashboard works in a real browser against a running engine — the
page loads from the binary, copies appear live, the pause button pauses a follower, the
pause takes effect (its next copies are skipped as follower_paused) and is journaled with
who gave it; no click is lost while the page updates (20 real mouse presses of 10 to 300 ms
on pause/resume, each acknowledged on the page and journaled); every control is on screen
from 1280 px wide down to a phone's 390.
Method: `tandem demo` (the real engine, the simulator over loopback) with its dashboard on
a free port; headless Chromium driven through chromedriver's WebDriver HTTP API, and real
mouse events through the DevTools protocol (Input.dispatchMouseEvent, via chromedriver's
goog/cdp/execute) — Debian's chromium and chromium-driver, no other client library.
Screenshots at 1500, 1280 and 390 px are kept as artifacts.
Usage: dashboard_test.py TANDEM_BIN ARTIFACT_DIR
"""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

tandem, artifacts = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="tandem-dashboard-")
os.makedirs(artifacts, exist_ok=True)
failures = []


def check(name, ok):
    print(("ok   " if ok else "FAIL ") + name)
    if not ok:
        failures.append(name)


def wait_for(predicate, seconds, step=0.2):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception:  # noqa: BLE001 - not there yet
            pass
        time.sleep(step)
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


demo_out = open(os.path.join(work, "demo.out"), "w")
demo = subprocess.Popen([tandem, "demo", "--dir", os.path.join(work, "demo"), "--speed", "60",
                         "--http", "127.0.0.1:0"], stdout=demo_out, stderr=subprocess.STDOUT)
driver_port = free_port()
driver = subprocess.Popen(["chromedriver", f"--port={driver_port}"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
wd = f"http://127.0.0.1:{driver_port}"
session = None
try:
    url = wait_for(lambda: re.search(r"dashboard: (http://\S+)", open(demo_out.name).read()).group(1), 30)
    check("the demo prints the dashboard's address", url is not None)
    if url is None:
        raise SystemExit(1)
    base, token = url.split("#token=")
    api = {"Authorization": "Bearer " + token}
    check("the driver is up", wait_for(lambda: request("GET", wd + "/status")["value"]["ready"], 20))
    caps = {"capabilities": {"alwaysMatch": {"unhandledPromptBehavior": "ignore", "goog:chromeOptions": {
        "binary": shutil.which("chromium") or "/usr/bin/chromium",
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1500,1100"]}}}}
    session = request("POST", wd + "/session", caps)["value"]["sessionId"]
    s = f"{wd}/session/{session}"

    def css(selector):
        return request("POST", s + "/elements", {"using": "css selector", "value": selector})["value"]

    def text(element):
        key = next(iter(element))
        return request("GET", f"{s}/element/{element[key]}/text")["value"]

    def run(script, *args):
        return request("POST", s + "/execute/sync", {"script": script, "args": list(args)})["value"]

    def cdp(cmd, params):
        return request("POST", s + "/goog/cdp/execute", {"cmd": cmd, "params": params})

    def press(selector, hold_ms):
        # A real mouse press through the DevTools protocol, held hold_ms before its release:
        # what a person's click is, and what a page that redraws its buttons loses.
        box = run("const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                  " return [r.left + r.width / 2, r.top + r.height / 2];", selector)
        at = {"x": box[0], "y": box[1], "button": "left", "clickCount": 1}
        cdp("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box[0], "y": box[1]})
        cdp("Input.dispatchMouseEvent", {"type": "mousePressed", **at})
        time.sleep(hold_ms / 1000)
        cdp("Input.dispatchMouseEvent", {"type": "mouseReleased", **at})

    def click(selector):
        press(selector, 60)

    def screenshot(name):
        png = request("GET", s + "/screenshot")["value"]
        path = os.path.join(artifacts, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))
        return os.path.getsize(path)

    def card(follower):
        return f'.card[data-id="{follower}"]'

    def quantities(follower):
        return [text(q) for q in css(card(follower) + " tr.position td:nth-child(2)")]

    def attribute(element, name):
        key = next(iter(element))
        return request("GET", f"{s}/element/{element[key]}/attribute/{name}")["value"]

    request("POST", s + "/url", {"url": url})
    check("the page loads", wait_for(lambda: "Tandem" in request("GET", s + "/title")["value"], 10))
    check("it goes live over the WebSocket",
          wait_for(lambda: text(css("#link")[0]) == "live", 15))
    check("copies appear with their acknowledged follower orders",
          wait_for(lambda: len(css("#copy-rows tr")) > 0 and len(css("#copy-rows .chip.acked")) > 0, 30))
    check("every follower is listed (f6-both once per leader)",
          wait_for(lambda: len(css("#cards .card")) == 7, 10))
    # A follower of two leaders: each share's card shows its own leader's P&L, and the shares
    # sum to the account's (one document, so one instant).
    check("f6-both's writer card names its share's P&L",
          wait_for(lambda: text(css(card("f6-both@writer") + ' [data-part="pnl-label"]')[0]) == "P&L today, writer's share", 10))
    def shares_sum_to_account():
        state = request("GET", base + "api/state", headers=api)
        shares = [f for f in state["followers"] if f["account"] == "FOLLOW4"]
        return (len(shares) == 2 and {f["leader"] for f in shares} == {"scalper", "writer"}
                and any(f["share_pnl_paise"] != 0 for f in shares)
                and sum(f["share_pnl_paise"] for f in shares) == shares[0]["day_pnl_paise"])
    check("…and its shares' P&L sums to the account's", wait_for(shares_sum_to_account, 30))
    check("…while a follower of one leader's card says plain P&L",
          text(css(card("f2-fixed-ratio") + ' [data-part="pnl-label"]')[0]) == "P&L today")
    check("the page says the mode: LIVE (the demo's orders go to its simulated brokers)",
          wait_for(lambda: text(css("#mode")[0]).startswith("LIVE"), 10))

    # A position to flatten later: waited for before the pause, since a paused follower places
    # nothing (when the pause came while it was flat, it stayed flat and the flatten below had
    # nothing to close).
    check("f1-multiplier holds a position to flatten",
          wait_for(lambda: any(q not in ("0", "") for q in quantities("f1-multiplier")), 60))
    check("…shown with its average, mark and P&L",
          wait_for(lambda: len(css(card("f1-multiplier") + " tr.position td")) >= 5, 10))
    check("f1-multiplier has a pause button",
          wait_for(lambda: [text(b) for b in css(card("f1-multiplier") + ' button[data-action="pause"]')] == ["pause"], 10))
    click(card("f1-multiplier") + ' button[data-action="pause"]')
    check("the page acknowledges the click once journaled",
          wait_for(lambda: "pause done · journal #" in text(css(card("f1-multiplier") + " .ack")[0]), 10))
    check("the page shows it paused",
          wait_for(lambda: attribute(css(card("f1-multiplier"))[0], "data-paused") == "true", 10))
    def f1_paused():
        state = request("GET", base + "api/state", headers=api)
        return next(f for f in state["followers"] if f["id"] == "f1-multiplier")["paused"] is True
    check("the engine has it paused", wait_for(f1_paused, 5))
    check("the pause takes effect: its next copies are skipped as follower_paused",
          wait_for(lambda: any("f1-multiplier follower_paused" in text(c) for c in css("#copy-rows .chip.skipped")), 60))
    check("the alert names who paused it",
          wait_for(lambda: any("paused f1-multiplier by dashboard" in text(r) for r in css("#alerts tr")), 10))
    # Flatten, confirmed twice in the page: its positions close at market.
    click(card("f1-multiplier") + ' button[data-part="flatten"]')
    for _ in range(2):
        check("the page asks to confirm", wait_for(lambda: request("GET", s + "/alert/text")["value"], 5) is not None)
        request("POST", s + "/alert/accept", {})
    check("flatten closes its positions: the page shows every quantity 0",
          wait_for(lambda: quantities("f1-multiplier") and all(q == "0" for q in quantities("f1-multiplier")), 20))
    check("a screenshot is kept", screenshot("dashboard.png") > 10000)

    # No click lost: 20 real presses on f4-risk's pause/resume while the page updates four
    # times a second, held 10 to 300 ms; each acknowledged on the page before the next.
    holds = [10 + round(290 * k / 19) for k in range(20)]
    toggle = card("f4-risk") + ' button[data-part="toggle"]'
    landed = 0
    for k, hold in enumerate(holds):
        expected = "resume" if k % 2 == 0 else "pause"  # the label after this click
        before = text(css(card("f4-risk") + " .ack")[0])
        press(toggle, hold)
        ok = wait_for(lambda: text(css(toggle)[0]) == expected
                      and "journal #" in text(css(card("f4-risk") + " .ack")[0])
                      and text(css(card("f4-risk") + " .ack")[0]) != before, 5)
        landed += 1 if ok else 0
        if not ok:
            print(f"  press {k + 1} held {hold} ms did not land")
    check(f"20 presses of 10–300 ms on pause/resume: all land ({landed} did)", landed == 20)
    toggles = subprocess.run([tandem, "journal", "dump", "--journal", os.path.join(work, "demo")],
                             capture_output=True, text=True).stdout
    journaled = re.findall(r'"type":"Follower(?:Paused|Resumed)".*"follower":"f4-risk".*"by":"dashboard from 127\.0\.0\.1"', toggles)
    check(f"…and all 20 are journaled, by who gave them ({len(journaled)})", len(journaled) == 20)

    # Every control on screen, at a laptop's width and a phone's: no control off to the right
    # behind a scrollbar, nothing wider than the window.
    for width, height in ((1280, 900), (390, 844)):
        request("POST", s + "/window/rect", {"width": width, "height": height})
        time.sleep(0.5)
        off = run("""const w = document.documentElement.clientWidth;
            const out = [...document.querySelectorAll('button')].filter((b) => {
              const r = b.getBoundingClientRect(); return r.width === 0 || r.right > w || r.left < 0; })
              .map((b) => (b.closest('.card') ? b.closest('.card').dataset.id + ' ' : '') + b.textContent);
            if (document.documentElement.scrollWidth > w + 1) out.push('page ' + document.documentElement.scrollWidth + ' > ' + w);
            return out;""")
        check(f"at {width} px every control is on screen{(' (not: ' + ', '.join(off) + ')') if off else ''}", off == [])
        check(f"…a screenshot at {width} px is kept", screenshot(f"dashboard-{width}.png") > 10000)
    dump = subprocess.run([tandem, "journal", "dump", "--journal", os.path.join(work, "demo")],
                          capture_output=True, text=True).stdout
    check("the pause is journaled with who gave it",
          re.search(r'"type":"FollowerPaused".*"follower":"f1-multiplier".*"by":"dashboard from 127\.0\.0\.1"', dump) is not None)
    check("and so is the alert operators were shown",
          re.search(r'"type":"AlertRaised".*"kind":"operator".*paused f1-multiplier by dashboard', dump) is not None)
    check("so is the flatten",
          re.search(r'"type":"FollowerFlattenRequested".*"follower":"f1-multiplier".*"by":"dashboard from 127\.0\.0\.1"', dump) is not None)
    no_confirm = subprocess.run(["curl", "-s", "-X", "POST", "-H", "Authorization: Bearer " + token,
                                 base + "api/followers/f2-fixed-ratio/flatten"], capture_output=True, text=True).stdout
    check("flatten through the API needs its confirmation in words", "confirm" in no_confirm)
    def pause_by(body):
        out = subprocess.run(["curl", "-s", "-w", " %{http_code}", "-X", "POST", "-H", "Authorization: Bearer " + token,
                              "-H", "Content-Type: application/json", "--data-binary", "@-",
                              base + "api/followers/f2-fixed-ratio/pause"],
                             input=json.dumps(body), capture_output=True, text=True).stdout
        return out
    forged = pause_by({"by": "ops\n[info] forged line", "reason": "x"})
    check("a line break in `by` is refused by name", forged.endswith(" 400") and "by:" in forged)
    check("so is an escape byte in `reason`", pause_by({"reason": "\u001b[2J"}).endswith(" 400"))
    check("and a 200 KB reason", pause_by({"reason": "r" * 200_000}).endswith(" 400"))
    after = subprocess.run([tandem, "journal", "dump", "--journal", os.path.join(work, "demo")],
                           capture_output=True, text=True).stdout
    check("none of the three reached the journal",
          re.search(r'"type":"FollowerPaused".*"follower":"f2-fixed-ratio"', after) is None)
    def plain(path):
        with urllib.request.urlopen(base + path, timeout=10) as r:
            return r.status, r.read().decode()
    check("/healthz answers without the token", plain("healthz") == (200, "ok\n"))
    check("/readyz: ready (journal open, leader connected, no account stopped)",
          plain("readyz") == (200, "ready\n"))
    status, metrics = plain("metrics")
    count = re.search(r"^tandem_copy_latency_seconds_count (\d+)$", metrics, re.M)
    check("/metrics in Prometheus text, with the copy latency histogram",
          status == 200 and count is not None and int(count.group(1)) > 0)
    sent = re.search(r"^tandem_copy_send_latency_seconds_count (\d+)$", metrics, re.M)
    check("…and the engine's own time to each order's sending",
          sent is not None and 0 < int(sent.group(1)) <= int(count.group(1)))
    check("/metrics counts skips by reason",
          re.search(r'^tandem_skips_total\{reason="follower_paused"\} [1-9]', metrics, re.M) is not None)
    check("…and each follower's own: orders, skips, P&L, position value, latency",
          all(re.search(pattern, metrics, re.M) is not None for pattern in (
              r'^tandem_follower_orders_total\{follower="f1-multiplier",status="acked"\} [1-9]',
              r'^tandem_follower_skips_total\{follower="f1-multiplier",reason="follower_paused"\} [1-9]',
              r'^tandem_follower_day_pnl_paise\{follower="f5-tight"\} -?[0-9]+$',
              r'^tandem_follower_position_value_paise\{follower="f2-fixed-ratio"\} [0-9]+$',
              r'^tandem_follower_copy_latency_seconds_count\{follower="f2-fixed-ratio"\} [1-9]')))
    check("…and the build's version", re.search(r'^tandem_build_info\{version="[^"]+"\} 1$', metrics, re.M) is not None)
    grafana = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../data/grafana/tandem.json")))
    wanted = {re.sub(r"_(bucket|sum|count)$", "", m) for p in grafana["panels"] for t in p["targets"]
              for m in re.findall(r"tandem_[a-z_]+", t["expr"])}
    missing = sorted(m for m in wanted if re.search(r"^" + m + r"(_bucket|_sum|_count)?[{ ]", metrics, re.M) is None)
    check("every series the Grafana dashboard (data/grafana) plots is in /metrics" + (f" (not: {missing})" if missing else ""),
          not missing and len(wanted) > 10)
    promtool = shutil.which("promtool")
    check("promtool (Debian's prometheus, scripts/install-deps) is installed", promtool is not None)
    if promtool:
        linted = subprocess.run([promtool, "check", "metrics"], input=metrics, capture_output=True, text=True)
        check("promtool check metrics passes on /metrics" + (": " + linted.stdout + linted.stderr if linted.returncode else ""),
              linted.returncode == 0)
    unauthorized = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", base + "api/state"],
                                  capture_output=True, text=True).stdout if shutil.which("curl") else "401"
    check("the API refuses a request without the token", unauthorized == "401")

    # Locked against other sites' pages, DNS rebinding and leaked URLs (docs/api.md, Access).
    def curl(*args):
        return subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *args],
                              capture_output=True, text=True).stdout
    auth = ["-H", "Authorization: Bearer " + token]
    pause_url = base + "api/followers/f3-capital/pause"
    check("a cross-origin POST is refused, even with the token",
          curl("-X", "POST", *auth, "-H", "Origin: http://attacker.example", "-H",
               "Content-Type: text/plain", "--data", "{}", pause_url) == "403")
    check("a foreign Host is refused, even with the token (DNS rebinding)",
          curl(*auth, "-H", "Host: attacker.example:" + base.rsplit(":", 1)[1].strip("/"),
               base + "api/state") == "403")
    check("…and so is /metrics under a foreign Host",
          curl("-H", "Host: rebound.example", base + "metrics") == "403")
    check("a control with the token in its query is refused",
          curl("-X", "POST", pause_url + "?token=" + token) == "401")
    check("the WebSocket refuses a foreign Origin, with the token",
          curl("--http1.1", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H",
               "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "-H",
               "Sec-WebSocket-Protocol: tandem, bearer." + token.encode().hex(), "-H",
               "Origin: http://attacker.example", base + "api/live") == "403")
    dump_after = subprocess.run([tandem, "journal", "dump", "--journal", os.path.join(work, "demo")],
                                capture_output=True, text=True).stdout
    check("none of them reached the journal",
          re.search(r'"type":"FollowerPaused".*"follower":"f3-capital"', dump_after) is None)
    headers = subprocess.run(["curl", "-s", "-D", "-", "-o", "/dev/null", base], capture_output=True,
                             text=True).stdout.lower()
    check("the page forbids framing and sniffing and allows only its own script",
          "x-frame-options: deny" in headers and "x-content-type-options: nosniff" in headers
          and "content-security-policy: default-src 'none'; script-src 'sha256-" in headers
          and "frame-ancestors 'none'" in headers)
    api_headers = subprocess.run(["curl", "-s", "-D", "-", "-o", "/dev/null", *auth, base + "api/state"],
                                 capture_output=True, text=True).stdout.lower()
    check("the API is never cached, framed or sniffed",
          "cache-control: no-store" in api_headers and "x-frame-options: deny" in api_headers
          and "x-content-type-options: nosniff" in api_headers)
    logs = open(demo_out.name).read()
    check("the token is in the printed address only", logs.count(token) == 1)
finally:
    if session:
        try:
            request("DELETE", f"{wd}/session/{session}")
        except Exception:  # noqa: BLE001
            pass
    driver.terminate()
    demo.terminate()
    demo.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
