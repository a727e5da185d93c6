#include "copy/forget_ended.h"

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

// An id is remembered for the day whose opening forgot its order, and dropped as the next
// day opens: its order belongs to a day before that one, and a broker reports only the
// day's orders (an order book is the day's), so the set stays one day of orders instead of
// the journal's every one.
void forget_earlier_ids(CopyState& s) {
  boost::unordered::erase_if(s.ended_leader_orders,
                             [&](const auto& entry) { return entry.second < s.day; });
}

// Keeps a tag-keyed map's arrays for the next day. After most of a map is erased, boost's
// anti-drift rule shrinks it on the next insert, and the day then grows it back through a
// dozen rehashes, each into fresh pages. clear() keeps the arrays and resets that rule; the
// survivors (orders working across the opening) are few, so they are put back by copy.
template <class Map>
void keep_capacity(Map& map) {
  const std::vector<typename Map::value_type> survivors(map.begin(), map.end());
  map.clear();
  map.insert(survivors.begin(), survivors.end());
}

}  // namespace

void forget_ended_orders(CopyState& s) {
  forget_earlier_ids(s);
  projections::IdMap<LeaderOrderId, bool> gone;  // true: an order the leader placed
  for (const auto& [id, order] : s.orders.leader) {
    if (projections::status_rank(order.status) != 2) continue;
    const projections::FollowerCopies* copies = s.mappings.copies_of(id);
    if (copies == nullptr || ended(s.positions, *copies)) gone.emplace(id, true);
  }
  // Orders Tandem made itself (a flatten's closing orders, flatten.h) have copies and no
  // leader order: they go once every copy has ended. No report of the leader's can name
  // them, so their ids need not be remembered.
  for (const auto& [id, copies] : s.mappings.by_leader) {
    if (!s.orders.leader.contains(id) && ended(s.positions, copies)) gone.emplace(id, false);
  }
  if (gone.empty()) return;
  for (const auto& [id, leaders] : gone) {
    if (leaders) s.ended_leader_orders.emplace(id, s.day);
    s.orders.leader.erase(id);
    s.positions.leader_fills.erase(id);
    s.mappings.by_leader.erase(id);
  }
  // Every tag of a forgotten order: its copies' intents, found through by_tag's owners.
  boost::unordered::erase_if(s.mappings.by_tag, [&](const auto& entry) {
    const auto& [tag, owner] = entry;
    if (!gone.contains(owner.leader_order_id)) return false;
    s.orders.follower.erase(tag);
    s.positions.follower_orders.erase(tag);
    s.counters.placed.erase(tag);
    return true;
  });
  keep_capacity(s.mappings.by_tag);
  keep_capacity(s.orders.follower);
  keep_capacity(s.positions.follower_orders);
  keep_capacity(s.counters.placed);
}

}  // namespace tandem::domain
