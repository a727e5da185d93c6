// Sizing: the follower quantity before limits (DESIGN.md, Sizing). Exact integer arithmetic:
// the unrounded quantity is kept in micro-units (millionths of a unit), computed with 128-bit
// intermediates, so every machine and every replay gets the same number, and every input is
// written into the SizingInputs an auditor reads.
//
//   multiplier / fixed ratio   raw = leader qty × ratio
//   capital proportional       raw = leader qty × follower capital ÷ leader capital
//   risk based                 raw = floor(max position % × follower capital
//                                          ÷ (premium × lot size)) lots
//
// Then the quantity is rounded down to whole lots (derivatives) or shares (equities). With
// carry_remainder the running total is rounded to the nearest lot instead (ties toward zero)
// and the difference is carried, signed, into the next order of the same follower and
// instrument that day, so the follower stays within half a lot of ratio × leader position
// (a 0.33 follower of three 3-lot buys ends at 3 lots, not 0).
#pragma once

#include <cstdint>

#include "domain/accounts/follower_settings.h"
#include "domain/copy/copy_decision.h"

namespace tandem::domain {

inline constexpr int64_t kMicro = 1'000'000;  // micro-units per unit

struct SizingRequest {
  int64_t leader_qty_units = 0;        // > 0
  int direction = 1;                   // +1 buy, -1 sell: the follower order's side
  int64_t leader_capital_paise = 0;    // latest FundsSnapshot of the leader; 0 if none
  int64_t follower_capital_paise = 0;  // latest FundsSnapshot of the follower; 0 if none
  int64_t lot_size_units = 1;          // rounding unit: the lot for derivatives, 1 for equities
  int64_t premium_paise = 0;           // reference price per unit; 0 if unknown
  int64_t remainder_in_micro = 0;      // signed carried remainder (0 unless carry_remainder)
};

struct Sized {
  SizingInputs inputs;                 // every input and intermediate, for the CopyDecision
  SkipReason skip = SkipReason::none;  // no_capital_snapshot, no_reference_price, below_one_lot
};

[[nodiscard]] Sized size_quantity(const FollowerSettings& settings, const SizingRequest& request);

}  // namespace tandem::domain
