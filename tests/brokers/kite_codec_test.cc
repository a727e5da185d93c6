// Goal: the Kite codec reads Zerodha's own payloads (../shared/fixtures/kite, copied from
// zerodha/kiteconnect-mocks) into exactly the domain values they mean, builds requests as
// Kite expects them, verifies checksums, and names the field when a payload is wrong.
// Method: every relevant fixture is decoded and its values checked; bad payloads are
// derived from good ones by removing or corrupting one field.
#include "brokers/kite/login.h"
#include "brokers/kite/parse.h"
#include "brokers/kite/requests.h"
#include "brokers/kite/wire.h"
#include "brokers/sim/kite_wire.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <set>

#include <date/date.h>

#include "brokers/json_reader.h"
#include "brokers/kite/ticks.h"
#include "crypto/sha256.h"
#include "tests/support/fixtures.h"

namespace tandem::brokers::kite {
namespace {

namespace d = ::tandem::domain;
using testing::fixture;

TEST(KiteCodec, OrderBookRowsKeepIdsAndMapEveryEnum) {
  auto orders = parse_orders(fixture("kite/orders.json"));
  ASSERT_TRUE(orders.ok()) << orders.status().to_string();
  ASSERT_EQ(orders->size(), 10u);
  const BrokerOrder& cds = (*orders)[0];
  EXPECT_EQ(cds.order_id.value, "100000000000000");
  EXPECT_EQ(cds.status, d::OrderStatus::cancelled);
  EXPECT_EQ(cds.instrument.exchange, d::Exchange::cds);
  EXPECT_EQ(cds.product, d::Product::carry_forward);
  EXPECT_EQ(cds.order_type, d::OrderType::limit);
  EXPECT_EQ(cds.price_paise, 7200);
  EXPECT_EQ(cds.cancelled_units, 1);
  // "2021-05-31 09:18:57" IST is 03:48:57 UTC.
  EXPECT_EQ(cds.order_time_ns, 1622432937LL * 1'000'000'000);
  const BrokerOrder& ttl = (*orders)[3];
  EXPECT_EQ(ttl.status, d::OrderStatus::rejected);
  EXPECT_EQ(ttl.validity, d::Validity::ttl);
  EXPECT_EQ(ttl.tag, "icebergord");
  EXPECT_EQ((*orders)[7].product, d::Product::mtf);
  const BrokerOrder& newest = (*orders)[8];
  EXPECT_EQ(newest.order_id.value, "1953341975595868160");  // 19 digits, kept exactly
  EXPECT_EQ(newest.price_paise, 15982);
  EXPECT_EQ(newest.average_price_paise, 15670);
  const BrokerOrder& option = (*orders)[9];
  EXPECT_EQ(option.instrument.tradingsymbol, "NIFTY2580724400CE");
  EXPECT_EQ(option.instrument.exchange, d::Exchange::nfo);
  EXPECT_EQ(option.quantity_units, 150);  // units, not lots
  EXPECT_EQ(option.filled_units, 150);
  EXPECT_EQ(option.average_price_paise, 1230);
}

TEST(KiteCodec, OrderHistoryMapsTransientStates) {
  auto history = parse_orders(fixture("kite/order_info.json"));
  ASSERT_TRUE(history.ok()) << history.status().to_string();
  std::vector<d::OrderStatus> statuses;
  for (const auto& o : *history) statuses.push_back(o.status);
  using S = d::OrderStatus;
  EXPECT_EQ(statuses, (std::vector<S>{S::pending, S::pending, S::pending, S::open, S::open, S::open,
                                      S::open, S::open}));
  EXPECT_EQ((*history)[4].broker_status, "MODIFY VALIDATION PENDING");
}

// The digest the journal keeps of a leader update is of the bytes it came in: the whole
// answer for an order-book row, the message for a WebSocket update.
TEST(KiteCodec, LeaderUpdateCarriesTheOrderAndTheDigestOfItsFrame) {
  const std::string body = fixture("kite/orders.json");
  auto orders = parse_orders(body);
  ASSERT_TRUE(orders.ok());
  const d::LeaderOrderUpdate u = to_leader_update((*orders)[9], 42);
  EXPECT_EQ(u.raw_digest, crypto::sha256_hex(body));
  EXPECT_EQ((*orders)[0].raw_digest, u.raw_digest) << "one answer, one frame";
  EXPECT_EQ(u.order_id.value, "1953367517686685697");
  EXPECT_EQ(u.status, d::OrderStatus::complete);
  EXPECT_EQ(u.filled_units, 150);
  EXPECT_EQ(u.received_time_ns, 42);
  EXPECT_NE(u.exchange_time_ns, 0);
}

TEST(KiteCodec, TradesAndOrderTrades) {
  auto trades = parse_trades(fixture("kite/trades.json"));
  ASSERT_TRUE(trades.ok()) << trades.status().to_string();
  ASSERT_EQ(trades->size(), 4u);
  EXPECT_EQ((*trades)[0].price_paise, 42065);
  EXPECT_EQ((*trades)[0].instrument.tradingsymbol, "SBIN");
  auto one = parse_trades(fixture("kite/order_trades.json"));
  ASSERT_TRUE(one.ok()) << one.status().to_string();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].price_paise, 485200);
  EXPECT_EQ((*one)[0].instrument.exchange, d::Exchange::mcx);
  EXPECT_NE((*one)[0].fill_time_ns, 0);
}

TEST(KiteCodec, NetPositions) {
  auto positions = parse_positions(fixture("kite/positions.json"));
  ASSERT_TRUE(positions.ok()) << positions.status().to_string();
  ASSERT_EQ(positions->size(), 3u);
  EXPECT_EQ((*positions)[0].instrument.tradingsymbol, "LEADMINI17DECFUT");
  EXPECT_EQ((*positions)[0].net_qty_units, 1);
  EXPECT_EQ((*positions)[0].average_price_paise, 16105);
  EXPECT_EQ((*positions)[2].product, d::Product::intraday);  // a CO position
}

TEST(KiteCodec, MarginsGiveTheLiveBalance) {
  for (const char* file : {"kite/margins.json", "kite/margins_equity.json"}) {
    auto funds = parse_margins(fixture(file));
    ASSERT_TRUE(funds.ok()) << file << ": " << funds.status().to_string();
    EXPECT_EQ(funds->available_paise, 9972505) << file;  // ₹99,725.05
  }
}

TEST(KiteCodec, OrderResponsesGiveTheOrderId) {
  for (const char* file :
       {"kite/order_response.json", "kite/order_modify.json", "kite/order_cancel.json"}) {
    auto id = parse_order_id(fixture(file));
    ASSERT_TRUE(id.ok()) << file << ": " << id.status().to_string();
    EXPECT_FALSE(id->empty());
  }
  EXPECT_EQ(parse_order_id(fixture("kite/order_response.json"))->value, "151220000000000");
}

TEST(KiteCodec, InstrumentsCsv) {
  auto instruments = parse_instruments(fixture("kite/instruments_all.csv"));
  ASSERT_TRUE(instruments.ok()) << instruments.status().to_string();
  EXPECT_EQ(instruments->size(), 99u);
  size_t options = 0;
  for (const auto& i : *instruments) {
    EXPECT_GE(i.lot_size_units, 1);
    EXPECT_GT(i.tick_size_paise, 0) << i.key.tradingsymbol;
    if (i.option_type != d::OptionType::none) {
      ++options;
      EXPECT_EQ(i.segment, d::Segment::derivatives);
      EXPECT_NE(i.expiry_day, 0u);
      EXPECT_NE(i.underlying, i.key.tradingsymbol);
    }
  }
  EXPECT_GT(options, 0u);
  const auto& first = instruments->front();
  EXPECT_EQ(first.key.tradingsymbol, "CENTRALBK-BE");
  EXPECT_EQ(first.kite_token, 3813889u);
  EXPECT_EQ(first.tick_size_paise, 5);
  EXPECT_EQ(first.segment, d::Segment::equity);
  const auto bank = std::find_if(instruments->begin(), instruments->end(), [](const auto& i) {
    return i.key.tradingsymbol == "BANKNIFTY18JAN23500CE";
  });
  ASSERT_NE(bank, instruments->end());
  EXPECT_EQ(bank->underlying, "BANKNIFTY");
  EXPECT_EQ(bank->lot_size_units, 40);
  EXPECT_EQ(bank->strike_paise, 23500'00);
  EXPECT_EQ(bank->expiry_day, 20180125u);
  auto nse = parse_instruments(fixture("kite/instruments_nse.csv"));
  ASSERT_TRUE(nse.ok());
  EXPECT_EQ(nse->size(), 99u);
}

TEST(KiteCodec, InstrumentsCsvErrorsNameTheLine) {
  std::string csv = fixture("kite/instruments_nse.csv");
  csv += "123,456,BROKEN\n";
  auto r = parse_instruments(csv);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 101"), std::string::npos) << r.status().to_string();
}

TEST(KiteCodec, ErrorEnvelopesAreClassifiedByErrorType) {
  struct Case {
    const char* file;
    int http;
    domain::OrderFailure expected;
  };
  for (const Case c :
       {Case{"kite/constructed/error_token_exception.json", 403,
             domain::OrderFailure::unauthenticated},
        Case{"kite/constructed/error_input_exception.json", 400, domain::OrderFailure::input},
        Case{"kite/constructed/error_order_exception.json", 500, domain::OrderFailure::rejected},
        Case{"kite/constructed/error_margin_exception.json", 400, domain::OrderFailure::rejected},
        Case{"kite/constructed/error_general_exception.json", 500,
             domain::OrderFailure::broker_down}}) {
    const BrokerError e = parse_error(c.http, fixture(c.file));
    EXPECT_EQ(e.error_class, c.expected) << c.file;
    EXPECT_FALSE(e.message.empty()) << c.file;
  }
  EXPECT_EQ(parse_error(429, "").error_class, domain::OrderFailure::rate_limited);
  // An error body where success was expected is reported, not parsed as data.
  auto r = parse_orders(fixture("kite/constructed/error_token_exception.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("TokenException"), std::string::npos);
}

TEST(KiteCodec, WebSocketTextFrames) {
  const std::string frame = fixture("kite/constructed/ws_text_order.json");
  auto order = parse_ws_text(frame);
  ASSERT_TRUE(order.ok()) << order.status().to_string();
  const auto* o = std::get_if<BrokerOrder>(&*order);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->raw_digest, crypto::sha256_hex(frame));
  auto spaced = parse_ws_text(frame + " ");  // the same order in other bytes
  ASSERT_TRUE(spaced.ok());
  EXPECT_NE(std::get<BrokerOrder>(*spaced).raw_digest, o->raw_digest);
  EXPECT_EQ(o->order_id.value, "220303000308932");
  EXPECT_EQ(o->status, d::OrderStatus::complete);
  EXPECT_EQ(o->product, d::Product::delivery);
  EXPECT_EQ(o->average_price_paise, 47000);
  auto error = parse_ws_text(fixture("kite/constructed/ws_text_error.json"));
  ASSERT_TRUE(error.ok());
  EXPECT_TRUE(std::holds_alternative<WsError>(*error));
  auto message = parse_ws_text(fixture("kite/constructed/ws_text_message.json"));
  ASSERT_TRUE(message.ok());
  EXPECT_TRUE(std::holds_alternative<WsMessage>(*message));
}

TEST(KiteCodec, PostbackChecksumIsVerifiedBeforeTrust) {
  const std::string body = fixture("kite/postback.json");
  auto vectors = boost::json::parse(fixture("kite/constructed/checksum_vectors.json"));
  const auto& v = vectors.at("postback_checksum").as_object();
  const std::string secret(v.at("api_secret").as_string());
  const std::string digest(v.at("sha256_hex").as_string());
  // The mock's own checksum was made with a secret we do not have: it must not verify.
  auto wrong = parse_postback(body, secret);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::unauthenticated);
  // With the checksum made from our secret, it does.
  auto json = boost::json::parse(body);
  json.as_object()["checksum"] = digest;
  auto right = parse_postback(boost::json::serialize(json), secret);
  ASSERT_TRUE(right.ok()) << right.status().to_string();
  EXPECT_EQ(right->order_id.value, "220303000308932");
}

TEST(KiteCodec, LoginChecksumMatchesTheVector) {
  auto vectors = boost::json::parse(fixture("kite/constructed/checksum_vectors.json"));
  const auto& v = vectors.at("session_token_checksum").as_object();
  EXPECT_EQ(session_checksum(std::string(v.at("api_key").as_string()),
                             std::string(v.at("request_token").as_string()),
                             std::string(v.at("api_secret").as_string())),
            std::string(v.at("sha256_hex").as_string()));
}

TEST(KiteCodec, MissingOrWrongFieldsAreNamed) {
  auto base = boost::json::parse(fixture("kite/orders.json"));
  auto& row = base.at("data").as_array()[9].as_object();
  row.erase("status");
  auto missing = parse_orders(boost::json::serialize(base));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(missing.status().message().find("'status': missing"), std::string::npos)
      << missing.status().to_string();
  row["status"] = "COMPLETE";
  row["exchange"] = "NYSE";
  auto unknown = parse_orders(boost::json::serialize(base));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown value 'NYSE'"), std::string::npos);
  row["exchange"] = "NFO";
  row["filled_quantity"] = 151;
  EXPECT_FALSE(parse_orders(boost::json::serialize(base)).ok());
  EXPECT_FALSE(parse_orders("not json").ok());
}

TEST(KiteCodec, PlaceFormCarriesTagAndMarketProtection) {
  d::OrderTerms o;
  o.instrument = {d::Exchange::nse, "M&M"};
  o.side = d::Side::sell;
  o.order_type = d::OrderType::market;
  o.product = d::Product::intraday;
  o.quantity_units = 10;
  EXPECT_EQ(place_order_form(o, {"abc123"}),
            "tradingsymbol=M%26M&exchange=NSE&transaction_type=SELL&product=MIS&"
            "order_type=MARKET&quantity=10&validity=DAY&market_protection=-1&tag=abc123");
  EXPECT_TRUE(place_order_form(o, {"abc123"}, -1, true).ends_with("&autoslice=true"));
  EXPECT_TRUE(parse_order_form(place_order_form(o, {"abc123"}, -1, true))->autoslice);
  o.order_type = d::OrderType::stop_loss;
  o.price_paise = 123405;
  o.trigger_price_paise = 123000;
  EXPECT_EQ(modify_order_form(o),
            "order_type=SL&quantity=10&validity=DAY&price=1234.05&trigger_price=1230");
}

TEST(KiteCodec, AutosliceResponseGivesParentChildrenAndRefusedSlices) {
  auto p = parse_placement(fixture("kite/autoslice_response.json"));
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  EXPECT_EQ(p->order_id.value, "1914227164488687616");
  ASSERT_EQ(p->slices.size(), 3u);
  EXPECT_EQ(p->slices[2].value, "1914227164681625600");
  ASSERT_EQ(p->slice_errors.size(), 1u);
  EXPECT_EQ(p->slice_errors[0].type, "MarginException");
  EXPECT_EQ(p->slice_errors[0].error_class, domain::OrderFailure::rejected);
  auto plain = parse_placement(fixture("kite/order_response.json"));
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->slices.empty());
  // What the simulator sends decodes to what it meant.
  auto again = parse_placement(placement_body(*p));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->slices, p->slices);
  EXPECT_EQ(again->slice_errors[0].message, p->slice_errors[0].message);
}

