#include "domain/events.h"

#include <array>

#include "domain/base/assert.h"

namespace tandem::domain {

namespace {
constexpr std::array<std::string_view, kMaxEventType> kNames = {"EngineStarted",
                                                                "EngineStopped",
                                                                "TradingDayOpened",
                                                                "BrokerConnectionChanged",
                                                                "LeaderConfigured",
                                                                "FollowerConfigured",
                                                                "FollowerPaused",
                                                                "FollowerResumed",
                                                                "InstrumentSnapshot",
                                                                "LeaderOrderUpdate",
                                                                "FundsSnapshot",
                                                                "PositionsSnapshot",
                                                                "CopyDecision",
                                                                "FollowerOrderIntent",
                                                                "FollowerOrderAck",
                                                                "FollowerOrderRejected",
                                                                "FollowerOrderUpdate",
                                                                "MarketCalendarConfigured",
                                                                "FollowerFlattenRequested",
                                                                "AlertRaised"};
// The variant lists the events in wire-id order, so wire id = index + 1.
static_assert(std::variant_size_v<Event> == kMaxEventType);
}  // namespace

EventType event_type(const Event& event) { return static_cast<EventType>(event.index() + 1); }

std::string_view to_string(EventType type) {
  const auto i = static_cast<size_t>(type);
  TANDEM_REQUIRE(i >= 1 && i <= kMaxEventType, i);
  return kNames[i - 1];
}

}  // namespace tandem::domain
