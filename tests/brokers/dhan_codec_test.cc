// Goal: the Dhan codec reads every payload Dhan documents or its SDK carries — order book,
// one order, trades, positions, holdings, fund limits (misspelt keys and all), order replies,
// slicing, the scrip master, the order-update socket's login and messages, errors by
// errorCode — and writes requests Dhan's own request samples agree with. Nothing in
// ../shared/fixtures/dhan goes untested: the last test fails on a file no test names.
// Method: the fixtures (the SDK's files unwrapped from its {status, remarks, data} layer),
// field by field; round trips of what the simulator writes.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <set>

#include "brokers/dhan/login.h"
#include "brokers/dhan/parse.h"
#include "brokers/dhan/requests.h"
#include "brokers/dhan/wire.h"
#include "brokers/sim/dhan_wire.h"
#include "crypto/sha256.h"
#include "tests/support/fixtures.h"

namespace tandem::brokers::dhan {
namespace {

namespace d = ::tandem::domain;
namespace json = boost::json;

std::string constructed(const std::string& name) {
  return testing::fixture("dhan/constructed/" + name);
}
// The SDK wraps the server's body in {"status", "remarks", "data"}: the server sent `data`.
std::string sdk_data(const std::string& name) {
  const json::value wrapped = json::parse(testing::fixture("dhan/dhanhq-py-tests-data/" + name));
  return json::serialize(wrapped.at("data"));
}

SecurityMap master() {
  auto instruments = parse_scrip_master(constructed("scrip_master_compact_sample.csv"));
  EXPECT_TRUE(instruments.ok()) << instruments.status().to_string();
  return SecurityMap(instruments.ok() ? *instruments : std::vector<d::Instrument>{});
}

TEST(DhanCodec, ScripMasterGivesSecurityIdsAndReadsBackWhatTheSimulatorWrites) {
  auto instruments = parse_scrip_master(constructed("scrip_master_compact_sample.csv"));
  ASSERT_TRUE(instruments.ok()) << instruments.status().to_string();
  ASSERT_EQ(instruments->size(), 2u);
  EXPECT_EQ((*instruments)[0].key, (d::InstrumentKey{d::Exchange::nse, "HDFCBANK"}));
  EXPECT_EQ((*instruments)[0].dhan_security_id, "1333");
  EXPECT_EQ((*instruments)[1].dhan_security_id, "11536");
  EXPECT_EQ((*instruments)[1].segment, d::Segment::equity);

  d::Instrument option;
  option.key = {d::Exchange::nfo, "NIFTY-Nov2026-23500-CE"};
  option.underlying = "NIFTY";
  option.segment = d::Segment::derivatives;
  option.dhan_security_id = "52175";
  option.lot_size_units = 75;
  option.tick_size_paise = 5;
  option.expiry_day = 20261124;
  option.strike_paise = 23500'00;
  option.option_type = d::OptionType::call;
  std::vector<d::Instrument> written = *instruments;
  written.push_back(option);
  auto back = parse_scrip_master(scrip_master_csv(written));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ(back->back(), option);

  // The same contract as Kite names it: found by underlying, expiry, strike and type.
  SecurityMap map(*back);
  d::Instrument kite = option;
  kite.key = {d::Exchange::nfo, "NIFTY26N2423500CE"};
  kite.dhan_security_id.clear();
  ASSERT_NE(map.same_contract(kite), nullptr);
  EXPECT_EQ(map.same_contract(kite)->dhan_security_id, "52175");
  kite.strike_paise += 100'00;
  EXPECT_EQ(map.same_contract(kite), nullptr);

  EXPECT_FALSE(parse_scrip_master("SEM_EXM_EXCH_ID,SEM_SEGMENT\nNSE,E\n").ok());
  auto bad_lot = parse_scrip_master(
      scrip_master_csv({option}).replace(scrip_master_csv({option}).find(",75,"), 4, ",7x,"));
  ASSERT_FALSE(bad_lot.ok());
  EXPECT_NE(bad_lot.status().message().find("line 2: SEM_LOT_UNITS"), std::string::npos);
}

TEST(DhanCodec, OrderBookRowsAndOneOrder) {
  const SecurityMap securities = master();
  auto orders = parse_orders(constructed("order_book_response.json"), securities);
  ASSERT_TRUE(orders.ok()) << orders.status().to_string();
  ASSERT_EQ(orders->size(), 1u);
  const BrokerOrder& o = (*orders)[0];
  EXPECT_EQ(o.order_id.value, "112111182198");
  EXPECT_EQ(o.tag, "123abc678");              // correlationId carries our client tag
  EXPECT_EQ(o.status, d::OrderStatus::open);  // PENDING: resting at the exchange
  EXPECT_EQ(o.broker_status, "PENDING");
  EXPECT_EQ(o.instrument, (d::InstrumentKey{d::Exchange::nse, "TCS"}));  // securityId 11536
  EXPECT_EQ(o.side, d::Side::buy);
  EXPECT_EQ(o.order_type, d::OrderType::market);
  EXPECT_EQ(o.product, d::Product::intraday);
  EXPECT_EQ(o.quantity_units, 5);
  EXPECT_EQ(o.filled_units, 0);
  EXPECT_EQ(o.pending_units, 5);
  EXPECT_GT(o.order_time_ns, 0);

  auto one = parse_order(constructed("order_by_id_response.json"), securities);
  ASSERT_TRUE(one.ok()) << one.status().to_string();
  EXPECT_NE(one->raw_digest, o.raw_digest) << "another answer: the digest of its own bytes";
  BrokerOrder same_row = *one;
  same_row.raw_digest = o.raw_digest;
  EXPECT_EQ(same_row, o);
  // A postback is the same row plus filled_qty: read the same way.
  auto postback = parse_order(constructed("postback_payload.json"), securities);
  ASSERT_TRUE(postback.ok()) << postback.status().to_string();
  EXPECT_EQ(postback->order_id.value, "112111182198");

  // The SDK's schema samples. Where a price is the float minimum (-3.4e38, no amount of
  // paise) the row is refused, naming the field; otherwise the placeholders read.
  for (const char* file : {"get-order-by-id.json", "get-order-by-correlation-id.json"}) {
    auto sdk = parse_order(sdk_data(file), securities);
    ASSERT_FALSE(sdk.ok()) << file;
    EXPECT_NE(sdk.status().message().find("'price'"), std::string::npos) << file;
  }
  auto sdk_book = parse_orders(sdk_data("get-current-orders-list.json"), securities);
  ASSERT_TRUE(sdk_book.ok()) << sdk_book.status().to_string();
  ASSERT_EQ(sdk_book->size(), 1u);
  EXPECT_EQ((*sdk_book)[0].status, d::OrderStatus::pending);     // TRANSIT
  EXPECT_EQ((*sdk_book)[0].instrument.tradingsymbol, "string");  // an unknown security
}

TEST(DhanCodec, StatusesAnyCaseAndPartialFills) {
  EXPECT_EQ(status_from_wire("TRADED"), d::OrderStatus::complete);
  EXPECT_EQ(status_from_wire("Cancelled"), d::OrderStatus::cancelled);
  EXPECT_EQ(status_from_wire("part_traded"), d::OrderStatus::open);
  EXPECT_EQ(status_from_wire("TRANSIT"), d::OrderStatus::pending);
  EXPECT_EQ(status_from_wire("EXPIRED"), d::OrderStatus::expired);
  EXPECT_EQ(status_from_wire("SOMETHING_NEW"), d::OrderStatus::pending);
  EXPECT_EQ(status_wire(d::OrderStatus::open, 3), "PART_TRADED");
  EXPECT_EQ(status_wire(d::OrderStatus::open, 0), "PENDING");
  const SecurityMap securities = master();
  std::string row = constructed("order_book_response.json");
  row.replace(row.find("\"filledQty\": 0"), 14, "\"filledQty\": 9");
  auto bad = parse_orders(row, securities);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("filledQty"), std::string::npos);
}

TEST(DhanCodec, TradesPositionsHoldingsAndFunds) {
  const SecurityMap securities = master();
  auto trades = parse_trades(constructed("trade_book_response.json"), securities);
  ASSERT_TRUE(trades.ok()) << trades.status().to_string();
  ASSERT_EQ(trades->size(), 1u);
  EXPECT_EQ((*trades)[0].quantity_units, 40);
  EXPECT_EQ((*trades)[0].price_paise, 3345'80);
  EXPECT_EQ((*trades)[0].instrument.tradingsymbol, "TCS");
  auto of_order = parse_trades(constructed("trades_of_order_response.json"), securities);
  ASSERT_TRUE(of_order.ok()) << of_order.status().to_string();
  EXPECT_EQ(of_order->size(), 1u);
  for (const char* file :
       {"get_all_trades.json", "get_trade_book_by_orderid.json", "get_trade_history.json"}) {
    auto sdk = parse_trades(sdk_data(file), securities);
    ASSERT_TRUE(sdk.ok()) << file << ": " << sdk.status().to_string();
  }

  auto positions = parse_positions(constructed("positions_response.json"), securities);
  ASSERT_TRUE(positions.ok()) << positions.status().to_string();
  ASSERT_EQ(positions->size(), 1u);
  EXPECT_EQ((*positions)[0].net_qty_units, 40);
  EXPECT_EQ((*positions)[0].average_price_paise, 3345'80);
  EXPECT_EQ((*positions)[0].product, d::Product::delivery);
  EXPECT_TRUE(parse_positions(sdk_data("get_positions.json"), securities).ok());

  auto holdings = parse_holdings(constructed("holdings_response.json"));
  ASSERT_TRUE(holdings.ok()) << holdings.status().to_string();
  EXPECT_EQ((*holdings)[0].total_units, 1000);
  EXPECT_EQ((*holdings)[0].average_cost_paise, 2655'00);
  EXPECT_TRUE(parse_holdings(sdk_data("get-current-holdings.json")).ok());

  auto funds = parse_fund_limit(constructed("fundlimit_response.json"));
  ASSERT_TRUE(funds.ok()) << funds.status().to_string();
  EXPECT_EQ(funds->available_paise, 98440'00);  // availabelBalance, as Dhan spells it
  // The SDK's sample holds float minimums (-3.4e38): no amount of paise; a clear error.
  auto placeholder = parse_fund_limit(sdk_data("get_fund_limits.json"));
  ASSERT_FALSE(placeholder.ok());
  EXPECT_NE(placeholder.status().message().find("availabelBalance"), std::string::npos);
}

// Every key of Dhan's own row (the first of the fixture's list) is in the simulator's.
void expect_keys_of(const std::string& fixture_name, const json::value& ours) {
  const json::value theirs = json::parse(constructed(fixture_name));
  const json::object& row =
      theirs.is_array() ? theirs.as_array().at(0).as_object() : theirs.as_object();
  for (const auto& [key, value] : row) {
    EXPECT_TRUE(ours.as_object().contains(key)) << fixture_name << ": no " << key;
  }
}

TEST(DhanCodec, TheSimulatorsOrderAndPositionRowsCarryEveryFieldAndTheContract) {
  d::Instrument option;
  option.key = {d::Exchange::nfo, "NIFTY-Dec2026-24000-CE"};
  option.underlying = "NIFTY";
  option.segment = d::Segment::derivatives;
  option.dhan_security_id = "35001";
  option.lot_size_units = 75;
  option.expiry_day = 20261229;
  option.strike_paise = 24000'00;
  option.option_type = d::OptionType::call;
  const SecurityMap securities({option});
  BrokerOrder o;
  o.order_id = d::BrokerOrderId{"P1"};
  o.instrument = option.key;
  o.status = d::OrderStatus::open;
  o.quantity_units = 75;
  const json::value row = json::parse(orders_body({o}, securities, "1000000001")).at(0);
  expect_keys_of("order_book_response.json", row);
  EXPECT_EQ(row.at("drvExpiryDate"), "2026-12-29");
  EXPECT_EQ(row.at("drvOptionType"), "CALL");
  EXPECT_EQ(row.at("drvStrikePrice").to_number<double>(), 24000.0);

  PositionDetail p;
  p.net = {option.key, d::Product::carry_forward, -75, 120'00};
  p.bought_units = 75;
  p.bought_value_paise = 75 * 100'00;
  p.sold_units = 150;
  p.sold_value_paise = 150 * 120'00;
  p.last_price_paise = 110'00;
  const json::value position = json::parse(positions_body({p}, securities, "1000000001")).at(0);
  expect_keys_of("positions_response.json", position);
  EXPECT_EQ(position.at("positionType"), "SHORT");
  EXPECT_EQ(position.at("buyQty"), 75);
  EXPECT_EQ(position.at("sellQty"), 150);
  // 75 closed at 120 − 100; the 75 short open at 120, marked at 110.
  EXPECT_EQ(position.at("realizedProfit").to_number<double>(), 1500.0);
  EXPECT_EQ(position.at("unrealizedProfit").to_number<double>(), 750.0);
  BrokerTrade t;
  t.trade_id = "T1";
  t.order_id = o.order_id;
  t.instrument = option.key;
  t.quantity_units = 75;
  t.price_paise = 100'00;
  o.order_type = d::OrderType::limit;
  const json::value trade = json::parse(trades_body({t}, {o}, securities, "1000000001")).at(0);
  expect_keys_of("trade_book_response.json", trade);
  EXPECT_EQ(trade.at("orderType"), "LIMIT") << "the trade's order's type";
  EXPECT_EQ(trade.at("drvOptionType"), "CALL");
  auto read_trades = parse_trades(json::serialize(json::array{trade}), securities);
  ASSERT_TRUE(read_trades.ok()) << read_trades.status().to_string();
  EXPECT_EQ(read_trades->at(0).quantity_units, 75);
  auto read = parse_positions(json::serialize(json::array{position}), securities);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(read->at(0).net_qty_units, -75);
}

TEST(DhanCodec, OrderRepliesSlicesAndErrors) {
  auto placed = parse_order_ack(constructed("place_order_response.json"));
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(placed->order_id.value, "112111182198");
  EXPECT_EQ(placed->status, d::OrderStatus::open);
  auto modified = parse_order_ack(constructed("modify_order_response.json"));
  ASSERT_TRUE(modified.ok());
  auto cancelled = parse_order_ack(constructed("cancel_order_response.json"));
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, d::OrderStatus::cancelled);
  for (const char* file :
       {"place_order.json", "modify_pending_order.json", "cancel_given_order.json"}) {
    EXPECT_TRUE(parse_order_ack(sdk_data(file)).ok()) << file;
  }
  auto slices = parse_slices(constructed("slice_order_response.json"));
  ASSERT_TRUE(slices.ok());
  EXPECT_EQ(slices->order_id.value, "552209237100");
  EXPECT_EQ(slices->slices.size(), 1u);  // Dhan's sample repeats the one id
  EXPECT_TRUE(parse_slices(sdk_data("place_slice_order.json")).ok());

  const std::pair<const char*, domain::OrderFailure> errors[] = {
      {"error_dh901.json", domain::OrderFailure::unauthenticated},
      {"error_dh904.json", domain::OrderFailure::rate_limited},
      {"error_dh905.json", domain::OrderFailure::input},
      {"error_dh906.json", domain::OrderFailure::rejected}};
  for (const auto& [file, expected] : errors) {
    const BrokerError e = parse_error(400, constructed(file));
    EXPECT_EQ(e.error_class, expected) << file;
    EXPECT_EQ(e.type.substr(0, 3), "DH-") << file;
    EXPECT_FALSE(e.message.empty()) << file;
  }
  EXPECT_EQ(parse_error(429, "").error_class, domain::OrderFailure::rate_limited);
  EXPECT_EQ(parse_error(502, "<html>").error_class, domain::OrderFailure::broker_down);
  // The class follows errorCode whatever errorType says.
  EXPECT_EQ(parse_error(400, R"({"errorType":"Whatever","errorCode":"DH-901","errorMessage":"x"})")
                .error_class,
            domain::OrderFailure::unauthenticated);
}

TEST(DhanCodec, RequestsAgreeWithDhansSamples) {
  d::OrderTerms limit;
  limit.side = d::Side::buy;
  limit.order_type = d::OrderType::limit;
  limit.product = d::Product::delivery;
  limit.quantity_units = 40;
  limit.price_paise = 3345'80;
  const json::value ours =
      json::parse(place_order_json(limit, {"1000000009", "11536", d::Exchange::nse}, "123abc678"));
  const json::value theirs = json::parse(constructed("place_order_request_limit.json"));
  for (const auto& [key, value] : theirs.as_object()) {
    ASSERT_TRUE(ours.as_object().contains(key)) << key;
    if (value.is_number()) {
      EXPECT_EQ(ours.at(key).to_number<double>(), value.to_number<double>()) << key;
    } else {
      EXPECT_EQ(ours.at(key), value) << key;
    }
  }
  d::OrderTerms market = limit;
  market.order_type = d::OrderType::market;
  market.product = d::Product::intraday;
  market.price_paise = 0;
  const json::value our_market =
      json::parse(place_order_json(market, {"1000000009", "11536", d::Exchange::nse}, "123abc678"));
  const json::value their_market = json::parse(constructed("place_order_request_market.json"));
  for (const char* key : {"transactionType", "exchangeSegment", "productType", "orderType"}) {
    EXPECT_EQ(our_market.at(key), their_market.at(key)) << key;
  }

  const json::value modify =
      json::parse(modify_order_json(limit, "1000000009", d::BrokerOrderId{"112111182045"}));
  const json::value their_modify = json::parse(constructed("modify_order_request.json"));
  for (const char* key : {"dhanClientId", "orderId", "orderType", "validity"}) {
    EXPECT_EQ(modify.at(key), their_modify.at(key)) << key;
  }
  EXPECT_EQ(modify.at("quantity").to_number<int64_t>(), 40);  // the whole order (v2)

  // The simulator reads what Tandem sends.
  auto place =
      parse_place_json(place_order_json(limit, {"1000000009", "11536", d::Exchange::nse}, "tag1"));
  ASSERT_TRUE(place.ok()) << place.status().to_string();
  EXPECT_EQ(place->correlation_id, "tag1");
  EXPECT_EQ(place->security_id, "11536");
  EXPECT_EQ(place->order.price_paise, 3345'80);
  auto theirs_parsed = parse_place_json(constructed("place_order_request_market.json"));
  ASSERT_TRUE(theirs_parsed.ok()) << theirs_parsed.status().to_string();
  auto modify_parsed = parse_modify_json(constructed("modify_order_request.json"));
  ASSERT_TRUE(modify_parsed.ok()) << modify_parsed.status().to_string();
  EXPECT_EQ(modify_parsed->order_id.value, "112111182045");
  EXPECT_FALSE(parse_place_json(R"({"dhanClientId":"1","quantity":0})").ok());
}

TEST(DhanCodec, OrderUpdateSocketLoginAndMessages) {
  const json::value login = json::parse(order_update_login("1000000001", "JWT"));
  EXPECT_EQ(login, json::parse(constructed("order_update_login_self.json")));
  const json::value partner = json::parse(constructed("order_update_login_partner.json"));
  EXPECT_EQ(partner.at("LoginReq").at("MsgCode").to_number<int>(), 42);

  const SecurityMap securities = master();
  const std::string frame = constructed("order_update_message.json");
  auto update = parse_order_update(frame, securities);
  ASSERT_TRUE(update.ok()) << update.status().to_string();
  ASSERT_TRUE(update->has_value());
  const BrokerOrder& o = **update;
  EXPECT_EQ(o.raw_digest, crypto::sha256_hex(frame)) << "the digest is of the message received";
  EXPECT_EQ(o.order_id.value, "1124091136546");
  EXPECT_EQ(o.status, d::OrderStatus::cancelled);  // "Cancelled", mixed case in Dhan's sample
  EXPECT_EQ(o.side, d::Side::buy);                 // B
  EXPECT_EQ(o.order_type, d::OrderType::limit);    // LMT
  EXPECT_EQ(o.product, d::Product::delivery);      // C
  EXPECT_EQ(o.instrument, (d::InstrumentKey{d::Exchange::nse, "IDEA"}));  // not in the master
  EXPECT_EQ(o.price_paise, 13'00);
  EXPECT_EQ(o.quantity_units, 1);

  // Other message types are ignored; a partial fill shows in the quantities.
  auto other = parse_order_update(R"({"Type":"heartbeat","Data":{}})", securities);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  std::string partial = constructed("order_update_message.json");
  partial.replace(partial.find("\"Status\": \"Cancelled\""), 21, "\"Status\": \"TRANSIT\"");
  partial.replace(partial.find("\"Quantity\": 1"), 13, "\"Quantity\": 5");
  partial.replace(partial.find("\"TradedQty\": 0"), 14, "\"TradedQty\": 2");
  auto part = parse_order_update(partial, securities);
  ASSERT_TRUE(part.ok()) << part.status().to_string();
  EXPECT_EQ((*part)->status, d::OrderStatus::open);
  EXPECT_EQ((*part)->filled_units, 2);
  EXPECT_FALSE(parse_order_update("{not json", securities).ok());

  // What the simulator sends reads back as the same order.
  BrokerOrder sent = o;
  sent.instrument = {d::Exchange::nse, "TCS"};
  sent.status = d::OrderStatus::open;
  sent.broker_status = "PENDING";
  sent.tag = "abc";
  sent.order_time_ns = sent.exchange_time_ns = 1'795'146'320'000'000'000;
  auto echoed = parse_order_update(order_update_text(sent, securities, "1000000001"), securities);
  ASSERT_TRUE(echoed.ok()) << echoed.status().to_string();
  EXPECT_EQ((*echoed)->order_id, sent.order_id);
  EXPECT_EQ((*echoed)->instrument, sent.instrument);
  EXPECT_EQ((*echoed)->tag, "abc");
  EXPECT_EQ((*echoed)->exchange_time_ns, sent.exchange_time_ns);
  auto book = parse_orders(orders_body({sent}, securities, "1000000001"), securities);
  ASSERT_TRUE(book.ok()) << book.status().to_string();
  EXPECT_EQ((*book)[0].instrument, sent.instrument);
  EXPECT_EQ((*book)[0].tag, "abc");
}

TEST(DhanCodec, ConsentProfileAndEveryFixtureIsCovered) {
  auto consent = parse_consent_id(constructed("generate_consent_response.json"));
  ASSERT_TRUE(consent.ok());
  EXPECT_EQ(*consent, "940b0ca1-3ff4-4476-b46e-03a3ce7dc55d");
  auto consumed = parse_consumed_consent(constructed("consume_consent_response.json"));
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(consumed->client_id, "1000000001");
  EXPECT_EQ(consent_login_url("https://auth.dhan.co", "940b"),
            "https://auth.dhan.co/login/consentApp-login?consentAppId=940b");
  EXPECT_EQ(*token_id_from("http://127.0.0.1/cb?tokenId=t-1_a&x=2\n"), "t-1_a");
  EXPECT_EQ(*token_id_from("t-1_a"), "t-1_a");
  EXPECT_FALSE(token_id_from("http://127.0.0.1/cb?error=denied").ok());
  auto profile = parse_profile(constructed("profile_response.json"));
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->client_id, "1100003626");

  // Every file under fixtures/dhan is read by a test above, or is something Tandem never
  // receives (market data, conversions, ledgers), named here with why.
  const std::set<std::string> read_above = {"cancel_order_response.json",
                                            "consume_consent_response.json",
                                            "error_dh901.json",
                                            "error_dh904.json",
                                            "error_dh905.json",
                                            "error_dh906.json",
                                            "fundlimit_response.json",
                                            "generate_consent_response.json",
                                            "holdings_response.json",
                                            "modify_order_request.json",
                                            "modify_order_response.json",
                                            "order_book_response.json",
                                            "order_by_id_response.json",
                                            "order_update_login_partner.json",
                                            "order_update_login_self.json",
                                            "order_update_message.json",
                                            "place_order_request_limit.json",
                                            "place_order_request_market.json",
                                            "place_order_response.json",
                                            "positions_response.json",
                                            "postback_payload.json",
                                            "profile_response.json",
                                            "scrip_master_compact_sample.csv",
                                            "slice_order_response.json",
                                            "trade_book_response.json",
                                            "trades_of_order_response.json",
                                            "cancel_given_order.json",
                                            "get-current-holdings.json",
                                            "get-current-orders-list.json",
                                            "get-order-by-correlation-id.json",
                                            "get-order-by-id.json",
                                            "get_all_trades.json",
                                            "get_fund_limits.json",
                                            "get_positions.json",
                                            "get_trade_book_by_orderid.json",
                                            "get_trade_history.json",
                                            "modify_pending_order.json",
                                            "place_order.json",
                                            "place_slice_order.json"};
  const std::set<std::string> never_received = {
      "convert_position_request.json",  // Tandem never converts a position
      "convert_position.json",         "margin_calculator.json",     "get-forever-orders-list.json",
      "get_ledger_report.json",        "security_list.json",  // the CSV master is read instead
      "expired_options_data.json",     "historical_daily_data.json", "intraday_minute_data.json",
      "market_feed_ticker.json",       "option_chain.json",          "a-template-response.json"};
  size_t files = 0;
  for (const char* dir : {"constructed", "dhanhq-py-tests-data"}) {
    for (const auto& entry : std::filesystem::directory_iterator(
             std::filesystem::path(TANDEM_FIXTURES_DIR) / "dhan" / dir)) {
      const std::string name = entry.path().filename().string();
      ++files;
      EXPECT_TRUE(read_above.contains(name) || never_received.contains(name))
          << "fixture dhan/" << dir << "/" << name << " is not covered by a test";
    }
  }
  EXPECT_EQ(files, read_above.size() + never_received.size());
}

}  // namespace
}  // namespace tandem::brokers::dhan

// Property: any order the simulator writes — as an order-book row or as an order-update
// message — reads back as the same order in every field the engine uses.
namespace tandem::brokers::dhan {
namespace {

RC_GTEST_PROP(DhanCodecProp, WhatTheSimulatorWritesReadsBack, ()) {
  namespace d = ::tandem::domain;
  std::vector<d::Instrument> instruments(2);
  instruments[0].key = {d::Exchange::nse, "TCS"};
  instruments[0].dhan_security_id = "11536";
  instruments[1].key = {d::Exchange::nfo, "NIFTY-Nov2026-23500-CE"};
  instruments[1].dhan_security_id = "52175";
  instruments[1].segment = d::Segment::derivatives;
  const SecurityMap securities(instruments);

  BrokerOrder o;
  o.order_id = {std::to_string(*rc::gen::inRange<int64_t>(1, 999'999'999'999))};
  o.instrument = instruments[*rc::gen::inRange<size_t>(0, 2)].key;
  o.side = *rc::gen::element(d::Side::buy, d::Side::sell);
  o.order_type = *rc::gen::element(d::OrderType::market, d::OrderType::limit,
                                   d::OrderType::stop_loss, d::OrderType::stop_loss_market);
  o.product = *rc::gen::element(d::Product::intraday, d::Product::delivery,
                                d::Product::carry_forward, d::Product::mtf);
  o.quantity_units = *rc::gen::inRange<int64_t>(1, 100'000);
  o.filled_units = *rc::gen::inRange<int64_t>(0, o.quantity_units + 1);
  o.status = *rc::gen::element(d::OrderStatus::pending, d::OrderStatus::open,
                               d::OrderStatus::complete, d::OrderStatus::cancelled,
                               d::OrderStatus::rejected, d::OrderStatus::expired);
  o.price_paise = *rc::gen::inRange<int64_t>(0, 10'000'000);
  o.trigger_price_paise = *rc::gen::inRange<int64_t>(0, 10'000'000);
  o.average_price_paise = *rc::gen::inRange<int64_t>(0, 10'000'000);
  o.tag = *rc::gen::element<std::string>("", "2zhe72z6uyl6t1", "abc");
  o.exchange_time_ns =
      1'795'146'320'000'000'000 + *rc::gen::inRange<int64_t>(0, 86'400) * 1'000'000'000;
  o.order_time_ns = o.exchange_time_ns;

  auto same = [&](const BrokerOrder& b) {
    RC_ASSERT(b.order_id == o.order_id);
    RC_ASSERT(b.instrument == o.instrument);
    RC_ASSERT(b.side == o.side);
    RC_ASSERT(b.order_type == o.order_type);
    RC_ASSERT(b.product == o.product);
    RC_ASSERT(b.quantity_units == o.quantity_units);
    RC_ASSERT(b.filled_units == o.filled_units);
    RC_ASSERT(b.price_paise == o.price_paise);
    RC_ASSERT(b.trigger_price_paise == o.trigger_price_paise);
    RC_ASSERT(b.average_price_paise == o.average_price_paise);
    RC_ASSERT(b.tag == o.tag);
    RC_ASSERT(b.exchange_time_ns == o.exchange_time_ns);
    // Pending with a fill reads as working: Dhan's rows carry no such state.
    const bool pending_filled = o.status == d::OrderStatus::pending && o.filled_units > 0;
    RC_ASSERT(b.status == (pending_filled ? d::OrderStatus::open : o.status));
  };
  auto row = parse_orders(orders_body({o}, securities, "1000000001"), securities);
  RC_ASSERT(row.ok());
  RC_ASSERT(row->size() == 1u);
  if (!(o.status == d::OrderStatus::pending && o.filled_units > 0)) same((*row)[0]);
  auto update = parse_order_update(order_update_text(o, securities, "1000000001"), securities);
  RC_ASSERT(update.ok());
  RC_ASSERT(update->has_value());
  same(**update);
}

}  // namespace
}  // namespace tandem::brokers::dhan
