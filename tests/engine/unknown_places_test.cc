// Goal: a place of unknown outcome is kept until something settles it, looked up once per
// interval and never twice at once, and kept again (not new) when a lookup leaves it unknown.
// Method: the class alone, on a hand-moved steady clock.
#include "engine/unknown_places.h"

#include <gtest/gtest.h>

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;

d::FollowerOrderIntent place(const std::string& tag) {
  d::FollowerOrderIntent i;
  i.tag = d::ClientTag{tag};
  i.follower = d::FollowerId{"F1"};
  i.action = d::CopyAction::place;
  return i;
}

TEST(UnknownPlaces, EachIsLookedUpOncePerIntervalUntilSettled) {
  UnknownPlaces places(30s);
  const UnknownPlaces::Time t0{};
  EXPECT_TRUE(places.keep(place("A"), std::nullopt, t0));
  EXPECT_TRUE(places.keep(place("B"), std::nullopt, t0 + 10s));
  EXPECT_TRUE(places.take_due(t0 + 29s).empty());
  auto due = places.take_due(t0 + 30s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].intent.tag.value, "A");
  EXPECT_TRUE(places.find(d::ClientTag{"A"})->looking);
  // Being looked up: not handed out again, however late it gets.
  due = places.take_due(t0 + 100s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].intent.tag.value, "B");
  // A's lookup came back unknown: kept again, not new, due one interval later.
  EXPECT_FALSE(places.keep(place("A"), std::nullopt, t0 + 101s));
  EXPECT_FALSE(places.find(d::ClientTag{"A"})->looking);
  EXPECT_TRUE(places.take_due(t0 + 130s).empty());
  EXPECT_EQ(places.take_due(t0 + 131s).size(), 1u);
  // Settled: gone, once.
  ASSERT_TRUE(places.settle(d::ClientTag{"B"}).has_value());
  EXPECT_FALSE(places.settle(d::ClientTag{"B"}).has_value());
  EXPECT_EQ(places.size(), 1u);
  EXPECT_EQ(places.find(d::ClientTag{"B"}), nullptr);
}

}  // namespace
}  // namespace tandem::engine
