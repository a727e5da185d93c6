// Goal: a follower of several leaders holds, for each, that leader's share in a book of its
// own (docs/domain.md, "Many leaders"): one leader's moves decide only for its own followers,
// an exit by one reduces only its share, opposite sides net at the broker, every tag starts
// with its leader's code, and the account-wide limits count the account. Method: the pure
// core through CopySim, two leaders and one account following both.
#include <gtest/gtest.h>

#include <string>

#include "copy/loss_guard.h"
#include "copy/target.h"
#include "domain/copy/client_tag.h"
#include "tests/support/copy_sim.h"
#include "tests/support/two_leaders.h"

namespace tandem::domain {
namespace {

using testing::CopySim;
using testing::decisions_of;
using testing::kScalper;
using testing::kWriter;
using testing::order_of;
using testing::sim_option;
using testing::two_leaders;

int64_t share(const CopySim& sim, const std::string& account, const LeaderId& leader) {
  return sim.state().positions.net({{account}, leader}, sim_option().key, Product::intraday);
}

int64_t at_broker(const CopySim& sim, const std::string& account) {
  return sim.state().positions.account_net({account}, sim_option().key, Product::intraday);
}

TEST(ManyLeaders, AnExitByOneLeaderReducesOnlyItsShare) {
  CopySim sim = two_leaders();
  const auto by_scalper = decisions_of(sim.apply(order_of(kScalper, "1", Side::buy, 75)));
  ASSERT_EQ(by_scalper.size(), 2u);  // fam's share and solo's; nothing for the writer's
  for (const CopyDecision& d : by_scalper) EXPECT_NE(d.follower.value, "fam@writer");
  sim.apply(order_of(kWriter, "1", Side::buy, 150));
  EXPECT_EQ(share(sim, "fam", kScalper), 75);
  EXPECT_EQ(share(sim, "fam", kWriter), 300);
  EXPECT_EQ(at_broker(sim, "fam"), 375);

  sim.apply(order_of(kScalper, "2", Side::sell, 75));  // the scalper exits
  EXPECT_EQ(share(sim, "fam", kScalper), 0);
  EXPECT_EQ(share(sim, "fam", kWriter), 300) << "the writer's share is untouched";
  EXPECT_EQ(at_broker(sim, "fam"), 300);
  EXPECT_EQ(at_broker(sim, "solo"), 0);
}

TEST(ManyLeaders, OppositeSidesHoldTheNetAndEachShareOnTarget) {
  CopySim sim = two_leaders();
  sim.apply(order_of(kScalper, "1", Side::buy, 150));
  sim.apply(order_of(kWriter, "1", Side::sell, 75));  // the writer goes short
  EXPECT_EQ(share(sim, "fam", kScalper), 150);
  EXPECT_EQ(share(sim, "fam", kWriter), -150);
  EXPECT_EQ(at_broker(sim, "fam"), 0) << "the account holds the net";
  const CopyState& s = sim.state();
  for (const auto& [id, f] : s.followers) {
    const int64_t held = s.positions.net(book_of(f), sim_option().key, Product::intraday);
    EXPECT_EQ(held, target_of(s, f, sim_option().key, Product::intraday).units) << id.value;
  }
}

TEST(ManyLeaders, EveryTagStartsWithItsLeadersCode) {
  CopySim sim = two_leaders();
  sim.apply(order_of(kScalper, "1", Side::buy, 75));
  sim.apply(order_of(kWriter, "1", Side::buy, 75));
  sim.apply(order_of(kWriter, "2", Side::sell, 75));
  int intents = 0;
  for (const Event& e : sim.journal()) {
    const auto* intent = std::get_if<FollowerOrderIntent>(&e);
    if (intent == nullptr) continue;
    ++intents;
    const FollowerSettings& f = sim.state().followers.at(intent->follower);
    const char code = f.leader == kScalper ? 'S' : 'W';
    EXPECT_EQ(intent->tag.value.front(), code) << intent->tag.value;
    EXPECT_LE(intent->tag.value.size(), kMaxClientTagLength);
  }
  EXPECT_EQ(intents, 4);
}

TEST(ManyLeaders, TheDailyTradeLimitCountsTheAccount) {
  CopySim sim = two_leaders(/*max_daily_trades=*/1);
  sim.apply(order_of(kScalper, "1", Side::buy, 75));
  const auto by_writer = decisions_of(sim.apply(order_of(kWriter, "1", Side::buy, 75)));
  ASSERT_EQ(by_writer.size(), 1u);
  EXPECT_EQ(by_writer[0].action, CopyAction::skip);
  EXPECT_EQ(by_writer[0].skip_reason, SkipReason::daily_trade_limit)
      << "fam placed its one trade of the day for the scalper";
  EXPECT_EQ(share(sim, "fam", kWriter), 0);
}

TEST(ManyLeaders, FlatteningOneLeadersShareLeavesTheOther) {
  CopySim sim = two_leaders();
  sim.apply(order_of(kScalper, "1", Side::buy, 75));
  sim.apply(order_of(kWriter, "1", Side::buy, 75));
  sim.apply(FollowerFlattenRequested{{"fam@scalper"}, "ops", "r1"});
  EXPECT_EQ(share(sim, "fam", kScalper), 0);
  EXPECT_EQ(share(sim, "fam", kWriter), 150);
  // Held at zero while the scalper holds, as a flatten does; the writer's next buy copies.
  sim.apply(order_of(kWriter, "2", Side::buy, 75));
  EXPECT_EQ(share(sim, "fam", kWriter), 300);
  EXPECT_EQ(share(sim, "fam", kScalper), 0);
}

TEST(ManyLeaders, EachSharesPnLIsItsOwnBookAndTheSharesSumToTheAccount) {
  CopySim sim = two_leaders();
  const auto& s = sim.state();
  const FollowerSettings& scalper_share = s.followers.at(FollowerId{"fam@scalper"});
  const FollowerSettings& writer_share = s.followers.at(FollowerId{"fam@writer"});
  sim.apply(order_of(kScalper, "1", Side::buy, 75));   // fam's share: 75
  sim.apply(order_of(kWriter, "1", Side::sell, 150));  // fam's share: -300
  const int64_t up = 10'00;
  sim.apply(PriceSnapshot{{{sim_option().key, testing::kSimPricePaise + up}}});
  EXPECT_EQ(share_day_pnl_paise(s, scalper_share), 75 * up);
  EXPECT_EQ(share_day_pnl_paise(s, writer_share), -300 * up);
  EXPECT_EQ(day_pnl_paise(s, scalper_share), -225 * up) << "the account's, over both shares";
  EXPECT_EQ(day_pnl_paise(s, writer_share), -225 * up);

  // The scalper exits at the fill price: its share realises, the writer's stays open.
  sim.apply(order_of(kScalper, "2", Side::sell, 75));
  EXPECT_EQ(share_day_pnl_paise(s, scalper_share), 0);
  EXPECT_EQ(share_day_pnl_paise(s, writer_share), -300 * up);
  // A new day: each share counts from its own book's value then.
  sim.apply(TradingDayOpened{testing::kSimDay + 1});
  EXPECT_EQ(share_day_pnl_paise(s, writer_share), 0);
  sim.apply(PriceSnapshot{{{sim_option().key, testing::kSimPricePaise}}});
  EXPECT_EQ(share_day_pnl_paise(s, writer_share), 300 * up);
  EXPECT_EQ(share_day_pnl_paise(s, scalper_share), 0);
  EXPECT_EQ(day_pnl_paise(s, scalper_share), 300 * up);
  // One leader: a follower's share is its account.
  const FollowerSettings& solo = s.followers.at(FollowerId{"solo"});
  EXPECT_EQ(share_day_pnl_paise(s, solo), day_pnl_paise(s, solo));
}

// A fleet shard's updates carry the tap stream's sequence: the state keeps each leader's
// highest (what a message delivered again is compared with), never lowered by an older one.
TEST(ManyLeaders, EachLeadersHighestStreamSequenceIsKept) {
  CopySim sim = two_leaders();
  LeaderOrderUpdate a = order_of(kScalper, "1", Side::buy, 75);
  a.feed_seq = 7;
  sim.apply(a);
  LeaderOrderUpdate b = order_of(kWriter, "1", Side::buy, 75);
  b.feed_seq = 3;
  sim.apply(b);
  LeaderOrderUpdate older = order_of(kScalper, "2", Side::buy, 75);
  older.feed_seq = 5;
  sim.apply(older);
  sim.apply(order_of(kScalper, "3", Side::buy, 75));  // from the broker itself: no sequence
  EXPECT_EQ(sim.state().fed_seq, (std::map<LeaderId, uint64_t>{{kScalper, 7}, {kWriter, 3}}));
}

TEST(ManyLeaders, AFollowerIdNamesEachOfItsShares) {
  const CopySim sim = two_leaders();
  EXPECT_EQ(shares_named(sim.state(), FollowerId{"fam"}),
            (std::vector<FollowerId>{{"fam@scalper"}, {"fam@writer"}}));
  EXPECT_EQ(shares_named(sim.state(), FollowerId{"fam@writer"}),
            (std::vector<FollowerId>{{"fam@writer"}}));
  EXPECT_EQ(shares_named(sim.state(), FollowerId{"solo"}), (std::vector<FollowerId>{{"solo"}}));
  EXPECT_TRUE(shares_named(sim.state(), FollowerId{"fa"}).empty()) << "a prefix is not a name";
}

TEST(ManyLeaders, OneLeaderKeepsTheTagsItHadAlone) {
  // A journal from before many leaders names no leader: its tags have no code, and are those
  // the same order, follower and ordinal always had.
  EXPECT_EQ(client_tag({"L1"}, {"a"}, 1, "S").value.substr(1), client_tag({"L1"}, {"a"}, 1).value);
  CopySim sim;
  sim.setup({testing::sim_follower("a")});
  sim.apply(testing::leader_order("L1", sim_option(), Side::buy, 75, OrderStatus::complete, 75));
  const FollowerOrderIntent* intent = nullptr;
  for (const Event& e : sim.journal()) {
    if (intent == nullptr) intent = std::get_if<FollowerOrderIntent>(&e);
  }
  ASSERT_NE(intent, nullptr);
  EXPECT_EQ(intent->tag, client_tag({"L1"}, {"a"}, 1));
}

}  // namespace
}  // namespace tandem::domain
