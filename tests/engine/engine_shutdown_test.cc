// Goal (issue #6, shutdown): on SIGINT the live engine stops copying, waits for the follower
// orders it has in flight (within its bound), journals EngineStopped and exits 0; a second
// signal exits at once, leaving its orders in flight to the next start, which reconciles
// them by tag: each order at the broker once, each intent acknowledged once.
// Method: the real `tandem sim` and `tandem run` processes (tests/support/live_day.h); the
// follower's broker carries out its two order calls at once and answers each 3 s late, so an
// order is in flight when the signals come. The journal is read afterwards with its chain checked.
#include <gtest/gtest.h>

#include <map>
#include <set>
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

// Goal (issue 23, a clean stop): a SIGINT while the follower's orders queue behind a slow
// broker leaves no follower order open that the leader cancelled, or journals each one it
// could not cancel as unsent, with an alert; entries still queued are not sent at all; and
// the next start cancels what the stop left. Method: the real processes; FOLLOW1's broker
// answers its first 20 order calls 3.5 s late (the engine keeps 4 of an account's orders at
// its broker at once, the rest queue). The leader places 12 limit buys (their copies are
// acknowledged by 11.6 s), cancels them all at 12.1 s, then places 3 limit sells (entries
// for f1) at 12.4 s; the signal comes at 12.8 s while 8 cancels and the sells queue, and
// the 5 s bound ends while the second 4 cancels are at the broker (until 19.1 s).
TEST(EngineShutdown, QueuedCancelsGoFirstEntriesAreNotSentAndTheRestIsJournaledAsUnsent) {
  testing::TempDir dir;
  std::string script = "10:00:00.000 price NSE:INFY 1500.00\n";
  for (int i = 1; i <= 12; ++i) {
    script += "10:00:01." + std::to_string(100 + i) + " place LEADER1 b" + std::to_string(i) +
              " BUY NSE:INFY 1 LIMIT MIS 1400.00\n";
  }
  for (int i = 1; i <= 12; ++i) {
    script +=
        "10:00:12." + std::to_string(100 + i) + " cancel LEADER1 b" + std::to_string(i) + "\n";
  }
  for (int i = 1; i <= 3; ++i) {
    script += "10:00:12." + std::to_string(400 + i) + " place LEADER1 s" + std::to_string(i) +
              " SELL NSE:INFY 1 LIMIT MIS 1600.00\n";
  }
  testing::LiveDay day(dir, {script, "stall_next_orders = 20\nstall_ms = 3500", ""});
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  const auto run = [&] {
    return std::make_unique<testing::Process>(TANDEM_BIN, day.run_args(), dir.path("run.out"),
                                              dir.path());
  };
  auto first = run();
  std::this_thread::sleep_until(day.at(12800ms));
  first->signal(SIGINT);
  ASSERT_EQ(first->wait(), 0) << testing::read_file(dir.path("run.out"));
  const std::vector<brokers::BrokerOrder> after_stop = day.follower_book();

  // What the stop journaled: f1's intents by tag, and those not sent.
  std::map<std::string, d::FollowerOrderIntent> intents;
  std::map<std::string, std::string> unsent;  // the unsent intent's tag → its action
  std::set<std::string> cancel_unsent;        // the placed tags whose cancel was not sent
  int alerts = 0;
  std::string stopped;
  {
    auto store = testing::open_store(dir.path("journal"), false, journal::OpenMode::read_only);
    ASSERT_TRUE(store);
    const Status read = journal::read_records(*store, {}, [&](journal::Record&& r) {
      if (const auto* i = std::get_if<d::FollowerOrderIntent>(&r.event)) {
        if (i->follower.value == "f1") intents[i->tag.value] = *i;
      } else if (const auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) {
        if (j->error_class != d::OrderFailure::unsent) return true;
        const d::FollowerOrderIntent& i = intents.at(j->tag.value);
        unsent[j->tag.value] = std::string(d::to_string(i.action));
        if (i.action == d::CopyAction::cancel) cancel_unsent.insert(i.target_tag.value);
      } else if (const auto* a = std::get_if<d::AlertRaised>(&r.event)) {
        if (a->kind == "orders_unsent") ++alerts;
      } else if (const auto* e = std::get_if<d::EngineStopped>(&r.event)) {
        stopped = e->reason;
      }
      return true;
    });
    ASSERT_TRUE(read.ok()) << read.to_string();
  }
  int entries_unsent = 0, cancels_unsent = 0, sells = 0;
  for (const auto& [tag, action] : unsent) (action == "place" ? entries_unsent : cancels_unsent)++;
  for (const auto& [tag, i] : intents) {
    if (i.action == d::CopyAction::place && i.order.side == d::Side::sell) ++sells;
  }
  EXPECT_EQ(sells, 3) << "the leader's sells were not decided";
  EXPECT_EQ(entries_unsent, 3) << "the queued entries were not all journaled as unsent";
  EXPECT_GT(cancels_unsent, 0) << "every cancel went within the bound: the test proves nothing";
  EXPECT_GE(alerts, 1) << "no orders_unsent alert";
  EXPECT_NE(stopped.find("not sent"), std::string::npos) << stopped;

  // At the broker: no sell copy (never sent); every buy copy cancelled, or its cancel
  // journaled as unsent.
  std::map<std::string, const brokers::BrokerOrder*> by_tag;
  for (const auto& o : after_stop) {
    EXPECT_FALSE(by_tag.contains(o.tag)) << "twice at the broker: " << o.tag;
    by_tag[o.tag] = &o;
  }
  int open_buys = 0;
  for (const auto& [tag, i] : intents) {
    if (i.action != d::CopyAction::place) continue;
    const auto at = by_tag.find(tag);
    if (i.order.side == d::Side::sell) {
      EXPECT_EQ(at, by_tag.end()) << "an entry was sent after the stop: " << tag;
      continue;
    }
    ASSERT_NE(at, by_tag.end()) << "a buy copy never reached the broker: " << tag;
    if (at->second->status == d::OrderStatus::cancelled) continue;
    ++open_buys;
    EXPECT_TRUE(cancel_unsent.contains(tag))
        << "open at the broker after the leader cancelled, and not journaled: " << tag;
  }
  EXPECT_GT(open_buys, 0);

  // The next start decides the unsent cancels again: every buy copy ends cancelled.
  auto second = run();
  std::this_thread::sleep_until(day.at(26000ms));
  second->signal(SIGINT);
  ASSERT_EQ(second->wait(), 0) << testing::read_file(dir.path("run.out"));
  const std::vector<brokers::BrokerOrder> after_restart = day.follower_book();
  day.stop_sim();
  int buys = 0;
  for (const auto& o : after_restart) {
    const auto i = intents.find(o.tag);
    ASSERT_NE(i, intents.end()) << "at the broker without an intent of the first run: " << o.tag;
    EXPECT_EQ(i->second.order.side, d::Side::buy) << "an unsent entry went out after all";
    ++buys;
    EXPECT_EQ(o.status, d::OrderStatus::cancelled) << o.tag << " still " << o.broker_status;
  }
  EXPECT_EQ(buys, 12);
}

