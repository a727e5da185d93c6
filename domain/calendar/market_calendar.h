// The market calendar: which days trade and when each exchange's session runs, in IST.
// A value the core is given (journaled as MarketCalendarConfigured), never a file it reads:
// the shell reads the holiday list and hands its text to parse_holidays().
// Sessions: NSE/BSE cash and F&O (and currency) 09:15–15:30, MCX 09:00–23:30, Monday to
// Friday, minus the holidays. MCX keeps its own hours but shares the holiday list here.
#pragma once

#include <set>
#include <string_view>

#include "domain/base/status.h"
#include "domain/base/time.h"
#include "domain/orders/order_types.h"

namespace tandem::domain {

struct Session {
  int open_minute = 0;   // IST minutes after midnight, inclusive
  int close_minute = 0;  // exclusive
};

[[nodiscard]] Session session_of(Exchange exchange);
// Whether an IST minute of a trading day is inside the exchange's session.
[[nodiscard]] bool in_session(Exchange exchange, int ist_minute);

struct MarketCalendar {
  std::set<TradingDay> holidays;

  // Monday to Friday and not a holiday.
  [[nodiscard]] bool is_trading_day(TradingDay day) const;
  // Inside the exchange's session on a trading day.
  [[nodiscard]] bool is_open(Exchange exchange, TimeNs at) const;
  bool operator==(const MarketCalendar&) const = default;
};

// Parses a holiday list: one "YYYY-MM-DD name" per line, '#' comments and blank lines
// ignored. Errors name the line.
[[nodiscard]] Result<std::set<TradingDay>> parse_holidays(std::string_view text);

}  // namespace tandem::domain
