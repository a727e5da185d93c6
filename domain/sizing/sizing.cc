#include "domain/sizing/sizing.h"

#include <limits>

#include "domain/base/assert.h"

namespace tandem::domain {

namespace {

using i128 = __int128;

int64_t saturate(i128 v) {
  constexpr i128 kMax = std::numeric_limits<int64_t>::max();
  return v > kMax ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(v);
}

// The unrounded follower quantity in micro-units, or a reason it cannot be computed.
SkipReason raw_quantity(const FollowerSettings& s, const SizingRequest& r, int64_t& raw_micro) {
  switch (s.sizing) {
    case SizingPolicy::multiplier:
    case SizingPolicy::fixed_ratio:
      raw_micro = saturate(i128(r.leader_qty_units) * s.ratio_ppm);  // units × ppm = micro
      return SkipReason::none;
    case SizingPolicy::capital_proportional:
      if (r.leader_capital_paise <= 0 || r.follower_capital_paise <= 0) {
        return SkipReason::no_capital_snapshot;
      }
      raw_micro = saturate(i128(r.leader_qty_units) * r.follower_capital_paise * kMicro /
                           r.leader_capital_paise);
      return SkipReason::none;
    case SizingPolicy::risk_based: {
      if (r.follower_capital_paise <= 0) return SkipReason::no_capital_snapshot;
      if (r.premium_paise <= 0) return SkipReason::no_reference_price;
      const i128 budget = i128(s.max_position_pct_bp) * r.follower_capital_paise;  // × 1/10000
      const i128 lots = budget / (i128(10'000) * r.premium_paise * r.lot_size_units);
      raw_micro = saturate(lots * r.lot_size_units * kMicro);
      return SkipReason::none;
    }
  }
  TANDEM_ASSERT(false, static_cast<int>(s.sizing));
  return SkipReason::none;
}

}  // namespace

Sized size_quantity(const FollowerSettings& settings, const SizingRequest& request) {
  TANDEM_REQUIRE(request.leader_qty_units > 0, request.leader_qty_units);
  TANDEM_REQUIRE(request.lot_size_units > 0, request.lot_size_units);
  TANDEM_REQUIRE(request.direction == 1 || request.direction == -1, request.direction);
  Sized out;
  SizingInputs& in = out.inputs;
  in.policy = settings.sizing;
  in.ratio_ppm = settings.ratio_ppm;
  in.leader_qty_units = request.leader_qty_units;
  in.leader_capital_paise = request.leader_capital_paise;
  in.follower_capital_paise = request.follower_capital_paise;
  in.lot_size_units = request.lot_size_units;
  in.premium_paise = request.premium_paise;
  in.max_position_pct_bp = settings.max_position_pct_bp;
  in.remainder_in_micro = request.remainder_in_micro;

  out.skip = raw_quantity(settings, request, in.raw_qty_micro);
  if (out.skip != SkipReason::none) return out;

  // Round the signed total to whole lots: toward zero normally (never more than the ratio
  // gives), to the nearest lot when the remainder is carried (ties toward zero), so the
  // follower tracks ratio × leader to within half a lot. What rounding drops or adds is the
  // remainder, carried only when the follower asks for it.
  const i128 unit_micro = i128(request.lot_size_units) * kMicro;
  const i128 total = i128(request.direction) * in.raw_qty_micro + request.remainder_in_micro;
  i128 lots = total / unit_micro;  // toward zero
  if (settings.carry_remainder) {
    const i128 rest = total - lots * unit_micro;
    if (2 * rest > unit_micro) ++lots;
    if (2 * rest < -unit_micro) --lots;
  }
  const i128 rounded_signed = lots * request.lot_size_units;  // units
  in.remainder_out_micro = saturate(total - rounded_signed * kMicro);
  // |remainder_in| <= half a lot when carried, so the rounded quantity never points against
  // the order; a zero is below one lot.
  const bool same_side = rounded_signed * request.direction > 0;
  in.rounded_qty_units = same_side ? saturate(rounded_signed * request.direction) : 0;
  if (!same_side) {
    in.remainder_out_micro = saturate(total);
    out.skip = SkipReason::below_one_lot;
  }
  in.final_qty_units = in.rounded_qty_units;
  TANDEM_ASSERT(in.rounded_qty_units % request.lot_size_units == 0, in.rounded_qty_units);
  return out;
}

}  // namespace tandem::domain
