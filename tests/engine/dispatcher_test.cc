// Goal: the dispatcher's own rules, with the paper broker's book as the proof:
//  - a change decided before its order's ack is parked (nothing reaches the broker), and
//    once the ack is in, goes out against the acknowledged order;
//  - a stop waits for every answer except the changes parked behind a place of unknown
//    outcome;
//  - a place of unknown outcome is looked up again only when its recheck is due on the
//    injected steady clock, and then, absent at the broker, placed under its tag once.
// Method: the Dispatcher on one io_context (the broker thread, run by hand), a PaperGateway
// as the follower's broker, the engine's inbox read for the outcomes, a hand-moved clock.
#include "engine/dispatcher.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "brokers/paper/paper_gateway.h"
#include "tests/support/sim_loop.h"

namespace tandem::engine {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

d::FollowerOrderIntent intent(d::CopyAction action, std::string tag) {
  d::FollowerOrderIntent i;
  i.tag = d::ClientTag{std::move(tag)};
  i.follower = d::FollowerId{"F1"};
  i.action = action;
  i.order.instrument = {d::Exchange::nse, "INFY"};
  i.order.order_type = d::OrderType::limit;
  i.order.price_paise = 100'00;
  i.order.quantity_units = 10;
  return i;
}

struct DispatcherRun {
  asio::io_context io;
  brokers::PaperGateway paper{io.get_executor(), account(), testing::wall_clock};
  d::CopyState state;
  Dispatcher::Followers followers{{d::FollowerId{"F1"}, &paper}};
  std::shared_ptr<Inbox<Fact>> inbox = std::make_shared<Inbox<Fact>>(64);
  SteadyTime now{};
  Dispatcher dispatcher{{/*max_at_broker=*/4, {0ms, 0ms}, /*recheck_unknown_after=*/30s, {}, {}},
                        state,
                        followers,
                        io.get_executor(),
                        inbox,
                        [this] { return now; }};

  static brokers::PaperAccount account() {
    brokers::PaperAccount a;
    a.funds.available_paise = 1'00'000'00;
    return a;
  }

  // Runs the broker thread until it is idle; the outcomes it pushed, in order.
  std::vector<OutcomeFact> run_broker() {
    io.restart();
    io.run_for(100ms);
    std::vector<OutcomeFact> out;
    while (auto fact = inbox->try_pop()) {
      if (auto* o = std::get_if<OutcomeFact>(&*fact)) out.push_back(std::move(*o));
    }
    return out;
  }

  std::vector<brokers::BrokerOrder> book() {
    std::vector<brokers::BrokerOrder> orders;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto read = co_await paper.orders();
          if (read.ok()) orders = *read;
        },
        asio::detached);
    io.restart();
    io.run_for(50ms);
    return orders;
  }
};

TEST(Dispatcher, AChangeWaitsForItsOrdersAckThenGoesAgainstIt) {
  DispatcherRun run;
  ASSERT_TRUE(run.dispatcher.dispatch(intent(d::CopyAction::place, "P1"), std::nullopt, false));
  d::FollowerOrderIntent cancel = intent(d::CopyAction::cancel, "C1");
  cancel.target_tag = d::ClientTag{"P1"};
  ASSERT_TRUE(run.dispatcher.dispatch(cancel, std::nullopt, false));  // parked: P1 not acked
  run.dispatcher.release();
  EXPECT_EQ(run.dispatcher.in_flight(), 2);
  std::vector<OutcomeFact> out = run.run_broker();
  ASSERT_EQ(out.size(), 1u);  // the place only: the cancel waited
  EXPECT_EQ(out[0].intent.tag.value, "P1");
  ASSERT_FALSE(out[0].acked.empty());
  run.dispatcher.finished(out[0].intent);
  ASSERT_EQ(run.book().size(), 1u);
  EXPECT_FALSE(d::is_final(run.book()[0].status));

  run.dispatcher.acknowledged(out[0].intent.tag, out[0].acked);
  std::vector<Dispatcher::Parked> parked = run.dispatcher.take_parked(d::ClientTag{"P1"});
  ASSERT_EQ(parked.size(), 1u);
  run.dispatcher.send_parked(std::move(parked), out[0].acked);
  out = run.run_broker();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].intent.tag.value, "C1");
  EXPECT_EQ(out[0].intent.target_order_id, *run.dispatcher.acked_order(d::ClientTag{"P1"}));
  run.dispatcher.finished(out[0].intent);
  EXPECT_EQ(run.dispatcher.in_flight(), 0);
  ASSERT_EQ(run.book().size(), 1u);
  EXPECT_EQ(run.book()[0].status, d::OrderStatus::cancelled);
  // A later change to the acknowledged order goes at once, not parked.
  d::FollowerOrderIntent again = intent(d::CopyAction::cancel, "C2");
  again.target_tag = d::ClientTag{"P1"};
  ASSERT_TRUE(run.dispatcher.dispatch(again, std::nullopt, false));
  run.dispatcher.release();
  EXPECT_EQ(run.run_broker().size(), 1u);
}

