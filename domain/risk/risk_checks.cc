#include "domain/risk/risk_checks.h"

#include <algorithm>
#include <string>
#include <vector>

#include "domain/base/assert.h"

namespace tandem::domain {

namespace {

template <class T>
bool contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

template <class T>
bool allowed(const std::vector<T>& allow, const std::vector<T>& deny, const T& value) {
  return (allow.empty() || contains(allow, value)) && !contains(deny, value);
}

int64_t abs64(int64_t v) { return v < 0 ? -v : v; }

int64_t round_down(int64_t qty, int64_t unit) { return qty <= 0 ? 0 : qty / unit * unit; }

}  // namespace

bool instrument_allowed(const FollowerSettings& s, const Instrument& instrument) {
  return allowed(s.allow_symbols, s.deny_symbols, instrument.key.tradingsymbol) &&
         allowed(s.allow_underlyings, s.deny_underlyings, instrument.underlying) &&
         allowed(s.allow_segments, s.deny_segments, instrument.segment);
}

std::optional<Product> follower_product(const FollowerSettings& s, Product leader) {
  if (s.allow_products.empty() || contains(s.allow_products, leader)) return leader;
  switch (s.disallowed_product) {
    case DisallowedProductAction::skip:
      return std::nullopt;
    case DisallowedProductAction::use_intraday:
      return contains(s.allow_products, Product::intraday) ? std::optional(Product::intraday)
                                                           : std::nullopt;
    case DisallowedProductAction::use_delivery:
      return contains(s.allow_products, Product::delivery) ? std::optional(Product::delivery)
                                                           : std::nullopt;
  }
  return std::nullopt;
}

bool in_copy_window(const FollowerSettings& s, TimeNs exchange_time_ns) {
  return in_copy_window_at(s, ist_minute_of_day(exchange_time_ns));
}

bool in_copy_window_at(const FollowerSettings& s, int minute) {
  if (s.copy_window_start_min == 0 && s.copy_window_end_min == 0) return true;
  return minute >= s.copy_window_start_min && minute < s.copy_window_end_min;
}

bool is_stale(const FollowerSettings& s, TimeNs exchange_time_ns, TimeNs received_time_ns) {
  if (s.staleness_limit_ms <= 0) return false;
  return received_time_ns - exchange_time_ns > s.staleness_limit_ms * 1'000'000;
}

bool outside_price_guard(const FollowerSettings& s, int64_t limit_price_paise,
                         int64_t reference_price_paise) {
  if (s.price_guard_bp <= 0 || limit_price_paise <= 0 || reference_price_paise <= 0) return false;
  const __int128 deviation = abs64(limit_price_paise - reference_price_paise);
  return deviation * 10'000 > __int128(s.price_guard_bp) * reference_price_paise;
}

Limited apply_limits(const FollowerSettings& s, const LimitInput& in) {
  TANDEM_REQUIRE(in.qty_units > 0 && in.unit > 0, in.qty_units, in.unit);
  Limited out{in.qty_units, Clamp::none, SkipReason::none};
  if (in.exit) {
    // Exits never open: clamp to the position the order reduces, less the exits already
    // working against it; nothing left means no order.
    const int64_t held = in.position_units * in.direction < 0 ? abs64(in.position_units) : 0;
    const int64_t reducible = std::max<int64_t>(held - in.working_same_units, 0);
    if (reducible == 0) return {0, Clamp::none, SkipReason::no_position_to_exit};
    if (out.qty_units > reducible) out = {reducible, Clamp::exit_position, SkipReason::none};
    return out;  // an exit only shrinks the position: position limits cannot bind
  }
  // The largest the position on this side can become before this order: every working
  // order on this side fills, none on the other does.
  const int64_t worst = in.position_units * in.direction + in.working_same_units;
  auto cap_position = [&](int64_t max_abs, Clamp clamp) {
    const int64_t room = max_abs - worst;  // units this side may still add
    const int64_t capped = round_down(std::min(out.qty_units, room), in.unit);
    if (capped < out.qty_units) out = {capped, clamp, SkipReason::none};
  };
  if (s.max_position_units > 0) cap_position(s.max_position_units, Clamp::max_position);
  if (s.max_position_value_paise > 0 && out.qty_units > 0) {
    if (in.price_paise <= 0) return {0, Clamp::none, SkipReason::no_reference_price};
    cap_position(s.max_position_value_paise / in.price_paise, Clamp::max_position_value);
  }
  if (out.qty_units <= 0) return {0, out.clamp, SkipReason::max_position_reached};
  if (s.max_order_value_paise > 0) {
    if (in.price_paise <= 0) return {0, Clamp::none, SkipReason::no_reference_price};
    const int64_t max_units = round_down(s.max_order_value_paise / in.price_paise, in.unit);
    if (max_units <= 0) return {0, Clamp::max_order_value, SkipReason::max_order_value};
    if (out.qty_units > max_units) out = {max_units, Clamp::max_order_value, SkipReason::none};
  }
  return out;
}

}  // namespace tandem::domain
