// Strong string ids. Broker ids stay strings: Kite order ids are up to 19 digits and do not
// fit a double, Dhan ids are strings on the wire (brokers.md §1.2, §3.5).
#pragma once

#include <compare>
#include <functional>
#include <string>

namespace tandem::domain {

template <class Tag>
struct StringId {
  std::string value;
  auto operator<=>(const StringId&) const = default;
  bool empty() const { return value.empty(); }
};

using AccountId = StringId<struct AccountIdTag>;    // our name for a broker account
using FollowerId = StringId<struct FollowerIdTag>;  // a configured follower
// A configured leader's name; empty when the configuration has one leader (`[leader]`), as
// every journal before many leaders (issue 27) has.
using LeaderId = StringId<struct LeaderIdTag>;
using LeaderOrderId = StringId<struct LeaderOrderIdTag>;  // the leader broker's order id
using BrokerOrderId = StringId<struct BrokerOrderIdTag>;  // a follower broker's order id
using ClientTag = StringId<struct ClientTagTag>;          // Kite `tag` / Dhan `correlationId`

}  // namespace tandem::domain

// Ids hash as their text, for the projections' by-id indexes (unordered: every lookup is one
// hash, not a walk of string comparisons; nothing iterates them in an order that matters).
template <class Tag>
struct std::hash<tandem::domain::StringId<Tag>> {
  size_t operator()(const tandem::domain::StringId<Tag>& id) const noexcept {
    return std::hash<std::string>{}(id.value);
  }
};
