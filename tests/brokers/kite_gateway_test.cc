// Goal: the Kite gateway does what the engine relies on, against the simulator over real
// loopback TLS: every read of the broker interface decodes; an order above the freeze
// quantity is sliced, never refused; a stalled order call ends in a `network` error and
// reconciling by tag finds the one order, so nothing is sent twice; a reset one is absent
// and may be sent again with the same tag; a rule rejection is final with the broker's
// words; order calls leave from the account's registered source IP or are refused; the
// login flow trades a request token for a working access token.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "brokers/kite/kite_gateway.h"
#include "brokers/kite/postback_receiver.h"
#include "tests/support/fixtures.h"
#include "tests/support/sim_loop.h"

namespace tandem::brokers::kite_gateway_test {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;
using testing::KiteSimLoop;
using testing::wall_clock;

const d::InstrumentKey& kNifty = testing::kTestNifty;
const d::InstrumentKey& kInfy = testing::kTestInfy;

sim::KiteSimConfig config_with(sim::Faults faults) {
  sim::KiteSimConfig config;
  config.api_key = "gwkey";
  config.api_secret = "gwsecret";
  auto account = testing::sim_account("F1", "tokF1", 50'00'000'00);
  account.faults = std::move(faults);
  config.accounts = {account};
  config.instruments = testing::test_instruments();
  return config;
}

d::OrderTerms market(const d::InstrumentKey& key, int64_t qty, d::Side side = d::Side::buy) {
  d::OrderTerms o;
  o.instrument = key;
  o.side = side;
  o.order_type = d::OrderType::market;
  o.quantity_units = qty;
  return o;
}

struct GatewayLoop : KiteSimLoop {
  explicit GatewayLoop(sim::Faults faults = {}) : KiteSimLoop(config_with(std::move(faults))) {
    kite.set_price(kNifty, 120'00);
    kite.set_price(kInfy, 1500'00);
  }
  void run(std::function<asio::awaitable<void>(kite::KiteGateway&)> body,
           kite::KiteAccount account) {
    const bool done = KiteSimLoop::run([&]() -> asio::awaitable<void> {
      kite::KiteGateway gateway(io.get_executor(), account, wall_clock);
      EXPECT_TRUE((co_await gateway.warm()).ok());
      co_await body(gateway);
      gateway.stop();
    });
    EXPECT_TRUE(done) << "the test body did not finish";
  }
  void run(std::function<asio::awaitable<void>(kite::KiteGateway&)> body) {
    run(std::move(body), account("gwkey", "tokF1"));
  }
};

TEST(KiteGateway, EveryReadOfTheBrokerInterfaceDecodes) {
  GatewayLoop loop;
  loop.run([&](kite::KiteGateway& g) -> asio::awaitable<void> {
    const auto buy = market(kInfy, 10);
    const d::ClientTag tag{"r1"};
    auto placed = co_await g.place(buy, tag, PlaceOptions{});
    EXPECT_TRUE(placed.ok()) << placed.status().to_string();
    if (!placed.ok()) co_return;
    const d::BrokerOrderId id = placed->order_id;
    auto history = co_await g.order_history(id);
    // Placed, then filled: both states, each with its tag.
    EXPECT_TRUE(history.ok() && history->size() == 2 && history->at(0).tag == "r1" &&
                history->at(0).status == d::OrderStatus::open &&
                history->at(1).status == d::OrderStatus::complete);
    auto trades = co_await g.trades();
    EXPECT_TRUE(trades.ok()) << trades.status().to_string();
    EXPECT_EQ(trades.ok() ? trades->size() : 0u, 1u);
    if (trades.ok() && trades->size() == 1) {
      EXPECT_EQ(trades->at(0).order_id, id);
      EXPECT_EQ(trades->at(0).quantity_units, 10);
      EXPECT_EQ(trades->at(0).price_paise, 1500'00);
    }
    auto positions = co_await g.positions();
    EXPECT_TRUE(positions.ok()) << positions.status().to_string();
    EXPECT_EQ(positions.ok() ? positions->size() : 0u, 1u);
    if (positions.ok() && positions->size() == 1) {
      EXPECT_EQ(positions->at(0).net_qty_units, 10);
      EXPECT_EQ(positions->at(0).average_price_paise, 1500'00);
    }
    auto funds = co_await g.funds();
    EXPECT_TRUE(funds.ok() && funds->available_paise == 50'00'000'00);
    auto instruments = co_await g.instruments();
    EXPECT_TRUE(instruments.ok()) << instruments.status().to_string();
    EXPECT_EQ(instruments.ok() ? instruments->size() : 0u, 2u);
    if (instruments.ok() && instruments->size() == 2) {
      auto nifty = config_with({}).instruments[0];
      nifty.freeze_qty_units = 0;  // not a column of Kite's instruments CSV
      EXPECT_EQ(instruments->at(0), nifty);
    }
  });
}

TEST(KiteGateway, AboveTheFreezeQuantityTheOrderIsSlicedNotRefused) {
  GatewayLoop loop;
  loop.run([&](kite::KiteGateway& g) -> asio::awaitable<void> {
    const auto big = market(kNifty, 75 * 50);  // 3750 units, freeze 1800
    const d::ClientTag tag{"big1"};
    PlaceOptions sliced;
    sliced.freeze_quantity_units = 1800;
    auto placed = co_await g.place(big, tag, sliced);
    EXPECT_TRUE(placed.ok()) << placed.status().to_string();
    if (!placed.ok()) co_return;
    EXPECT_EQ(placed->slices.size(), 3u);
    EXPECT_TRUE(placed->slice_errors.empty());
    auto found = co_await find_by_tag(g, tag);
    EXPECT_TRUE(found.ok());
    int64_t total = 0;
    for (const auto& o : *found) {
      EXPECT_LE(o.quantity_units, 1800);
      total += o.quantity_units;
    }
    EXPECT_EQ(total, 3750);
    // Without slicing the simulator refuses it, as the exchange would.
    const d::ClientTag tag2{"big2"};
    auto refused = co_await g.place(big, tag2, PlaceOptions{});
    EXPECT_EQ(domain::failure_of(refused.status()), domain::OrderFailure::input);
  });
}

TEST(KiteGateway, StalledOrderCallIsNetworkAndReconcilesByTagWithoutADuplicate) {
  sim::Faults faults;
  faults.stall_next_orders = 1;
  faults.stall = 2000ms;  // the answer comes after the client's 500 ms deadline
  GatewayLoop loop(faults);
  auto account = loop.account("gwkey", "tokF1");
  account.deadline = 500ms;
  loop.run(
      [&](kite::KiteGateway& g) -> asio::awaitable<void> {
        const auto buy = market(kInfy, 5);
        const d::ClientTag tag{"stall1"};
        auto placed = co_await g.place(buy, tag, PlaceOptions{});
        EXPECT_EQ(domain::failure_of(placed.status()), domain::OrderFailure::network)
            << placed.status().to_string();
        // Outcome unknown: look it up by tag before anything else.
        auto found = co_await find_by_tag(g, tag);
        EXPECT_TRUE(found.ok()) << found.status().to_string();
        EXPECT_EQ(found->size(), 1u);  // it was carried out: do not send it again
      },
      account);
  EXPECT_EQ(loop.kite.orders_of("F1").size(), 1u);
}

TEST(KiteGateway, ResetOrderCallIsNetworkAndAbsentSoTheSameTagGoesAgainOnce) {
  sim::Faults faults;
  faults.reset_next_orders = 1;
  GatewayLoop loop(faults);
  loop.run([&](kite::KiteGateway& g) -> asio::awaitable<void> {
    const auto buy = market(kInfy, 5);
    const d::ClientTag tag{"reset1"};
    auto placed = co_await g.place(buy, tag, PlaceOptions{});
    EXPECT_EQ(domain::failure_of(placed.status()), domain::OrderFailure::network)
        << placed.status().to_string();
    auto found = co_await find_by_tag(g, tag);
    EXPECT_TRUE(found.ok() && found->empty());  // never arrived
    auto again = co_await g.place(buy, tag, PlaceOptions{});
    EXPECT_TRUE(again.ok()) << again.status().to_string();
    auto found_now = co_await find_by_tag(g, tag);
    EXPECT_TRUE(found_now.ok() && found_now->size() == 1u);
    // Kite has no guard of its own: the same tag again is a second order. Looking up the
    // tag first (above) is what keeps a copy from going twice.
    auto twice = co_await g.place(buy, tag, PlaceOptions{});
    EXPECT_TRUE(twice.ok()) << twice.status().to_string();
  });
  EXPECT_EQ(loop.kite.orders_of("F1").size(), 2u);
}

TEST(KiteGateway, RuleRejectionsAreFinalWithTheBrokersWords) {
  sim::Faults faults;
  faults.reject_symbols = {"INFY"};
  GatewayLoop loop(faults);
  loop.run([&](kite::KiteGateway& g) -> asio::awaitable<void> {
    const auto blocked = market(kInfy, 1);
    const d::ClientTag tag1{"rj1"};
    auto r1 = co_await g.place(blocked, tag1, PlaceOptions{});
    EXPECT_EQ(domain::failure_of(r1.status()), domain::OrderFailure::rejected);
    EXPECT_NE(r1.status().message().find("OrderException"), std::string::npos);
    const auto within_funds = market(kNifty, 1800);  // 1800 × ₹120 = ₹2.16 lakh
    auto far_too_big = market(kNifty, 1800);
    far_too_big.order_type = d::OrderType::limit;
    far_too_big.price_paise = 50'000'00;  // ₹9 crore of premium
    const d::ClientTag tag2{"rj2"};
    auto r2 = co_await g.place(far_too_big, tag2, PlaceOptions{});
    EXPECT_EQ(domain::failure_of(r2.status()), domain::OrderFailure::rejected);
    EXPECT_NE(r2.status().message().find("Insufficient funds"), std::string::npos);
    const d::ClientTag tag3{"ok3"};
    auto r3 = co_await g.place(within_funds, tag3, PlaceOptions{});
    EXPECT_TRUE(r3.ok()) << r3.status().to_string();
    // Input the real brokers refuse: part of a lot, an instrument they do not list, a price
    // off the tick. (Named locals: GCC 12 may destroy a temporary of a co_await twice.)
    const auto part_lot = market(kNifty, 1801);
    const d::ClientTag tag4{"rj4"};
    auto r4 = co_await g.place(part_lot, tag4, PlaceOptions{});
    EXPECT_EQ(domain::failure_of(r4.status()), domain::OrderFailure::input)
        << r4.status().to_string();
    EXPECT_NE(r4.status().message().find("lot size"), std::string::npos);
    const auto unlisted = market(d::InstrumentKey{d::Exchange::nse, "NOSUCH"}, 1);
    const d::ClientTag tag5{"rj5"};
    auto r5 = co_await g.place(unlisted, tag5, PlaceOptions{});
    EXPECT_EQ(domain::failure_of(r5.status()), domain::OrderFailure::input)
        << r5.status().to_string();
    EXPECT_NE(r5.status().message().find("NOSUCH"), std::string::npos);
    auto off_tick = market(kNifty, 75);
    off_tick.order_type = d::OrderType::limit;
    off_tick.price_paise = 120'03;  // the tick is 5 paise
    const d::ClientTag tag6{"rj6"};
    auto r6 = co_await g.place(off_tick, tag6, PlaceOptions{});
    EXPECT_EQ(domain::failure_of(r6.status()), domain::OrderFailure::input)
        << r6.status().to_string();
    EXPECT_NE(r6.status().message().find("tick size (0.05)"), std::string::npos)
        << r6.status().message();
  });
  EXPECT_EQ(loop.kite.orders_of("F1").size(), 1u);  // r3 only
}

TEST(KiteGateway, OrderCallsLeaveFromTheRegisteredSourceAddress) {
  sim::Faults faults;
  faults.registered_ip = "127.0.0.2";
  GatewayLoop loop(faults);
  auto bound = loop.account("gwkey", "tokF1");
  bound.rest.local_address = "127.0.0.2";
  loop.run(
      [&](kite::KiteGateway& g) -> asio::awaitable<void> {
        const auto buy = market(kInfy, 1);
        const d::ClientTag tag{"ip1"};
        auto placed = co_await g.place(buy, tag, PlaceOptions{});
        EXPECT_TRUE(placed.ok()) << placed.status().to_string();
      },
      bound);
  GatewayLoop unbound_loop(faults);
  unbound_loop.run([&](kite::KiteGateway& g) -> asio::awaitable<void> {
    const auto buy = market(kInfy, 1);
    const d::ClientTag tag{"ip2"};
    auto placed = co_await g.place(buy, tag, PlaceOptions{});
    EXPECT_EQ(domain::failure_of(placed.status()),
              domain::OrderFailure::rejected);  // from 127.0.0.1
    auto book = co_await g.orders();            // reads work from any address
    EXPECT_TRUE(book.ok()) << book.status().to_string();
  });
  EXPECT_EQ(loop.kite.orders_of("F1").size(), 1u);
  EXPECT_TRUE(unbound_loop.kite.orders_of("F1").empty());
}

TEST(KiteGateway, BadSourceAddressIsAClearInputError) {
  GatewayLoop loop;
  auto account = loop.account("gwkey", "tokF1");
  account.rest.local_address = "not-an-ip";
  const bool done = loop.KiteSimLoop::run([&]() -> asio::awaitable<void> {
    kite::KiteGateway g(loop.io.get_executor(), account, wall_clock);
    const Status warmed = co_await g.warm();
    EXPECT_EQ(warmed.code(), StatusCode::invalid_argument) << warmed.to_string();
    EXPECT_NE(warmed.message().find("not-an-ip"), std::string::npos);
  });
  EXPECT_TRUE(done);
}

TEST(KiteLogin, RequestTokenIsExchangedForAWorkingAccessToken) {
  GatewayLoop loop;
  EXPECT_TRUE(loop.kite.expire_token("F1").ok());  // this morning's token died at 6 AM
  const bool done = loop.KiteSimLoop::run([&]() -> asio::awaitable<void> {
    net::HttpsClient http(loop.io.get_executor(), loop.target(), 1, 3000ms);
    net::HttpRequest login;
    login.target = "/connect/login?v=3&api_key=gwkey";
    auto redirect = co_await http.request(login);
    EXPECT_TRUE(redirect.ok() && redirect->status == 302);
    // The browser lands on the redirect URL; the user pastes its request_token.
    auto token = kite::request_token_from(redirect->location);
    EXPECT_TRUE(token.ok()) << token.status().to_string();
    if (!token.ok()) co_return;
    auto wrong = co_await kite::exchange_request_token(http, "gwkey", *token, "not-the-secret");
    EXPECT_EQ(wrong.status().code(), StatusCode::unauthenticated);
    EXPECT_EQ(wrong.status().message().find("not-the-secret"), std::string::npos);
    // A request token is good once; the wrong checksum above did not consume it.
    auto grant = co_await kite::exchange_request_token(http, "gwkey", *token, "gwsecret");
    EXPECT_TRUE(grant.ok()) << grant.status().to_string();
    if (!grant.ok()) co_return;
    EXPECT_EQ(grant->user_id, "F1");
    kite::KiteGateway g(loop.io.get_executor(), loop.account("gwkey", grant->access_token),
                        wall_clock);
    auto funds = co_await g.funds();
    EXPECT_TRUE(funds.ok()) << funds.status().to_string();
  });
  EXPECT_TRUE(done);
}

TEST(KitePostback, OnlyAVerifiedChecksumIsDeliveredOverHttps) {
  const std::string body = testing::fixture("kite/postback.json");
  auto vectors = boost::json::parse(testing::fixture("kite/constructed/checksum_vectors.json"));
  const auto& v = vectors.at("postback_checksum").as_object();
  const std::string secret(v.at("api_secret").as_string());
  auto signed_body = boost::json::parse(body);
  signed_body.as_object()["checksum"] = v.at("sha256_hex");

  asio::io_context io;
  const auto identity = *net::make_tls_identity({"localhost"});
  std::vector<BrokerOrder> delivered;
  kite::PostbackCounts counts;
  net::HttpsServer server(
      io.get_executor(), identity,
      kite::postback_handler(
          secret, [&](const BrokerOrder& o) { delivered.push_back(o); }, &counts));
  const uint16_t port = *server.listen("127.0.0.1", 0);
  std::vector<unsigned> statuses;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        net::HttpsClient http(io.get_executor(),
                              net::https_target("localhost", std::to_string(port), identity.ca_pem),
                              1, 3000ms);
        for (const std::string& b :
             {boost::json::serialize(signed_body), body, std::string("{not json")}) {
          net::HttpRequest r;
          r.method = boost::beast::http::verb::post;
          r.target = "/kite/postback";
          r.content_type = "application/json";
          r.body = b;
          auto answer = co_await http.request(r);
          statuses.push_back(answer.ok() ? answer->status : 0);
        }
        server.stop();
        io.stop();
      },
      asio::detached);
  io.run_for(10s);
  EXPECT_EQ(statuses, (std::vector<unsigned>{200, 403, 400}));
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].order_id.value, "220303000308932");
  EXPECT_EQ(counts.accepted, 1);
  EXPECT_EQ(counts.refused, 2);
}

// The ticker shares the order socket: watched instruments get their current price on
// subscribing, every later price as it is set, and again after the socket is dropped and
// the gateway reconnects (it subscribes anew).
TEST(KiteGateway, WatchedInstrumentsStreamTheirPricesAcrossReconnects) {
  GatewayLoop loop;
  loop.run([&](kite::KiteGateway& g) -> asio::awaitable<void> {
    std::vector<d::InstrumentPrice> seen;
    bool connected = false;
    g.subscribe([](const BrokerOrder&, bool) {}, [&](bool up, const Status&) { connected = up; });
    EXPECT_TRUE(co_await testing::wait_until([&] { return connected; }, 5s));
    d::Instrument unknown = testing::test_instruments()[1];
    unknown.kite_token = 0;  // nothing to subscribe under
    EXPECT_TRUE(g.watch_prices({testing::test_instruments()[0], unknown},
                               [&](const std::vector<d::InstrumentPrice>& p) {
                                 seen.insert(seen.end(), p.begin(), p.end());
                               }));
    EXPECT_TRUE(co_await testing::wait_until([&] { return !seen.empty(); }, 5s));
    if (seen.empty()) co_return;
    EXPECT_EQ(seen.back(), (d::InstrumentPrice{kNifty, 120'00}));
    loop.kite.set_price(kNifty, 118'50);
    loop.kite.set_price(kInfy, 1490'00);  // not watched: never reported
    EXPECT_TRUE(
        co_await testing::wait_until([&] { return seen.back().last_price_paise == 118'50; }, 5s));

    EXPECT_TRUE(loop.kite.drop_websockets("F1").ok());
    connected = false;
    const size_t before = seen.size();
    EXPECT_TRUE(co_await testing::wait_until([&] { return connected; }, 5s));
    // Subscribed again: the current price comes first.
    EXPECT_TRUE(co_await testing::wait_until([&] { return seen.size() > before; }, 5s));
    EXPECT_EQ(seen.back().last_price_paise, 118'50);
    loop.kite.set_price(kNifty, 117'00);
    EXPECT_TRUE(
        co_await testing::wait_until([&] { return seen.back().last_price_paise == 117'00; }, 5s));
    for (const auto& p : seen) EXPECT_EQ(p.instrument, kNifty);
  });
}

}  // namespace
}  // namespace tandem::brokers::kite_gateway_test
