// Goal: Zerodha's official Kite Connect client (npm kiteconnect, pinned in package-lock.json)
// works against `tandem sim` exactly as it would against Kite: login with the checksum,
// every read call, place / modify / cancel of every order type, the refusals Kite makes,
// logout, and KiteTicker's ticks and order updates.
// Method: run.sh starts the real simulator on loopback TLS (its CA trusted through
// NODE_EXTRA_CA_CERTS, the only change to the client's setup besides its root URL) and runs
// this file with node's test runner. Each answer is checked against the fields the client
// itself declares for it (types/connect.d.ts, read by declared_types.js), and the order
// update against Kite's own postback payload (../shared/fixtures/kite/postback.json).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const { KiteConnect, KiteTicker } = require('kiteconnect');
const { declaredFields, missingOrMistyped } = require('./declared_types');

const root = process.env.SIM_ROOT;            // https://localhost:PORT
const apiKey = process.env.SIM_API_KEY;
const apiSecret = process.env.SIM_API_SECRET;
const userId = process.env.SIM_USER_ID;
const fixtures = process.env.KITE_FIXTURES;   // ../shared/fixtures/kite
for (const [name, value] of Object.entries({ SIM_ROOT: root, SIM_API_KEY: apiKey,
  SIM_API_SECRET: apiSecret, SIM_USER_ID: userId, KITE_FIXTURES: fixtures })) {
  if (!value) throw new Error(`${name} is not set (run this through run.sh)`);
}

const INFY = { exchange: 'NSE', tradingsymbol: 'INFY', token: 408065, price: 1500 };
const OPTION = { exchange: 'NFO', tradingsymbol: 'NIFTY26DEC24000CE', lot: 75, freeze: 1800 };

const kc = new KiteConnect({ api_key: apiKey, root });

function assertShape(row, opening, allowed) {
  assert.deepEqual(missingOrMistyped(row, opening, allowed), [],
    `${opening.trim()} as the client declares it`);
}

// Kite's error as the client hands it over: rejected with its error_type.
async function refusal(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('the call was accepted; Kite refuses it');
}

// The browser half of the login: Kite answers /connect/login with a redirect that carries
// the request token (the user's password and TOTP are the simulator's to skip).
function requestToken() {
  const url = `${root}/connect/login?v=3&api_key=${apiKey}&user_id=${userId}`;
  return new Promise((resolve, reject) => {
    https.get(url, (res) => {
      res.resume();
      const location = res.headers.location;
      if (res.statusCode !== 302 || !location) {
        reject(new Error(`login answered ${res.statusCode} without a redirect`));
        return;
      }
      resolve(new URL(location, root).searchParams.get('request_token'));
    }).on('error', reject);
  });
}

const statusesOf = async (orderId) => (await kc.getOrderHistory(orderId)).map((s) => s.status);
const lastState = async (orderId) => (await kc.getOrderHistory(orderId)).at(-1);

// Waits for an event the ticker reports, at most `ms`.
function next(ticker, event, accept, ms = 8000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    ticker.on(event, (...args) => {
      const hit = accept(...args);
      if (hit) {
        clearTimeout(timer);
        resolve(hit);
      }
    });
  });
}

test('login: a wrong checksum is refused, the right one opens a full session', async () => {
  const stale = await requestToken();
  const wrong = await refusal(kc.generateSession(stale, `${apiSecret}x`));
  assert.equal(wrong.error_type, 'TokenException');

  const fresh = await requestToken();
  const session = await kc.generateSession(fresh, apiSecret);
  assertShape(session, 'export type SessionData = {', {
    login_time: (v) => v instanceof Date,  // the client turns Kite's string into a Date
  });
  assert.equal(session.user_id, userId);
  assert.equal(session.api_key, apiKey);
  assert.ok(session.login_time instanceof Date, 'login_time parsed by the client');
  assert.equal(kc.access_token, session.access_token);

  const token = kc.access_token;
  const again = await refusal(kc.generateSession(fresh, apiSecret));
  assert.equal(again.error_type, 'TokenException', 'a request token works once');
  assert.equal(kc.access_token, token);
});

test('profile and margins', async () => {
  const profile = await kc.getProfile();
  assertShape(profile, 'getProfile: () => Promise<{');
  assert.equal(profile.user_id, userId);
  assert.ok(profile.exchanges.includes('NFO') && profile.products.includes('MIS'));

  const margins = await kc.getMargins();
  assertShape(margins.equity, 'export type UserMargin = {');
  assertShape(margins.commodity, 'export type UserMargin = {');
  assert.ok(margins.equity.net > 0, 'the account has funds');

  const equity = await kc.getMargins('equity');
  assertShape(equity, 'export type UserMargin = {');
  assert.equal(equity.net, margins.equity.net);
  assertShape(await kc.getMargins('commodity'), 'export type UserMargin = {');
});

