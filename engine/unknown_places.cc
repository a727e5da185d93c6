#include "engine/unknown_places.h"

#include "domain/base/assert.h"

namespace tandem::engine {

bool UnknownPlaces::keep(const domain::FollowerOrderIntent& intent, LeaderTime leader_received,
                         Time now) {
  TANDEM_REQUIRE(intent.action == domain::CopyAction::place, intent.tag.value);
  const auto [it, added] = places_.try_emplace(intent.tag);
  it->second = Place{intent, leader_received, now + every_, false};
  return added;
}

std::vector<UnknownPlaces::Place> UnknownPlaces::take_due(Time now) {
  std::vector<Place> due;
  for (auto& [tag, place] : places_) {
    if (place.looking || place.look_at > now) continue;
    place.looking = true;
    due.push_back(place);
  }
  return due;
}

std::optional<UnknownPlaces::Place> UnknownPlaces::settle(const domain::ClientTag& tag) {
  const auto it = places_.find(tag);
  if (it == places_.end()) return std::nullopt;
  Place place = std::move(it->second);
  places_.erase(it);
  return place;
}

const UnknownPlaces::Place* UnknownPlaces::find(const domain::ClientTag& tag) const {
  const auto it = places_.find(tag);
  return it == places_.end() ? nullptr : &it->second;
}

}  // namespace tandem::engine
