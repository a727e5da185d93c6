// Goal: the operator feed shows what happened and never changes a view once published: a
// leader update's row lists each follower's decision, a follower's outcome lands on its row
// and its answers (a copied row, the published one untouched), the rows kept are bounded,
// and a view is due once per interval unless forced.
// Method: the class alone, on a hand-moved steady clock.
#include "engine/operator_feed.h"

#include <gtest/gtest.h>

#include <vector>

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;

d::LeaderOrderUpdate update(const std::string& id) {
  d::LeaderOrderUpdate u;
  u.order_id = d::LeaderOrderId{id};
  u.instrument = {d::Exchange::nse, "INFY"};
  u.quantity_units = 10;
  return u;
}

// A leader update's journaled batch: F1 copied (a decision, then its intent), F2 skipped.
std::vector<journal::AppendItem> batch(const std::string& tag) {
  d::CopyDecision copied;
  copied.follower = d::FollowerId{"F1"};
  copied.action = d::CopyAction::place;
  copied.quantity_units = 5;
  d::FollowerOrderIntent intent;
  intent.follower = d::FollowerId{"F1"};
  intent.action = d::CopyAction::place;
  intent.tag = d::ClientTag{tag};
  d::CopyDecision skipped;
  skipped.follower = d::FollowerId{"F2"};
  skipped.action = d::CopyAction::skip;
  skipped.skip_reason = d::SkipReason::follower_paused;
  return {{0, 0, copied}, {0, 0, intent}, {0, 0, skipped}};
}

std::shared_ptr<const OperatorView> publish(OperatorFeed& feed) {
  std::shared_ptr<OperatorView> view = feed.draft();
  view->followers.push_back(FollowerRow{});
  view->followers.back().id = "F1";
  feed.publish(std::move(view));
  return feed.view();
}

TEST(OperatorFeed, AnOutcomeLandsOnItsRowWithoutChangingAPublishedView) {
  OperatorFeed feed;
  feed.record_copies(update("L1"), batch("T1"));
  const std::shared_ptr<const OperatorView> before = publish(feed);
  ASSERT_EQ(before->copies.size(), 1u);
  ASSERT_EQ(before->copies[0]->followers.size(), 2u);
  EXPECT_EQ(before->copies[0]->followers[0].state, "sent");
  EXPECT_EQ(before->copies[0]->followers[0].quantity_units, 5);
  EXPECT_EQ(before->copies[0]->followers[1].state, "skipped");
  EXPECT_EQ(before->copies[0]->followers[1].skip_reason, "follower_paused");

  OutcomeFact acked;
  acked.intent.follower = d::FollowerId{"F1"};
  acked.intent.tag = d::ClientTag{"T1"};
  acked.acked = d::BrokerOrderId{"B1"};
  feed.record_outcome(acked, "kite", 3.5, 42);
  EXPECT_EQ(before->copies[0]->followers[0].state, "sent") << "a published row was changed";
  const std::shared_ptr<const OperatorView> after = publish(feed);
  EXPECT_EQ(after->version, before->version + 1);
  EXPECT_EQ(after->copies[0]->followers[0].state, "acked");
  EXPECT_EQ(after->copies[0]->followers[0].detail, "B1");
  EXPECT_EQ((after->counters.orders.at({"kite", "acked"})), 1);
  ASSERT_EQ(after->followers.size(), 1u);
  EXPECT_EQ(after->followers[0].last_answer, "acked B1");
  EXPECT_EQ(after->followers[0].acked_total, 1);
  EXPECT_DOUBLE_EQ(after->followers[0].latency_p50_ms, 3.5);
}

TEST(OperatorFeed, TheRowsKeptAreBoundedAndAViewIsDueOncePerInterval) {
  OperatorFeed feed;
  for (size_t i = 0; i < kRecentCopies + 5; ++i) {
    feed.record_copies(update("L" + std::to_string(i)), batch("T" + std::to_string(i)));
  }
  for (size_t i = 0; i < kRecentAlerts + 5; ++i) feed.record_alert({0, "operator", "x"});
  const std::shared_ptr<const OperatorView> view = publish(feed);
  ASSERT_EQ(view->copies.size(), kRecentCopies);
  EXPECT_EQ(view->copies.front()->leader_order_id, "L5");
  EXPECT_EQ(view->alerts.size(), kRecentAlerts);
  // An outcome for a row no longer kept changes no row.
  OutcomeFact old;
  old.intent.tag = d::ClientTag{"T0"};
  feed.record_outcome(old, "kite", -1, 0);

  const SteadyTime t0 = SteadyTime{} + 1h;
  EXPECT_TRUE(feed.due(t0, false));
  EXPECT_FALSE(feed.due(t0 + 199ms, false));
  EXPECT_TRUE(feed.due(t0 + 199ms, true));
  EXPECT_FALSE(feed.due(t0 + 300ms, false));
  EXPECT_TRUE(feed.due(t0 + 400ms, false));
}

}  // namespace
}  // namespace tandem::engine
