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

// A shard's day: its own follower (on the paper account of that name, or on the Kite
// account `kite_account`), the leader's orders up to `orders`.
std::string shard(const testing::TempDir& dir, const std::string& follower, int orders,
                  const std::string& kite_account = "") {
  testing::CopySim sim;
  d::FollowerSettings settings = testing::sim_follower(follower);
  if (!kite_account.empty()) {
    settings.account = {kite_account};
    settings.broker = d::Broker::kite;
  }
  sim.setup({settings});
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

// One broker account followed by two shards (under two follower ids) would get every copy
// twice: named, and the fleet fails, though each shard alone is sound.
TEST(FleetVerify, AnAccountFollowedInTwoShardsIsNamed) {
  testing::TempDir dir;
  const std::string a = shard(dir, "a", 3, "a"), twin = shard(dir, "twin", 3, "a");
  const FleetReport report = verify_fleet({a, twin}, kSimDay, kSimDay);
  EXPECT_TRUE(report.same_leader_stream);
  EXPECT_TRUE(report.every_shard_replays);
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(report.shared_accounts.size(), 1u);
  EXPECT_NE(report.shared_accounts[0].find("kite:a is followed in " + a + " and " + twin),
            std::string::npos)
      << report.shared_accounts[0];
  EXPECT_EQ(report.shards[1].accounts, std::set<std::string>{"kite:a"});
  // Two paper accounts of one name are two accounts, each in its own shard's process.
  testing::TempDir other;
  const FleetReport paper =
      verify_fleet({shard(dir, "p", 3), shard(other, "p", 3)}, kSimDay, kSimDay);
  EXPECT_TRUE(paper.ok());
  EXPECT_TRUE(paper.shards[0].accounts.empty());
}

}  // namespace fleet_verify_test
}  // namespace tandem::fleet
