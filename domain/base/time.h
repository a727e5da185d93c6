// Time as data. The core never reads a clock: instants arrive as nanoseconds since the Unix
// epoch (UTC) in event fields, and trading days are IST dates as YYYYMMDD integers.
// India has kept +05:30 with no DST since 1945, so a fixed offset is exact (STYLE.md §1);
// only the shell uses the tz database.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tandem::domain {

using TimeNs = int64_t;       // ns since 1970-01-01T00:00:00Z
using TradingDay = uint32_t;  // IST calendar date as YYYYMMDD, e.g. 20261120

inline constexpr std::chrono::minutes kIstOffset{5 * 60 + 30};

// The IST calendar date of an instant.
[[nodiscard]] TradingDay ist_trading_day(TimeNs utc_ns);

// Minutes since IST midnight of an instant (0..1439).
[[nodiscard]] int ist_minute_of_day(TimeNs utc_ns);

// True when `day` is a valid calendar date written as YYYYMMDD.
[[nodiscard]] bool is_valid_trading_day(TradingDay day);

// "2026-11-20" for 20261120, as the brokers write dates; empty for 0 (no date).
[[nodiscard]] std::string day_text(TradingDay day);

// "2026-11-20T10:00:01.234+05:30": an instant in IST, to the millisecond (logs, exports).
[[nodiscard]] std::string ist_timestamp_text(TimeNs utc_ns);

}  // namespace tandem::domain
