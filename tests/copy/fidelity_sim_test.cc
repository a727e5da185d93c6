// Goal: followers end where the leader is (DESIGN.md invariant 8), over thousands of
// generated trading days — every cause of drift found in the order-mirroring core and their
// mixtures (reversals, changes reported with a final status, exits decided while a stop-loss
// cancel is in flight, stop-losses decided while the entry still fills, fractional exits on
// lots, remainders, late and merged reports, a dropped leader stream, engine restarts, broker
// rejections, copies above the freeze quantity), for every sizing policy, with and without
// carry and reverse, some followers behind entry limits (copy window, order value, staleness,
// daily trades, position caps, a daily loss guard under each action), funds that change while
// positions are open, and time as an input (limit copies the broker never fills, caught up at
// market; copy windows opening late). Method: tests/support/fidelity_world.h — one seeded,
// single-threaded world per day, the real step() against model brokers, the invariants checked at
// every settled point by the broker's truth, and the journal replayed at the end of each day. A
// failure prints the seed; TANDEM_FIDELITY_SEED=<seed> runs that one day again (with
// --gtest_filter naming the test that failed: one leader, or 2 to 4). CI runs kCiDays days of
// each; the long mode runs more: TANDEM_FIDELITY_DAYS=100000 (docs/performance.md).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "tests/support/fidelity_world.h"

namespace tandem::testing::fidelity {
namespace {

constexpr uint64_t kCiDays = 2000;
constexpr uint64_t kFirstSeed = 0x5eed0000;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::strtoull(v, nullptr, 10);
}

// Runs `days` seeded days of `shape` (one with TANDEM_FIDELITY_SEED); fails at the first
// violation with its seed; prints what the days covered.
World::Coverage run_days(const DayShape& shape, uint64_t first_seed, const char* what) {
  const uint64_t only = env_or("TANDEM_FIDELITY_SEED", 0);
  const uint64_t days = only != 0 ? 1 : env_or("TANDEM_FIDELITY_DAYS", kCiDays);
  const auto t0 = std::chrono::steady_clock::now();
  int64_t decisions = 0, checks = 0, named = 0;
  World::Coverage hit;
  for (uint64_t k = 0; k < days; ++k) {
    const uint64_t seed = only != 0 ? only : first_seed + k;
    World world(seed, shape);
    const std::string violation = world.run();
    EXPECT_TRUE(violation.empty())
        << what << ", day " << k << " seed=" << seed << ": " << violation;
    if (!violation.empty()) return hit;
    decisions += world.decisions();
    checks += world.settled_checks();
    named += world.off_target_named();
    const World::Coverage& c = world.coverage();
    hit.reversals += c.reversals;
    hit.merged_reports += c.merged_reports;
    hit.merged_final_changes += c.merged_final_changes;
    hit.stop_cancel_races += c.stop_cancel_races;
    hit.stream_drops += c.stream_drops;
    hit.restarts += c.restarts;
    hit.broker_rejections += c.broker_rejections;
    hit.pauses += c.pauses;
    hit.freeze_slices += c.freeze_slices;
    hit.funds_moves += c.funds_moves;
    hit.catch_ups += c.catch_ups;
    hit.late_windows += c.late_windows;
    hit.reconfigures += c.reconfigures;
    hit.guard_trips += c.guard_trips;
    hit.guard_flattens += c.guard_flattens;
    hit.leaders += c.leaders;
    hit.shared_accounts += c.shared_accounts;
    hit.opposite_shares += c.opposite_shares;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "fidelity (%s): %llu days, %lld decisions, %lld settled checks, %lld off target with "
      "a named refusal, 0 violations, %.1f s\n",
      what, static_cast<unsigned long long>(days), static_cast<long long>(decisions),
      static_cast<long long>(checks), static_cast<long long>(named), seconds);
  std::printf(
      "  causes: %lld reversals, %lld merged reports (%lld changes filled at once), "
      "%lld stop-loss cancels raced by an exit, %lld stream drops, %lld restarts, "
      "%lld broker rejections, %lld pauses, %lld orders cut at the freeze quantity, "
      "%lld funds changes, %lld copies caught up at market, %lld copy windows opening late, "
      "%lld restarts with new settings, %lld loss guards tripped (%lld flattened)\n",
      (long long)hit.reversals, (long long)hit.merged_reports, (long long)hit.merged_final_changes,
      (long long)hit.stop_cancel_races, (long long)hit.stream_drops, (long long)hit.restarts,
      (long long)hit.broker_rejections, (long long)hit.pauses, (long long)hit.freeze_slices,
      (long long)hit.funds_moves, (long long)hit.catch_ups, (long long)hit.late_windows,
      (long long)hit.reconfigures, (long long)hit.guard_trips, (long long)hit.guard_flattens);
  if (hit.leaders > 0) {
    std::printf(
        "  many leaders: %lld leaders over the days, %lld accounts following more than one, "
        "%lld settled points where one account's shares were on opposite sides\n",
        (long long)hit.leaders, (long long)hit.shared_accounts, (long long)hit.opposite_shares);
  }
  EXPECT_GT(checks, static_cast<int64_t>(days)) << what;  // the checker really looked
  if (days >= 200) {
    EXPECT_GT(hit.freeze_slices, 0) << what;  // and the days did reach the freeze
    EXPECT_GT(hit.catch_ups, 0) << what;      // copies caught up
    EXPECT_GT(hit.late_windows, 0) << what;
    EXPECT_GT(hit.reconfigures, 0) << what;    // and settings changed mid-day
    EXPECT_GT(hit.guard_flattens, 0) << what;  // and loss guards tripped, flattening some
  }
  return hit;
}

TEST(FidelitySim, EveryFollowerSettlesOnItsTargetOrARefusalIsNamed) {
  run_days(DayShape{}, kFirstSeed, "one leader");
}

// Many leaders (docs/domain.md): 2 to 4 leaders a day, each account following one or more,
// every share held to its own leader's target and the account's broker net to their sum.
TEST(FidelitySim, EveryShareOfEveryLeaderSettlesOnItsTarget) {
  DayShape shape;
  shape.max_leaders = 4;
  const World::Coverage hit = run_days(shape, kFirstSeed + 0x10000, "2 to 4 leaders");
  if (env_or("TANDEM_FIDELITY_SEED", 0) == 0) {
    EXPECT_GT(hit.shared_accounts, 0);  // accounts did follow several leaders
    EXPECT_GT(hit.opposite_shares, 0);  // and held opposite shares of one instrument
  }
}

// The checker can fail: a world whose oracle is told a different ratio finds the followers off.
TEST(FidelitySim, TheCheckerCatchesAFollowerOffTarget) {
  for (const int leaders : {1, 4}) {
    DayShape shape;
    shape.max_leaders = leaders;
    int caught = 0;
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      World world(seed, shape);
      world.TEST_skew_oracle();
      caught += !world.run().empty();
    }
    EXPECT_GE(caught, 15) << "with up to " << leaders << " leaders";
  }
}

}  // namespace
}  // namespace tandem::testing::fidelity
