// Goal (issue 28): `tandem fleet verify` passes shards whose journals hold the same leader
// updates in the same order, whatever followers each has, and names the one that differs, or
// cannot be read.
// Method: days of the pure core (CopySim) journaled through the real store, one per shard.
#include "fleet/fleet_verify.h"

#include <gtest/gtest.h>

#include "tests/support/copy_sim.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::fleet {
namespace fleet_verify_test {

namespace d = ::tandem::domain;
using testing::kSimDay;

// A shard's day: its own follower, the leader's orders up to `orders`.
std::string shard(const testing::TempDir& dir, const std::string& follower, int orders) {
  testing::CopySim sim;
  sim.setup({testing::sim_follower(follower)});
  const auto option = testing::sim_option();
  for (int n = 1; n <= orders; ++n) {
    sim.apply(testing::leader_order("L" + std::to_string(n), option,
                                    n % 2 ? d::Side::buy : d::Side::sell, 75,
                                    d::OrderStatus::complete, 75));
  }
  const std::string path = dir.path(follower);
  auto store = testing::open_store(path);
  std::vector<journal::AppendItem> items;
  for (const auto& e : sim.journal()) items.push_back(testing::item(e, kSimDay));
  EXPECT_TRUE(store->append(items).ok());
  return path;
}

TEST(FleetVerify, ShardsOfOneLeaderStreamPassAndOneThatDiffersIsNamed) {
  testing::TempDir dir;
  const std::string a = shard(dir, "a", 3), b = shard(dir, "b", 3), c = shard(dir, "c", 2);
  const FleetReport same = verify_fleet({a, b}, kSimDay, kSimDay);
  EXPECT_TRUE(same.ok());
  ASSERT_EQ(same.shards.size(), 2u);
  EXPECT_EQ(same.shards[0].leader_updates, 3u);
  EXPECT_EQ(same.shards[0].leader_stream_sha256, same.shards[1].leader_stream_sha256);
  EXPECT_EQ(same.shards[0].leader_stream_sha256.size(), 64u);
  EXPECT_GT(same.shards[1].replay->outputs, 0u);

  const FleetReport differ = verify_fleet({a, b, c}, kSimDay, kSimDay);
  EXPECT_FALSE(differ.same_leader_stream);
  EXPECT_TRUE(differ.every_shard_replays);
  EXPECT_NE(differ.shards[2].leader_stream_sha256, differ.shards[0].leader_stream_sha256);

  const FleetReport missing = verify_fleet({a, dir.path("nowhere")}, kSimDay, kSimDay);
  EXPECT_FALSE(missing.ok());
  EXPECT_FALSE(missing.shards[1].opened.ok());
  EXPECT_FALSE(verify_fleet({}, kSimDay, kSimDay).ok()) << "no shard is no proof";
}

}  // namespace fleet_verify_test
}  // namespace tandem::fleet
