// Goal (DESIGN.md invariant 1, issue 26): an input synced without the decisions that follow
// it (the engine died in between) is named by replay --verify, not reported as a
// divergence, and the next start decides it again: exactly the decisions and intents an
// uninterrupted run journaled, with the same tags, after which the day replays exactly.
// A journal whose head closes a batch, or whose last input decided nothing, is left as it is.
// Method: days of the pure core (CopySim) written through the real store, with the last
// leader update's decisions cut off, then restored by restore_deciding_lost_outputs().
#include "engine/lost_outputs.h"

#include <gtest/gtest.h>

#include "journal/record_reader.h"
#include "replay/verify.h"
#include "tests/support/copy_sim.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
using testing::kSimDay;

TEST(LostOutputs, TheLastInputsDecisionsAreDecidedAgainExactlyAsJournaledBefore) {
  testing::TempDir dir;
  const std::vector<d::Event> whole = testing::two_follower_day();
  // The day as the engine had journaled it when it died: up to the last leader update, its
  // decisions cut off.
  size_t input = whole.size() - 1;
  while (!std::holds_alternative<d::LeaderOrderUpdate>(whole[input])) --input;
  size_t end = input + 1;
  while (end < whole.size() && d::decided_for(whole[end]) != nullptr) ++end;
  const std::vector<d::Event> cut(whole.begin(), whole.begin() + static_cast<long>(input) + 1);
  const std::vector<d::Event> day(whole.begin(), whole.begin() + static_cast<long>(end));
  const size_t lost = day.size() - cut.size();
  ASSERT_GE(lost, 4u) << "a decision and an intent per follower";
  auto store = testing::journal_of(dir.path("j"), cut, kSimDay);

  auto named = replay::verify_days(*store, kSimDay, kSimDay);
  ASSERT_TRUE(named.ok()) << named.status().to_string();
  EXPECT_FALSE(named->divergence) << named->divergence->what;
  EXPECT_EQ(named->undecided_head, cut.size());

  auto recovered = restore_deciding_lost_outputs(*store);
  ASSERT_TRUE(recovered.ok()) << recovered.status().to_string();
  EXPECT_EQ(recovered->decided_again, lost);
  EXPECT_EQ(recovered->restored.seq, day.size());
  ASSERT_EQ(store->head().seq, day.size());
  std::vector<d::Event> journaled;
  ASSERT_TRUE(journal::read_records(*store, {}, [&](journal::Record&& r) {
                journaled.push_back(std::move(r.event));
                return true;
              }).ok());
  EXPECT_EQ(journaled, day) << "the same decisions and intents, the same tags";

  auto replayed = replay::verify_days(*store, kSimDay, kSimDay);
  ASSERT_TRUE(replayed.ok());
  EXPECT_FALSE(replayed->divergence);
  EXPECT_EQ(replayed->undecided_head, 0u);

  // Nothing is missing any more: a second start appends nothing.
  auto again = restore_deciding_lost_outputs(*store);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->decided_again, 0u);
  EXPECT_EQ(store->head().seq, day.size());
}

TEST(LostOutputs, AJournalThatEndsOnAnInputThatDecidesNothingIsLeftAsItIs) {
  testing::TempDir dir;
  std::vector<d::Event> day = testing::two_follower_day();
  day.push_back(d::EngineStopped{"stopped"});
  auto store = testing::journal_of(dir.path("j"), day, kSimDay);
  auto recovered = restore_deciding_lost_outputs(*store);
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(recovered->decided_again, 0u);
  EXPECT_EQ(store->head().seq, day.size());
  EXPECT_EQ(recovered->restored.seq, day.size());
}

}  // namespace
}  // namespace tandem::engine