TEST(Dispatcher, AStopDoesNotWaitForChangesParkedBehindAnUnknownPlace) {
  DispatcherRun run;
  d::FollowerOrderIntent cancel = intent(d::CopyAction::cancel, "C1");
  cancel.target_tag = d::ClientTag{"P1"};
  ASSERT_TRUE(run.dispatcher.dispatch(cancel, std::nullopt, false));
  EXPECT_EQ(run.dispatcher.answers_awaited(), 1);  // P1's answer would release it
  EXPECT_TRUE(run.dispatcher.keep_unknown(intent(d::CopyAction::place, "P1"), std::nullopt));
  EXPECT_EQ(run.dispatcher.in_flight(), 1);
  EXPECT_EQ(run.dispatcher.answers_awaited(), 0);
  // At the bound, the parked change is taken out as not sent (the queues are read on their
  // broker thread, run here by a thread of its own).
  auto guard = asio::make_work_guard(run.io);
  std::thread broker([&] { run.io.run(); });
  std::vector<OutcomeFact> unsent = run.dispatcher.take_unsent("bound");
  guard.reset();
  broker.join();
  ASSERT_EQ(unsent.size(), 1u);
  EXPECT_EQ(unsent[0].intent.tag.value, "C1");
  EXPECT_EQ(unsent[0].error_class, d::OrderFailure::unsent);
}

TEST(Dispatcher, AnUnknownPlaceIsLookedUpWhenItsRecheckIsDueOnTheInjectedClock) {
  DispatcherRun run;
  const d::FollowerOrderIntent place = intent(d::CopyAction::place, "P1");
  EXPECT_TRUE(run.dispatcher.keep_unknown(place, std::nullopt));
  EXPECT_FALSE(run.dispatcher.keep_unknown(place, std::nullopt));  // kept once
  run.now += 29s;
  run.dispatcher.look_up_unknown_places();
  EXPECT_EQ(run.dispatcher.in_flight(), 0);
  EXPECT_TRUE(run.run_broker().empty());
  EXPECT_TRUE(run.book().empty());

  run.now += 1s;
  run.dispatcher.look_up_unknown_places();
  EXPECT_EQ(run.dispatcher.in_flight(), 1);
  ASSERT_TRUE(run.dispatcher.unknown_place(place.tag)->looking);
  run.now += 60s;
  run.dispatcher.look_up_unknown_places();  // being looked up: not twice at once
  EXPECT_EQ(run.dispatcher.in_flight(), 1);
  std::vector<OutcomeFact> out = run.run_broker();
  ASSERT_EQ(out.size(), 1u);
  ASSERT_FALSE(out[0].acked.empty());  // absent at the broker: placed under its tag
  std::vector<brokers::BrokerOrder> book = run.book();
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book[0].tag, "P1");
}

}  // namespace
}  // namespace tandem::engine