// Goal (issue 23, throttling): an entry that waits behind its account's orders at the broker
// longer than max_queue_ms is dropped at its deadline, even while those orders hang (no
// outcome comes to move the queue), and is journaled as a queue_timeout with an alert.
// Method: 8 leader entries at once; the follower's broker holds its first 4 order calls for
// 5 s, so 4 copies are with it (max_at_broker) and 4 wait; max_queue_ms = 1000. The 4 that
// wait must be dropped before the first held call is answered, and never reach the broker.
TEST(EngineSendQueue, AnEntryQueuedPastMaxQueueIsDroppedAtItsDeadlineWhileTheOrdersAheadHang) {
  testing::TempDir dir;
  std::string script = "10:00:00.000 price NSE:INFY 1500.00\n";
  for (int i = 1; i <= 8; ++i) {
    script += "10:00:01." + std::to_string(100 + i) + " place LEADER1 b" + std::to_string(i) +
              " BUY NSE:INFY 1 LIMIT MIS 1400.00\n";
  }
  testing::LiveDay day(dir,
                       {script, "stall_next_orders = 4\nstall_ms = 5000", "max_queue_ms = 1000"});
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  testing::Process run(TANDEM_BIN, day.run_args(), dir.path("run.out"), dir.path());
  std::this_thread::sleep_until(day.at(9000ms));
  run.signal(SIGINT);
  ASSERT_EQ(run.wait(), 0) << testing::read_file(dir.path("run.out"));
  const std::vector<brokers::BrokerOrder> book = day.follower_book();
  day.stop_sim();

  std::set<std::string> dropped;
  uint64_t first_ack = 0, last_drop = 0;
  int alerts = 0;
  {
    auto store = testing::open_store(dir.path("journal"), false, journal::OpenMode::read_only);
    ASSERT_TRUE(store);
    const Status read = journal::read_records(*store, {}, [&](journal::Record&& r) {
      if (const auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) {
        if (j->follower.value == "f1" && j->error_class == d::OrderFailure::queue_timeout) {
          dropped.insert(j->tag.value);
          last_drop = r.seq;
        }
      } else if (const auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) {
        if (a->follower.value == "f1" && first_ack == 0) first_ack = r.seq;
      } else if (const auto* a = std::get_if<d::AlertRaised>(&r.event)) {
        if (a->kind == "orders_dropped") ++alerts;
      }
      return true;
    });
    ASSERT_TRUE(read.ok()) << read.to_string();
  }
  EXPECT_EQ(dropped.size(), 4u) << "the entries beyond max_at_broker were not all dropped";
  ASSERT_NE(first_ack, 0u) << "no held order was answered";
  EXPECT_LT(last_drop, first_ack)
      << "dropped only when a held order was answered, not at the entries' deadline";
  EXPECT_GE(alerts, 1) << "no orders_dropped alert";
  int at_broker = 0;
  for (const auto& o : book) {
    EXPECT_FALSE(dropped.contains(o.tag)) << "a dropped entry reached the broker: " << o.tag;
    ++at_broker;
  }
  EXPECT_EQ(at_broker, 4);
}

}  // namespace
}  // namespace tandem::engine
