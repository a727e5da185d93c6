#include "replay/state_view.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "copy/loss_guard.h"
#include "domain/base/money.h"
#include "journal/codec.h"

namespace tandem::replay {

namespace {

namespace d = ::tandem::domain;
namespace json = boost::json;

json::object money(int64_t paise) { return {{"paise", paise}, {"text", d::paise_text(paise)}}; }

json::value settings_json(const d::FollowerSettings& settings) {
  // The journal's own JSON of the settings record: every field, named as in the journal.
  auto text = journal::event_to_json(d::FollowerConfigured{settings});
  if (!text.ok()) return json::string(text.status().message());
  return json::parse(*text).as_object()["settings"];
}

json::object counters_json(const projections::DayCounters& c) {
  json::object skipped;
  for (const auto& [reason, n] : c.skipped) skipped[d::to_string(reason)] = n;
  return {{"orders_placed", c.orders_placed},
          {"orders_rejected", c.orders_rejected},
          {"turnover", money(c.turnover_paise)},
          {"skipped", std::move(skipped)}};
}

// The positions of one book: a follower's share of its account.
json::array positions_json(const d::CopyState& state, projections::Book book) {
  json::array out;
  for (const auto& [key, p] : state.positions.by_key) {
    if (key.account != book.account || key.leader != book.leader) continue;
    if (p.net_qty_units == 0 && p.realized_pnl_paise == 0) continue;
    out.push_back(json::object{{"instrument", d::to_text(key.instrument)},
                               {"product", d::to_string(key.product)},
                               {"net_units", p.net_qty_units},
                               {"average_price", money(p.average_price_paise())},
                               {"realized_pnl", money(p.realized_pnl_paise)}});
  }
  return out;
}

json::array open_copies_json(const d::CopyState& state, const d::FollowerId& follower) {
  // In leader order id order: the index itself is unordered.
  std::vector<const d::LeaderOrderId*> leader_orders;
  for (const auto& [id, copies] : state.mappings.by_leader) leader_orders.push_back(&id);
  std::sort(leader_orders.begin(), leader_orders.end(),
            [](const auto* a, const auto* b) { return *a < *b; });
  json::array out;
  for (const d::LeaderOrderId* id : leader_orders) {
    const d::LeaderOrderId& leader_order = *id;
    const auto& copies = state.mappings.by_leader.at(leader_order);
    const auto it = copies.find(follower);
    if (it == copies.end() || it->second.placed_tag.value.empty()) continue;
    const projections::FollowerCopy& c = it->second;
    if (projections::status_rank(c.status) == 2) continue;  // final: not open any more
    out.push_back(json::object{{"leader_order_id", leader_order.value},
                               {"tag", c.placed_tag.value},
                               {"broker_order_id", c.broker_order_id.value},
                               {"instrument", d::to_text(c.order.instrument)},
                               {"side", d::to_string(c.order.side)},
                               {"order_type", d::to_string(c.order.order_type)},
                               {"quantity_units", c.order.quantity_units},
                               {"price", money(c.order.price_paise)},
                               {"status", d::to_string(c.status)},
                               {"filled_units", c.filled_units}});
  }
  return out;
}

}  // namespace

json::object follower_state_json(const d::CopyState& state, const d::FollowerId& follower) {
  const d::FollowerSettings& settings = state.followers.at(follower);
  const auto funds = state.funds_paise.find(settings.account);
  json::object out;
  out["follower"] = follower.value;
  out["account"] = settings.account.value;
  out["broker"] = d::to_string(settings.broker);
  out["leader"] = settings.leader.value;
  out["paused"] = state.paused.contains(follower);
  out["funds"] =
      funds == state.funds_paise.end() ? json::value(nullptr) : json::value(money(funds->second));
  out["today"] = counters_json(state.counters.today(follower));
  // The daily loss guard as it stood: the day's P&L at the journaled marks, and its action
  // once it had tripped. With several leaders, the account's, and this share's own.
  out["day_pnl"] = money(d::day_pnl_paise(state, settings));
  out["share_pnl"] = money(d::share_day_pnl_paise(state, settings));
  const d::DayGuard* guard = d::tripped_guard(state, follower);
  out["loss_guard"] =
      guard != nullptr ? json::value(d::to_string(guard->action)) : json::value(nullptr);
  out["positions"] = positions_json(state, d::book_of(settings));
  out["open_copies"] = open_copies_json(state, follower);
  out["settings"] = settings_json(settings);
  return out;
}

}  // namespace tandem::replay
