#include "domain/copy/copy_decision.h"

#include <array>

#include "domain/base/enum_names.h"

namespace tandem::domain {

std::string_view to_string(CopyAction v) {
  return enum_name(std::array<std::string_view, 4>{"place", "modify", "cancel", "skip"}, v);
}

std::string_view to_string(SkipReason v) {
  return enum_name(std::array<std::string_view, 23>{"none",
                                                    "follower_disabled",
                                                    "follower_paused",
                                                    "market_closed",
                                                    "outside_copy_window",
                                                    "instrument_not_allowed",
                                                    "product_not_allowed",
                                                    "daily_trade_limit",
                                                    "max_position_reached",
                                                    "max_order_value",
                                                    "price_guard",
                                                    "stale_event",
                                                    "below_one_lot",
                                                    "no_position_to_exit",
                                                    "unknown_instrument",
                                                    "no_capital_snapshot",
                                                    "leader_rejected",
                                                    "no_mapped_order",
                                                    "already_filled",
                                                    "no_reference_price",
                                                    "loss_guard",
                                                    "at_target",
                                                    "flattened"},
                   v);
}

std::string_view to_string(Clamp v) {
  return enum_name(
      std::array<std::string_view, 10>{"none", "max_position", "max_position_value",
                                       "max_order_value", "exit_position", "already_filled",
                                       "loss_guard", "entry_limit", "freeze_quantity", "catch_up"},
      v);
}

std::string_view to_string(SizingPolicy v) {
  return enum_name(std::array<std::string_view, 4>{"multiplier", "fixed_ratio",
                                                   "capital_proportional", "risk_based"},
                   v);
}

}  // namespace tandem::domain
