// Goal: the Kite REST session works against the broker simulator over real loopback TLS as
// against Kite: place/modify/cancel round trips show in the order book with our tag; a burst
// past the broker's per-second limit gets 429s and still places every order exactly once;
// an expired token is reported once, clearly, and the account is stopped, not hammered; a
// login gives a new token, and the one it replaces is refused.
// Method: KiteSim behind HttpsServer on 127.0.0.1 with its own CA; RestSession over an
// HttpsClient that trusts that CA; real clocks.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <map>
#include <set>

#include "brokers/kite/parse.h"
#include "brokers/kite/rest_session.h"
#include "brokers/sim/kite_sim.h"
#include "brokers/sim/kite_wire.h"
#include "net/https_server.h"
#include "tests/support/sim_loop.h"

namespace tandem::brokers::kite_session_test {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

using testing::wall_clock;

const d::InstrumentKey kInfy{d::Exchange::nse, "INFY"};

d::OrderTerms order(d::OrderType type, int64_t qty, int64_t price = 0) {
  d::OrderTerms o;
  o.instrument = kInfy;
  o.side = d::Side::buy;
  o.order_type = type;
  o.product = d::Product::intraday;
  o.quantity_units = qty;
  o.price_paise = price;
  return o;
}

sim::KiteSimConfig one_account(int orders_per_second) {
  auto account = testing::sim_account("AB1234", "tok-secret-1", 5'00'000'00);
  account.faults.orders_per_second = orders_per_second;
  sim::KiteSimConfig config;
  config.api_key = "simkey";
  config.accounts = {account};
  config.instruments = testing::test_instruments();  // the simulator refuses what it does not list
  return config;
}

// A RestSession on its own pool against the simulator.
struct KiteLoop : testing::KiteSimLoop {
  explicit KiteLoop(int orders_per_second = 10) : KiteSimLoop(one_account(orders_per_second)) {
    kite.set_price(kInfy, 1500'00);
  }

  void run(std::function<asio::awaitable<void>(kite::RestSession&)> body, RateLimits limits) {
    const bool done = KiteSimLoop::run([&]() -> asio::awaitable<void> {
      net::HttpsClient http(io.get_executor(), target(), 8, std::chrono::milliseconds(3000));
      EXPECT_TRUE((co_await http.warm(2)).ok());
      RateLimiter limiter(std::move(limits));
      kite::RestSession session(io.get_executor(), http, {"simkey", "tok-secret-1"}, limiter,
                                wall_clock);
      co_await body(session);
    });
    EXPECT_TRUE(done) << "the session did not finish";
  }
};

TEST(KiteSession, PlaceModifyCancelRoundTripsThroughTheSimulator) {
  KiteLoop loop;
  loop.run(
      [&](kite::RestSession& s) -> asio::awaitable<void> {
        // Named values, not temporaries, in co_await expressions (GCC 12 coroutine bug).
        const d::OrderTerms limit10 = order(d::OrderType::limit, 10, 1490'00);
        const d::ClientTag tag1{"tagA1"};
        auto placement = co_await s.place(limit10, tag1);
        EXPECT_TRUE(placement.ok()) << placement.status().to_string();
        if (!placement.ok()) co_return;
        EXPECT_TRUE(placement->slices.empty());
        const d::BrokerOrderId placed = placement->order_id;
        auto book = co_await s.orders();
        EXPECT_TRUE(book.ok()) << book.status().to_string();
        if (!book.ok()) co_return;
        EXPECT_EQ(book->size(), 1u);
        EXPECT_EQ(book->at(0).tag, "tagA1");
        EXPECT_EQ(book->at(0).status, d::OrderStatus::open);
        EXPECT_EQ(book->at(0).price_paise, 1490'00);

        const d::OrderTerms limit4 = order(d::OrderType::limit, 4, 1495'00);
        auto modified = co_await s.modify(placed, limit4);
        EXPECT_TRUE(modified.ok()) << modified.status().to_string();
        book = co_await s.orders();
        EXPECT_EQ(book->at(0).quantity_units, 4);
        EXPECT_EQ(book->at(0).price_paise, 1495'00);

        EXPECT_TRUE((co_await s.cancel(placed)).ok());
        book = co_await s.orders();
        EXPECT_EQ(book->at(0).status, d::OrderStatus::cancelled);
        auto again = co_await s.cancel(placed);
        EXPECT_EQ(again.status().code(), StatusCode::rejected);  // OrderException: already final
        // The order's history: every state it was in, oldest first (issue 24).
        auto history = co_await s.order_history(placed);
        EXPECT_TRUE(history.ok()) << history.status().to_string();
        EXPECT_EQ(history->size(), 3u) << "placed, modified, cancelled";
        if (!history.ok() || history->size() != 3) co_return;
        EXPECT_EQ(history->at(0).quantity_units, 10);
        EXPECT_EQ(history->at(0).status, d::OrderStatus::open);
        EXPECT_EQ(history->at(1).quantity_units, 4);
        EXPECT_EQ(history->at(1).price_paise, 1495'00);
        EXPECT_EQ(history->at(2).status, d::OrderStatus::cancelled);

        const d::OrderTerms market3 = order(d::OrderType::market, 3);
        const d::ClientTag tag2{"tagA2"};
        auto market = co_await s.place(market3, tag2);
        EXPECT_TRUE(market.ok()) << market.status().to_string();
        book = co_await s.orders();
        if (!book.ok() || book->size() < 2) co_return;
        EXPECT_EQ(book->at(1).status, d::OrderStatus::complete);
        EXPECT_EQ(book->at(1).average_price_paise, 1500'00);

        auto funds = co_await s.funds();
        EXPECT_TRUE(funds.ok()) << funds.status().to_string();
        EXPECT_EQ(funds->available_paise, 5'00'000'00);
      },
      RateLimits::kite_orders());
}

// Goal (issue 24): the reads Kite's official clients make are served in Kite's shapes:
// profile, margins of one segment (the segment object itself), an order's trades (a read,
// not an order call answering "Unsupported variety"), holdings, instruments of one exchange, and
// logout, after which the token is dead.
TEST(KiteSession, ProfileMarginsTradesHoldingsInstrumentsAndLogoutAreServedInKitesShapes) {
  namespace http = boost::beast::http;
  KiteLoop loop;
  std::map<std::string, std::string> bodies;  // "METHOD target" → body, read after the loop
  int orders_status_after_logout = 0;
  loop.run(
      [&](kite::RestSession& s) -> asio::awaitable<void> {
        net::HttpsClient raw(loop.io.get_executor(), loop.target(), 1, std::chrono::seconds(3));
        const d::OrderTerms market3 = order(d::OrderType::market, 3);
        const d::ClientTag tag{"trades1"};
        auto placed = co_await s.place(market3, tag);
        EXPECT_TRUE(placed.ok()) << placed.status().to_string();
        if (!placed.ok()) co_return;
        const std::vector<std::pair<http::verb, std::string>> calls = {
            {http::verb::get, "/user/profile"},
            {http::verb::get, "/user/margins/equity"},
            {http::verb::get, "/orders/" + placed->order_id.value + "/trades"},
            {http::verb::get, "/portfolio/holdings"},
            {http::verb::get, "/instruments/NSE"},
            {http::verb::delete_, "/session/token"},
            {http::verb::get, "/orders"}};
        for (const auto& [method, target] : calls) {
          net::HttpRequest r;
          r.method = method;
          r.target = target;
          r.headers = {{"X-Kite-Version", "3"}, {"Authorization", "token simkey:tok-secret-1"}};
          auto answer = co_await raw.request(std::move(r));
          EXPECT_TRUE(answer.ok()) << target << ": " << answer.status().to_string();
          if (!answer.ok()) continue;
          if (target == "/orders")
            orders_status_after_logout = static_cast<int>(answer->status);
          else
            bodies[target] = answer->body;
        }
      },
      RateLimits::kite_orders());
  const auto data_of = [&](const std::string& target) -> boost::json::value {
    boost::system::error_code ec;
    const auto v = boost::json::parse(bodies[target], ec);
    EXPECT_FALSE(ec) << target << ": " << bodies[target];
    if (ec || !v.is_object() || !v.as_object().contains("data")) return nullptr;
    return v.as_object().at("data");
  };
  const auto profile = data_of("/user/profile");
  ASSERT_TRUE(profile.is_object()) << bodies["/user/profile"];
  for (const char* k : {"user_id", "user_type", "email", "user_name", "user_shortname", "broker",
                        "exchanges", "products", "order_types", "meta"}) {
    EXPECT_TRUE(profile.as_object().contains(k)) << "profile lacks " << k;
  }
  EXPECT_EQ(profile.at("user_id"), "AB1234");
  const auto equity = data_of("/user/margins/equity");
  ASSERT_TRUE(equity.is_object());
  EXPECT_TRUE(equity.as_object().contains("net")) << "not the segment itself: " << equity;
  EXPECT_TRUE(equity.at("utilised").as_object().contains("span"));
  std::string trades_target;
  for (const auto& [target, body] : bodies) {
    if (target.ends_with("/trades")) trades_target = target;
  }
  const auto trades = data_of(trades_target);
  ASSERT_TRUE(trades.is_array()) << bodies[trades_target];
  ASSERT_EQ(trades.as_array().size(), 1u);
  EXPECT_EQ(trades.as_array()[0].at("quantity"), 3);
  EXPECT_TRUE(data_of("/portfolio/holdings").is_array());
  EXPECT_NE(bodies["/instruments/NSE"].find("INFY"), std::string::npos);
  EXPECT_EQ(bodies["/instruments/NSE"].find("NIFTY"), std::string::npos) << "another exchange";
  EXPECT_EQ(data_of("/session/token"), true);
  EXPECT_EQ(orders_status_after_logout, 403) << "the token still worked after logout";
}

TEST(KiteSession, RateLimitedBurstPlacesEveryOrderExactlyOnce) {
  KiteLoop loop(/*orders_per_second=*/2);
  RateLimits limits = RateLimits::kite_orders();
  limits.backoff_first_ns = 150'000'000;
  loop.run(
      [&](kite::RestSession& s) -> asio::awaitable<void> {
        using namespace asio::experimental::awaitable_operators;
        auto one = [&](const char* tag) {
          return s.place(order(d::OrderType::limit, 1, 1400'00), d::ClientTag{tag});  // by value
        };
        auto [a, b, c, d, e, f] =
            co_await (one("b1") && one("b2") && one("b3") && one("b4") && one("b5") && one("b6"));
        for (const auto* r : {&a, &b, &c, &d, &e, &f}) {
          EXPECT_TRUE(r->ok()) << r->status().to_string();
        }
      },
      limits);
  const auto orders = loop.kite.orders_of("AB1234");
  std::set<std::string> tags;
  for (const auto& o : orders) tags.insert(o.tag);
  EXPECT_EQ(orders.size(), 6u);
  EXPECT_EQ(tags.size(), 6u);
  EXPECT_GT(loop.kite.rate_limited(), 0);
}

TEST(KiteSession, ExpiredTokenIsReportedOnceAndStopsTheAccount) {
  KiteLoop loop;
  int64_t requests_after_first = 0;
  loop.run(
      [&](kite::RestSession& s) -> asio::awaitable<void> {
        EXPECT_TRUE(loop.kite.expire_token("AB1234").ok());
        const d::OrderTerms market1 = order(d::OrderType::market, 1);
        const d::ClientTag tag{"t1"};
        auto first = co_await s.place(market1, tag);
        EXPECT_EQ(first.status().code(), StatusCode::unauthenticated);
        EXPECT_NE(first.status().message().find("TokenException"), std::string::npos);
        EXPECT_EQ(first.status().message().find("tok-secret-1"), std::string::npos);  // no secrets
        EXPECT_TRUE(s.stopped());
        requests_after_first = loop.kite.requests();
        auto second = co_await s.orders();
        EXPECT_EQ(second.status().code(), StatusCode::unauthenticated);
      },
      RateLimits::kite_orders());
  EXPECT_EQ(loop.kite.requests(), requests_after_first);  // the second call never left
  EXPECT_TRUE(loop.kite.orders_of("AB1234").empty());
}

TEST(KiteSim, MarketOrderWithoutMarketProtectionIsRejectedAsKiteDoesSince2026) {
  sim::KiteSimConfig config;
  config.api_key = "k";
  config.accounts = {testing::sim_account("U1", "t", 0)};
  sim::KiteSim kite(config, wall_clock);
  net::HttpRequest r;
  r.method = boost::beast::http::verb::post;
  r.target = "/orders/regular";
  r.headers = {{"X-Kite-Version", "3"}, {"Authorization", "token k:t"}};
  r.body =
      "tradingsymbol=INFY&exchange=NSE&transaction_type=BUY&order_type=MARKET&quantity=1&"
      "product=MIS&validity=DAY";
  const auto reply = kite.handle(r);
  EXPECT_EQ(reply.response.status, 400u);
  EXPECT_NE(reply.response.body.find("InputException"), std::string::npos);
  r.headers = {{"X-Kite-Version", "3"}, {"Authorization", "token k:wrong"}};
  EXPECT_EQ(kite.handle(r).response.status, 403u);
}

TEST(KiteSim, ALoginReplacesTheTokenAndTheOldOneIsRefused) {
  sim::KiteSimConfig config;
  config.api_key = "k";
  config.api_secret = "s";
  config.accounts = {testing::sim_account("U1", "t1", 0), testing::sim_account("U2", "t2", 0)};
  sim::KiteSim kite(config, wall_clock);
  const auto margins = [&](const std::string& token) {
    net::HttpRequest r;
    r.method = boost::beast::http::verb::get;
    r.target = "/user/margins";
    r.headers = {{"X-Kite-Version", "3"}, {"Authorization", "token k:" + token}};
    return kite.handle(r).response.status;
  };
  ASSERT_EQ(margins("t1"), 200u);

  net::HttpRequest login;
  login.method = boost::beast::http::verb::get;
  login.target = "/connect/login?v=3&api_key=k&user_id=U1";
  const std::string location = kite.handle(login).response.location;
  const auto request_token = kite::request_token_from(location);
  ASSERT_TRUE(request_token.ok()) << location;
  net::HttpRequest exchange;
  exchange.method = boost::beast::http::verb::post;
  exchange.target = "/session/token";
  exchange.headers = {{"X-Kite-Version", "3"}};
  exchange.body = "api_key=k&request_token=" + *request_token +
                  "&checksum=" + kite::session_checksum("k", *request_token, "s");
  const auto granted = kite.handle(exchange).response;
  ASSERT_EQ(granted.status, 200u) << granted.body;
  const auto body = boost::json::parse(granted.body);
  const std::string token(body.at("data").at("access_token").as_string());

  EXPECT_EQ(margins(token), 200u);
  EXPECT_EQ(margins("t1"), 403u);  // replaced
  EXPECT_EQ(margins("t2"), 200u);  // another account's is untouched
  ASSERT_TRUE(kite.expire_token("U1").ok());
  EXPECT_EQ(margins(token), 403u);
}

// Goal (issue 24): an after-market order is taken outside market hours only, held as AMO REQ
// RECEIVED until the open (Dhan: its amoTime after the open), and then fills like any order;
// in both dialects. Method: the simulator's handler on a clock the test moves.
TEST(KiteSim, AnAfterMarketOrderWaitsForTheOpenAndIsRefusedInMarketHours) {
  constexpr d::TimeNs kMinute = 60'000'000'000;
  constexpr d::TimeNs kMidnightIst = 1'795'113'000'000'000'000;  // 2026-11-20 00:00 IST
  d::TimeNs now = kMidnightIst + 8 * 60 * kMinute;               // 08:00 IST
  sim::KiteSimConfig config;
  config.api_key = "k";
  config.accounts = {testing::sim_account("U1", "t", 100'000'00)};
  config.instruments = testing::test_instruments();
  sim::KiteSim kite(config, [&] { return now; });
  kite.set_price(testing::kTestInfy, 1500'00);
  const auto kite_call = [&](boost::beast::http::verb method, const std::string& target,
                             const std::string& body = {}) {
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers = {{"X-Kite-Version", "3"}, {"Authorization", "token k:t"}};
    r.body = body;
    return kite.handle(r).response;
  };
  const std::string form =
      "tradingsymbol=INFY&exchange=NSE&transaction_type=BUY&order_type=MARKET&quantity=2&"
      "product=CNC&validity=DAY&market_protection=-1&tag=amo1";
  const auto placed = kite_call(boost::beast::http::verb::post, "/orders/amo", form);
  ASSERT_EQ(placed.status, 200u) << placed.body;
  const std::string id(boost::json::parse(placed.body).at("data").at("order_id").as_string());
  const auto state = [&] {
    const auto history = kite_call(boost::beast::http::verb::get, "/orders/" + id);
    const auto rows = boost::json::parse(history.body).at("data").as_array();
    return std::pair(std::string(rows.back().at("status").as_string()),
                     std::string(rows.back().at("variety").as_string()));
  };
  EXPECT_EQ(state(), std::pair(std::string("AMO REQ RECEIVED"), std::string("amo")));

  // Dhan's afterMarketOrder, OPEN_30: at the exchange half an hour after the open.
  const std::string security = kite.dhan_securities().by_key(testing::kTestInfy)->dhan_security_id;
  net::HttpRequest dhan;
  dhan.method = boost::beast::http::verb::post;
  dhan.target = "/v2/orders";
  dhan.headers = {{"access-token", "t"}, {"client-id", "U1"}};
  dhan.body = R"({"transactionType":"BUY","exchangeSegment":"NSE_EQ","productType":"CNC",)"
              R"("orderType":"MARKET","validity":"DAY","securityId":")" +
              security +
              R"(","quantity":3,"disclosedQuantity":0,"price":0.0,"afterMarketOrder":true,)"
              R"("amoTime":"OPEN_30","boProfitValue":null,"boStopLossValue":null,)"
              R"("triggerPrice":0.0,"correlationId":"amo2","dhanClientId":"U1"})";
  const auto dhan_placed = kite.handle(dhan).response;
  ASSERT_EQ(dhan_placed.status, 200u) << dhan_placed.body;

  now = kMidnightIst + (9 * 60 + 16) * kMinute;  // 09:16: the open has passed
  kite.set_price(testing::kTestInfy, 1501'00);
  EXPECT_EQ(state().first, "COMPLETE");
  int64_t held = 0;
  for (const auto& p : kite.positions_of("U1")) held += p.net_qty_units;
  EXPECT_EQ(held, 2) << "the Dhan order waits for 09:45";
  now = kMidnightIst + (9 * 60 + 46) * kMinute;
  kite.set_price(testing::kTestInfy, 1502'00);
  held = 0;
  for (const auto& p : kite.positions_of("U1")) held += p.net_qty_units;
  EXPECT_EQ(held, 5);

  // In market hours an after-market order is refused, in both dialects.
  const auto refused = kite_call(boost::beast::http::verb::post, "/orders/amo", form);
  EXPECT_EQ(refused.status, 400u);
  EXPECT_NE(refused.body.find("InputException"), std::string::npos) << refused.body;
  EXPECT_EQ(kite.handle(dhan).response.status, 400u);
}

// Goal (issue 24): DhanHQ-py's own order calls (dhanhq/_order.py, dhan_http.py) work as it
// sends them: its place body (nulls for the bracket fields, floats for prices, dhanClientId
// added by its HTTP layer), its modify body (legName null), the lookup by correlationId, and
// its cancel, a DELETE with no body. Method: the simulator's handler, the bodies verbatim.
TEST(KiteSim, DhanHQPysOwnOrderCallsPlaceModifyFindAndCancel) {
  constexpr d::TimeNs kTenIst = 1'795'113'000'000'000'000 + 10 * 3'600'000'000'000;
  sim::KiteSimConfig config;
  config.api_key = "k";
  config.accounts = {testing::sim_account("U1", "t", 100'000'00)};
  config.instruments = testing::test_instruments();
  sim::KiteSim kite(config, [] { return kTenIst; });
  kite.set_price(testing::kTestInfy, 1500'00);
  const std::string security = kite.dhan_securities().by_key(testing::kTestInfy)->dhan_security_id;
  const auto call = [&](boost::beast::http::verb method, const std::string& target,
                        const std::string& body) {
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers = {{"access-token", "t"},
                 {"client-id", "U1"},
                 {"Content-type", "application/json"},
                 {"Accept", "application/json"}};
    r.body = body;
    return kite.handle(r).response;
  };
  using boost::beast::http::verb;
  const auto placed =
      call(verb::post, "/v2/orders",
           R"({"transactionType":"BUY","exchangeSegment":"NSE_EQ","productType":"INTRADAY",)"
           R"("orderType":"LIMIT","validity":"DAY","securityId":")" +
               security +
               R"(","quantity":5,"disclosedQuantity":0,"price":1400.0,"afterMarketOrder":false,)"
               R"("boProfitValue":null,"boStopLossValue":null,"triggerPrice":0.0,)"
               R"("correlationId":"py1","dhanClientId":"U1"})");
  ASSERT_EQ(placed.status, 200u) << placed.body;
  const std::string id(boost::json::parse(placed.body).at("orderId").as_string());
  const auto modified =
      call(verb::put, "/v2/orders/" + id,
           R"({"orderId":")" + id +
               R"(","orderType":"LIMIT","legName":null,"quantity":10,"price":1401.5,)"
               R"("disclosedQuantity":0,"triggerPrice":0.0,"validity":"DAY","dhanClientId":"U1"})");
  EXPECT_EQ(modified.status, 200u) << modified.body;
  const auto found = call(verb::get, "/v2/orders/external/py1", "");
  ASSERT_EQ(found.status, 200u) << found.body;
  const auto row = boost::json::parse(found.body);
  EXPECT_EQ(row.at("orderId"), boost::json::value(id));
  EXPECT_EQ(row.at("quantity"), 10);
  EXPECT_EQ(row.at("price").to_number<double>(), 1401.5);
  EXPECT_EQ(row.at("afterMarketOrder"), false);
  EXPECT_EQ(call(verb::delete_, "/v2/orders/" + id, "").status, 202u);
  const auto ended = call(verb::get, "/v2/orders/" + id, "");
  EXPECT_EQ(boost::json::parse(ended.body).at("orderStatus"), "CANCELLED") << ended.body;
}

}  // namespace
}  // namespace tandem::brokers::kite_session_test
