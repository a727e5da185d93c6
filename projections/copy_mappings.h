// Copy mappings: for each leader order, what each follower has of it — the client tags of
// every intent, the order that modifies and cancels apply to, its broker order id once
// acknowledged, its quantity and state. The engine reconciles unacknowledged intents by tag
// from here after a restart; decide() finds the follower order to modify or cancel here.
#pragma once

#include <boost/container/flat_map.hpp>

#include <utility>

#include "domain/events.h"
#include "projections/id_map.h"

namespace tandem::projections {

struct FollowerCopy {
  uint32_t next_ordinal = 1;              // the next action's ordinal (tags are unique by it)
  domain::ClientTag placed_tag;           // the live order modifies and cancels apply to
  domain::BrokerOrderId broker_order_id;  // of that order, once acknowledged
  domain::OrderTerms order;               // as last placed or modified
  domain::OrderStatus status = domain::OrderStatus::pending;
  int64_t filled_units = 0;
  bool cancel_sent = false;
  // The last modify was refused, or never sent: at the broker the order rests on its earlier
  // terms, whatever `order` says (it takes a modify's terms when the intent is made).
  bool modify_refused = false;
  bool operator==(const FollowerCopy&) const = default;
};

// Whose copy an intent's tag belongs to, and what the intent did.
struct TagOwner {
  domain::LeaderOrderId leader_order_id;
  domain::FollowerId follower;
  domain::CopyAction action = domain::CopyAction::skip;
  bool operator==(const TagOwner&) const = default;
};

// One leader order's copies, by follower: a sorted array, as few followers copy any one order
// and decisions come in follower order (appends). Beside a std::map it saves a node per copy,
// which replay builds and frees by the hundred thousand. Inserting moves the copies after it.
using FollowerCopies = boost::container::flat_map<domain::FollowerId, FollowerCopy>;

struct CopyMappings {
  IdMap<domain::LeaderOrderId, FollowerCopies> by_leader;
  IdMap<domain::ClientTag, TagOwner> by_tag;  // every intent's tag

  [[nodiscard]] const FollowerCopy* find(const domain::LeaderOrderId& leader,
                                         const domain::FollowerId& follower) const;
  // A leader order's copies; nullptr when it has none.
  [[nodiscard]] const FollowerCopies* copies_of(const domain::LeaderOrderId& leader) const;
  bool operator==(const CopyMappings&) const = default;
};

// `follower`'s copy among `copies` (nullptr for none); nullptr when it has none.
[[nodiscard]] const FollowerCopy* copy_in(const FollowerCopies* copies,
                                          const domain::FollowerId& follower);

// The fold, in place (replay's hot loop); evolve() is the same as a pure function.
void apply(CopyMappings& state, const domain::Event& event);
[[nodiscard]] inline CopyMappings evolve(CopyMappings state, const domain::Event& event) {
  apply(state, event);
  return state;
}

}  // namespace tandem::projections
