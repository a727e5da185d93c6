// Risk checks (DESIGN.md, Risk checks): each refusal is a named SkipReason in the decision.
// Pure functions of the follower's settings and event fields; decide() calls them in order.
#pragma once

#include <cstdint>
#include <optional>

#include "domain/accounts/follower_settings.h"
#include "domain/base/time.h"
#include "domain/copy/copy_decision.h"
#include "domain/instruments/instrument.h"

namespace tandem::domain {

// Allow lists (empty = all) and deny lists by symbol, underlying and segment.
[[nodiscard]] bool instrument_allowed(const FollowerSettings& s, const Instrument& instrument);

// The product the follower order uses, or nothing when the follower may not trade it.
[[nodiscard]] std::optional<Product> follower_product(const FollowerSettings& s, Product leader);

// Inside the follower's copy window (IST minutes; 0/0 means the whole session).
// The same, at an IST minute of the day.
[[nodiscard]] bool in_copy_window_at(const FollowerSettings& s, int ist_minute);
[[nodiscard]] bool in_copy_window(const FollowerSettings& s, TimeNs exchange_time_ns);

// Older than the follower's staleness limit when it reached us.
[[nodiscard]] bool is_stale(const FollowerSettings& s, TimeNs exchange_time_ns,
                            TimeNs received_time_ns);

// A limit price further than price_guard_bp from the reference price.
[[nodiscard]] bool outside_price_guard(const FollowerSettings& s, int64_t limit_price_paise,
                                       int64_t reference_price_paise);

// Quantity limits applied to a rounded quantity, in order: the exit rule, the maximum
// position (units and value) and the maximum order value. Orders still working count as
// the worst case: an exit is clamped to the position less the exits already working, and
// the position limit counts working entries as filled and working exits as not.
struct LimitInput {
  int64_t qty_units = 0;               // rounded, > 0
  int64_t unit = 1;                    // lot size (derivatives) or 1 (equities)
  int direction = 1;                   // +1 buy, -1 sell
  bool exit = false;                   // the leader is reducing its position
  int64_t position_units = 0;          // the follower's filled net position
  int64_t working_same_units = 0;      // its working orders on this order's side
  int64_t working_opposite_units = 0;  // its working orders on the other side
  int64_t price_paise = 0;             // reference price per unit; 0 if unknown
};

struct Limited {
  int64_t qty_units = 0;
  Clamp clamp = Clamp::none;
  SkipReason skip = SkipReason::none;
};

[[nodiscard]] Limited apply_limits(const FollowerSettings& s, const LimitInput& in);

}  // namespace tandem::domain