test('instruments: every exchange, and one exchange, as real contracts', async () => {
  // Kite's CSV ends its last line with CRLF (fixtures instruments_*.csv), and the client's
  // CSV parser makes one more, empty row of it: a Kite user sees it too.
  const rows = (list) => list.filter((i) => i.instrument_token !== '');
  const all = rows(await kc.getInstruments());
  assert.ok(all.length >= 2, 'the CSV parsed by the client');
  const equityExpiry = { expiry: (v) => v === '' };  // Kite writes no expiry for equities
  for (const row of all) {
    assertShape(row, 'export type Instrument = {',
      row.instrument_type === 'EQ' ? equityExpiry : {});
  }
  const infy = all.find((i) => i.tradingsymbol === INFY.tradingsymbol);
  assert.equal(Number(infy.instrument_token), INFY.token);
  assert.equal(infy.instrument_type, 'EQ');

  const nfo = rows(await kc.getInstruments('NFO'));
  assert.ok(nfo.length >= 1 && nfo.every((i) => i.exchange === 'NFO'));
  const option = nfo.find((i) => i.tradingsymbol === OPTION.tradingsymbol);
  assert.equal(option.instrument_type, 'CE');
  assert.equal(option.segment, 'NFO-OPT');
  assert.equal(option.name, 'NIFTY');
  assert.equal(option.strike, 24000);
  assert.equal(option.lot_size, OPTION.lot);
  assert.ok(option.expiry instanceof Date, 'an option has an expiry date');
});

test('a market order fills: the book, its history, its trades and the position', async () => {
  const { order_id: id } = await kc.placeOrder('regular', {
    exchange: INFY.exchange, tradingsymbol: INFY.tradingsymbol, transaction_type: 'BUY',
    quantity: 10, product: 'MIS', order_type: 'MARKET', market_protection: -1, tag: 'conf1',
  });
  assert.ok(id, 'an order id');
  const orders = await kc.getOrders();
  const row = orders.find((o) => o.order_id === id);
  assertShape(row, 'export type Order = {');
  assert.equal(row.status, 'COMPLETE');
  assert.equal(row.filled_quantity, 10);
  assert.equal(row.tag, 'conf1');
  assert.equal(row.market_protection, -1, 'market_protection as placed');
  assert.equal(row.placed_by, userId);
  assert.match(row.exchange_order_id, /^\d{16}$/);
  assert.equal(row.instrument_token, INFY.token);
  assert.ok(row.order_timestamp instanceof Date, 'order_timestamp parsed by the client');

  const history = await kc.getOrderHistory(id);
  for (const state of history) assertShape(state, 'export type Order = {');
  assert.equal(history.at(-1).status, 'COMPLETE');
  assert.ok(history.length >= 2, `every state kept: ${history.map((s) => s.status)}`);

  const trades = await kc.getOrderTrades(id);
  assert.equal(trades.length, 1);
  // Kite's trades (fixtures trades.json, order_trades.json) carry no `filled`, though the
  // client declares one (`quantity` is the filled quantity), and write order_timestamp as a
  // time of day, which the client leaves a string.
  const asKiteWrites = {
    filled: (v) => v === undefined,
    order_timestamp: (v) => /^\d\d:\d\d:\d\d$/.test(v),
  };
  for (const t of trades) assertShape(t, 'export type Trade = {', asKiteWrites);
  assert.equal(trades[0].quantity, 10);
  assert.ok(trades[0].fill_timestamp instanceof Date);
  const allTrades = await kc.getTrades();
  assert.ok(allTrades.some((t) => t.order_id === id));

  const { net, day } = await kc.getPositions();
  assert.ok(Array.isArray(day));
  const position = net.find((p) => p.tradingsymbol === INFY.tradingsymbol && p.product === 'MIS');
  assertShape(position, 'export type Position = {');
  assert.equal(position.quantity, 10);
  assert.equal(position.buy_quantity, 10);
  assert.equal(position.sell_quantity, 0);
  assert.ok(position.average_price > 0 && position.buy_price === position.average_price);

  assert.ok(Array.isArray(await kc.getHoldings()), 'holdings: a list (the simulator keeps none)');
});

