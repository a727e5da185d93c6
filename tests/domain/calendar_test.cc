// Goal: the shipped 2026 NSE holiday list parses, and the calendar opens and closes each
// exchange at the right IST minute on trading days only. Errors name the line.
#include "domain/calendar/market_calendar.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace tandem::domain {
namespace {

constexpr TimeNs kMinute = 60'000'000'000;
// 2026-11-20 (a Friday) 00:00 IST = 2026-11-19 18:30 UTC.
constexpr TimeNs kFridayMidnightIst = 1'795'146'300'000'000'000 - (9 * 60 + 15) * kMinute;

std::string shipped_holidays() {
  std::ifstream in(TANDEM_SOURCE_DIR "/data/calendar/nse_holidays_2026.txt");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Calendar, ShippedListHasFifteenWeekdayHolidays) {
  auto holidays = parse_holidays(shipped_holidays());
  ASSERT_TRUE(holidays.ok()) << holidays.status().to_string();
  EXPECT_EQ(holidays->size(), 15u);
  MarketCalendar weekdays_only;
  for (TradingDay d : *holidays) EXPECT_TRUE(weekdays_only.is_trading_day(d)) << d;
  EXPECT_TRUE(holidays->contains(20261225));
}

TEST(Calendar, NseSessionIsNineFifteenToThreeThirty) {
  const MarketCalendar c;
  EXPECT_FALSE(c.is_open(Exchange::nse, kFridayMidnightIst + (9 * 60 + 14) * kMinute));
  EXPECT_TRUE(c.is_open(Exchange::nfo, kFridayMidnightIst + (9 * 60 + 15) * kMinute));
  EXPECT_TRUE(c.is_open(Exchange::nse, kFridayMidnightIst + (15 * 60 + 29) * kMinute));
  EXPECT_FALSE(c.is_open(Exchange::nse, kFridayMidnightIst + (15 * 60 + 30) * kMinute));
}

TEST(Calendar, McxTradesInTheEvening) {
  const MarketCalendar c;
  EXPECT_TRUE(c.is_open(Exchange::mcx, kFridayMidnightIst + (21 * 60) * kMinute));
  EXPECT_FALSE(c.is_open(Exchange::nse, kFridayMidnightIst + (21 * 60) * kMinute));
  EXPECT_FALSE(c.is_open(Exchange::mcx, kFridayMidnightIst + (23 * 60 + 30) * kMinute));
}

TEST(Calendar, WeekendsAndHolidaysAreClosed) {
  MarketCalendar c;
  const TimeNs saturday_ten = kFridayMidnightIst + 24 * 60 * kMinute + 10 * 60 * kMinute;
  EXPECT_FALSE(c.is_open(Exchange::nse, saturday_ten));
  c.holidays = {20261120};
  EXPECT_FALSE(c.is_open(Exchange::nse, kFridayMidnightIst + 10 * 60 * kMinute));
}

TEST(Calendar, BadLineIsNamed) {
  auto r = parse_holidays("# comment\n2026-01-26 Republic Day\n2026-13-01 Nope\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 3"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace tandem::domain
