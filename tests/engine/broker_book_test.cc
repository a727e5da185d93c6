// Goal (issue 23, "the broker's book is the last word"): a journal that knows less than the
// broker — here restored from a backup taken mid-day, after which more orders went out — is
// not a licence to place them again. On restart the engine reads the follower's order book,
// reports the orders it does not hold as orphans (a journaled alert), decides the leader's
// book of the day again (the lost copies under their own tags, found at the broker by tag
// instead of placed a second time), and journals what is left as found (FollowerOrderFound),
// its fills counted: the follower ends holding what the broker says, once.
// Method: the real `tandem sim` and `tandem run` processes (tests/support/live_day.h). The
// engine runs, is stopped, its journal copied; it runs again while the leader trades on; it is
// stopped, the copy put back, and it is started a third time. The simulator's book (read over
// HTTPS) and the journal are compared afterwards. (The simulator, like Kite, accepts a tag it
// already has: a second send would show as a second order under the tag.)
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "copy/copy_state.h"
#include "domain/copy/client_tag.h"
#include "journal/record_reader.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/live_day.h"

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(BrokerBook, AJournalRestoredFromABackupPlacesNothingTwiceAndReportsTheOrphans) {
  testing::TempDir dir;
  std::string script = "10:00:00.000 price NSE:INFY 1500.00\n";
  for (int i = 0; i < 8; ++i) {
    script += "10:00:0" + std::to_string(i + 1) + ".000 place LEADER1 o" + std::to_string(i) +
              (i % 3 == 2 ? " SELL" : " BUY") + " NSE:INFY " + std::to_string(1 + i) +
              " MARKET MIS\n";
  }
  testing::LiveDay day(dir, {script, "", ""});
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  const auto run = [&] {
    return std::make_unique<testing::Process>(TANDEM_BIN, day.run_args(), dir.path("run.out"),
                                              dir.path());
  };
  const fs::path journal = dir.path("journal"), backup = dir.path("journal.bak");

  // Orders o0..o2 are copied; then the engine stops and its journal is backed up.
  auto first = run();
  std::this_thread::sleep_until(day.at(3500ms));
  first->signal(SIGINT);
  ASSERT_EQ(first->wait(), 0) << testing::read_file(dir.path("run.out"));
  fs::copy(journal, backup, fs::copy_options::recursive);

  // o3..o7 are copied by a second run, whose records the backup does not hold.
  auto second = run();
  ASSERT_TRUE(testing::wait_for_text(dir.path("sim.out"), "script done", 30s));
  std::this_thread::sleep_for(2s);
  second->signal(SIGINT);
  ASSERT_EQ(second->wait(), 0) << testing::read_file(dir.path("run.out"));
  const size_t copied = day.follower_book().size();

  // The backup is put back, and the engine starts on it.
  fs::remove_all(journal);
  fs::rename(backup, journal);
  auto third = run();
  ASSERT_TRUE(testing::wait_for_text(dir.path("run.out"), "event=engine_started", 30s, 3));
  std::this_thread::sleep_for(4s);
  third->signal(SIGINT);
  ASSERT_EQ(third->wait(), 0) << testing::read_file(dir.path("run.out"));

  const std::vector<brokers::BrokerOrder> book = day.follower_book();
  day.stop_sim();
  // Every copy was at the broker before the restart: nothing more is placed.
  EXPECT_EQ(book.size(), copied) << "orders placed again after the restart";
  std::map<std::string, int> at_broker;
  for (const auto& o : book) ++at_broker[o.tag];
  for (const auto& [tag, n] : at_broker) EXPECT_EQ(n, 1) << "tag sent twice: " << tag;

  auto store = testing::open_store(journal.string(), false, journal::OpenMode::read_only);
  ASSERT_TRUE(store);
  std::map<std::string, std::string> acked;  // tag → broker order id
  std::set<std::string> rejected;
  std::string orphan_alert;
  std::map<std::string, d::FollowerOrderFound> found;  // by tag
  d::CopyState state;                                  // the journal's fold
  const Status read = journal::read_records(*store, {}, [&](journal::Record&& r) {
    d::apply(state, r.event);
    if (auto* f = std::get_if<d::FollowerOrderFound>(&r.event)) found[f->tag.value] = *f;
    if (auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) {
      acked[a->tag.value] = a->broker_order_id.value;
    }
    if (auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) rejected.insert(j->tag.value);
    if (auto* a = std::get_if<d::AlertRaised>(&r.event); a && a->kind == "orphan_orders") {
      orphan_alert = a->text;
    }
    return true;
  });
  ASSERT_TRUE(read.ok()) << read.to_string();
  EXPECT_NE(orphan_alert.find("f1: "), std::string::npos)
      << "the orders the backup does not hold were not reported";
  int64_t held = 0;  // the follower's INFY position, by the broker's book
  size_t orphans_known = 0;
  for (const auto& o : book) {
    EXPECT_FALSE(rejected.contains(o.tag)) << "sent again, and refused by its tag: " << o.tag;
    held += o.side == d::Side::buy ? o.filled_units : -o.filled_units;
    // Each order is the journal's: acknowledged with the broker's own order (a copy decided
    // again and found by its tag), or journaled as found at the broker.
    const auto f = found.find(o.tag);
    if (f == found.end()) {
      EXPECT_EQ(acked[o.tag], o.order_id.value) << o.tag;
      orphans_known += orphan_alert.find(o.tag) != std::string::npos;
      continue;
    }
    EXPECT_EQ(f->second.broker_order_id, o.order_id);
    EXPECT_EQ(f->second.filled_units, o.filled_units);
    orphans_known += orphan_alert.find(o.tag) != std::string::npos;
  }
  EXPECT_GE(orphans_known, 3u) << "the orders the backup lost were not reported and taken in";
  EXPECT_GT(book.size(), 4u);
  // The journal's position is the broker's.
  const d::InstrumentKey infy{d::Exchange::nse, "INFY"};
  EXPECT_EQ(state.positions.account_net(d::AccountId{"FOLLOW1"}, infy, d::Product::intraday), held);
}

