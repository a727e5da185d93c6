// Follower places whose outcome stayed unknown after the dispatcher's look-again
// (dispatcher.h): their sends and every lookup by tag failed, so the order may be at the
// broker. Nothing is journaled for one: its intent stays unanswered, which the core counts
// as a working order (so nothing is placed in its stead), and the changes that wait for its
// ack stay parked. Each is looked up by its tag again every `every` until an answer settles
// it: the broker's book (acknowledged; or absent, then sent under its tag), a follower
// order report under its tag, or, after a stop, the next start's reconcile.
// Thread-safety: the engine's thread only.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "domain/events.h"

namespace tandem::engine {

class UnknownPlaces {
 public:
  using Time = std::chrono::steady_clock::time_point;
  using LeaderTime = std::optional<Time>;
  struct Place {
    domain::FollowerOrderIntent intent;
    LeaderTime leader_received;
    Time look_at;
    bool looking = false;  // a lookup is with the dispatcher
  };

  explicit UnknownPlaces(std::chrono::milliseconds every) : every_(every) {}

  // Keeps `intent` (a place) to be looked up `every` after `now`; true when it is new.
  bool keep(const domain::FollowerOrderIntent& intent, LeaderTime leader_received, Time now);
  // The places due at `now` and not being looked up; each is marked as being looked up.
  std::vector<Place> take_due(Time now);
  // Removes the place of `tag`; what it was, if it was kept.
  std::optional<Place> settle(const domain::ClientTag& tag);
  [[nodiscard]] const Place* find(const domain::ClientTag& tag) const;
  [[nodiscard]] size_t size() const { return places_.size(); }
  [[nodiscard]] const std::map<domain::ClientTag, Place>& all() const { return places_; }

 private:
  std::chrono::milliseconds every_;
  std::map<domain::ClientTag, Place> places_;
};

}  // namespace tandem::engine
