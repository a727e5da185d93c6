// Goal (issue #6, shutdown): on SIGINT the live engine stops copying, waits for the follower
// orders it has in flight (within its bound), journals EngineStopped and exits 0; a second
// signal exits at once, leaving its orders in flight to the next start, which reconciles
// them by tag: each order at the broker once, each intent acknowledged once.
// Method: the real `tandem sim` and `tandem run` processes (tests/support/live_day.h); the
// follower's broker carries out its two order calls at once and answers each 3 s late, so an
// order is in flight when the signals come. The journal is read afterwards with its chain checked.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "journal/record_reader.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/live_day.h"

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

TEST(EngineShutdown, OneSignalWaitsForOrdersInFlightASecondExitsAtOnceAndRestartReconciles) {
  testing::TempDir dir;
  // Two leader orders, 10 s apart; the follower's broker answers each order call 3 s late.
  testing::LiveDay day(dir, {"10:00:00.000 price NSE:INFY 1500.00\n"
                             "10:00:02.000 place LEADER1 o1 BUY NSE:INFY 2 MARKET MIS\n"
                             "10:00:12.000 place LEADER1 o2 BUY NSE:INFY 3 MARKET MIS\n",
                             "stall_next_orders = 2\nstall_ms = 3000", ""});
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  const auto run = [&] {
    return std::make_unique<testing::Process>(TANDEM_BIN, day.run_args(), dir.path("run.out"),
                                              dir.path());
  };

  // One signal 1.5 s after o1's copy went out: the engine waits for its answer (~1.5 s more).
  auto first = run();
  std::this_thread::sleep_until(day.at(3500ms));
  const auto signalled = Clock::now();
  first->signal(SIGINT);
  ASSERT_EQ(first->wait(), 0) << testing::read_file(dir.path("run.out"));
  const double waited = seconds_since(signalled);
  EXPECT_GT(waited, 0.8) << "it did not wait for the order in flight";
  EXPECT_LT(waited, 6.0) << "it waited past its bound";

  // A second signal while o2's copy is in flight: out at once, nothing more journaled.
  auto second = run();
  std::this_thread::sleep_until(day.at(13500ms));
  second->signal(SIGINT);
  std::this_thread::sleep_for(200ms);
  const auto again = Clock::now();
  second->signal(SIGINT);
  EXPECT_EQ(second->wait(), 130);
  EXPECT_LT(seconds_since(again), 0.8) << "the second signal did not end it at once";

  // The next start finds o2's copy at the broker by its tag and journals the ack.
  auto third = run();
  std::this_thread::sleep_until(day.at(22000ms));
  third->signal(SIGINT);
  ASSERT_EQ(third->wait(), 0) << testing::read_file(dir.path("run.out"));
  const std::vector<brokers::BrokerOrder> book = day.follower_book();
  day.stop_sim();

  auto store = testing::open_store(dir.path("journal"), false, journal::OpenMode::read_only);
  ASSERT_TRUE(store);
  std::map<std::string, int> intents, acks;  // FOLLOW1's places, by tag
  std::vector<std::string> stops;
  const Status read = journal::read_records(*store, {}, [&](journal::Record&& r) {
    if (const auto* i = std::get_if<d::FollowerOrderIntent>(&r.event)) {
      if (i->follower.value == "f1") ++intents[i->tag.value];
    } else if (const auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) {
      if (a->follower.value == "f1") ++acks[a->tag.value];
    } else if (const auto* s = std::get_if<d::EngineStopped>(&r.event)) {
      // Between the two clean stops, every f1 intent so far is acknowledged.
      stops.push_back(s->reason);
      EXPECT_EQ(acks.size(), intents.size()) << "stopped with an order unanswered";
    }
    return true;
  });
  ASSERT_TRUE(read.ok()) << read.to_string();
  ASSERT_EQ(stops.size(), 2u);  // the first and third runs; the second left none
  EXPECT_EQ(stops[0], "stopped");
  ASSERT_EQ(intents.size(), 2u);
  for (const auto& [tag, n] : intents) {
    EXPECT_EQ(n, 1) << tag;
    EXPECT_EQ(acks[tag], 1) << "acknowledged " << acks[tag] << " times: " << tag;
  }
  std::map<std::string, int> at_broker;
  for (const auto& o : book) ++at_broker[o.tag];
  EXPECT_EQ(at_broker.size(), 2u);
  for (const auto& [tag, n] : at_broker) {
    EXPECT_EQ(n, 1) << "at the broker " << n << " times: " << tag;
    EXPECT_TRUE(intents.contains(tag)) << "at the broker without an intent: " << tag;
  }
}

}  // namespace
}  // namespace tandem::engine
