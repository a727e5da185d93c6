// Goal: IST trading days and minutes come out right around midnight and the session.
#include "domain/base/time.h"

#include <gtest/gtest.h>

namespace tandem::domain {
namespace {

// 2026-11-20T03:45:00Z is 09:15 IST on 20 November.
constexpr TimeNs kOpen = 1'795'146'300'000'000'000;
constexpr TimeNs kMinute = 60'000'000'000;

TEST(IstTime, MarketOpenIsNineFifteenOnTheSameDay) {
  EXPECT_EQ(ist_trading_day(kOpen), 20261120u);
  EXPECT_EQ(ist_minute_of_day(kOpen), 9 * 60 + 15);
}

TEST(IstTime, UtcEveningIsTheNextIstDay) {
  // 18:30Z is IST midnight.
  const TimeNs midnight_ist = kOpen + (14 * 60 + 45) * kMinute;
  EXPECT_EQ(ist_trading_day(midnight_ist - 1), 20261120u);
  EXPECT_EQ(ist_trading_day(midnight_ist), 20261121u);
  EXPECT_EQ(ist_minute_of_day(midnight_ist), 0);
}

TEST(IstTime, ValidatesYyyymmdd) {
  EXPECT_TRUE(is_valid_trading_day(20260229 - 1));
  EXPECT_FALSE(is_valid_trading_day(20260229));  // 2026 is not a leap year
  EXPECT_TRUE(is_valid_trading_day(20280229));
  EXPECT_FALSE(is_valid_trading_day(20261340));
  EXPECT_FALSE(is_valid_trading_day(0));
}

}  // namespace
}  // namespace tandem::domain