// Goal (issue 24): a second order at a follower's broker under one of Tandem's tags (the tag
// reused by hand or by another program; Kite accepts it) is neither merged into the first
// order nor missed: it is journaled as found under a key of its own, with a duplicate_order
// alert; its fills count in the follower's position, and the follower is brought back to its
// target. A restart reads it in the broker's book and records nothing new.
// Method: real `tandem sim` and `tandem run`. The leader buys 5 INFY (f1 copies at ratio 2:
// 10). Once the copy is at the broker, the test places BUY 10 at market under the copy's tag,
// as FOLLOW1. The engine runs on, is stopped, and is started once more. The broker's book and
// the journal are read afterwards.
TEST(BrokerBook, ASecondOrderUnderOurTagCountsOnItsOwnAndTheFollowerIsBroughtBack) {
  testing::TempDir dir;
  testing::LiveDay day(dir, {"10:00:00.000 price NSE:INFY 1500.00\n"
                             "10:00:01.000 place LEADER1 a BUY NSE:INFY 5 MARKET MIS\n",
                             "", ""});
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  const auto run = [&] {
    return std::make_unique<testing::Process>(TANDEM_BIN, day.run_args(), dir.path("run.out"),
                                              dir.path());
  };
  auto first = run();
  std::string tag;
  for (int i = 0; i < 100 && tag.empty(); ++i) {
    for (const auto& o : day.follower_book()) {
      if (!o.tag.empty() && o.filled_units == 10) tag = o.tag;
    }
    if (tag.empty()) std::this_thread::sleep_for(200ms);
  }
  ASSERT_FALSE(tag.empty()) << "the copy never filled: " << testing::read_file(dir.path("run.out"));
  d::OrderTerms again;
  again.instrument = {d::Exchange::nse, "INFY"};
  again.order_type = d::OrderType::market;
  again.quantity_units = 10;
  auto second = day.place(again, d::ClientTag{tag});
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  std::this_thread::sleep_for(4s);
  first->signal(SIGINT);
  ASSERT_EQ(first->wait(), 0) << testing::read_file(dir.path("run.out"));
  const size_t orders_before_restart = day.follower_book().size();
  auto restarted = run();
  ASSERT_TRUE(testing::wait_for_text(dir.path("run.out"), "event=engine_started", 30s, 2));
  std::this_thread::sleep_for(3s);
  restarted->signal(SIGINT);
  ASSERT_EQ(restarted->wait(), 0) << testing::read_file(dir.path("run.out"));

  const std::vector<brokers::BrokerOrder> book = day.follower_book();
  day.stop_sim();
  EXPECT_EQ(book.size(), orders_before_restart) << "the restart placed something";
  int64_t held = 0;  // by the broker's book
  for (const auto& o : book) held += o.side == d::Side::buy ? o.filled_units : -o.filled_units;
  EXPECT_EQ(held, 10) << "the follower holds what the leader's 5 at ratio 2 make";

  auto store = testing::open_store(dir.path("journal"), false, journal::OpenMode::read_only);
  ASSERT_TRUE(store);
  std::vector<d::FollowerOrderFound> found;
  std::string alert;
  d::CopyState state;
  const Status read = journal::read_records(*store, {}, [&](journal::Record&& r) {
    d::apply(state, r.event);
    if (auto* f = std::get_if<d::FollowerOrderFound>(&r.event)) found.push_back(*f);
    if (auto* a = std::get_if<d::AlertRaised>(&r.event); a && a->kind == "duplicate_order") {
      alert = a->text;
    }
    return true;
  });
  ASSERT_TRUE(read.ok()) << read.to_string();
  ASSERT_EQ(found.size(), 1u) << "found once, and not again at the restart";
  EXPECT_EQ(found[0].broker_order_id, second->order_id);
  EXPECT_EQ(found[0].tag, d::second_order_tag(d::ClientTag{tag}, second->order_id));
  EXPECT_EQ(found[0].filled_units, 10);
  EXPECT_NE(alert.find(second->order_id.value), std::string::npos) << alert;
  const d::InstrumentKey infy{d::Exchange::nse, "INFY"};
  EXPECT_EQ(state.positions.account_net(d::AccountId{"FOLLOW1"}, infy, d::Product::intraday), held)
      << "the journal's position is the broker's";
}

