// Targets (DESIGN.md invariant 8, docs/domain.md "Targets"): the position a follower should
// hold in an instrument and product for one leader, given that leader's *filled* position
// there and the follower's policy for it. A follower of several leaders holds the sum of its
// targets, each in its own book (projections/positions.h). Pure, like decide(); every number it
// uses is a journaled fact (the leader's fills, FundsSnapshots, the settings in force).
//
//   multiplier, fixed_ratio   leader net × ratio
//   capital_proportional      leader net × follower capital ÷ leader capital
//   risk_based                the leader's side; budget lots (max position % × follower
//                             capital ÷ (entry price × lot)) × |leader net| ÷ the leader's
//                             largest |net| since it opened — never above the budget, reduced
//                             in proportion to the leader's exits
//
// Then: rounded to whole lots toward zero (to the nearest lot, ties toward zero, with
// carry_remainder), so a flat leader always gives a flat target; capped by the maximum
// position (units and value, rounded down to lots); zero where the follower does not trade
// the instrument or product, or after a flatten until the leader is flat there; negated for
// reverse. The capitals, price and peak a position was opened with are kept (TargetBasis)
// until the leader is flat again, so a margin change during the day does not move a target.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "copy/copy_state.h"

namespace tandem::domain {

// The most one order may carry (the exchange's freeze quantity, in whole lots); 0: no limit.
// A larger quantity goes as several orders (convergence, flatten) or is cut (a mirror; the
// rest follows by convergence once the leader has filled).
[[nodiscard]] int64_t order_cap_units(const Instrument& instrument);

// The leader's side of one instrument and product, in leader terms: its filled net and the
// unfilled quantity of its working buys and sells.
struct LeaderSide {
  int64_t net_units = 0;
  int64_t working_buy_units = 0;
  int64_t working_sell_units = 0;
};
[[nodiscard]] LeaderSide leader_side(const CopyState& state, const LeaderId& leader,
                                     const InstrumentKey& instrument, Product leader_product);

// A follower's target in one instrument and follower product, in follower terms (reverse
// applied). `why` names what made it zero or cut it, when something did.
struct Target {
  int64_t units = 0;
  SkipReason why = SkipReason::none;
};

// Which leader net to size: the filled one, or the envelope the leader's working orders can
// reach (every working buy filled, or every working sell) — the most a mirror may reach.
// Every product, for the loops over one instrument's positions.
inline constexpr std::array kAllProducts{Product::delivery, Product::intraday,
                                         Product::carry_forward, Product::mtf};

enum class LeaderReach : uint8_t { filled, all_buys, all_sells };

// The target with the leader at `reach`. `price_hint`: the price per unit to size a new
// position at when the leader has not opened one yet (a working order's limit price).
[[nodiscard]] Target target_of(const CopyState& state, const FollowerSettings& follower,
                               const InstrumentKey& instrument, Product follower_product,
                               LeaderReach reach = LeaderReach::filled, int64_t price_hint = 0);

// The leader products that map to `follower_product` for this follower (a product the
// follower may not trade maps to its substitute, disallowed_product). A fixed array, not a
// vector: target_of asks for every follower on every fill.
struct LeaderProducts {
  std::array<Product, 4> items{};
  size_t count = 0;
  const Product* begin() const { return items.data(); }
  const Product* end() const { return items.data() + count; }
};
[[nodiscard]] LeaderProducts leader_products_of(const FollowerSettings& follower,
                                                Product follower_product);

// The fold's part: keeps each position's TargetBasis as the leader's fills move its net
// (called by apply() with the net before and after a leader fill).
void update_bases(CopyState& state, const LeaderOrderUpdate& update, int64_t net_before,
                  int64_t net_after);

// Whether a follower's policy sizes from a basis (capital_proportional, risk_based).
[[nodiscard]] bool keeps_basis(const FollowerSettings& follower);

// A follower's settings changed (a restart with a new config). One that now sizes from a
// basis and did not gets one for each position the leader holds, as of now (today's
// capitals, the leader's latest fill price, the leader's net as its peak); one that no
// longer does loses its own.
void rebase(CopyState& state, const FollowerSettings& before, const FollowerSettings& after);

}  // namespace tandem::domain
