// Goal: replay on a journal the engine recorded (the golden tape, a demo morning over the
// simulator) reproduces every decision, and a decision edited by hand in a copy of that
// journal — re-chained, so the hash chain alone cannot catch it — is caught at its sequence;
// the backtest with the recorded settings reproduces every recorded decision too.
// Method: the tape imported into a real store; the edited copy written record by record.
#include <gtest/gtest.h>

#include <fstream>

#include "journal/dump_import.h"
#include "journal/record_reader.h"
#include "replay/backtest.h"
#include "replay/verify.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::replay {
namespace {

namespace d = ::tandem::domain;
constexpr d::TradingDay kTapeDay = 20261120;

std::unique_ptr<journal::Store> import_tape(const std::string& dir) {
  std::ifstream tape(std::string(TANDEM_SOURCE_DIR) + "/tests/data/tapes/demo-morning.jsonl");
  EXPECT_TRUE(tape.good());
  auto store = testing::open_store(dir);
  auto imported = journal::import_dump(tape, *store);
  EXPECT_TRUE(imported.ok()) << imported.status().to_string();
  return store;
}

TEST(Tape, TheEngineRecordedDayReplaysAndAHandEditedDecisionIsCaughtAtItsSequence) {
  testing::TempDir dir;
  auto tape = import_tape(dir.path("tape"));
  auto faithful = verify_days(*tape, kTapeDay, kTapeDay);
  ASSERT_TRUE(faithful.ok()) << faithful.status().to_string();
  EXPECT_FALSE(faithful->divergence);
  EXPECT_GT(faithful->outputs, 400u);

  // A copy with the 50th placed quantity changed, written with a fresh, valid chain.
  std::vector<journal::AppendItem> items;
  uint64_t edited_seq = 0;
  int places = 0;
  ASSERT_TRUE(journal::read_records(*tape, {}, [&](journal::Record&& r) {
                if (auto* c = std::get_if<d::CopyDecision>(&r.event);
                    c != nullptr && c->action == d::CopyAction::place && ++places == 50) {
                  c->quantity_units *= 2;
                  edited_seq = r.seq;
                }
                items.push_back({r.recorded_at_ns, r.trading_day, std::move(r.event)});
                return true;
              }).ok());
  ASSERT_GT(edited_seq, 0u);
  auto edited = testing::open_store(dir.path("edited"));
  ASSERT_TRUE(edited->append(items).ok());
  auto caught = verify_days(*edited, kTapeDay, kTapeDay);
  ASSERT_TRUE(caught.ok());
  ASSERT_TRUE(caught->divergence);
  EXPECT_EQ(caught->divergence->seq, edited_seq);
  EXPECT_EQ(caught->divergence->fields, std::vector<std::string>{"quantityUnits"});
}

TEST(Tape, ABacktestWithTheRecordedSettingsReproducesEveryRecordedDecision) {
  testing::TempDir dir;
  auto tape = import_tape(dir.path("tape"));
  BacktestRequest request;
  request.from = request.to = kTapeDay;
  ASSERT_TRUE(journal::read_records(*tape, {}, [&](journal::Record&& r) {
                if (const auto* f = std::get_if<d::FollowerConfigured>(&r.event)) {
                  request.followers.push_back({f->settings, 0, 0});
                }
                return true;
              }).ok());
  ASSERT_EQ(request.followers.size(), 5u);
  auto report = backtest(*tape, request);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  for (const auto& f : report->followers) {
    SCOPED_TRACE(f.follower);
    EXPECT_GT(f.decisions_equal, 40);
    EXPECT_EQ(f.decisions_different, 0);
    EXPECT_EQ(f.simulated, f.actual);
  }
}

}  // namespace
}  // namespace tandem::replay