test('a limit order: placed, modified in part (price only, then quantity only), cancelled', async () => {
  const { order_id: id } = await kc.placeOrder('regular', {
    exchange: INFY.exchange, tradingsymbol: INFY.tradingsymbol, transaction_type: 'BUY',
    quantity: 5, product: 'CNC', order_type: 'LIMIT', price: 1400, tag: 'conf2',
    disclosed_quantity: 2,
  });
  const placed = await lastState(id);
  assert.equal(placed.status, 'OPEN');
  assert.equal(placed.disclosed_quantity, 2, 'disclosed_quantity as placed');
  assert.equal(placed.modified, false);

  const modified = await kc.modifyOrder('regular', id, { price: 1401.5 });
  assert.equal(modified.order_id, id);
  let now = await lastState(id);
  assert.equal(now.price, 1401.5);
  assert.equal(now.quantity, 5, 'a partial modify keeps what it does not name');
  assert.equal(now.order_type, 'LIMIT');
  assert.equal(now.modified, true);

  await kc.modifyOrder('regular', id, { quantity: 7 });
  now = await lastState(id);
  assert.equal(now.quantity, 7);
  assert.equal(now.price, 1401.5);

  const cancelled = await kc.cancelOrder('regular', id);
  assert.equal(cancelled.order_id, id);
  now = await lastState(id);
  assert.equal(now.status, 'CANCELLED');
  assert.equal(now.cancelled_quantity, 7);
  const statuses = await statusesOf(id);
  assert.ok(statuses.length >= 4, `placed, two modifies and the cancel: ${statuses}`);
});

test('stop-loss orders: SL and SL-M wait for their trigger, can be modified and cancelled', async () => {
  const { order_id: sl } = await kc.placeOrder('regular', {
    exchange: INFY.exchange, tradingsymbol: INFY.tradingsymbol, transaction_type: 'SELL',
    quantity: 10, product: 'MIS', order_type: 'SL', price: 1390, trigger_price: 1395,
  });
  assert.equal((await lastState(sl)).status, 'TRIGGER PENDING');
  await kc.modifyOrder('regular', sl, { trigger_price: 1392, price: 1388 });
  const now = await lastState(sl);
  assert.equal(now.trigger_price, 1392);
  assert.equal(now.price, 1388);
  assert.equal(now.order_type, 'SL');
  await kc.cancelOrder('regular', sl);
  assert.equal((await lastState(sl)).status, 'CANCELLED');

  const { order_id: slm } = await kc.placeOrder('regular', {
    exchange: INFY.exchange, tradingsymbol: INFY.tradingsymbol, transaction_type: 'SELL',
    quantity: 10, product: 'MIS', order_type: 'SL-M', trigger_price: 1395, market_protection: -1,
  });
  assert.equal((await lastState(slm)).status, 'TRIGGER PENDING');
  await kc.cancelOrder('regular', slm);
  assert.equal((await lastState(slm)).status, 'CANCELLED');
});

test('IOC: what cannot fill at once is cancelled', async () => {
  const { order_id: id } = await kc.placeOrder('regular', {
    exchange: INFY.exchange, tradingsymbol: INFY.tradingsymbol, transaction_type: 'BUY',
    quantity: 3, product: 'MIS', order_type: 'LIMIT', price: 1400, validity: 'IOC',
  });
  const now = await lastState(id);
  assert.equal(now.status, 'CANCELLED');
  assert.equal(now.validity, 'IOC');
  assert.equal(now.cancelled_quantity, 3);
});

test('refusals, with the error types Kite uses', async () => {
  const base = { exchange: INFY.exchange, tradingsymbol: INFY.tradingsymbol,
    transaction_type: 'BUY', product: 'MIS' };
  const cases = [
    ['an unlisted instrument', { ...base, tradingsymbol: 'NOSUCHSCRIP', quantity: 1,
      order_type: 'LIMIT', price: 100 }],
    ['a price off the tick', { ...base, quantity: 1, order_type: 'LIMIT', price: 1400.03 }],
    ['a market order without market_protection', { ...base, quantity: 1, order_type: 'MARKET' }],
    ['a derivative quantity that is not whole lots', { exchange: OPTION.exchange,
      tradingsymbol: OPTION.tradingsymbol, transaction_type: 'BUY', product: 'NRML',
      quantity: OPTION.lot + 1, order_type: 'LIMIT', price: 100 }],
    ['above the freeze quantity without autoslice', { exchange: OPTION.exchange,
      tradingsymbol: OPTION.tradingsymbol, transaction_type: 'BUY', product: 'NRML',
      quantity: OPTION.freeze + OPTION.lot, order_type: 'LIMIT', price: 100 }],
  ];
  for (const [what, params] of cases) {
    const error = await refusal(kc.placeOrder('regular', params));
    assert.equal(error.error_type, 'InputException', `${what}: ${JSON.stringify(error)}`);
    assert.ok(error.message, `${what}: a message`);
  }
  const unknown = await refusal(kc.modifyOrder('regular', '999999999', { price: 1400 }));
  assert.ok(['InputException', 'OrderException'].includes(unknown.error_type), 'no such order');
});

