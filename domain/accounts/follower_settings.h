// FollowerSettings: the complete settings of one follower. The journal records a full
// snapshot whenever they change (FollowerConfigured), so replay sizes with the settings in
// force at that point. Ratios are fixed-point millionths (ppm) so that "0.33" from a config
// file is exact and the same on every machine; money is paise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/base/ids.h"
#include "domain/orders/order_types.h"

namespace tandem::domain {

inline constexpr int64_t kPpm = 1'000'000;  // 1.0 as a fixed-point ratio

enum class SizingPolicy : uint8_t {
  multiplier = 0,            // leader qty × ratio (Zerodha seed FOLLOWER_X_MULTIPLIER)
  fixed_ratio = 1,           // leader qty × ratio (Dhan seed COPY_RATIO)
  capital_proportional = 2,  // leader qty × follower capital ÷ leader capital
  risk_based = 3,            // floor(max position % × capital ÷ (premium × lot)) lots
};

enum class CopyOn : uint8_t { placement = 0, fill = 1 };

// What to do with a leader order whose product this follower may not trade.
enum class DisallowedProductAction : uint8_t { skip = 0, use_intraday = 1, use_delivery = 2 };

// What to do with a leader order this follower has no copy of that was first seen late,
// through a recovery (the leader's order book read after Tandem or its socket was down):
//  - skip: decide it like a live one; the staleness limit skips it when it is too old;
//  - copy: decide it like a live one, whatever its age;
//  - converge: do not mirror the order; buy or sell at market what the leader executed of
//    it (sized as usual, exits clamped to what the follower holds), now and as it fills
//    later, so the follower's position catches up with the leader's.
enum class LateEvents : uint8_t { skip = 0, copy = 1, converge = 2 };

// What the daily loss guard does once the follower's P&L for the day (realised plus open
// positions marked at the latest journaled prices) crosses its maximum loss or profit target:
//  - exits_only: copy only orders that reduce the follower's positions; its working orders
//    that would add to them are cancelled;
//  - stop: copy nothing new (working orders are left as they are);
//  - flatten: cancel every working copy and close every open position at market, then
//    copy only exits.
// Until the next trading day.
enum class LossGuardAction : uint8_t { exits_only = 0, stop = 1, flatten = 2 };

// The settings of one follower's copy of one leader. A follower that follows several leaders
// has one FollowerSettings per leader, each under its own FollowerId and the same account: the
// positions it holds for each are kept apart (projections/positions.h), and its account-wide
// limits (the daily trades, the loss guard) count the account, not one leader's share.
struct FollowerSettings {
  FollowerId follower;
  AccountId account;
  Broker broker = Broker::paper;
  bool enabled = true;
  LeaderId leader;  // the leader it copies (LeaderConfigured::name)

  SizingPolicy sizing = SizingPolicy::multiplier;
  int64_t ratio_ppm = kPpm;         // multiplier or fixed ratio
  int64_t max_position_pct_bp = 0;  // risk based: basis points of capital per position
  bool carry_remainder = false;     // carry dropped fractional quantity within the day

  int64_t max_position_units = 0;        // per instrument; 0 = no limit
  int64_t max_position_value_paise = 0;  // per instrument; 0 = no limit
  int64_t max_order_value_paise = 0;     // 0 = no limit
  int64_t max_daily_trades = 0;          // orders per trading day; 0 = no limit

  std::vector<std::string> allow_symbols;  // empty = all
  std::vector<std::string> deny_symbols;
  std::vector<std::string> allow_underlyings;  // empty = all
  std::vector<std::string> deny_underlyings;
  std::vector<Segment> allow_segments;  // empty = all
  std::vector<Segment> deny_segments;
  std::vector<Product> allow_products;  // empty = all
  DisallowedProductAction disallowed_product = DisallowedProductAction::skip;

  bool reverse = false;               // sell when the leader buys
  int32_t copy_window_start_min = 0;  // IST minutes after midnight; 0/0 = the whole session
  int32_t copy_window_end_min = 0;
  int64_t staleness_limit_ms = 0;  // 0 = no limit
  LateEvents late_events = LateEvents::skip;
  int64_t price_guard_bp = 0;  // max |limit − reference| in basis points; 0 = off
  CopyOn copy_on = CopyOn::placement;
  // A copy of a leader limit or stop that has not filled this long after the leader's order
  // did is cancelled, and convergence brings the rest at market (copy/clock.h); 0 = never.
  int64_t catch_up_ms = 0;

  int64_t max_daily_loss_paise = 0;       // the day's P&L at or below −this trips; 0 = off
  int64_t daily_profit_target_paise = 0;  // the day's P&L at or above this trips; 0 = off
  LossGuardAction loss_guard_action = LossGuardAction::exits_only;

  bool operator==(const FollowerSettings&) const = default;
};

}  // namespace tandem::domain
