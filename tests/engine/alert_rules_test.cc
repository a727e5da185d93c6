// Goal: each time rule raises its alert once when its condition has lasted, not before, and
// again only after what it watches has changed: the leader's stream down past its bound,
// order errors over 5% of 5 minutes' answers, Kite's token warning from 05:30 IST once a
// day and only where Kite is used.
// Method: the class alone, on a hand-moved steady clock and hand-set IST times.
#include "engine/alert_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;

std::vector<std::string> kinds(const std::vector<DueAlert>& due) {
  std::vector<std::string> out;
  for (const DueAlert& a : due) out.push_back(a.kind);
  return out;
}

// 2026-12-07 at hh:mm IST (UTC + 5:30), in ns since the epoch.
d::TimeNs ist(int hh, int mm) {
  const int64_t day_utc_s = 1796601600;  // 2026-12-07T00:00:00Z
  return (day_utc_s + (hh * 60 + mm - 330) * 60) * 1'000'000'000;
}

using Strings = std::vector<std::string>;

TEST(AlertRules, TheLeaderDownIsAlertedOnceAfterItsBoundAndAgainAfterAReconnect) {
  AlertRules rules(30s, /*uses_kite=*/false);
  const SteadyTime t0{};
  const d::TimeNs noon = ist(12, 0);
  rules.leader_connection(false, t0);
  rules.leader_connection(false, t0 + 10s);  // still down: counted from the first
  EXPECT_TRUE(rules.check(t0 + 29s, noon).empty());
  EXPECT_EQ(kinds(rules.check(t0 + 30s, noon)), Strings{"leader_disconnected"});
  EXPECT_TRUE(rules.check(t0 + 90s, noon).empty());
  rules.leader_connection(true, t0 + 100s);
  EXPECT_TRUE(rules.check(t0 + 200s, noon).empty());
  rules.leader_connection(false, t0 + 200s);
  EXPECT_TRUE(rules.check(t0 + 220s, noon).empty());
  const std::vector<DueAlert> again = rules.check(t0 + 231s, noon);
  ASSERT_EQ(kinds(again), Strings{"leader_disconnected"});
  EXPECT_NE(again[0].text.find("down for 31 s"), std::string::npos) << again[0].text;
}

TEST(AlertRules, OrderErrorsOverFivePercentOfFiveMinutesAreAlertedAtMostEveryFiveMinutes) {
  AlertRules rules(30s, false);
  const SteadyTime t0{};
  const d::TimeNs noon = ist(12, 0);
  for (int i = 0; i < 19; ++i) rules.answered(/*rejected=*/i < 2, t0 + i * 1s);
  EXPECT_TRUE(rules.check(t0 + 20s, noon).empty()) << "19 answers: too few to judge";
  rules.answered(false, t0 + 20s);
  EXPECT_EQ(kinds(rules.check(t0 + 21s, noon)), Strings{"order_errors"}) << "2 of 20: 10%";
  rules.answered(true, t0 + 22s);
  EXPECT_TRUE(rules.check(t0 + 23s, noon).empty()) << "at most once per 5 minutes";
  // Past 5 minutes those answers have left the window: none is left to judge.
  EXPECT_TRUE(rules.check(t0 + 6min, noon).empty());
  for (int i = 0; i < 40; ++i) rules.answered(i < 3, t0 + 6min + i * 1s);
  EXPECT_EQ(kinds(rules.check(t0 + 7min, noon)), Strings{"order_errors"}) << "3 of 40";
  for (int i = 0; i < 40; ++i) rules.answered(false, t0 + 12min + i * 1s);
  EXPECT_TRUE(rules.check(t0 + 13min, noon).empty()) << "the rejected ones have left";
  for (int i = 0; i < 40; ++i) rules.answered(i == 0, t0 + 14min + i * 1s);
  EXPECT_TRUE(rules.check(t0 + 15min, noon).empty()) << "1 of 80: under 5%";
}

TEST(AlertRules, KitesTokenWarningComesFrom0530IstOnceADayWhereKiteIsUsed) {
  const SteadyTime t0{};
  AlertRules dhan_only(30s, false);
  EXPECT_TRUE(dhan_only.check(t0, ist(5, 45)).empty());
  AlertRules rules(30s, true);
  EXPECT_TRUE(rules.check(t0, ist(5, 29)).empty());
  const std::vector<DueAlert> due = rules.check(t0, ist(5, 30));
  ASSERT_EQ(kinds(due), Strings{"token_expiring"});
  EXPECT_EQ(due[0].key, "token_expiring:" + std::to_string(d::ist_trading_day(ist(5, 30))));
  EXPECT_TRUE(rules.check(t0, ist(5, 59)).empty()) << "once a day";
  EXPECT_TRUE(rules.check(t0, ist(6, 0)).empty());
  EXPECT_EQ(kinds(rules.check(t0, ist(5, 30) + 24 * 3600 * 1'000'000'000LL)),
            Strings{"token_expiring"});
}

}  // namespace
}  // namespace tandem::engine