test('autoslice above the freeze quantity: the parent and its children', async () => {
  const quantity = OPTION.freeze + 2 * OPTION.lot;
  const placed = await kc.placeOrder('regular', {
    exchange: OPTION.exchange, tradingsymbol: OPTION.tradingsymbol, transaction_type: 'BUY',
    quantity, product: 'NRML', order_type: 'LIMIT', price: 100, autoslice: true, tag: 'conf3',
  });
  assertShape(placed, 'export type AutosliceOrderResponse = {');
  assert.ok(Array.isArray(placed.children) && placed.children.length === 2);
  let total = 0;
  for (const child of placed.children) {
    assert.ok(child.order_id, `a child that was placed: ${JSON.stringify(child)}`);
    total += (await lastState(child.order_id)).quantity;
  }
  assert.equal(total, quantity, 'the slices add up to the order');
  for (const child of placed.children) await kc.cancelOrder('regular', child.order_id);
});

test('AMO: refused in market hours (the simulator\'s clock reads 09:15 IST)', async () => {
  const error = await refusal(kc.placeOrder('amo', {
    exchange: INFY.exchange, tradingsymbol: INFY.tradingsymbol, transaction_type: 'BUY',
    quantity: 1, product: 'CNC', order_type: 'LIMIT', price: 1400,
  }));
  assert.equal(error.error_type, 'InputException', JSON.stringify(error));
});

test('a repeated tag is a second order, as on Kite', async () => {
  const order = { exchange: INFY.exchange, tradingsymbol: INFY.tradingsymbol,
    transaction_type: 'BUY', quantity: 1, product: 'CNC', order_type: 'LIMIT', price: 1400,
    tag: 'sametag' };
  const first = await kc.placeOrder('regular', { ...order });
  const second = await kc.placeOrder('regular', { ...order });
  assert.notEqual(first.order_id, second.order_id);
  const tagged = (await kc.getOrders()).filter((o) => o.tag === 'sametag');
  assert.equal(tagged.length, 2);
  for (const o of tagged) await kc.cancelOrder('regular', o.order_id);
});

test('KiteTicker: ticks in every mode, and order updates shaped as Kite postbacks', async () => {
  const ticker = new KiteTicker({ api_key: apiKey, access_token: kc.access_token,
    root: root.replace('https://', 'wss://') + '/', reconnect: false });
  const connected = next(ticker, 'connect', () => true);
  ticker.connect();
  await connected;
  try {
    const quote = next(ticker, 'ticks', (ticks) => ticks.find((t) => t.instrument_token === INFY.token));
    ticker.subscribe([INFY.token]);
    const first = await quote;
    assert.equal(first.mode, 'quote');
    assert.equal(first.tradable, true);
    assert.ok(Math.abs(first.last_price - INFY.price) < 50, `a price near ${INFY.price}`);
    assert.ok(first.ohlc && first.ohlc.close > 0);

    for (const mode of ['full', 'ltp']) {
      const tick = next(ticker, 'ticks',
        (ticks) => ticks.find((t) => t.instrument_token === INFY.token && t.mode === mode));
      ticker.setMode(mode, [INFY.token]);
      const got = await tick;  // the scripted price moves every second
      assert.ok(got.last_price > 0);
      if (mode === 'full') {
        assert.equal(got.depth.buy.length, 5);
        assert.equal(got.depth.sell.length, 5);
        assert.ok(got.exchange_timestamp === null || got.exchange_timestamp instanceof Date);
      }
    }

    const postback = JSON.parse(fs.readFileSync(path.join(fixtures, 'postback.json'), 'utf8'));
    const update = next(ticker, 'order_update', (o) => (o.tag === 'conf4' ? o : null));
    const { order_id: id } = await kc.placeOrder('regular', {
      exchange: INFY.exchange, tradingsymbol: INFY.tradingsymbol, transaction_type: 'BUY',
      quantity: 2, product: 'MIS', order_type: 'LIMIT', price: 1400, tag: 'conf4',
    });
    const got = await update;
    assert.equal(got.order_id, id);
    assert.equal(got.user_id, userId);
    const missing = Object.keys(postback).filter((k) => !(k in got));
    assert.deepEqual(missing, [], 'every field of Kite\'s own postback');
    assert.equal(got.unfilled_quantity, got.quantity - got.filled_quantity);
    await kc.cancelOrder('regular', id);
  } finally {
    ticker.disconnect();
  }
});

test('logout: the token is invalidated and answers TokenException after', async () => {
  assert.equal(await kc.invalidateAccessToken(), true);
  const after = await refusal(kc.getProfile());
  assert.equal(after.error_type, 'TokenException');
});

test('the client declares the types this file reads', () => {
  // A newer client that renamed a type would otherwise make the checks above vacuous.
  for (const opening of ['export type Order = {', 'export type Position = {',
    'export type Trade = {', 'export type SessionData = {', 'export type UserMargin = {',
    'export type Instrument = {', 'getProfile: () => Promise<{']) {
    assert.ok(Object.keys(declaredFields(opening)).length >= 4, opening);
  }
});
