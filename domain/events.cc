#include "domain/events.h"

#include <array>

#include "domain/base/assert.h"
#include "domain/base/enum_names.h"

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
                                                                "AlertRaised",
                                                                "PriceSnapshot",
                                                                "LossGuardTripped",
                                                                "ClockTick",
                                                                "FollowerOrderFound"};
// The variant lists the events in wire-id order, so wire id = index + 1.
static_assert(std::variant_size_v<Event> == kMaxEventType);
}  // namespace

EventType event_type(const Event& event) { return static_cast<EventType>(event.index() + 1); }

std::string_view to_string(EventType type) {
  const auto i = static_cast<size_t>(type);
  TANDEM_REQUIRE(i >= 1 && i <= kMaxEventType, i);
  return kNames[i - 1];
}

std::string_view to_string(GuardLimit v) {
  return enum_name(std::array<std::string_view, 2>{"max_daily_loss", "profit_target"}, v);
}

std::string_view to_string(LossGuardAction v) {
  return enum_name(std::array<std::string_view, 3>{"exits_only", "stop", "flatten"}, v);
}

const FollowerId* decided_for(const Event& event) {
  if (const auto* c = std::get_if<CopyDecision>(&event)) return &c->follower;
  if (const auto* i = std::get_if<FollowerOrderIntent>(&event)) return &i->follower;
  if (const auto* g = std::get_if<LossGuardTripped>(&event)) return &g->follower;
  return nullptr;
}

}  // namespace tandem::domain
