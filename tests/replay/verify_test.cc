// Goal (DESIGN.md invariant 3): replay reproduces every recorded decision of a faithful
// journal, and reports the first difference — with its sequence and the fields that differ —
// when the core would now decide otherwise (a decision recorded with another quantity, a
// decision missing, one too many). The per-follower digest is the same for equal journals
// and differs when a follower's decisions do.
// Method: journals written through the real store from the pure core's own outputs
// (CopySim), once faithfully and once with one decision altered.
#include "replay/verify.h"

#include <gtest/gtest.h>

#include "tests/support/copy_sim.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::replay::verify_test {
namespace {

namespace d = ::tandem::domain;
using testing::kSimDay;

// A day: two followers, a leader buy then sell, as the engine would journal them.
std::vector<d::Event> a_day() { return testing::two_follower_day(); }

std::unique_ptr<journal::Store> write(const std::string& dir, const std::vector<d::Event>& events) {
  return testing::journal_of(dir, events, kSimDay);
}

TEST(ReplayVerify, AFaithfulJournalReplaysExactlyWithStableDigests) {
  testing::TempDir dir;
  const auto events = a_day();
  auto one = write(dir.path("one"), events);
  auto two = write(dir.path("two"), events);
  auto r1 = verify_days(*one, kSimDay, kSimDay);
  auto r2 = verify_days(*two, kSimDay, kSimDay);
  ASSERT_TRUE(r1.ok()) << r1.status().to_string();
  EXPECT_FALSE(r1->divergence) << r1->divergence->what;
  EXPECT_EQ(r1->inputs, 2u);
  EXPECT_GT(r1->outputs, 4u);
  ASSERT_EQ(r1->digests.size(), 2u);
  EXPECT_EQ(r1->digests[0].follower, "a");
  EXPECT_EQ(r1->digests[0].sha256, r2->digests[0].sha256);
  EXPECT_NE(r1->digests[0].sha256, r1->digests[1].sha256);
  EXPECT_EQ(verify_days(*one, 20261121, 20261121).status().code(), StatusCode::not_found);
}

TEST(ReplayVerify, TheFirstDifferenceIsNamedWithItsFields) {
  testing::TempDir dir;
  auto events = a_day();
  // The first decision's quantity recorded as something the core would not decide.
  size_t at = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (auto* c = std::get_if<d::CopyDecision>(&events[i]); c && c->quantity_units > 0) {
      c->quantity_units += 75;
      at = i + 1;  // sequences start at 1
      break;
    }
  }
  ASSERT_GT(at, 0u);
  auto store = write(dir.path("edited"), events);
  auto r = verify_days(*store, kSimDay, kSimDay);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->divergence);
  EXPECT_EQ(r->divergence->seq, at);
  EXPECT_EQ(r->divergence->fields, std::vector<std::string>{"quantityUnits"});
  EXPECT_NE(r->divergence->recorded, r->divergence->recomputed);
}

TEST(ReplayVerify, AMissingOrAnExtraDecisionIsADivergence) {
  testing::TempDir dir;
  auto events = a_day();
  auto missing = events;
  size_t removed_at = 0;
  for (size_t i = 0; i < missing.size(); ++i) {
    if (std::holds_alternative<d::FollowerOrderIntent>(missing[i])) {
      missing.erase(missing.begin() + static_cast<long>(i));
      removed_at = i + 1;
      break;
    }
  }
  auto r = verify_days(*write(dir.path("missing"), missing), kSimDay, kSimDay);
  ASSERT_TRUE(r.ok() && r->divergence);
  EXPECT_EQ(r->divergence->seq, removed_at);  // where the intent should have been
  EXPECT_FALSE(r->divergence->recomputed.empty());
  auto extra = events;
  for (size_t i = 0; i < extra.size(); ++i) {
    if (std::holds_alternative<d::CopyDecision>(extra[i])) {
      extra.insert(extra.begin() + static_cast<long>(i), extra[i]);
      break;
    }
  }
  r = verify_days(*write(dir.path("extra"), extra), kSimDay, kSimDay);
  ASSERT_TRUE(r.ok() && r->divergence);
}

// A loss guard's flatten recorded under schema 5 was followed by decisions of a core that let
// the follower's targets follow the leader again; this core holds them at zero, so such a day
// is named rather than reported as a divergence. The same day recorded now replays exactly.
TEST(ReplayVerify, ALossGuardFlattenOfSchema5IsNamed) {
  testing::TempDir dir;
  d::FollowerSettings a = testing::sim_follower("a");
  a.max_daily_loss_paise = 1'000'00;
  a.loss_guard_action = d::LossGuardAction::flatten;
  testing::CopySim sim;
  sim.setup({a});
  const auto option = testing::sim_option();
  sim.apply(testing::leader_order("L1", option, d::Side::buy, 150, d::OrderStatus::complete, 150));
  sim.apply(d::PriceSnapshot{{{option.key, 90'00}}, testing::kSimTenAm});
  sim.apply(testing::leader_order("L2", option, d::Side::sell, 75, d::OrderStatus::complete, 75));
  size_t trip = 0;
  for (size_t i = 0; i < sim.journal().size() && trip == 0; ++i) {
    if (std::holds_alternative<d::LossGuardTripped>(sim.journal()[i])) trip = i + 1;
  }
  ASSERT_GT(trip, 0u);
  auto now = write(dir.path("now"), sim.journal());
  auto r = verify_days(*now, kSimDay, kSimDay);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_FALSE(r->divergence);

  auto old = testing::open_store(dir.path("old"));
  std::vector<journal::AppendItem> items;
  for (const auto& e : sim.journal()) {
    items.push_back(testing::item(e, kSimDay));
    items.back().schema_version = 5;
  }
  ASSERT_TRUE(old->append(items).ok());
  r = verify_days(*old, kSimDay, kSimDay);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::unsupported);
  EXPECT_NE(r.status().message().find("record " + std::to_string(trip) +
                                      " is a loss guard's flatten recorded under journal schema 5"),
            std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace tandem::replay::verify_test
