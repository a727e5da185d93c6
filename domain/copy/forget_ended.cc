#include "domain/copy/forget_ended.h"

#include <vector>

namespace tandem::domain {

namespace {

// Whether every copy has ended: never placed, or final at its broker and working nowhere.
bool ended(const projections::Positions& p, const projections::FollowerCopies& copies) {
  for (const auto& [follower, copy] : copies) {
    if (copy.placed_tag.empty()) continue;  // never placed
    if (projections::status_rank(copy.status) != 2) return false;
    const auto order = p.follower_orders.find(copy.placed_tag);
    if (order != p.follower_orders.end() && order->second.working_units() != 0) return false;
  }
  return true;
}

}  // namespace

void forget_ended_orders(CopyState& s) {
  std::vector<LeaderOrderId> gone;
  for (const auto& [id, order] : s.orders.leader) {
    if (projections::status_rank(order.status) != 2) continue;
    const projections::FollowerCopies* copies = s.mappings.copies_of(id);
    if (copies == nullptr || ended(s.positions, *copies)) gone.push_back(id);
  }
  if (gone.empty()) return;
  for (const LeaderOrderId& id : gone) {
    s.ended_leader_orders.emplace(id, s.day);
    s.orders.leader.erase(id);
    s.positions.leader_fills.erase(id);
    s.mappings.by_leader.erase(id);
  }
  // Every tag of a forgotten order: its copies' intents, found through by_tag's owners.
  boost::unordered::erase_if(s.mappings.by_tag, [&](const auto& entry) {
    const auto& [tag, owner] = entry;
    if (!s.ended_leader_orders.contains(owner.leader_order_id)) return false;
    s.orders.follower.erase(tag);
    s.positions.follower_orders.erase(tag);
    s.counters.placed.erase(tag);
    return true;
  });
}

}  // namespace tandem::domain
