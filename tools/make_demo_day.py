#!/usr/bin/env python3
"""Writes data/demo/leader_day.txt: the scripted NSE day `tandem demo` plays.

A deterministic (seeded) day from 09:15 to 15:25 IST: prices for NIFTY and BANKNIFTY
options and four equities moving every 30 s, and a few hundred leader orders — market
entries and exits, limit orders that fill, are modified or cancelled, and stop-loss orders
that trigger or are cancelled. Run it again to regenerate: the output only changes when
this file does.  Usage: tools/make_demo_day.py > data/demo/leader_day.txt
"""
import random

rng = random.Random(20261120)
# symbol, exchange, lot, product, opening price (rupees), tick
instruments = [
    ("NIFTY26N2423500CE", "NFO", 75, "NRML", 182.40, 0.05),
    ("NIFTY26N2423500PE", "NFO", 75, "NRML", 96.15, 0.05),
    ("BANKNIFTY26N2451000CE", "NFO", 35, "NRML", 412.60, 0.05),
    ("BANKNIFTY26N2451000PE", "NFO", 35, "NRML", 288.05, 0.05),
    ("INFY", "NSE", 1, "MIS", 1512.30, 0.05),
    ("RELIANCE", "NSE", 1, "MIS", 2874.55, 0.05),
    ("HDFCBANK", "NSE", 1, "MIS", 1718.20, 0.05),
    ("TCS", "NSE", 1, "MIS", 4125.00, 0.05),
]
price = {i[0]: i[4] for i in instruments}
events = []  # (seconds since midnight, text)


def tick(p):
    return round(round(p / 0.05) * 0.05, 2)


def at(t):
    h, rest = divmod(int(t * 1000), 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02}:{m:02}:{s:02}.{ms:03}"


start, end = 9 * 3600 + 15 * 60, 15 * 3600 + 25 * 60
# Prices: a small random walk every 30 s for every instrument.
t = start
while t <= end:
    for sym, exch, *_ in instruments:
        drift = rng.gauss(0, 0.004 if exch == "NFO" else 0.0012)
        price[sym] = max(1.0, price[sym] * (1 + drift))
        events.append((t + 0.001, f"price   {exch}:{sym} {tick(price[sym]):.2f}"))
    t += 30

n = 0


def name():
    global n
    n += 1
    return f"o{n}"


# Leader trades: every 60-120 s one of a few patterns.
t = start + 20
while t < end - 900:
    sym, exch, lot, product, _, _ = rng.choice(instruments)
    lots = rng.choice([1, 1, 2, 3, 4]) if exch == "NFO" else rng.choice([5, 10, 20, 25, 50])
    qty = lots * lot
    p = price[sym]
    kind = rng.random()
    inst = f"{exch}:{sym}"
    if kind < 0.45:  # market round trip with a protective stop that is cancelled at exit
        a, s = name(), name()
        events.append((t, f"place   LEADER1 {a} BUY {inst} {qty} MARKET {product}"))
        trig = tick(p * 0.97)
        events.append((t + 2, f"place   LEADER1 {s} SELL {inst} {qty} SL-M {product} {trig:.2f}"))
        hold = rng.randint(300, 2400)
        events.append((t + hold, f"cancel  LEADER1 {s}"))
        events.append((t + hold + 0.5, f"place   LEADER1 {name()} SELL {inst} {qty} MARKET {product}"))
    elif kind < 0.70:  # limit entry below the market, modified towards it, maybe cancelled
        a = name()
        lim = tick(p * 0.996)
        events.append((t, f"place   LEADER1 {a} BUY {inst} {qty} LIMIT {product} {lim:.2f}"))
        events.append((t + 40, f"modify  LEADER1 {a} {qty} LIMIT {tick(p * 0.999):.2f}"))
        if rng.random() < 0.5:
            events.append((t + 100, f"cancel  LEADER1 {a}"))
    elif kind < 0.85:  # short with a stop-limit above
        a, s = name(), name()
        events.append((t, f"place   LEADER1 {a} SELL {inst} {qty} MARKET {product}"))
        trig = tick(p * 1.02)
        events.append((t + 3, f"place   LEADER1 {s} BUY {inst} {qty} SL {product} {tick(trig * 1.005):.2f} {trig:.2f}"))
        hold = rng.randint(300, 1800)
        events.append((t + hold, f"cancel  LEADER1 {s}"))
        events.append((t + hold + 0.5, f"place   LEADER1 {name()} BUY {inst} {qty} MARKET {product}"))
    else:  # scale in twice, out once
        events.append((t, f"place   LEADER1 {name()} BUY {inst} {qty} MARKET {product}"))
        events.append((t + 60, f"place   LEADER1 {name()} BUY {inst} {qty} MARKET {product}"))
        events.append((t + rng.randint(600, 2000), f"place   LEADER1 {name()} SELL {inst} {2 * qty} MARKET {product}"))
    t += rng.randint(45, 110)

# A second leader (LEADER2, on Dhan): a positional writer. It sells NIFTY calls, BANKNIFTY puts
# or INFY a few times a day and buys them back an hour or two later. Its own seed: LEADER1's
# day is the same with or without it.
rng2 = random.Random(20261121)
written = [("NIFTY26N2423500CE", "NFO", 75, "NRML"), ("BANKNIFTY26N2451000PE", "NFO", 35, "NRML"),
           ("INFY", "NSE", 1, "MIS")]
t = start + 300
k = 0
while t < end - 3600:
    sym, exch, lot, product = rng2.choice(written)
    qty = (rng2.choice([1, 2]) if exch == "NFO" else rng2.choice([10, 20])) * lot
    k += 1
    events.append((t, f"place   LEADER2 w{k}s SELL {exch}:{sym} {qty} MARKET {product}"))
    back = t + rng2.randint(1800, 7200)
    events.append((back, f"place   LEADER2 w{k}b BUY {exch}:{sym} {qty} MARKET {product}"))
    t += rng2.randint(1500, 3000)

# NSE closes at 15:30: a broker takes no regular order after it, so the leader's day ends
# there (an exit planned later is simply not made, as a trader at the close would not).
close = 15 * 3600 + 30 * 60
events = [e for e in events if e[0] < close or e[1].startswith("price")]
events.sort(key=lambda e: e[0])
print("# The scripted NSE day of `tandem demo` (generated by tools/make_demo_day.py; do not edit).")
print("# Times are IST; see docs/simulator.md for the step format.")
for when, text in events:
    print(f"{at(when)}  {text}")
