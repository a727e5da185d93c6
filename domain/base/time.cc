#include "domain/base/time.h"

#include <date/date.h>

namespace tandem::domain {

namespace {
using Ns = std::chrono::nanoseconds;
using SysNs = std::chrono::sys_time<Ns>;
}  // namespace

TradingDay ist_trading_day(TimeNs utc_ns) {
  const SysNs ist = SysNs(Ns(utc_ns)) + kIstOffset;
  const date::year_month_day ymd{date::floor<date::days>(ist)};
  return static_cast<TradingDay>(int(ymd.year()) * 10000 + unsigned(ymd.month()) * 100 +
                                 unsigned(ymd.day()));
}

int ist_minute_of_day(TimeNs utc_ns) {
  const SysNs ist = SysNs(Ns(utc_ns)) + kIstOffset;
  const auto since_midnight = ist - date::floor<date::days>(ist);
  return static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(since_midnight).count());
}

bool is_valid_trading_day(TradingDay day) {
  const date::year_month_day ymd{date::year(int(day / 10000)), date::month(day / 100 % 100),
                                 date::day(day % 100)};
  return day >= 19700101 && ymd.ok();
}

std::string day_text(TradingDay day) {
  if (day == 0) return {};
  const std::string digits = std::to_string(day);  // YYYYMMDD
  return digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2);
}

std::string ist_timestamp_text(TimeNs utc_ns) {
  const auto ist = date::floor<std::chrono::milliseconds>(SysNs(Ns(utc_ns)) + kIstOffset);
  return date::format("%FT%T+05:30", ist);
}

}  // namespace tandem::domain