// The paths of every object key under `v` ("data.available.cash"), arrays' first element.
void key_paths(const boost::json::value& v, const std::string& at, std::set<std::string>& out) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object()) {
      const std::string path = at.empty() ? std::string(k) : at + "." + std::string(k);
      out.insert(path);
      key_paths(child, path, out);
    }
  } else if (v.is_array() && !v.as_array().empty()) {
    key_paths(v.as_array()[0], at, out);
  }
}

// Every field of Kite's own answer (the fixture) is in the simulator's.
void expect_fields_of(const std::string& fixture_name, const std::string& ours) {
  std::set<std::string> theirs, mine;
  key_paths(boost::json::parse(fixture(fixture_name)), "", theirs);
  key_paths(boost::json::parse(ours), "", mine);
  for (const auto& k : theirs) EXPECT_TRUE(mine.contains(k)) << fixture_name << ": no " << k;
}

TEST(KiteCodec, TheSimulatorsSessionProfileAndMarginsCarryEveryFieldOfKites) {
  expect_fields_of("kite/generate_session.json",
                   session_body({"AB1234", "token-1234567890"}, "key", 1'790'000'000'000'000'000));
  expect_fields_of("kite/profile.json", profile_body("AB1234"));
  expect_fields_of("kite/margins_equity.json", margin_segment_body(Funds{100'00}));
  expect_fields_of("kite/margins.json", margins_body(Funds{100'00}));
  auto grant = parse_session(session_body({"AB1234", "tok"}, "key", 0));
  ASSERT_TRUE(grant.ok());
  EXPECT_EQ(grant->access_token, "tok");
  auto funds = parse_margins(margin_segment_body(Funds{123'45}));
  ASSERT_TRUE(funds.ok()) << funds.status().to_string();
  EXPECT_EQ(funds->available_paise, 123'45);
}

TEST(KiteCodec, TheSimulatorsOrdersTradesPositionsAndUpdatesCarryEveryFieldOfKites) {
  BrokerOrder o;
  o.order_id = d::BrokerOrderId{"P7"};
  o.exchange_order_id = "1000000000000007";
  o.status = d::OrderStatus::open;
  o.broker_status = "OPEN";
  o.instrument = {d::Exchange::nse, "INFY"};
  o.instrument_token = 408065;
  o.order_type = d::OrderType::limit;
  o.quantity_units = 10;
  o.pending_units = 10;
  o.price_paise = 1400'00;
  o.placed_by = "AB1234";
  o.order_time_ns = 1'790'000'000'000'000'000;
  expect_fields_of("kite/order_info.json", orders_body({o}));
  expect_fields_of("kite/orders.json", orders_body({o}));
  BrokerTrade t;
  t.trade_id = "T1";
  t.order_id = o.order_id;
  t.instrument = o.instrument;
  t.quantity_units = 10;
  t.price_paise = 1400'00;
  t.fill_time_ns = o.order_time_ns + 1'000'000'000;
  t.order_time_ns = o.order_time_ns;
  expect_fields_of("kite/trades.json", trades_body({t}));
  PositionDetail p;
  p.net = {o.instrument, d::Product::intraday, 10, 1400'00};
  p.bought_units = 10;
  p.bought_value_paise = 14000'00;
  p.last_price_paise = 1410'00;
  expect_fields_of("kite/positions.json", positions_body({p}));
  const auto positions = boost::json::parse(positions_body({p})).at("data").at("net").at(0);
  EXPECT_EQ(positions.at("pnl").to_number<double>(), 100.0) << "10 units, 10 rupees up";
  EXPECT_EQ(positions.at("value").to_number<double>(), -14000.0);

  // The update is Kite's postback, and its checksum verifies with the app's secret.
  const auto update = boost::json::parse(order_update_text(o, "secret"));
  const std::string data = boost::json::serialize(update.at("data"));
  std::set<std::string> theirs, mine;
  key_paths(boost::json::parse(fixture("kite/postback.json")), "", theirs);
  key_paths(update.at("data"), "", mine);
  for (const auto& k : theirs) EXPECT_TRUE(mine.contains(k)) << "postback.json: no " << k;
  auto verified = parse_postback(data, "secret");
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_EQ(verified->placed_by, "AB1234");
  EXPECT_FALSE(parse_postback(data, "other").ok());
}

TEST(KiteCodec, SessionGrantAndLoginRedirect) {
  auto grant = parse_session(fixture("kite/generate_session.json"));
  ASSERT_TRUE(grant.ok()) << grant.status().to_string();
  EXPECT_EQ(grant->user_id, "XX0000");
  EXPECT_EQ(grant->access_token, "XXXXXX");
  EXPECT_EQ(login_url("my key"), "https://kite.zerodha.com/connect/login?v=3&api_key=my%20key");
  EXPECT_EQ(*request_token_from("https://app.example/cb?action=login&status=success&"
                                "request_token=abcDEF123"),
            "abcDEF123");
  EXPECT_EQ(*request_token_from("abcDEF123"), "abcDEF123");
  EXPECT_EQ(request_token_from("https://app.example/cb?status=cancelled").status().code(),
            StatusCode::unauthenticated);
  EXPECT_EQ(request_token_from("https://app.example/cb?x=1").status().code(),
            StatusCode::invalid_argument);
  EXPECT_NE(session_token_form("k", "r", "s").find("checksum=" + session_checksum("k", "r", "s")),
            std::string::npos);
}

TEST(KiteCodec, SimulatorBodiesDecodeToWhatTheyEncode) {
  BrokerTrade t{"T1", {"P1"},  {d::Exchange::nse, "INFY"}, d::Side::sell, d::Product::delivery,
                7,    1500'05, 1'700'000'000'000'000'000,  408065,        "1000000000000001",
                0};  // the order's time is not read back: Kite writes it without its date
  auto trades = parse_trades(trades_body({t}));
  ASSERT_TRUE(trades.ok()) << trades.status().to_string();
  EXPECT_EQ(trades->at(0), t);
  d::BrokerPosition p{
      {d::Exchange::nfo, "NIFTY26DECFUT"}, d::Product::carry_forward, -75, 24000'50};
  PositionDetail detail;
  detail.net = p;
  auto positions = parse_positions(positions_body({detail}));
  ASSERT_TRUE(positions.ok()) << positions.status().to_string();
  EXPECT_EQ(positions->at(0), p);
  auto all = parse_instruments(fixture("kite/instruments_all.csv"));
  ASSERT_TRUE(all.ok());
  auto round = parse_instruments(instruments_csv(*all));
  ASSERT_TRUE(round.ok()) << round.status().to_string();
  EXPECT_EQ(*round, *all);
}

TEST(KiteTicks, FullAndQuotePacketsDecode) {
  auto full = parse_tick_packet(testing::base64_fixture("kite/ticker_full.packet"));
  ASSERT_TRUE(full.ok()) << full.status().to_string();
  EXPECT_EQ(full->instrument_token, 408065u);
  EXPECT_EQ(full->last_price_paise, 157370);
  EXPECT_EQ(full->volume, 1192471);
  EXPECT_EQ(full->exchange_time_s, 1625461887);
  ASSERT_EQ(full->bids.size(), 5u);
  EXPECT_EQ(full->bids[0], (DepthLevel{5, 157340, 1}));
  EXPECT_EQ(full->asks[0], (DepthLevel{172, 157370, 3}));
  EXPECT_EQ(full->asks[4], (DepthLevel{724, 157395, 5}));
  auto quote = parse_tick_packet(testing::base64_fixture("kite/ticker_quote.packet"));
  ASSERT_TRUE(quote.ok());
  EXPECT_EQ(quote->last_price_paise, 157315);
  EXPECT_EQ(quote->average_price_paise, 157033);
  EXPECT_EQ(quote->close_paise, 156780);
}

TEST(KiteTicks, FramedMessageAndHeartbeat) {
  const std::string frame = fixture("kite/constructed/ws_frame_quote_full.bin");
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(frame.data()),
                                       frame.size());
  auto ticks = parse_tick_message(bytes);
  ASSERT_TRUE(ticks.ok()) << ticks.status().to_string();
  ASSERT_EQ(ticks->size(), 2u);
  EXPECT_EQ((*ticks)[0].last_price_paise, 157315);
  EXPECT_EQ((*ticks)[1].bids.size(), 5u);
  const uint8_t heartbeat[1] = {0};
  EXPECT_TRUE(parse_tick_message(heartbeat)->empty());
  auto truncated = parse_tick_message(bytes.first(100));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("packet 2"), std::string::npos);
}

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// The simulator's ticker writes what the parser reads: the real quote packet comes back
// byte for byte, the full one field for field (it has OI fields Tandem does not read).
TEST(KiteTicks, EncodingReproducesTheBrokersOwnPackets) {
  const auto quote_bytes = testing::base64_fixture("kite/ticker_quote.packet");
  auto quote = parse_tick_packet(quote_bytes);
  ASSERT_TRUE(quote.ok());
  const std::string again = encode_tick_packet(*quote, 44);
  const auto again_bytes = bytes_of(again);
  EXPECT_TRUE(
      std::equal(again_bytes.begin(), again_bytes.end(), quote_bytes.begin(), quote_bytes.end()));
  auto full = parse_tick_packet(testing::base64_fixture("kite/ticker_full.packet"));
  ASSERT_TRUE(full.ok());
  const std::string full_again = encode_tick_packet(*full, 184);
  EXPECT_EQ(parse_tick_packet(bytes_of(full_again)).value(), *full);
}

// Any tick survives encode → parse at every packet size, in the fields that size carries.
RC_GTEST_PROP(KiteTicksProp, EncodeThenParseIsIdentity, ()) {
  const auto int32s = [] { return rc::gen::inRange<int64_t>(0, INT32_MAX); };
  Tick t;
  t.instrument_token = *rc::gen::arbitrary<uint32_t>();
  t.segment = static_cast<uint8_t>(t.instrument_token & 0xff);
  // CDS prices travel as rupees × 10^7: an int32 holds up to ₹214.74 of them.
  const int64_t max_paise = t.segment == 3 ? 21'474 : 20'000'000;
  const auto price = [&] { return *rc::gen::inRange<int64_t>(0, max_paise); };
  t.last_price_paise = price();
  const size_t size = *rc::gen::element<size_t>(8, 28, 32, 44, 184);
  if (size == 28 || size == 32) {
    t.high_paise = price();
    t.low_paise = price();
    t.open_paise = price();
    t.close_paise = price();
    if (size == 32) t.exchange_time_s = *int32s();
  }
  if (size >= 44) {
    t.last_quantity = *int32s();
    t.average_price_paise = price();
    t.volume = *int32s();
    t.total_buy_quantity = *int32s();
    t.total_sell_quantity = *int32s();
    t.open_paise = price();
    t.high_paise = price();
    t.low_paise = price();
    t.close_paise = price();
  }
  if (size == 184) {
    t.last_trade_time_s = *int32s();
    t.open_interest = *int32s();
    t.exchange_time_s = *int32s();
    for (int i = 0; i < 10; ++i) {
      DepthLevel level{*int32s(), price(), *rc::gen::inRange<int32_t>(0, 0xffff)};
      (i < 5 ? t.bids : t.asks).push_back(level);
    }
  }
  const std::string message = encode_tick_message({encode_tick_packet(t, size)});
  auto parsed = parse_tick_message(bytes_of(message));
  RC_ASSERT(parsed.ok());
  RC_ASSERT(parsed->size() == 1u);
  RC_ASSERT(parsed->front() == t);
}

TEST(KiteTicker, ClientMessagesParseBack) {
  const std::vector<uint32_t> tokens{408065, 884737};
  EXPECT_EQ(subscribe_message(tokens), R"({"a":"subscribe","v":[408065,884737]})");
  auto sub = parse_ticker_request(subscribe_message(tokens));
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->action, TickerRequest::Action::subscribe);
  EXPECT_EQ(sub->tokens, tokens);
  EXPECT_EQ(mode_message(TickMode::ltp, tokens), R"({"a":"mode","v":["ltp",[408065,884737]]})");
  auto mode = parse_ticker_request(mode_message(TickMode::full, tokens));
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(mode->action, TickerRequest::Action::mode);
  EXPECT_EQ(mode->mode, TickMode::full);
  EXPECT_EQ(mode->tokens, tokens);
  auto unsub = parse_ticker_request(R"({"a":"unsubscribe","v":[1]})");
  ASSERT_TRUE(unsub.ok());
  EXPECT_EQ(unsub->action, TickerRequest::Action::unsubscribe);
  for (const char* bad : {"", "[]", R"({"a":"buy","v":[1]})", R"({"a":"subscribe","v":["x"]})",
                          R"({"a":"mode","v":["fast",[1]]})", R"({"a":"subscribe"})"}) {
    auto r = parse_ticker_request(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("kite ticker request"), std::string::npos);
  }
}

// The brokers' "YYYY-MM-DD HH:MM:SS" IST text, as the simulator writes it: the same text
// date::format gives, read back to the same second, for any time from 2000 to 2099.
RC_GTEST_PROP(IstTimestampProp, WritesWhatDateFormatWritesAndReadsBack, ()) {
  const int64_t from = 946'684'800;  // 2000-01-01 UTC, in seconds
  const int64_t to = 4'102'444'800;  // 2100-01-01
  const int64_t ns = *rc::gen::inRange<int64_t>(from, to) * 1'000'000'000 +
                     *rc::gen::inRange<int64_t>(0, 1'000'000'000);
  const boost::json::value v = ist_timestamp_value(ns);
  RC_ASSERT(v.is_string());
  const std::string text(v.as_string());
  const auto ist = std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds(ns)) +
                   domain::kIstOffset;
  RC_ASSERT(text == date::format("%F %T", std::chrono::floor<std::chrono::seconds>(ist)));
  RC_ASSERT(parse_ist_timestamp(text) == std::optional<domain::TimeNs>(ns - ns % 1'000'000'000));
}

// Inputs the fuzz targets (tests/fuzz) found, each once undefined behaviour: a year past
// what nanoseconds since 1970 hold, numbers past int64 or past any price, and form bodies
// Boost 1.81 read past the end of (an empty one, a key without '=').
TEST(HostileInput, OutOfRangeTimesAndNumbersAreRefusedNotWrapped) {
  EXPECT_EQ(parse_ist_timestamp("4044-03-03 09:24:25"), std::nullopt);
  EXPECT_EQ(parse_ist_timestamp("1969-12-31 23:59:59"), std::nullopt);
  EXPECT_EQ(parse_ist_timestamp("2026-12-05 -1:00:00"), std::nullopt);
  EXPECT_NE(parse_ist_timestamp("2200-12-31 23:59:59"), std::nullopt);
  EXPECT_EQ(rupees_to_paise(boost::json::value(int64_t{1} << 62)), std::nullopt);
  EXPECT_EQ(rupees_to_paise(boost::json::value(uint64_t{1} << 63)), std::nullopt);
  EXPECT_EQ(rupees_to_paise(boost::json::value(1e300)), std::nullopt);
  EXPECT_EQ(rupees_to_paise(boost::json::value(int64_t{-12345})), -1'234'500);
  const std::string update = fixture("kite/constructed/ws_text_order.json");
  ASSERT_TRUE(parse_ws_text(update).ok());
  for (const char* quantity : {"1e400", "18446744073709551615", "-1e19"}) {
    std::string bad = update;
    bad.replace(bad.find("\"quantity\": 1,"), 14, std::string("\"quantity\": ") + quantity + ",");
    auto order = parse_ws_text(bad);
    ASSERT_FALSE(order.ok()) << quantity;
    EXPECT_NE(order.status().message().find("'quantity': out of range"), std::string::npos)
        << order.status().message();
  }
}

TEST(HostileInput, FormBodiesOfAnyShapeParseOrFailCleanly) {
  const std::string empty;  // a view with no terminator after it: the form reads only its bytes
  EXPECT_FALSE(parse_order_form(std::string_view(empty.data(), 0)).ok());
  const std::string keys = "atssb,&quantity";
  auto form = parse_modify_form(std::string_view(keys.data(), 6), d::OrderTerms{});
  EXPECT_TRUE(form.ok() || !form.status().message().empty());
  EXPECT_EQ(request_token_from("https://x/?").status().code(), StatusCode::invalid_argument);
  EXPECT_EQ(*request_token_from("https://x/?status=success&request_token=abc123"), "abc123");
}

}  // namespace
}  // namespace tandem::brokers::kite
