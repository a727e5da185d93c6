// The deterministic client tag of a follower order (DESIGN.md invariant 2): the same leader
// order, follower and action ordinal always give the same tag, so a retry or a restart can
// find the order at the broker (Kite `tag`, Dhan `correlationId`) instead of placing it twice.
// Kite allows at most 20 alphanumeric characters: the leader's tag code (up to 3; none with
// one leader), 13 base-36 digits of a 64-bit FNV-1a hash of (leader order id, follower), and
// the ordinal in base 36.
#pragma once

#include <cstdint>
#include <string_view>

#include "domain/base/ids.h"

namespace tandem::domain {

inline constexpr size_t kMaxClientTagLength = 20;

// `code`: the leader's tag code (LeaderConfigured::tag_code), put first, so that the tag names
// the leader; empty with one leader. REQUIRES: at most kMaxTagCodeLength alphanumerics.
[[nodiscard]] ClientTag client_tag(const LeaderOrderId& leader_order, const FollowerId& follower,
                                   uint32_t ordinal, std::string_view code = {});
inline constexpr size_t kMaxTagCodeLength = 3;

// The journal's key for a second order a broker holds under one of our tags (a tag reused by
// hand, an autoslice child): "<tag>+<its broker order id>". Never sent to a broker; it keeps
// that order's reports and fills apart from those of the order the tag placed.
[[nodiscard]] ClientTag second_order_tag(const ClientTag& tag, const BrokerOrderId& order);

}  // namespace tandem::domain
