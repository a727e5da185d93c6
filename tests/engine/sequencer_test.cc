// Goal (issue 26, the engine by job; DESIGN.md invariant 1): the sequencer journals what the
// engine decides in the engine's order, through the real store on disk:
// - a day's inputs stepped through it read back from the journal exactly as the pure core
//   decided them, each record stamped with the engine clock's time and its trading day;
// - an input that decides orders is durable alone before its outputs are appended, with
//   what was staged before it, and what was staged meanwhile comes after its outputs;
// - a refused write is reported, counted, and every later write reports it too.
// Method: testing::two_follower_day() (the pure core's day, its trading day opened first) replayed
// input by input through a Sequencer on a RocksDB journal in a temp dir, then read back with
// journal::read_records.
#include "engine/sequencer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "copy/decide.h"
#include "journal/record_reader.h"
#include "tests/support/copy_sim.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
using testing::kSimDay;
using testing::kSimTenAm;

std::vector<journal::Record> journaled(const journal::Store& store) {
  std::vector<journal::Record> records;
  EXPECT_TRUE(journal::read_records(store, {}, [&](journal::Record&& r) {
                records.push_back(std::move(r));
                return true;
              }).ok());
  return records;
}

// The pure core's day with its trading day opened first, as the engine opens it (open_day)
// before it journals anything: the store refuses records of no day.
std::vector<d::Event> day_opened_first() {
  std::vector<d::Event> day = testing::two_follower_day();
  const auto opened = std::find_if(day.begin(), day.end(), [](const d::Event& e) {
    return std::holds_alternative<d::TradingDayOpened>(e);
  });
  std::rotate(day.begin(), opened, opened + 1);
  return day;
}

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<journal::Store> store = testing::open_store(dir.path("j"));
  d::TimeNs now = kSimTenAm;
  Sequencer sequencer{*store, [this] { return now; }, steady_now};
};

TEST(Sequencer, ADaysInputsReadBackFromTheJournalAsThePureCoreDecidedThem) {
  Fixture f;
  const std::vector<d::Event> day = day_opened_first();
  size_t orders = 0;
  for (const d::Event& e : day) {
    if (d::decided_for(e) != nullptr) continue;  // an output: step() decides it again
    f.now += 1'000'000;
    std::vector<d::Event> outputs = f.sequencer.step(e);
    if (d::decides_orders(outputs)) {
      ++orders;
      f.sequencer.begin_input(e);
      ASSERT_TRUE(f.sequencer.end_input().ok());
      ASSERT_TRUE(f.sequencer.append_outputs(std::move(outputs)).ok());
    } else {
      outputs.insert(outputs.begin(), e);
      f.sequencer.stage(std::move(outputs));
      ASSERT_TRUE(f.sequencer.flush().ok());
    }
  }
  ASSERT_GE(orders, 2u) << "the day copies orders";

  const std::vector<journal::Record> records = journaled(*f.store);
  ASSERT_EQ(records.size(), day.size());
  d::TimeNs last_at = 0;
  for (size_t i = 0; i < day.size(); ++i) {
    EXPECT_EQ(records[i].event, day[i]) << "record " << i + 1;
    EXPECT_EQ(records[i].trading_day, kSimDay) << "record " << i + 1;
    EXPECT_GE(records[i].recorded_at_ns, last_at) << "the engine clock's time, in order";
    last_at = records[i].recorded_at_ns;
  }
  EXPECT_GT(last_at, kSimTenAm);
  EXPECT_EQ(f.sequencer.counts().records, static_cast<int64_t>(day.size()));
  EXPECT_FALSE(f.sequencer.counts().failed);
  EXPECT_EQ(f.sequencer.state().day, kSimDay);
}

TEST(Sequencer, AnInputIsDurableWithWhatCameBeforeItAndWhatCameMeanwhileFollowsItsOutputs) {
  Fixture f;
  const std::vector<d::Event> day = day_opened_first();
  // The day up to its first input that decides orders, journaled as the engine would.
  size_t i = 0;
  std::vector<d::Event> outputs;
  for (; i < day.size(); ++i) {
    if (d::decided_for(day[i]) != nullptr) continue;
    outputs = f.sequencer.step(day[i]);
    if (d::decides_orders(outputs)) break;
    outputs.insert(outputs.begin(), day[i]);
    f.sequencer.stage(std::move(outputs));
  }
  ASSERT_LT(i, day.size()) << "no input of the day decides orders";
  const d::Event input = day[i];
  const d::Event before = d::AlertRaised{"operator", "operator", "staged before the input"};
  const d::Event meanwhile = d::AlertRaised{"operator", "operator", "raised while it synced"};
  f.sequencer.stage({before});
  const uint64_t head_before = f.store->head().seq;
  EXPECT_EQ(head_before, 0u) << "staged, not written";

  f.sequencer.begin_input(input);
  f.sequencer.stage({meanwhile});
  auto synced = f.sequencer.end_input();
  ASSERT_TRUE(synced.ok()) << synced.status().to_string();
  std::vector<journal::Record> records = journaled(*f.store);
  ASSERT_GE(records.size(), 2u);
  EXPECT_EQ(records[records.size() - 2].event, before);
  EXPECT_EQ(records.back().event, input) << "the input is the head when its orders leave";
  const size_t input_seq = records.size();

  const size_t outputs_count = outputs.size();
  std::vector<journal::AppendItem> written;
  ASSERT_TRUE(f.sequencer.append_outputs(std::move(outputs), &written).ok());
  EXPECT_EQ(written.size(), outputs_count);
  records = journaled(*f.store);
  ASSERT_EQ(records.size(), input_seq + outputs_count) << "the meanwhile alert is still staged";
  for (size_t k = input_seq; k < records.size(); ++k) {
    EXPECT_NE(d::decided_for(records[k].event), nullptr) << "an output follows its input";
  }
  ASSERT_TRUE(f.sequencer.flush().ok());
  records = journaled(*f.store);
  ASSERT_EQ(records.size(), input_seq + outputs_count + 1);
  EXPECT_EQ(records.back().event, meanwhile);
}

TEST(Sequencer, ARefusedWriteIsCountedAndEveryLaterWriteReportsIt) {
  Fixture f;
  // Refused by the store: no trading day is open, so the records would carry day 0.
  f.sequencer.stage({d::EngineStopped{"refused"}});
  const Status refused = f.sequencer.flush();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("trading day"), std::string::npos) << refused.message();
  EXPECT_TRUE(f.sequencer.counts().failed);
  EXPECT_EQ(f.sequencer.counts().batches, 1);

  f.sequencer.stage({d::EngineStopped{"again"}});
  EXPECT_EQ(f.sequencer.flush().message(), refused.message());
  f.sequencer.begin_input(d::FundsSnapshot{{"leader"}, 1});
  auto input = f.sequencer.end_input();
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.status().message(), refused.message());
  EXPECT_EQ(f.sequencer.counts().batches, 1) << "the store was not asked again";
  EXPECT_EQ(f.store->head().seq, 0u);
}

}  // namespace
}  // namespace tandem::engine
