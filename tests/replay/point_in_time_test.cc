// Goal: `tandem state --at` shows exactly what was known at an instant — the fold of every
// record journaled at or before it, none after — and its follower view reports positions,
// counters, open copies and settings from that state.
// Method: a CopySim day journaled through the real store with one second between records;
// for every record's instant (and half a second after it) state_at must equal the fold of
// the records up to it; before the first record there is no state.
#include "replay/point_in_time.h"

#include <gtest/gtest.h>

#include "replay/state_view.h"
#include "tests/support/copy_sim.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::replay {
namespace {

namespace d = ::tandem::domain;
using testing::kSimDay;

constexpr d::TimeNs kStart = testing::kSimTenAm;
constexpr d::TimeNs kSecond = 1'000'000'000;

std::vector<d::Event> a_day() { return testing::two_follower_day(/*sold=*/75); }

TEST(PointInTime, EachInstantSeesExactlyTheRecordsJournaledByThen) {
  testing::TempDir dir;
  const auto events = a_day();
  auto store = testing::open_store(dir.path("j"));
  std::vector<journal::AppendItem> items;
  for (size_t i = 0; i < events.size(); ++i) {
    items.push_back(testing::item(events[i], kSimDay, kStart + static_cast<int64_t>(i) * kSecond));
  }
  ASSERT_TRUE(store->append(items).ok());

  EXPECT_EQ(state_at(*store, kStart - 1).status().code(), StatusCode::not_found);
  d::CopyState folded;
  for (size_t i = 0; i < events.size(); ++i) {
    folded = d::evolve(std::move(folded), events[i]);
    for (const d::TimeNs at : {kStart + static_cast<int64_t>(i) * kSecond,
                               kStart + static_cast<int64_t>(i) * kSecond + kSecond / 2}) {
      auto point = state_at(*store, at);
      ASSERT_TRUE(point.ok()) << point.status().to_string();
      EXPECT_EQ(point->seq, i + 1);
      EXPECT_EQ(point->recorded_at_ns, kStart + static_cast<int64_t>(i) * kSecond);
      EXPECT_TRUE(point->state == folded) << "at record " << i + 1;
    }
  }
}

TEST(PointInTime, TheFollowerViewReportsWhatTheStateHolds) {
  const auto events = a_day();
  d::CopyState state;
  for (const auto& e : events) state = d::evolve(std::move(state), e);
  const auto view = follower_state_json(state, d::FollowerId{"a"});
  EXPECT_EQ(view.at("follower").as_string(), "a");
  // a copies at twice the leader: bought 300, sold 150.
  const auto& positions = view.at("positions").as_array();
  ASSERT_EQ(positions.size(), 1u);
  EXPECT_EQ(positions[0].at("net_units").as_int64(), 150);
  EXPECT_EQ(positions[0].at("instrument").as_string(), "NFO:NIFTY26N2423500CE");
  EXPECT_EQ(view.at("today").at("orders_placed").as_int64(), 2);
  EXPECT_EQ(view.at("open_copies").as_array().size(), 0u);  // both filled
  EXPECT_EQ(view.at("settings").at("ratioPpm").as_string(), "2000000");
  EXPECT_FALSE(view.at("paused").as_bool());
  // Marked at the leader's fill (no ticker price journaled): no P&L; no guard set.
  EXPECT_EQ(view.at("day_pnl").at("paise").as_int64(), 0);
  EXPECT_TRUE(view.at("loss_guard").is_null());
  auto marked = d::evolve(state, d::PriceSnapshot{{{testing::sim_option().key, 90'00}}, 0});
  const auto after = follower_state_json(marked, d::FollowerId{"a"});
  EXPECT_EQ(after.at("day_pnl").at("paise").as_int64(), -150 * 10'00);  // 150 held, now at 90.00
}

}  // namespace
}  // namespace tandem::replay
