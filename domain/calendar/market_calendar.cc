#include "domain/calendar/market_calendar.h"

#include "domain/base/text_lines.h"

#include <date/date.h>

#include <charconv>
#include <string>

namespace tandem::domain {

Session session_of(Exchange exchange) {
  if (exchange == Exchange::mcx) return {9 * 60, 23 * 60 + 30};
  return {9 * 60 + 15, 15 * 60 + 30};
}

bool MarketCalendar::is_trading_day(TradingDay day) const {
  const date::year_month_day ymd{date::year(int(day / 10000)), date::month(day / 100 % 100),
                                 date::day(day % 100)};
  const date::weekday wd{date::sys_days(ymd)};
  if (wd == date::Saturday || wd == date::Sunday) return false;
  return !holidays.contains(day);
}

bool MarketCalendar::is_open(Exchange exchange, TimeNs at) const {
  if (!is_trading_day(ist_trading_day(at))) return false;
  return in_session(exchange, ist_minute_of_day(at));
}

bool in_session(Exchange exchange, int ist_minute) {
  const Session s = session_of(exchange);
  return ist_minute >= s.open_minute && ist_minute < s.close_minute;
}

Result<std::set<TradingDay>> parse_holidays(std::string_view text) {
  std::set<TradingDay> out;
  Status read = for_each_data_line(text, [&](std::string_view line, int line_no) -> Status {
    auto bad = [&] {
      return Status::invalid_argument("holiday list line " + std::to_string(line_no) +
                                      ": expected 'YYYY-MM-DD name', got '" + std::string(line) +
                                      "'");
    };
    if (line.size() < 10 || line[4] != '-' || line[7] != '-') return bad();
    int y = 0, m = 0, d = 0;
    auto num = [](std::string_view s, int& v) {
      const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      return r.ec == std::errc() && r.ptr == s.data() + s.size();
    };
    if (!num(line.substr(0, 4), y) || !num(line.substr(5, 2), m) || !num(line.substr(8, 2), d)) {
      return bad();
    }
    const TradingDay day = static_cast<TradingDay>(y * 10000 + m * 100 + d);
    if (!is_valid_trading_day(day)) return bad();
    out.insert(day);
    return Status();
  });
  if (!read.ok()) return read;
  return out;
}

}  // namespace tandem::domain
