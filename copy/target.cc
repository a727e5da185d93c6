#include "copy/target.h"

#include <algorithm>
#include <array>
#include <limits>

#include "copy/value_or.h"
#include "domain/base/assert.h"
#include "domain/risk/risk_checks.h"

namespace tandem::domain {

namespace {

using i128 = __int128;

int64_t saturate(i128 v) {
  constexpr i128 kMax = std::numeric_limits<int64_t>::max();
  if (v > kMax) return std::numeric_limits<int64_t>::max();
  if (v < -kMax) return -std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(v);
}

int sign_of(int64_t v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); }

int64_t abs64(int64_t v) { return v < 0 ? -v : v; }

// `micro` (millionths of a unit, signed) in whole lots: toward zero, or to the nearest lot
// (ties toward zero) with carry_remainder. Either way zero stays zero.
int64_t round_to_lots(i128 micro, int64_t lot, bool nearest) {
  const i128 unit_micro = i128(lot) * 1'000'000;
  i128 lots = micro / unit_micro;  // toward zero
  if (nearest) {
    const i128 rest = micro - lots * unit_micro;
    if (2 * rest > unit_micro) ++lots;
    if (2 * rest < -unit_micro) --lots;
  }
  return saturate(lots * lot);
}

// The policy's target for a leader net of `net` (leader terms, before caps and reverse).
Target policy_target(const CopyState& s, const FollowerSettings& f, const InstrumentKey& key,
                     Product leader_product, int64_t lot, int64_t net, int64_t price_hint) {
  if (net == 0) return {};
  // Only these two policies keep a basis (a lookup copies the key's strings: skip it).
  const TargetBasis* basis = nullptr;
  if (keeps_basis(f)) {
    const auto it = s.bases.find(BasisKeyLess::View{f.follower, key, leader_product});
    if (it != s.bases.end() && it->second.sign == sign_of(net)) basis = &it->second;
  }
  i128 micro = 0;
  switch (f.sizing) {
    case SizingPolicy::multiplier:
    case SizingPolicy::fixed_ratio:
      micro = i128(net) * f.ratio_ppm;
      break;
    case SizingPolicy::capital_proportional: {
      const int64_t leader_cap =
          basis ? basis->leader_capital_paise
                : value_or(s.funds_paise, leader_account(s, f.leader), int64_t{0});
      const int64_t follower_cap =
          basis ? basis->follower_capital_paise : value_or(s.funds_paise, f.account, int64_t{0});
      if (leader_cap <= 0 || follower_cap <= 0) return {0, SkipReason::no_capital_snapshot};
      micro = i128(net) * follower_cap * 1'000'000 / leader_cap;
      break;
    }
    case SizingPolicy::risk_based: {
      const int64_t capital =
          basis ? basis->follower_capital_paise : value_or(s.funds_paise, f.account, int64_t{0});
      const int64_t price = basis ? basis->price_paise : price_hint;
      if (capital <= 0) return {0, SkipReason::no_capital_snapshot};
      if (price <= 0) return {0, SkipReason::no_reference_price};
      const i128 budget_lots = i128(f.max_position_pct_bp) * capital / (i128(10'000) * price * lot);
      const int64_t peak = std::max(basis ? basis->peak_units : 0, abs64(net));
      // Whole lots of the budget in proportion to the leader's exits since its peak.
      const i128 lots = budget_lots * abs64(net) / peak;
      if (lots == 0) return {0, SkipReason::below_one_lot};
      return {saturate(lots * lot * sign_of(net)), SkipReason::none};
    }
  }
  const int64_t units = round_to_lots(micro, lot, f.carry_remainder);
  return {units, units == 0 ? SkipReason::below_one_lot : SkipReason::none};
}

// The position caps, in whole lots; `price`: per unit, for the value cap.
Target cap(const FollowerSettings& f, Target t, int64_t lot, int64_t price) {
  int64_t max_abs = std::numeric_limits<int64_t>::max();
  if (f.max_position_units > 0) max_abs = f.max_position_units / lot * lot;
  if (f.max_position_value_paise > 0) {
    if (price <= 0) return {0, SkipReason::no_reference_price};
    max_abs = std::min(max_abs, f.max_position_value_paise / price / lot * lot);
  }
  if (abs64(t.units) <= max_abs) return t;
  return {sign_of(t.units) * max_abs, SkipReason::max_position_reached};
}

}  // namespace

int64_t order_cap_units(const Instrument& i) {
  const int64_t lot = lot_unit(i);
  return i.freeze_qty_units <= 0 ? 0 : i.freeze_qty_units / lot * lot;
}

LeaderSide leader_side(const CopyState& s, const LeaderId& leader, const InstrumentKey& instrument,
                       Product product) {
  LeaderSide out;
  out.net_units = s.positions.net(leader_book(s, leader), instrument, product);
  const auto working = s.leader_working.find(leader);
  if (working == s.leader_working.end()) return out;
  const auto w = working->second.find(InstrumentProductLess::View{instrument, product});
  if (w != working->second.end()) {
    out.working_buy_units = w->second.buy_units;
    out.working_sell_units = w->second.sell_units;
  }
  return out;
}

LeaderProducts leader_products_of(const FollowerSettings& f, Product fproduct) {
  LeaderProducts out;
  for (const Product p : kAllProducts) {
    if (follower_product(f, p) == fproduct) out.items[out.count++] = p;
  }
  return out;
}

Target target_of(const CopyState& s, const FollowerSettings& f, const InstrumentKey& key,
                 Product follower_product, LeaderReach reach, int64_t price_hint) {
  const auto inst = s.instruments.find(key);
  if (inst == s.instruments.end()) return {0, SkipReason::unknown_instrument};
  if (!instrument_allowed(f, inst->second)) return {0, SkipReason::instrument_not_allowed};
  if (!s.flattened.empty() && s.flattened.contains({f.follower, key})) {
    return {0, SkipReason::flattened};
  }
  const int64_t lot = lot_unit(inst->second);
  // In follower terms the leader's buys are the follower's sells under reverse.
  const LeaderReach leader_reach =
      !f.reverse || reach == LeaderReach::filled
          ? reach
          : (reach == LeaderReach::all_buys ? LeaderReach::all_sells : LeaderReach::all_buys);
  Target total;
  int64_t price = price_hint;
  for (const Product p : leader_products_of(f, follower_product)) {
    const LeaderSide side = leader_side(s, f.leader, key, p);
    int64_t net = side.net_units;
    if (leader_reach == LeaderReach::all_buys) net += side.working_buy_units;
    if (leader_reach == LeaderReach::all_sells) net -= side.working_sell_units;
    const Target t = policy_target(s, f, key, p, lot, net, price_hint);
    total.units += t.units;
    if (t.why != SkipReason::none) total.why = t.why;
    if (f.max_position_value_paise > 0 && keeps_basis(f)) {  // the value cap's price
      const auto basis = s.bases.find(BasisKeyLess::View{f.follower, key, p});
      if (basis != s.bases.end() && basis->second.price_paise > 0)
        price = basis->second.price_paise;
    }
  }
  if (price <= 0 && f.max_position_value_paise > 0) {
    price = value_or(s.reference_price_paise, key, int64_t{0});
  }
  Target capped = cap(f, total, lot, price);
  if (capped.units != 0 && capped.why == SkipReason::below_one_lot) capped.why = SkipReason::none;
  if (f.reverse) capped.units = -capped.units;
  return capped;
}

void update_bases(CopyState& s, const LeaderOrderUpdate& u, int64_t before, int64_t after) {
  if (before == after) return;
  for (const auto& [id, f] : s.followers) {
    // A lookup per follower and fill: only those that use one, and follow this leader.
    if (!keeps_basis(f) || f.leader != u.leader) continue;
    const BasisKeyLess::View key{id, u.instrument, u.product};
    auto it = s.bases.find(key);
    if (after == 0) {
      if (it != s.bases.end()) s.bases.erase(it);
      continue;
    }
    if (it == s.bases.end() || it->second.sign != sign_of(after)) {
      TargetBasis b;
      b.sign = sign_of(after);
      b.leader_capital_paise = value_or(s.funds_paise, leader_account(s, u.leader), int64_t{0});
      b.follower_capital_paise = value_or(s.funds_paise, f.account, int64_t{0});
      b.price_paise = u.average_price_paise;
      b.peak_units = abs64(after);
      if (it == s.bases.end()) it = s.bases.emplace(BasisKey{id, u.instrument, u.product}, b).first;
      it->second = b;
      continue;
    }
    it->second.peak_units = std::max(it->second.peak_units, abs64(after));
  }
}

bool keeps_basis(const FollowerSettings& f) {
  return f.sizing == SizingPolicy::capital_proportional || f.sizing == SizingPolicy::risk_based;
}

void rebase(CopyState& s, const FollowerSettings& before, const FollowerSettings& after) {
  if (keeps_basis(before) == keeps_basis(after) && before.leader == after.leader) return;
  std::erase_if(s.bases, [&](const auto& kv) { return std::get<0>(kv.first) == after.follower; });
  if (!keeps_basis(after)) return;
  const auto& positions = s.positions.by_key;
  const projections::Book leader = leader_book(s, after.leader);
  for (auto it =
           positions.lower_bound(projections::PositionKey{leader.account, leader.leader, {}, {}});
       it != positions.end() && it->first.account == leader.account &&
       it->first.leader == leader.leader;
       ++it) {
    const int64_t net = it->second.net_qty_units;
    if (net == 0) continue;
    TargetBasis b;
    b.sign = sign_of(net);
    b.leader_capital_paise = value_or(s.funds_paise, leader.account, int64_t{0});
    b.follower_capital_paise = value_or(s.funds_paise, after.account, int64_t{0});
    b.price_paise = value_or(s.reference_price_paise, it->first.instrument, int64_t{0});
    b.peak_units = abs64(net);
    s.bases.emplace(BasisKey{after.follower, it->first.instrument, it->first.product}, b);
  }
}

}  // namespace tandem::domain
