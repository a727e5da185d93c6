// Goal: a paper account behaves, through the broker interface, as a broker account does:
// its orders are acknowledged, filled against the reference price after the configured
// latency, pushed to the subscriber in order, sliced above the freeze quantity, reflected
// in trades and positions, and a repeated tag is refused.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>

#include "brokers/paper/paper_gateway.h"
#include "tests/support/sim_loop.h"

namespace tandem::brokers::paper_gateway_test {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

TEST(PaperGateway, OrdersFillAfterTheLatencyAndArePushedInOrder) {
  asio::io_context io;
  PaperAccount account;
  account.fills.latency_ns = 50'000'000;  // 50 ms
  account.fills.slippage_bp = 10;
  account.funds.available_paise = 1'00'000'00;
  PaperGateway paper(io.get_executor(), account, testing::wall_clock);
  const d::InstrumentKey infy{d::Exchange::nse, "INFY"};
  std::vector<BrokerOrder> pushed;
  bool connected = false;
  paper.subscribe(
      [&](const BrokerOrder& o, bool recovered) {
        EXPECT_FALSE(recovered);
        pushed.push_back(o);
      },
      [&](bool up, const Status&) { connected = up; });
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        paper.set_price(infy, 1000'00);
        d::OrderTerms buy;
        buy.instrument = infy;
        buy.quantity_units = 250;
        const d::ClientTag tag{"pg1"};
        PlaceOptions sliced;
        sliced.freeze_quantity_units = 100;
        auto placed = co_await paper.place(buy, tag, sliced);
        EXPECT_TRUE(placed.ok()) << placed.status().to_string();
        EXPECT_EQ(placed->slices.size(), 3u);  // 100 + 100 + 50
        auto again = co_await paper.place(buy, tag, PlaceOptions{});
        EXPECT_EQ(domain::failure_of(again.status()), domain::OrderFailure::rejected);
        EXPECT_EQ(pushed.size(), 3u);  // acknowledged, not yet fillable
        EXPECT_TRUE(co_await testing::wait_until([&] { return pushed.size() == 6; }, 2000ms));
        auto positions = co_await paper.positions();
        EXPECT_EQ(positions->size(), 1u);
        EXPECT_EQ(positions->at(0).net_qty_units, 250);
        EXPECT_EQ(positions->at(0).average_price_paise, 1001'00);  // 10 bp worse
        auto trades = co_await paper.trades();
        EXPECT_EQ(trades->size(), 3u);
        EXPECT_EQ((co_await paper.funds())->available_paise, 1'00'000'00);
        done = true;
        paper.stop();
      },
      asio::detached);
  io.run_for(5s);
  EXPECT_TRUE(done);
  EXPECT_TRUE(connected);
  for (size_t i = 3; i < pushed.size(); ++i) {
    EXPECT_EQ(pushed[i].status, d::OrderStatus::complete);
    EXPECT_EQ(pushed[i].tag, "pg1");
  }
}

// A paper account that acknowledges an order at once and fills it 10 ms later, at 1,000 rupees.
struct TenMsPaper {
  asio::io_context io;
  PaperGateway paper{io.get_executor(), account(), testing::wall_clock};
  static PaperAccount account() {
    PaperAccount a;
    a.fills.latency_ns = 10'000'000;
    a.funds.available_paise = 1'00'000'00;
    return a;
  }
  // Places `terms` under `tag` and runs until `reported` orders were pushed (2 s at most).
  void place_and_run(const d::OrderTerms& terms, const d::ClientTag& tag,
                     const std::function<size_t()>& reported) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          paper.set_price(terms.instrument, 1000'00);
          const PlaceOptions options;  // named: GCC 12 mishandles temporaries in co_await
          auto placed = co_await paper.place(terms, tag, options);
          EXPECT_TRUE(placed.ok());
          EXPECT_TRUE(co_await testing::wait_until([&] { return reported() == 2; }, 2000ms));
        },
        asio::detached);
    io.run();
  }
};

const d::InstrumentKey kInfy{d::Exchange::nse, "INFY"};

// The leader's side of a stream: subscribe_leader() hands each reported order on as the
// domain's LeaderOrderUpdate, stamped with the engine clock's time of receipt.
TEST(PaperGateway, ALeadersStreamEmitsLeaderOrderUpdates) {
  TenMsPaper p;
  std::vector<d::LeaderOrderUpdate> updates;
  d::TimeNs now = 1'000;
  subscribe_leader(
      p.paper, [&] { return now++; }, [&](d::LeaderOrderUpdate u) { updates.push_back(u); },
      [](bool, const Status&) {});
  d::OrderTerms buy;
  buy.instrument = kInfy;
  buy.quantity_units = 5;
  p.place_and_run(buy, d::ClientTag{"L1"}, [&] { return updates.size(); });
  ASSERT_EQ(updates.size(), 2u);  // acknowledged, then filled
  EXPECT_EQ(updates[0].received_time_ns, 1'000);
  EXPECT_EQ(updates[1].received_time_ns, 1'001);
  EXPECT_EQ(updates[1].instrument, kInfy);
  EXPECT_EQ(updates[1].status, d::OrderStatus::complete);
  EXPECT_EQ(updates[1].filled_units, 5);
  EXPECT_FALSE(updates[1].order_id.value.empty());
  EXPECT_FALSE(updates[1].recovered);
}

// A follower's side: subscribe_follower() hands each reported order on as the domain's
// FollowerOrderReport, its terms whole, under the follower and tag it belongs to.
TEST(PaperGateway, AFollowersStreamEmitsFollowerOrderReports) {
  TenMsPaper p;
  std::vector<d::FollowerOrderReport> reports;
  subscribe_follower(p.paper, d::FollowerId{"F1"},
                     [&](d::FollowerOrderReport r) { reports.push_back(std::move(r)); });
  d::OrderTerms sell;
  sell.instrument = kInfy;
  sell.side = d::Side::sell;
  sell.order_type = d::OrderType::limit;
  sell.price_paise = 999'00;
  sell.quantity_units = 7;
  p.place_and_run(sell, d::ClientTag{"T1F1"}, [&] { return reports.size(); });
  ASSERT_EQ(reports.size(), 2u);  // acknowledged, then filled
  const d::FollowerOrderReport& filled = reports[1];
  EXPECT_EQ(filled.follower, d::FollowerId{"F1"});
  EXPECT_EQ(filled.tag, "T1F1");
  EXPECT_EQ(static_cast<const d::OrderTerms&>(filled), sell) << "the terms it was placed with";
  EXPECT_EQ(filled.status, d::OrderStatus::complete);
  EXPECT_EQ(filled.filled_units, 7);
  EXPECT_GT(filled.average_price_paise, 0);
  EXPECT_EQ(filled.order_id, reports[0].order_id);
  EXPECT_FALSE(filled.order_id.value.empty());
  EXPECT_GT(filled.order_time_ns, 0);
}

}  // namespace
}  // namespace tandem::brokers::paper_gateway_test
