// CopyDecision: what the core decided for one follower on one leader event, with every input
// of the sizing, so an auditor can recompute the quantity by hand (DESIGN.md, Sizing).
#pragma once

#include <cstdint>
#include <string_view>

#include "domain/accounts/follower_settings.h"
#include "domain/base/ids.h"
#include "domain/instruments/instrument.h"

namespace tandem::domain {

enum class CopyAction : uint8_t { place = 0, modify = 1, cancel = 2, skip = 3 };

// Why a follower got no order. Closed: every refusal has a name the audit can count.
enum class SkipReason : uint8_t {
  none = 0,
  follower_disabled = 1,
  follower_paused = 2,
  market_closed = 3,
  outside_copy_window = 4,
  instrument_not_allowed = 5,
  product_not_allowed = 6,
  daily_trade_limit = 7,
  max_position_reached = 8,
  max_order_value = 9,
  price_guard = 10,
  stale_event = 11,
  below_one_lot = 12,
  no_position_to_exit = 13,
  unknown_instrument = 14,
  no_capital_snapshot = 15,
  leader_rejected = 16,  // reserved: a leader rejection produces no decision at all
  no_mapped_order = 17,  // a leader change with no live follower order to apply it to
  already_filled = 18,
  no_reference_price = 19,
  loss_guard = 20,  // the daily loss guard tripped (LossGuardTripped) and refuses this order
  at_target = 21,   // the follower holds, or has working, what the leader's position calls for
  flattened = 22,   // flattened by the operator: no entries until the leader is flat there
};

// Which limit cut the quantity down, if any.
enum class Clamp : uint8_t {
  none = 0,
  max_position = 1,
  max_position_value = 2,
  max_order_value = 3,
  exit_position = 4,
  already_filled = 5,
  loss_guard = 6,       // the daily loss guard refused to grow an order that adds to a position
  entry_limit = 7,      // the part that would open or add was refused (skip_reason names why);
                        // the part that closes goes
  freeze_quantity = 8,  // cut to the exchange's freeze quantity: the rest goes in more orders
  catch_up = 9,  // a cancel: the leader's order filled catch_up_ms ago and this copy had not;
                 // convergence buys or sells the rest at market once it is cancelled
};

struct SizingInputs {
  SizingPolicy policy = SizingPolicy::multiplier;
  int64_t ratio_ppm = 0;
  int64_t leader_qty_units = 0;
  int64_t leader_capital_paise = 0;
  int64_t follower_capital_paise = 0;
  int64_t lot_size_units = 1;
  int64_t premium_paise = 0;
  int64_t max_position_pct_bp = 0;
  int64_t raw_qty_micro = 0;          // exact quantity before rounding, in millionths of a unit
  int64_t remainder_in_micro = 0;     // carried remainder added before rounding
  int64_t rounded_qty_units = 0;      // after rounding down to whole lots / shares
  int64_t remainder_out_micro = 0;    // what rounding dropped, carried when enabled
  int64_t position_before_units = 0;  // follower net position used by the clamps
  int64_t final_qty_units = 0;        // after clamps
  int64_t target_units = 0;           // the follower's target (signed) this order was sized toward
  bool operator==(const SizingInputs&) const = default;
};

struct CopyDecision {
  LeaderOrderId leader_order_id;
  FollowerId follower;
  InstrumentKey instrument;  // what the follower order trades
  Side side = Side::buy;     // the follower order's side (reversed when the follower reverses)
  CopyAction action = CopyAction::skip;
  uint32_t ordinal = 0;  // the action's ordinal for this leader order and follower
  int64_t quantity_units = 0;
  SizingInputs sizing;
  SkipReason skip_reason = SkipReason::none;
  Clamp clamp = Clamp::none;
  bool operator==(const CopyDecision&) const = default;
};

std::string_view to_string(CopyAction v);
std::string_view to_string(SkipReason v);
std::string_view to_string(Clamp v);
std::string_view to_string(SizingPolicy v);

}  // namespace tandem::domain
