// Goal (issue 26, the engine by job): the loss guard's marks come in as the price watch says:
// - however many ticks arrive, one PricesFact waits in the inbox until the engine takes them;
// - a price already journaled as the mark is not journaled again; one that moved and came
//   back is no longer pending;
// - a snapshot of what is pending is due at most once per interval of the engine clock,
//   stamped with that clock's time, sorted by instrument.
// Method: a PriceWatch with the engine's inbox, ticks handed in as the leader's thread would,
// a CopyState holding the journaled marks, times given by hand.
#include "engine/price_watch.h"

#include <gtest/gtest.h>

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;

const d::InstrumentKey kInfy{d::Exchange::nse, "INFY"};
const d::InstrumentKey kTcs{d::Exchange::nse, "TCS"};
constexpr d::TimeNs kSecond = 1'000'000'000;
constexpr d::TimeNs kTen = 1'795'149'000'000'000'000;

size_t facts_waiting(Inbox<Fact>& inbox) {
  size_t n = 0;
  while (auto fact = inbox.try_pop()) {
    EXPECT_TRUE(std::holds_alternative<PricesFact>(*fact));
    ++n;
  }
  return n;
}

TEST(PriceWatch, ManyTicksWaitAsOneFactUntilTaken) {
  auto inbox = std::make_shared<Inbox<Fact>>(16);
  PriceWatch watch(kSecond, inbox);
  watch.ticked({{kInfy, 1500'00}});
  watch.ticked({{kInfy, 1501'00}, {kTcs, 3200'00}});
  watch.ticked({{kInfy, 1502'00}});
  EXPECT_EQ(facts_waiting(*inbox), 1u);
  d::CopyState state;
  watch.take(state);
  watch.ticked({{kTcs, 3201'00}});
  EXPECT_EQ(facts_waiting(*inbox), 1u) << "taken: the next tick signals again";
  watch.take(state);
  const auto snapshot = watch.due(kTen);
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->prices, (std::vector<d::InstrumentPrice>{{kInfy, 1502'00}, {kTcs, 3201'00}}))
      << "the latest of each, sorted";
}

TEST(PriceWatch, APriceTheJournalHasIsNotPending) {
  auto inbox = std::make_shared<Inbox<Fact>>(16);
  PriceWatch watch(kSecond, inbox);
  d::CopyState state;
  state.marks_paise[kInfy] = 1500'00;
  watch.ticked({{kInfy, 1500'00}});
  watch.take(state);
  EXPECT_FALSE(watch.due(kTen)) << "the mark already";
  watch.ticked({{kInfy, 1499'00}});
  watch.take(state);
  watch.ticked({{kInfy, 1500'00}});
  watch.take(state);
  EXPECT_FALSE(watch.due(kTen)) << "moved and came back before its snapshot";
  watch.ticked({{kInfy, 1498'00}});
  watch.take(state);
  const auto snapshot = watch.due(kTen);
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->prices, (std::vector<d::InstrumentPrice>{{kInfy, 1498'00}}));
}

TEST(PriceWatch, ASnapshotIsDueAtMostOncePerIntervalOfTheEngineClock) {
  auto inbox = std::make_shared<Inbox<Fact>>(16);
  PriceWatch watch(kSecond, inbox);
  d::CopyState state;
  EXPECT_FALSE(watch.due(kTen)) << "nothing pending";
  watch.ticked({{kInfy, 1500'00}});
  watch.take(state);
  auto first = watch.due(kTen);
  ASSERT_TRUE(first) << "the first is due at once";
  EXPECT_EQ(first->received_time_ns, kTen);
  EXPECT_FALSE(watch.due(kTen + kSecond)) << "nothing pending since";

  watch.ticked({{kInfy, 1501'00}});
  watch.take(state);
  EXPECT_FALSE(watch.due(kTen + kSecond - 1)) << "within the interval";
  EXPECT_FALSE(watch.due(kTen + kSecond / 2)) << "still pending, not lost";
  auto second = watch.due(kTen + kSecond);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->received_time_ns, kTen + kSecond);
  EXPECT_EQ(second->prices, (std::vector<d::InstrumentPrice>{{kInfy, 1501'00}}));
}

}  // namespace
}  // namespace tandem::engine
