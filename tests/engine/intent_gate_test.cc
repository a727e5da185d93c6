// Goal: write-ahead holds for a gateway that does not wait at the send gate itself (the paper
// broker): execute_intent waits at the gate before calling it, so a held intent places
// nothing, an opened one is placed and acknowledged, and a closed one is reported unsent
// (class `input`, never `network`: there is nothing to reconcile) with the book untouched.
// Method: PaperGateway on an io_context; the book read back through orders().
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>

#include "brokers/paper/paper_gateway.h"
#include "engine/intent_executor.h"
#include "net/send_gate.h"
#include "tests/support/sim_loop.h"

namespace tandem::engine {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

d::FollowerOrderIntent buy_intent(std::string tag) {
  d::FollowerOrderIntent intent;
  intent.tag = d::ClientTag{std::move(tag)};
  intent.follower = d::FollowerId{"F1"};
  intent.action = d::CopyAction::place;
  intent.order.instrument = {d::Exchange::nse, "INFY"};
  intent.order.quantity_units = 10;
  return intent;
}

struct PaperRun {
  asio::io_context io;
  brokers::PaperGateway paper{io.get_executor(), account(), testing::wall_clock};

  static brokers::PaperAccount account() {
    brokers::PaperAccount a;
    a.funds.available_paise = 1'00'000'00;
    return a;
  }

  size_t book_size() {
    size_t n = 0;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto book = co_await paper.orders();
          n = book.ok() ? book->size() : 0;
        },
        asio::detached);
    io.restart();
    io.run_for(50ms);
    return n;
  }

  // Starts the intent behind `gate`; its outcome lands in the returned slot.
  std::shared_ptr<std::optional<IntentOutcome>> start(d::FollowerOrderIntent intent,
                                                      std::shared_ptr<net::SendGate> gate) {
    auto outcome = std::make_shared<std::optional<IntentOutcome>>();
    brokers::PlaceOptions options;
    options.gate = std::move(gate);
    asio::co_spawn(
        io,
        [this, outcome, intent, options]() -> asio::awaitable<void> {
          *outcome = co_await execute_intent(paper, intent, options);
        },
        asio::detached);
    io.restart();
    io.run_for(50ms);
    return outcome;
  }
};

TEST(IntentGate, PaperOrderWaitsForTheGateThenIsPlaced) {
  PaperRun run;
  ASSERT_FALSE(run.paper.holds_at_gate());
  run.paper.set_price({d::Exchange::nse, "INFY"}, 1500'00);
  auto gate = std::make_shared<net::SendGate>(run.io.get_executor());
  auto outcome = run.start(buy_intent("g1"), gate);
  EXPECT_FALSE(outcome->has_value());
  EXPECT_EQ(run.book_size(), 0u);  // held: nothing placed
  gate->open();
  run.io.restart();
  run.io.run_for(50ms);
  ASSERT_TRUE(outcome->has_value());
  EXPECT_TRUE((*outcome)->acked.has_value()) << (*outcome)->message;
  EXPECT_EQ(run.book_size(), 1u);
}

TEST(IntentGate, ClosedGateReportsTheIntentUnsentAndPlacesNothing) {
  PaperRun run;
  auto gate = std::make_shared<net::SendGate>(run.io.get_executor());
  auto outcome = run.start(buy_intent("g2"), gate);
  gate->close();
  run.io.restart();
  run.io.run_for(50ms);
  ASSERT_TRUE(outcome->has_value());
  EXPECT_FALSE((*outcome)->acked.has_value());
  EXPECT_EQ((*outcome)->error_class, domain::OrderFailure::input);
  EXPECT_EQ((*outcome)->attempts, 0);
  EXPECT_NE((*outcome)->message.find("not sent"), std::string::npos);
  EXPECT_EQ(run.book_size(), 0u);
}

}  // namespace
}  // namespace tandem::engine