// Goal (issue 24): a leader's terminal that reuses a tag (Kite accepts it) gets every order
// copied: the engine follows the leader's orders by order id, never by tag.
// Method: real `tandem sim` and `tandem run`; the test places BUY 3 and BUY 4 at market as
// LEADER1, both under the tag "mine". FOLLOW1 (ratio 2) must hold 14 by the broker's book.
TEST(BrokerBook, ALeaderTagUsedTwiceCopiesBothOrders) {
  testing::TempDir dir;
  testing::LiveDay day(dir, {"10:00:00.000 price NSE:INFY 1500.00\n", "", ""});
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  testing::Process engine(TANDEM_BIN, day.run_args(), dir.path("run.out"), dir.path());
  ASSERT_TRUE(testing::wait_for_text(dir.path("run.out"), "event=engine_started", 30s));
  std::this_thread::sleep_for(1s);
  d::OrderTerms buy;
  buy.instrument = {d::Exchange::nse, "INFY"};
  buy.order_type = d::OrderType::market;
  for (int64_t units : {3, 4}) {
    buy.quantity_units = units;
    auto placed = day.place(buy, d::ClientTag{"mine"}, true);
    ASSERT_TRUE(placed.ok()) << placed.status().to_string();
  }
  int64_t held = 0;
  for (int i = 0; i < 50 && held != 14; ++i) {
    std::this_thread::sleep_for(200ms);
    held = 0;
    for (const auto& o : day.follower_book()) {
      held += o.side == d::Side::buy ? o.filled_units : -o.filled_units;
    }
  }
  engine.signal(SIGINT);
  EXPECT_EQ(engine.wait(), 0) << testing::read_file(dir.path("run.out"));
  EXPECT_EQ(held, 14) << "both leader orders under one tag, copied at ratio 2";
}

}  // namespace
}  // namespace tandem::engine
