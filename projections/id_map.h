// The projections' by-id indexes (client tags, leader order ids): open-addressing hash maps
// from Boost.Unordered, a header-only container with no I/O (tools/tidy allows this one
// header in the core). A lookup probes one contiguous array instead of walking a bucket's
// linked nodes, and a map frees one array instead of a node per entry: replay --verify over
// a million records ran 20–30% faster than with std::unordered_map. Nothing iterates
// these maps in an order that matters (snapshots sort them). Entries move when a map grows,
// so no pointer or reference into one may be held across an insertion into the same map.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

#include <functional>

namespace tandem::projections {

template <class Key, class Value>
using IdMap = boost::unordered_flat_map<Key, Value, std::hash<Key>>;

}  // namespace tandem::projections
