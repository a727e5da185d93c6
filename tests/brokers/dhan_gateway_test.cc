// Goal: the Dhan gateway does what the engine relies on, against the simulator's Dhan
// dialect over real loopback TLS — the same accounts and books the Kite dialect serves:
// round trips of every read; an order named as Kite names it reaches Dhan as the same
// contract's securityId; above the freeze quantity it goes to the slicing endpoint; a
// stalled order call is `network` and reconciles by correlationId without a duplicate;
// DH-904 is waited out, not surfaced; DH-901 (an expired token) stops the session; the
// order-update socket logs in, and orders placed while it was down arrive by gap fill,
// each exactly once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>

#include <boost/json/parse.hpp>

#include "brokers/dhan/dhan_gateway.h"
#include "brokers/dhan/requests.h"
#include "brokers/order_stream.h"
#include "net/https_client.h"
#include "net/websocket_connector.h"
#include "tests/support/sim_loop.h"

namespace tandem::brokers {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;
using testing::KiteSimLoop;
using testing::wall_clock;

const d::InstrumentKey& kNifty = testing::kTestNifty;  // Kite's name
const d::InstrumentKey& kInfy = testing::kTestInfy;

std::vector<d::Instrument> kite_instruments() { return testing::test_instruments(); }

sim::KiteSimConfig config_with(sim::Faults faults) {
  sim::KiteSimConfig config;
  config.api_key = "k";
  auto account = testing::sim_account("1000000009", "dhantok", 50'00'000'00);
  account.faults = std::move(faults);
  config.accounts = {account};
  config.instruments = kite_instruments();
  return config;
}

d::OrderTerms market(const d::InstrumentKey& key, int64_t qty) {
  d::OrderTerms o;
  o.instrument = key;
  o.order_type = d::OrderType::market;
  o.quantity_units = qty;
  return o;
}

struct DhanLoop : KiteSimLoop {
  explicit DhanLoop(sim::Faults faults = {}) : KiteSimLoop(config_with(std::move(faults))) {
    kite.set_price(kNifty, 120'00);
    kite.set_price(kInfy, 1500'00);
  }
  dhan::DhanAccount account() const {
    dhan::DhanAccount a;
    a.rest = target();
    a.stream = target();
    a.credentials = {"1000000009", "dhantok"};
    // The engine names instruments as the leader's broker (Kite) does; Dhan's scrip master
    // gives the same contracts under its own symbols and ids.
    a.securities = kite.dhan_securities().for_instruments(kite_instruments());
    a.deadline = 3000ms;
    a.stream_options.backoff_first = 50ms;
    a.stream_options.liveness_timeout = 2000ms;
    return a;
  }
  void run(std::function<asio::awaitable<void>(dhan::DhanGateway&)> body, dhan::DhanAccount a) {
    const bool done = KiteSimLoop::run([&]() -> asio::awaitable<void> {
      dhan::DhanGateway gateway(io.get_executor(), a, wall_clock);
      EXPECT_TRUE((co_await gateway.warm()).ok());
      co_await body(gateway);
      gateway.stop();
    });
    EXPECT_TRUE(done) << "the test body did not finish";
  }
  void run(std::function<asio::awaitable<void>(dhan::DhanGateway&)> body) {
    run(std::move(body), account());
  }
};

TEST(DhanGateway, EveryReadRoundTripsAndKiteNamesReachTheSameContract) {
  DhanLoop loop;
  EXPECT_EQ(loop.account().securities.size(), 2u);
  loop.run([&](dhan::DhanGateway& g) -> asio::awaitable<void> {
    // Named arguments, not temporaries: GCC 12 destroys temporaries in co_await twice.
    const d::ClientTag tag{"r1"};
    const auto buy = market(kNifty, 150);
    auto placed = co_await g.place(buy, tag, PlaceOptions{});
    EXPECT_TRUE(placed.ok()) << placed.status().to_string();
    if (!placed.ok()) co_return;
    auto history = co_await g.order_history(placed->order_id);
    EXPECT_TRUE(history.ok()) << history.status().to_string();
    if (history.ok() && history->size() == 1) {
      EXPECT_EQ(history->at(0).tag, "r1");  // correlationId
      EXPECT_EQ(history->at(0).instrument, kNifty);
      EXPECT_EQ(history->at(0).status, d::OrderStatus::complete);
      EXPECT_EQ(history->at(0).average_price_paise, 120'00);
    }
    auto trades = co_await g.trades();
    EXPECT_TRUE(trades.ok() && trades->size() == 1 && trades->at(0).instrument == kNifty)
        << trades.status().to_string();
    auto positions = co_await g.positions();
    EXPECT_TRUE(positions.ok()) << positions.status().to_string();
    auto funds = co_await g.funds();
    EXPECT_TRUE(funds.ok() && funds->available_paise == 50'00'000'00);
    auto instruments = co_await g.instruments();
    EXPECT_TRUE(instruments.ok() && instruments->size() == 2);
    // An instrument Dhan has no contract for is a clear input error, not a wrong order.
    const auto nosuch = market({d::Exchange::nse, "NOSUCH"}, 1);
    const d::ClientTag unknown_tag{"u"};
    auto unknown = co_await g.place(nosuch, unknown_tag, PlaceOptions{});
    EXPECT_EQ(domain::failure_of(unknown.status()), domain::OrderFailure::input);
  });
  // The simulator's book (shared with the Kite dialect) holds the order under Kite's name.
  const auto book = loop.kite.orders_of("1000000009");
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book[0].instrument, kNifty);
}

TEST(DhanGateway, ModifyCarriesTheWholeQuantityAndCancelIsFinal) {
  DhanLoop loop;
  loop.run([&](dhan::DhanGateway& g) -> asio::awaitable<void> {
    d::OrderTerms limit = market(kInfy, 10);
    limit.order_type = d::OrderType::limit;
    limit.price_paise = 1400'00;  // below the price: rests
    const d::ClientTag tag{"m1"};
    auto placed = co_await g.place(limit, tag, PlaceOptions{});
    EXPECT_TRUE(placed.ok()) << placed.status().to_string();
    if (!placed.ok()) co_return;
    limit.quantity_units = 25;
    auto modified = co_await g.modify(placed->order_id, limit);
    EXPECT_TRUE(modified.ok()) << modified.status().to_string();
    auto after = co_await g.order_history(placed->order_id);
    EXPECT_TRUE(after.ok() && after->at(0).quantity_units == 25);
    auto cancelled = co_await g.cancel(placed->order_id);
    EXPECT_TRUE(cancelled.ok()) << cancelled.status().to_string();
    auto final_state = co_await g.order_history(placed->order_id);
    EXPECT_TRUE(final_state.ok() && final_state->at(0).status == d::OrderStatus::cancelled);
  });
}

TEST(DhanGateway, AboveTheFreezeQuantityTheSlicingEndpointIsUsed) {
  DhanLoop loop;
  loop.run([&](dhan::DhanGateway& g) -> asio::awaitable<void> {
    const d::ClientTag tag{"big1"};
    const auto big = market(kNifty, 75 * 50);
    PlaceOptions sliced;
    sliced.freeze_quantity_units = 1800;
    auto placed = co_await g.place(big, tag, sliced);
    EXPECT_TRUE(placed.ok()) << placed.status().to_string();
    if (placed.ok()) {
      EXPECT_EQ(placed->slices.size(), 3u);
    }
    auto found = co_await find_by_tag(g, tag);
    int64_t total = 0;
    for (const auto& o : *found) total += o.quantity_units;
    EXPECT_EQ(total, 3750);
  });
}

TEST(DhanGateway, StalledOrderCallReconcilesByCorrelationIdWithoutADuplicate) {
  sim::Faults faults;
  faults.stall_next_orders = 1;
  faults.stall = 2000ms;
  DhanLoop loop(faults);
  auto account = loop.account();
  account.deadline = 500ms;
  loop.run(
      [&](dhan::DhanGateway& g) -> asio::awaitable<void> {
        const d::ClientTag tag{"stall1"};
        const auto buy = market(kInfy, 5);
        auto placed = co_await g.place(buy, tag, PlaceOptions{});
        EXPECT_EQ(domain::failure_of(placed.status()), domain::OrderFailure::network)
            << placed.status().to_string();
        auto found = co_await find_by_tag(g, tag);
        EXPECT_TRUE(found.ok() && found->size() == 1u);
      },
      account);
  EXPECT_EQ(loop.kite.orders_of("1000000009").size(), 1u);
}

TEST(DhanGateway, RateLimitIsWaitedOutAndAnExpiredTokenStopsTheSession) {
  sim::Faults faults;
  faults.orders_per_second = 2;
  DhanLoop loop(faults);
  auto account = loop.account();
  account.limits.windows.clear();  // let the simulator's DH-904 do the limiting
  loop.run(
      [&](dhan::DhanGateway& g) -> asio::awaitable<void> {
        for (int i = 0; i < 5; ++i) {
          const auto one = market(kInfy, 1);
          const d::ClientTag tag{"rl" + std::to_string(i)};
          auto placed = co_await g.place(one, tag, PlaceOptions{});
          EXPECT_TRUE(placed.ok()) << placed.status().to_string();
        }
        EXPECT_GT(loop.kite.rate_limited(), 0);  // DH-904 came, and was retried
        EXPECT_TRUE(loop.kite.expire_token("1000000009").ok());
        auto refused = co_await g.orders();
        EXPECT_EQ(domain::failure_of(refused.status()), domain::OrderFailure::unauthenticated);
        EXPECT_NE(refused.status().message().find("DH-901"), std::string::npos);
        const int64_t requests = loop.kite.requests();
        auto again = co_await g.funds();  // stopped: nothing more reaches Dhan
        EXPECT_EQ(domain::failure_of(again.status()), domain::OrderFailure::unauthenticated);
        EXPECT_EQ(loop.kite.requests(), requests);
      },
      account);
  EXPECT_EQ(loop.kite.orders_of("1000000009").size(), 5u);
}

TEST(DhanGateway, OrderUpdatesAfterLoginAndGapFillAfterADropExactlyOnce) {
  DhanLoop loop;
  loop.run([&](dhan::DhanGateway& g) -> asio::awaitable<void> {
    std::map<std::string, int> seen;  // order id + status → times emitted
    int recovered = 0;
    bool connected = false;
    g.subscribe(
        [&](const BrokerOrder& o, bool from_gap_fill) {
          ++seen[o.order_id.value + "/" + std::string(d::to_string(o.status))];
          if (from_gap_fill) ++recovered;
        },
        [&](bool up, const Status&) { connected = up; });
    EXPECT_TRUE(co_await testing::wait_until([&] { return connected; }, 3000ms));
    co_await testing::sleep_for(100ms);  // the login message is read
    auto live = loop.kite.place_as_owner("1000000009", market(kInfy, 3));
    EXPECT_TRUE(live.ok());
    EXPECT_TRUE(co_await testing::wait_until(
        [&] { return seen.contains(live->order_id.value + "/complete"); }, 3000ms));
    EXPECT_EQ(recovered, 0);  // it came over the socket
    EXPECT_TRUE(loop.kite.drop_websockets("1000000009").ok());
    auto missed = loop.kite.place_as_owner("1000000009", market(kNifty, 75));
    EXPECT_TRUE(missed.ok());
    EXPECT_TRUE(co_await testing::wait_until(
        [&] { return seen.contains(missed->order_id.value + "/complete"); }, 5000ms));
    EXPECT_EQ(recovered, 1);  // the missed order, by gap fill
    co_await testing::sleep_for(300ms);
    for (const auto& [key, n] : seen) EXPECT_EQ(n, 1) << key << " emitted " << n << " times";
  });
}

// Goal (issue 24): the reads DhanHQ-py makes, as it makes them, are served: /trades/ with
// its trailing slash, one order's trades, holdings, and the profile with only the
// access-token header (no client-id).
TEST(DhanGateway, TheOfficialClientsReadsAreServedAsItSendsThem) {
  DhanLoop loop;
  std::map<std::string, std::pair<unsigned, std::string>> answers;  // target → status, body
  std::string order_id;
  const bool done = loop.KiteSimLoop::run([&]() -> asio::awaitable<void> {
    auto placed = loop.kite.place_as_owner("1000000009", market(kInfy, 3));
    EXPECT_TRUE(placed.ok());
    if (!placed.ok()) co_return;
    order_id = placed->order_id.value;
    net::HttpsClient raw(loop.io.get_executor(), loop.target(), 1, std::chrono::seconds(3));
    const std::vector<std::string> targets = {"/v2/trades/", "/v2/trades/" + order_id,
                                              "/v2/trades/NOSUCH", "/v2/holdings", "/v2/profile"};
    for (const std::string& target : targets) {
      net::HttpRequest r;
      r.target = target;
      r.headers = {{"access-token", "dhantok"}};
      if (target != "/v2/profile") r.headers.emplace_back("client-id", "1000000009");
      auto answer = co_await raw.request(std::move(r));
      EXPECT_TRUE(answer.ok()) << target << ": " << answer.status().to_string();
      if (answer.ok()) answers[target] = {answer->status, answer->body};
    }
  });
  EXPECT_TRUE(done);
  const auto array_of = [&](const std::string& target) -> boost::json::array {
    const auto& [status, body] = answers[target];
    EXPECT_EQ(status, 200u) << target << ": " << body;
    boost::system::error_code ec;
    const auto v = boost::json::parse(body, ec);
    EXPECT_TRUE(!ec && v.is_array()) << target << ": " << body;
    return !ec && v.is_array() ? v.as_array() : boost::json::array{};
  };
  EXPECT_EQ(array_of("/v2/trades/").size(), 1u);
  const auto one = array_of("/v2/trades/" + order_id);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].at("orderId"), boost::json::value(order_id));
  EXPECT_EQ(one[0].at("tradedQuantity"), 3);
  EXPECT_TRUE(array_of("/v2/trades/NOSUCH").empty());
  EXPECT_TRUE(array_of("/v2/holdings").empty());
  EXPECT_EQ(answers["/v2/profile"].first, 200u) << answers["/v2/profile"].second;
  EXPECT_NE(answers["/v2/profile"].second.find("1000000009"), std::string::npos);
}

// Goal (issue 24): the account controls DhanHQ-py calls (auth.py, _trader_control.py) are
// served as it sends them, and they act: the static IPs (set once, then fixed for 7 days),
// the kill switch (refused while anything is open; order calls refused while it is on),
// and RenewToken (a new token, the old one refused from then on).
// Method: DhanHQ-py's own requests over loopback TLS (its headers, paths and JSON bodies),
// and an order placed through the engine's Dhan gateway while the switch is on.
TEST(DhanGateway, TheAccountControlsAreServedAsDhanHQPySendsThemAndAct) {
  using boost::beast::http::verb;
  DhanLoop loop;
  std::string token = "dhantok";
  // DhanHQ-py's request: its two headers and a JSON body.
  const auto request = [&](verb method, std::string target, std::string body = {}) {
    net::HttpRequest r;
    r.method = method;
    r.target = std::move(target);
    r.headers = {
        {"access-token", token}, {"client-id", "1000000009"}, {"Content-Type", "application/json"}};
    r.body = std::move(body);
    return r;
  };
  const auto ip_body = [](const char* ip, const char* flag) {
    return boost::json::serialize(
        boost::json::object{{"dhanClientId", "1000000009"}, {"ip", ip}, {"ipFlag", flag}});
  };
  // The status and the JSON body of each answer, in the order asked (GCC 12: every awaited
  // call on its own line, with named arguments).
  std::vector<std::pair<unsigned, boost::json::value>> got;
  const auto keep = [&](const Result<net::HttpResponse>& answer) {
    EXPECT_TRUE(answer.ok()) << answer.status().to_string();
    boost::system::error_code ec;
    got.emplace_back(answer.ok() ? answer->status : 0u,
                     answer.ok() ? boost::json::parse(answer->body, ec) : boost::json::value());
  };
  bool placed_while_on = true;
  loop.run([&](dhan::DhanGateway& g) -> asio::awaitable<void> {
    net::HttpsClient raw(loop.io.get_executor(), loop.target(), 1, std::chrono::seconds(3));
    std::vector<net::HttpRequest> ip_calls;
    ip_calls.push_back(request(verb::get, "/v2/ip/getIP"));                                    // 0
    ip_calls.push_back(request(verb::post, "/v2/ip/setIP", ip_body("127.0.0.1", "PRIMARY")));  // 1
    ip_calls.push_back(request(verb::post, "/v2/ip/setIP", ip_body("127.0.0.1", "PRIMARY")));  // 2
    ip_calls.push_back(request(verb::put, "/v2/ip/modifyIP", ip_body("127.0.0.2", "PRIMARY")));
    ip_calls.push_back(request(verb::post, "/v2/ip/setIP", ip_body("not-an-ip", "SECONDARY")));
    ip_calls.push_back(request(verb::post, "/v2/ip/setIP", ip_body("10.0.0.9", "SECONDARY")));
    ip_calls.push_back(request(verb::get, "/v2/ip/getIP"));  // 6
    for (net::HttpRequest& r : ip_calls) {
      auto answer = co_await raw.request(std::move(r));
      keep(answer);
    }
    // The switch: refused with an order pending, then on, and an order is refused.
    d::OrderTerms resting = market(kInfy, 5);
    resting.order_type = d::OrderType::limit;
    resting.price_paise = 1400'00;
    const d::ClientTag first{"ks1"};
    auto open = co_await g.place(resting, first, PlaceOptions{});
    EXPECT_TRUE(open.ok()) << open.status().to_string() << " (from the registered IP)";
    net::HttpRequest activate = request(verb::post, "/v2/killswitch?killSwitchStatus=ACTIVATE");
    auto busy = co_await raw.request(std::move(activate));
    keep(busy);  // 7
    if (open.ok()) {
      auto cancelled = co_await g.cancel(open->order_id);
      EXPECT_TRUE(cancelled.ok()) << cancelled.status().to_string();
    }
    net::HttpRequest activate_again =
        request(verb::post, "/v2/killswitch?killSwitchStatus=ACTIVATE");
    auto on = co_await raw.request(std::move(activate_again));
    keep(on);  // 8
    net::HttpRequest status = request(verb::get, "/v2/killswitch");
    auto state = co_await raw.request(std::move(status));
    keep(state);  // 9
    const d::ClientTag second{"ks2"};
    auto refused = co_await g.place(resting, second, PlaceOptions{});
    placed_while_on = refused.ok();
    if (!refused.ok()) {
      EXPECT_EQ(domain::failure_of(refused.status()), domain::OrderFailure::rejected);
    }
    net::HttpRequest deactivate = request(verb::post, "/v2/killswitch?killSwitchStatus=DEACTIVATE");
    auto off = co_await raw.request(std::move(deactivate));
    keep(off);  // 10
    // RenewToken as auth.py sends it: the token and a dhanClientId header.
    net::HttpRequest renew;
    renew.target = "/v2/RenewToken";
    renew.headers = {{"access-token", token}, {"dhanClientId", "1000000009"}};
    auto renewed = co_await raw.request(std::move(renew));
    keep(renewed);  // 11
    net::HttpRequest stale = request(verb::get, "/v2/profile");
    auto with_old = co_await raw.request(std::move(stale));
    keep(with_old);  // 12
    const boost::json::value& fresh = got[11].second;
    if (fresh.is_object() && fresh.as_object().contains("accessToken")) {
      token = std::string(fresh.at("accessToken").as_string());
    }
    net::HttpRequest current = request(verb::get, "/v2/profile");
    auto with_new = co_await raw.request(std::move(current));
    keep(with_new);  // 13
  });
  ASSERT_EQ(got.size(), 14u);
  const auto body = [&](size_t n) { return boost::json::serialize(got[n].second); };
  EXPECT_EQ(got[0].first, 200u);
  EXPECT_EQ(got[0].second.at("primaryIP"), "") << body(0);
  EXPECT_EQ(got[1].first, 200u) << body(1);
  EXPECT_EQ(got[2].first, 400u) << "set twice: " << body(2);
  EXPECT_EQ(got[2].second.at("errorCode"), "DH-905");
  EXPECT_EQ(got[3].first, 400u) << "an IP is fixed for 7 days once set: " << body(3);
  EXPECT_EQ(got[4].first, 400u) << body(4);
  EXPECT_EQ(got[5].first, 200u) << body(5);
  EXPECT_EQ(got[6].second.at("primaryIP"), "127.0.0.1") << body(6);
  EXPECT_EQ(got[6].second.at("secondaryIP"), "10.0.0.9");
  EXPECT_NE(got[6].second.at("modifyDatePrimary"), "");
  EXPECT_EQ(got[7].first, 400u) << "an order is pending: " << body(7);
  EXPECT_EQ(got[8].first, 200u) << body(8);
  EXPECT_EQ(got[9].second.at("killSwitchStatus"), "ACTIVATE") << body(9);
  EXPECT_FALSE(placed_while_on) << "an order went through the kill switch";
  EXPECT_EQ(got[10].first, 200u) << body(10);
  EXPECT_EQ(got[11].first, 200u) << body(11);
  EXPECT_TRUE(got[11].second.is_object() && got[11].second.as_object().contains("accessToken"));
  EXPECT_EQ(got[12].first, 401u) << "the renewed token replaces the old one: " << body(12);
  EXPECT_EQ(got[13].first, 200u) << body(13);
  EXPECT_TRUE(got[13].second.is_object() && got[13].second.as_object().contains("tokenValidity"));
}

// Goal (issue 24): Dhan's order-update socket carries JSON text only. DhanHQ-py parses every
// message with json.loads, so one binary frame (Kite's 1-byte heartbeat) ends its stream.
// Method: the engine's own stream client with Dhan's login, counting every binary message
// and parsing every text one, over 2.5 s of idle socket (two of Kite's heartbeats) and an
// order update.
TEST(DhanGateway, TheOrderUpdateSocketSendsNoBinaryFrameOnlyJsonText) {
  DhanLoop loop;
  int binary = 0, texts = 0, not_json = 0;
  bool connected = false;
  brokers::StreamDialect dialect;
  dialect.name = "dhan order stream (test)";
  dialect.path = [] { return std::string("/"); };
  dialect.login = [] {
    return std::optional<std::string>(dhan::order_update_login("1000000009", "dhantok"));
  };
  dialect.read_text = [&](std::string_view text) -> std::optional<BrokerOrder> {
    ++texts;
    boost::system::error_code ec;
    boost::json::parse(text, ec);
    if (ec) ++not_json;
    return std::nullopt;
  };
  dialect.read_binary = [&](std::span<const uint8_t>) { ++binary; };
  dialect.order_book = []() -> asio::awaitable<Result<std::vector<BrokerOrder>>> {
    co_return std::vector<BrokerOrder>{};
  };
  dialect.broker_heartbeats = false;
  brokers::StreamOptions options;
  options.backoff_first = 50ms;
  const bool done = loop.KiteSimLoop::run([&]() -> asio::awaitable<void> {
    brokers::OrderStream stream(
        loop.io.get_executor(), net::websocket_connector(loop.io.get_executor(), loop.target()),
        options, dialect, [](const BrokerOrder&, bool) {},
        [&](bool up, const Status&) { connected = up; });
    stream.start();
    EXPECT_TRUE(co_await testing::wait_until([&] { return connected; }, 3000ms));
    co_await testing::sleep_for(2500ms);
    EXPECT_TRUE(loop.kite.place_as_owner("1000000009", market(kInfy, 3)).ok());
    EXPECT_TRUE(co_await testing::wait_until([&] { return texts > 0; }, 3000ms));
    stream.stop();
  });
  EXPECT_TRUE(done);
  EXPECT_EQ(binary, 0) << "binary frames on Dhan's order-update socket";
  EXPECT_GT(texts, 0) << "no order update came";
  EXPECT_EQ(not_json, 0);
}

}  // namespace
}  // namespace tandem::brokers
