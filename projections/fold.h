// A projection is a left fold of events (STYLE.md §2): replay, snapshots and the property
// tests all call exactly this. A snapshot plus the tail equals a rebuild from scratch.
#pragma once

#include <span>
#include <utility>

#include "domain/events.h"

namespace tandem::projections {

template <class State>
[[nodiscard]] State fold(State state, std::span<const domain::Event> events) {
  for (const domain::Event& event : events) state = evolve(std::move(state), event);
  return state;
}

}  // namespace tandem::projections
