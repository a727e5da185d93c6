// Turning cumulative fill reports into fill deltas. Brokers report an order's filled
// quantity and average price so far; duplicated or out-of-order reports must not count a
// fill twice, so each order remembers the most it has seen and only growth is a fill.
// Pure; shared by the positions and daily-counter projections.
#pragma once

#include <cstdint>
#include <optional>

namespace tandem::projections {

struct OrderFill {
  int64_t filled_units = 0;
  int64_t cost_paise = 0;  // filled_units × average price, as reported
  bool operator==(const OrderFill&) const = default;
};

struct FillDelta {
  int64_t units = 0;       // > 0
  int64_t cost_paise = 0;  // value of those units
};

// Records a cumulative report; returns the new fill, or nothing when it is not newer.
[[nodiscard]] inline std::optional<FillDelta> record_fill(OrderFill& seen, int64_t filled_units,
                                                          int64_t average_price_paise) {
  if (filled_units <= seen.filled_units) return std::nullopt;
  const int64_t cost = filled_units * average_price_paise;
  const FillDelta delta{filled_units - seen.filled_units, cost - seen.cost_paise};
  seen = {filled_units, cost};
  return delta;
}

}  // namespace tandem::projections
