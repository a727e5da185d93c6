// The value a map holds for a key, or a fallback: the core's lookups of funds, prices and
// marks, where a missing entry means "not known yet".
#pragma once

namespace tandem::domain {

template <class Map, class Key>
auto value_or(const Map& map, const Key& key, typename Map::mapped_type fallback) {
  const auto it = map.find(key);
  return it == map.end() ? fallback : it->second;
}

}  // namespace tandem::domain
